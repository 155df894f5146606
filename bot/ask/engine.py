"""AskEngine: a question in, a grounded Answer out — extractive by default, LLM-written when configured."""
from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bot.ask import about, extractive
from bot.ask.llm_answer import ask_llm, finalize
from bot.ask.lexical import stems
from bot.ask.position import where_in
from bot.ask.retrieval import Evidence, Retrieval, Retriever
from bot.saying import SAYING_PATTERN
from bot.ask.wording import as_question, asks_whether
from bot.chatter import asked_part, small_talk
from bot.library import EMPTY_LIBRARY, EPISODE_VECTORS, Library
from bot.llm import ChatLLM, LLMUnavailable
from bot.models import Answer, Citation, Summary
from bot.summary.text import is_content
from bot.timefmt import clock
from bot.verbatim import verify_quote
from ingest.errors import EpisodeNotFound

log = logging.getLogger(__name__)

# Abstention, calibrated on bench/data/ask_dev.jsonl (bench/retrieval.py --features): not found when the
# question names something said nowhere in the library and nothing is close, or its two most distinctive
# words are missing from the passages and the best passage is neither close nor clearly ahead of the rest.
UNKNOWN_WORD_MIN_DENSE = 0.45
UNKNOWN_TERM_MIN_DENSE = 0.50     # ...closer still when that word is a term or name ("mypy", "Duolingo", "phosphine")
UNKNOWN_SHARE = 0.12              # a word said nowhere refuses only as this share of the question's words: a long
#                                   question that describes its moment has room for a word of its own ("folks sitting
#                                   totally motionless in freezing tubs", "being totally unselfconscious")
# ...but these two rules and "two words said nowhere" do not refuse on one term or name (and any everyday words)
# said nowhere when the question runs to DESCRIBED_WORDS distinct words and describes a moment instead of asking
# whether a topic came up: a listener who retells the moment brings words of their own ("teen grapplers", "the
# latest mobile rollout", "the strap-on gizmo", "the sideman who hit a bum note"). Twelve sets at 97 episodes, both
# scopes: answerable questions refused 59 -> 42 of 956, unanswerable ones refused 106 -> 104 of 156.
DESCRIBED_WORDS = 12
NO_RARE_MIN_DENSE = 0.40
NO_RARE_MIN_MARGIN = 0.13
NO_RARE_MAX_WORDS = 7             # ...in a question of at most this many words: a listener who describes the moment
#                                   at length ("i recall him saying he did odd chores for cash as a kid so his mother
#                                   could keep the power on") brings rare words of their own that the passage words
#                                   otherwise; the two rarest are a short question's topic, a long one's detail. 9 until
#                                   stop 37: at 8-9 words this rule refused 9 answerable questions of the twelve sets
#                                   ("what were the two things he told young kids at the end? be nice and what else")
#                                   for 1 unanswerable (97 episodes, both scopes)
FLOOR_DENSE = 0.25                # nothing this close is "not found", unless the passages hold the question's two
#                                   rarest words ("what carl sagan book did clara say she identified with as a little
#                                   girl" reads 0.25 from the passage that answers it), or the best one its rarest,
#                                   a rare word (`Retrieval.rarest_hit`; these two rules: a terse "rascal acronym what
#                                   does it stand for" reads 0.20 from the passage that spells it out; seven sets at 319
#                                   episodes: wrong refusals 16 -> 13 in the episode and 13 -> 10 corpus-wide, right
#                                   ones unchanged)
# ...or it names two things (people, works, products) the scoped episode never mentions, in any spelling
ABSENT_NAMES = 2
ABSENT_NAMES_MAX_DENSE = 0.60
# ...or two of its words are said nowhere in scope ("sleep apnea and CPAP", "cannabis or CBD"): one such word
# is often a listener's paraphrase ("footballer", "feud"), two are a topic the episode does not have
UNKNOWN_WORDS = 2
UNKNOWN_WORDS_MAX_DENSE = 0.60
# ...or it asks whether a topic came up ("did he talk about poison gas in the trenches?") and two of the words it names
# the topic by, everyday ones too, are said nowhere in scope (across the library: one name or term no episode says)
TOPIC_ABSENT = 2
TOPIC_ABSENT_MAX_DENSE = 0.65     # 0.60 until blind set 7's "did vitalik talk about the DAO hack and the fork that
#                                   created ethereum classic" (0.60 from other Ethereum talk; "dao", "hack", "fork" said
#                                   nowhere in it): nine sets at 74 and 319 episodes, no answerable question refused
# ...inside an episode, one such word is enough when it is the topic's rarest in English ("did he talk about nicotine
# as a focus booster?", "does demis talk about his poker days at all?"): in hours of talk a topic that came up is
# named at least once. Thirteen sets at 103 episodes: unanswerables refused in the episode 96 -> 103 of 155, no
# answerable question refused (they hold only 2 "did he talk about…" questions); on the 60 answerable ones of
# bench/data/ask_whether.jsonl (half in the listener's own words) refusals 8 -> 10, both in the listener's word
# ("mortality", "teenager"), which the reply names so they can ask again in other words
# ...or it asks what the guest said or thinks about a topic ("what did jocko say about chris kyle and american
# sniper?") and three of the words it names the topic by, its rarest among them, are said nowhere in the episode:
# stricter than "whether", for such a question describes its topic and may do so in the listener's own words
OPINION_ABSENT = 3
TOPIC_UNSAID = "the topic asked about is never mentioned"
# the rules whose refusal names the question's words said nowhere in scope (`Retrieval.unsaid`)
WORDS_UNSAID = frozenset({"a word said nowhere", "a term said nowhere", "names never mentioned",
                          "two words said nowhere"})
MAX_QUESTION_CHARS = 2000
HOST_SHARE = 0.5         # a name said in this share of the episodes is the show's own (the host): no "not a guest"
NEAREST_MIN_WORDS = 4   # ...and its line says more than a name ("Elon Musk.")
NEAREST_PASSAGES = 5     # not found: the closest thing discussed is looked for in this many best passages
WHICH_EPISODE = ("Which episode do you mean? Pick one with the episode option, or name it in the question "
                 "(\"summarize episode 94\", \"what is the Ilya Sutskever episode about?\").")
# "what did Jeff Bezos say about…", "does Max Planck think…": a full name as the subject of a saying verb
_SPEAKER = re.compile(r"\b(?:did|does|do|has|have|would|will|could)\s+((?:[A-Z][\w'’.-]*\s+){1,3}[A-Z][\w'’-]+)\s+"
                      rf"(?:ever\s+)?(?:{SAYING_PATTERN})\b")
_FOLLOW_ON = re.compile(r"\b(after that|afterwards|what came next|next|then what|before that|go on|continue)\b",
                        re.I)


class AskEngine:
    def __init__(self, library: Library, llm: ChatLLM | None = None,
                 digest: Callable[[str], Summary] | None = None, cache_dir: Path | None = None):
        """`digest`: an episode's summary by id (the app's SummaryEngine), for "what is this episode about?".
        `cache_dir`: where the lexical index is kept between runs (None: rebuilt by every process)."""
        self.library = library
        self.llm = llm
        self.digest = digest
        self.retriever = Retriever(library, cache_dir)

    def warm(self) -> threading.Thread:
        """Build the lexical index now; then, in the background, work out each episode's framing and read the
        vectors a question inside an episode is compared with (its chunks', tiles' and wide passages', ~50-250 ms
        from the store per episode) for as many episodes as are kept in memory (`EPISODE_VECTORS`, the last ones in
        the library), so a first question about an episode costs what the next one does. Questions are answered
        meanwhile; what embeds an answer's citations is opened first. Returns the vectors' thread (benches wait
        for it)."""
        self.retriever.ensure_index()
        self.retriever.warm_framing()
        thread = threading.Thread(target=self._read_vectors, name="ask-vectors-warm", daemon=True)
        thread.start()
        return thread

    def _read_vectors(self) -> None:
        warm = getattr(self.library.embedder, "warm", None)
        if callable(warm):              # what embeds an answer's citations (`Retriever._settled`), opened now
            try:
                warm(long_calls=True)
            except Exception as exc:     # noqa: BLE001 - the first question's own call says what went wrong
                log.warning("warm-up could not open the embedder: %s: %s", type(exc).__name__, exc)
        for meta in self.library.episodes[-EPISODE_VECTORS:]:
            try:
                self.library.vectors(meta.episode_id)
                self.library.episode_tiles(meta.episode_id)
                self.library.wide(meta.episode_id)
            except EpisodeNotFound:              # forgotten meanwhile
                continue
            except Exception as exc:             # a store hiccup: those episodes are read on first use instead
                log.warning("warm-up stopped reading vectors: %s: %s", type(exc).__name__, exc)
                return

    # --- retrieval --------------------------------------------------------------------------------
    def scope(self, episode: str | None) -> list[str] | None:
        """The episodes the option names: one, or a guest's every episode when it names just the guest."""
        return None if not episode else [m.episode_id for m in self.library.episodes_of(episode)]

    def retrieve(self, question: str, episode: str | None = None, k: int = 5) -> Retrieval:
        """Passages for the question. Asked across all episodes, a question that names a guest ("what did
        Kasparov say about ...") is first answered from that guest's episodes — where the name no longer
        pulls the intro — and from everywhere only when those episodes have nothing good enough
        (corpus-wide recall@1 0.47 -> 0.54, recall@5 0.73 -> 0.81 on the dev set)."""
        # its mark after the asides are out: "ngl what does he think of X" asks "what does he think of X?"
        question = asked_part(question, self.retriever.is_guest_name)
        question = as_question(self.retriever.corrected(question[:MAX_QUESTION_CHARS]))
        scope = self.scope(episode)
        unknown_ref = None
        if scope is None:       # "In episode 190, …": that episode, as if picked with the episode option
            question, meta, unknown_ref = self.library.named_in(question)
            scope = [meta.episode_id] if meta else None
        where = where_in(question)          # "near the end, …": where, not what, to search for
        if where is not None:
            question = where.question
        named = None
        if scope is not None and len(scope) > 1:        # `--episode "Jim Keller"`: his episodes, as if the
            named, scope = scope, None                   # question had named him
        elif scope is None:
            named = self.retriever.named_guests(question)
        by_role = self.retriever.named_by_role(question) if scope is None and not named else []
        picked = named or by_role
        if picked:
            vectors = self.retriever.question_vectors(question)     # embedded once for both searches
            r = self.retriever.retrieve(question, picked, k=k, vectors=vectors, where=where)
            # The rules that say "not found" inside an episode say it here. Until stop 45 stricter ones did (a first
            # name may pick guests the question is not about: "john irving the writer"), but the answer was in the
            # named guest's episode far more often than not: seventeen sets at 120 episodes, corpus-wide wrong
            # refusals 21 -> 15 of 622 for 4 more of 131 unanswerables naming their guest answered (94 -> 90).
            if AskEngine.abstain_reason(r) is None:
                r.scope, r.extra["guest_episodes"] = None, picked
                return r
            # "did Jim Keller talk about psychedelics?": not in his episode is the answer; where else it
            # came up is read from everywhere, for the not-found message to point at
            r = self.retriever.retrieve(question, None, k=k, vectors=vectors, where=where)
            if named:          # a role may be someone the guest talked about ("the iphone guy"): no verdict
                r.extra["not_in"] = named
            return r
        r = self.retriever.retrieve(question, scope, k=k, where=where)
        if unknown_ref:
            r.extra["unknown_episode"] = unknown_ref
        if scope is None:
            speaker = _SPEAKER.search(question)
            if speaker and not self.retriever.is_guest_name(speaker.group(1)) \
                    and self.retriever.said_in_share(speaker.group(1)) < HOST_SHARE:
                r.extra["not_a_guest"] = speaker.group(1)      # answered from what others said of it
        return r

    @staticmethod
    def should_abstain(r: Retrieval) -> bool:
        return AskEngine.abstain_reason(r) is not None

    @staticmethod
    def abstain_reason(r: Retrieval) -> str | None:
        """Which rule says "not found" (None: answer). Named, so the log and bench/abstention.py can tell."""
        if not r.evidence:
            return "no passages"
        if r.extra.get("not_in"):
            return "not in the named guest's episodes"
        if r.best_dense < FLOOR_DENSE and not (r.rare_hit or r.rarest_hit):
            return "nothing close"
        described = r.words >= DESCRIBED_WORDS and r.unknown_terms <= 1 \
            and not asks_whether(r.question)
        if r.unknown >= 1 and r.best_dense < UNKNOWN_WORD_MIN_DENSE and r.unknown >= UNKNOWN_SHARE * r.words \
                and not described:
            return "a word said nowhere"
        if r.unknown_terms and r.best_dense < UNKNOWN_TERM_MIN_DENSE and not described:
            return "a term said nowhere"
        if r.absent_names >= ABSENT_NAMES and r.best_dense < ABSENT_NAMES_MAX_DENSE:
            return "names never mentioned"
        if r.unknown >= UNKNOWN_WORDS and r.best_dense < UNKNOWN_WORDS_MAX_DENSE and not described:
            return "two words said nowhere"
        if r.topic_opinion:
            if len(r.topic_unsaid) >= OPINION_ABSENT and r.topic_rarest_unsaid \
                    and r.best_dense < TOPIC_ABSENT_MAX_DENSE:
                return TOPIC_UNSAID
        elif (len(r.topic_unsaid) >= (1 if r.topic_library_wide else TOPIC_ABSENT)
                or r.topic_rarest_unsaid) and r.best_dense < TOPIC_ABSENT_MAX_DENSE:
            return TOPIC_UNSAID
        # a passage clearly ahead of the rest (margin) stands, unless the question names someone or something
        # the episode never mentions ("What does Guido think about Rust?": Python talk, far ahead, no Rust)
        if not (r.rare_hit or r.rarest_hit) and r.best_dense < NO_RARE_MIN_DENSE and r.words <= NO_RARE_MAX_WORDS \
                and (r.margin < NO_RARE_MIN_MARGIN or r.absent_names > 0):
            return "distinctive words missing, nothing clearly ahead"
        return None

    def citation(self, e: Evidence) -> Citation:
        meta = self.library.meta(e.episode_id)
        return Citation(episode_id=e.episode_id, title=meta.title, start=e.start, end=e.end, text=e.text,
                        url=meta.link(e.start), score=round(e.score, 5), speaker=e.sentences[0].speaker)

    # --- answering --------------------------------------------------------------------------------
    def answer(self, question: str, episode: str | None = None, history: list | None = None) -> Answer:
        # "hey podbot, … thx 🙏": the question, not the chat around it
        question = asked_part(question, self.retriever.is_guest_name)
        if not question:
            return Answer(question="", answer="Ask a question about the episodes.", abstained=True,
                          mode="extractive")
        talk = small_talk(question)         # "thanks!", "hi", "help": nothing to search the episodes for
        if talk is not None:
            return Answer(question=question, answer=talk, abstained=True, mode="extractive")
        self.library.refresh()
        if not self.library.episodes:
            return Answer(question=question, answer=EMPTY_LIBRARY, abstained=True, mode="extractive")
        note = None
        if len(question) > MAX_QUESTION_CHARS:
            note = f"Your question was long; only its first {MAX_QUESTION_CHARS} characters were used."
        pairs = [(h.question, h.answer) if isinstance(h, Answer) else tuple(h) for h in (history or [])]
        follow = self._follow_on(question, history or [])
        if follow is not None:
            return follow
        own = self._about_episode(question, episode)
        if own is not None:
            return own
        query = question
        if pairs and len(question.split()) < 12:
            query = f"{pairs[-1][0]} {question}"          # short follow-ups lean on the previous question
        began = time.perf_counter()
        r = self.retrieve(query, episode)
        log.info("retrieved %d passages in %.0f ms", len(r.evidence), (time.perf_counter() - began) * 1000)
        scope = r.scope[0] if r.scope else None
        if r.extra.get("not_a_guest"):
            guest = f"No episode here has {r.extra['not_a_guest']} as its guest; these are the passages nearest the question."
            note = f"{note} {guest}" if note else guest
        if r.extra.get("unknown_episode"):
            missing = f"There is no {r.extra['unknown_episode']} in the library, so I searched every episode."
            note = f"{note} {missing}" if note else missing
        reason = self.abstain_reason(r)
        if reason:
            log.info("not found: %s", reason)
            return self._not_found(question, r, scope, note, reason)
        citations = [self.citation(e) for e in r.evidence]
        if self.llm is not None:
            try:
                return self._llm_answer(question, r, pairs, scope, note)
            except LLMUnavailable as exc:
                note = f"The language model was unavailable ({exc.reason}); showing transcript passages instead."
        return Answer(question=question, answer=extractive.compose(citations, [e.score for e in r.evidence]),
                      abstained=False, mode="extractive", citations=citations, note=note, scope=scope)

    # --- questions about the episode itself ---------------------------------------------------------
    def _about_episode(self, question: str, episode: str | None) -> Answer | None:
        """"Who is the guest?", "what is this episode about?", "what did he say at 45:00?": answered from
        the introduction, the digest and the transcript at that moment (see bot/ask/about.py); None for
        every other question."""
        asked = about.classify(question)
        if asked is None:
            return None
        if asked.kind == "moment" and any(not self.retriever.is_guest_name(w) for w in asked.topic or ()):
            return None     # "about an hour in, what did he say about his dad?": searched, near that time
        scope = self.scope(episode or about.episode_named(question))
        if asked.name is not None:                      # "who is NAME?"
            named = self.retriever.named_guests(asked.name) if self.retriever.is_guest_name(asked.name) else []
            if not named or (scope and not set(scope) & set(named)):
                return None                 # not a guest (of this episode): a question for retrieval
            eid = next(e for e in scope if e in named) if scope else named[0]
        elif scope and len(scope) > 1 and asked.kind != "guest":    # "what did he say at 45:00?" of a guest
            # with two episodes; "who is the guest?" is one person either way
            return Answer(question=question, answer=WHICH_EPISODE, abstained=True, mode="extractive")
        elif scope:
            eid = scope[0]
        else:                               # all episodes: the one the question names, or the only one
            named = self.retriever.named_guests(question) or [m.episode_id for m in self.library.episodes]
            if len(named) != 1:
                return Answer(question=question, answer=WHICH_EPISODE, abstained=True, mode="extractive")
            eid = named[0]
        if asked.kind == "moment":
            return self._moment(question, eid, asked.at)
        if asked.kind == "guest":
            return self._guest(question, eid)
        return self._overview(question, eid) if self.digest is not None else None

    def _moment(self, question: str, eid: str, at: float) -> Answer:
        text = self.library.text(eid)
        window = about.around(text, at)
        if not window:
            return Answer(question=question, answer=f"{text.meta.title} is only {clock(text.duration)} long.",
                          abstained=True, mode="extractive", scope=eid)
        c = self.citation(Evidence(eid, -1, window, window, 1.0, 1.0, 1.0))
        said = f"At {clock(at)} in {c.title}:\n[1] ({clock(c.start)}–{clock(c.end)}) “{c.text}”"
        return Answer(question=question, answer=said, abstained=False, mode="extractive", citations=[c], scope=eid)

    def _guest(self, question: str, eid: str) -> Answer | None:
        text = self.library.text(eid)
        intro = about.introduction(text.sentences, text.framing.ad)
        if not intro:
            return None
        c = self.citation(Evidence(eid, -1, intro, intro, 1.0, 1.0, 1.0))
        lead = (f"The guest is {text.meta.guest} ({c.title}). From the introduction:" if text.meta.guest
                else f"From the introduction of {c.title}:")
        return Answer(question=question, answer=f"{lead}\n[1] ({clock(c.start)}–{clock(c.end)}) “{c.text}”",
                      abstained=False, mode="extractive", citations=[c], scope=eid)

    def _overview(self, question: str, eid: str) -> Answer | None:
        digest = self.digest(eid)
        text = self.library.text(eid)
        citations: list[Citation] = []
        lines = [f"{digest.title}: {digest.headline}"]
        if digest.topics:
            lines.append("Topics: " + ", ".join(digest.topics) + ".")
        for chapter in digest.chapters:
            window = self._chapter_passage(text, chapter)
            if not window:
                continue
            citations.append(self.citation(Evidence(eid, -1, window, window, 1.0, 1.0, 1.0)))
            lines.append(f"[{len(citations)}] {clock(chapter.start)}–{clock(chapter.end)} {chapter.title}")
        if not citations:
            return None
        return Answer(question=question, answer="\n".join(lines), abstained=False, mode=digest.mode,
                      citations=citations, note=digest.note, scope=eid)

    @staticmethod
    def _chapter_passage(text, chapter) -> list:
        """What to cite for a chapter: from the line its digest leads with (when that is transcript
        text), else from the chapter's start; the introduction for a chapter that is all framing."""
        sentences, excluded = text.sentences, text.framing.excluded
        first = int(np.searchsorted(text.sentence_starts, chapter.start - 0.5, side="left"))
        for part in chapter.summary.split(" … "):
            found = verify_quote(text, part)
            if found is not None and chapter.start - 0.5 <= found.start < chapter.end:
                first = found.first_sentence
                break
        window = about.opening(sentences, first, chapter.end, excluded)
        if not window and chapter.start < 1.0:
            window = about.introduction(sentences, text.framing.ad)
        return window

    def _not_found(self, question: str, r: Retrieval, scope: str | None, note: str | None,
                   reason: str | None = None) -> Answer:
        """"Not found", pointing at the nearest thing discussed; `reason`: the rule that refused (`abstain_reason`),
        when one did (an LLM that found nothing has none)."""
        named = r.extra.get("not_in") or []
        if scope:
            where = f"in {self.library.meta(scope).title}"
        elif named:
            where = "in " + " or ".join(self.library.meta(eid).title for eid in named)
        else:
            where = "in the episodes I know"
        nearest, near_episode = None, None
        # the guests the question named are no topic: "¿Qué piensa Elon Musk sobre Marte?" is not near "Elon Musk."
        asked_of = " ".join(f"{m.title} {m.guest or ''}" for m in map(self.library.meta, named))
        for e in r.evidence[:NEAREST_PASSAGES]:        # the best passage that shares a topic word with the question
            line = _telling_sentence(e.sentences, question, self.retriever.idf)
            meta = self.library.meta(e.episode_id)
            if len(line.text.split()) >= NEAREST_MIN_WORDS \
                    and _shares_a_topic(question, line.text, f"{meta.title} {meta.guest or ''} {asked_of}"):
                link = meta.link(line.start)
                nearest = f"{meta.title} at {clock(line.start)}{f' ({link})' if link else ''}: “{line.text}”"
                near_episode = e.episode_id
                break
        text = f"I couldn't find that {where}."
        unsaid = r.topic_unsaid if reason == TOPIC_UNSAID else r.unsaid if reason in WORDS_UNSAID else []
        if unsaid:      # say why ("it never says “poison” or “gas”"): the listener can ask again in other words
            words = " or ".join(f"“{w}”" for w in unsaid[:3])
            who = "no episode says" if r.topic_library_wide else "they never say" if len(r.scope or []) > 1 \
                else "it never says"
            text = f"I couldn't find that {where}: {who} {words}."
        if nearest and named and near_episode not in named:
            text += f" It did come up in {nearest}"
        elif nearest:
            text += f" The closest thing discussed was in {nearest}"
        return Answer(question=question, answer=text, abstained=True, mode="extractive", citations=[],
                      nearest_topic=nearest, note=note, scope=scope)

    def _llm_answer(self, question: str, r: Retrieval, history: list[tuple[str, str]], scope: str | None,
                    note: str | None) -> Answer:
        raw = ask_llm(self.llm, self.library, question, r.evidence, history)
        text, order, removed = finalize(raw, self.library, r.evidence)
        if not raw.found:
            answer = self._not_found(question, r, scope, note)
            answer.mode = "llm"
            return answer
        cited = [r.evidence[i] for i in order] or r.evidence[:1]
        if removed:
            extra = f"{removed} quotation(s) not found in the transcript were removed."
            note = f"{note} {extra}" if note else extra
        return Answer(question=question, answer=text, abstained=False, mode="llm",
                      citations=[self.citation(e) for e in cited], note=note, scope=scope)

    def _follow_on(self, question: str, history: list) -> Answer | None:
        """'What did he say after that?' continues from the previous answer's first citation."""
        if not history or not isinstance(history[-1], Answer) or not history[-1].citations:
            return None
        if not _FOLLOW_ON.search(question) or len(question.split()) > 14:
            return None
        prev = history[-1].citations[0]
        text = self.library.text(prev.episode_id)
        backwards = bool(re.search(r"\bbefore\b", question, re.I))
        if backwards:
            pool = [s for s in text.sentences if s.end <= prev.start][-8:]
        else:
            pool = [s for s in text.sentences if s.start >= prev.end][:8]
        window = []
        for s in (reversed(pool) if backwards else pool):
            window.append(s)
            if abs(window[-1].end - window[0].start) >= 40:
                break
        if not window:
            return None
        window.sort(key=lambda s: s.start)
        e = Evidence(prev.episode_id, -1, window, window, 1.0, 1.0, 1.0)
        c = self.citation(e)
        lead = "Just before that" if backwards else "Right after that"
        return Answer(question=question, answer=f"{lead}, in {c.title} ({clock(c.start)}–{clock(c.end)}): “{c.text}”",
                      abstained=False, mode="extractive", citations=[c], scope=prev.episode_id)


def _shares_a_topic(question: str, line: str, names: str) -> bool:
    """Whether the nearest line says a content word of the question other than the episode's own names: only
    then is it worth offering as "the closest thing discussed" ("Did Kasparov give his opinion on The Queen's
    Gambit?" is not near "And now, here's my conversation with Gary Kasparov.")."""
    def topics(text: str) -> set[str]:
        return set(stems(" ".join(w for w in text.split() if is_content(w.strip(".,;:!?\"'“”‘’()")))))

    return bool(topics(question) & topics(line) - topics(names))


def _telling_sentence(sentences: list, question: str, idf: Callable[[str], float] = lambda _: 1.0):
    """The sentence of a passage that best shows what it is about: the most of the question's words, rare
    ones weighing more ("psychedelics" over "experience"), then the most words of its own (a passage opening
    "In fact, you know what?" is not described by that)."""
    asked = set(stems(question))
    return max(sentences, key=lambda s: (round(sum(idf(t) for t in asked & set(stems(s.text))), 6),
                                         min(len(s.text.split()), 30)))
