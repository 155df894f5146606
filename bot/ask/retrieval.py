"""Hybrid retrieval: dense (Chroma) + BM25 fused by reciprocal rank, diversified, cut to cited sentences.

The unit retrieved is a chunk (~90 words); the unit cited is the run of sentences inside it (plus the
edges of its neighbours) that best matches the question, kept between ~10 and 60 seconds.
"""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from bot.ask import lexical_cache
from bot.ask.lexical import (RARE_WORD, STOPWORDS, LexicalIndex, close_to, common_words, english_words, is_term,
                             one_letter_off, stem_pairs, stems, word_counts, words)
from bot.ask.names import short_forms, sound_key
from bot.ask.position import Where
from bot.ask.shorthand import spelled_out, with_apostrophes
from bot.ask.wording import question_core, topic_asked
from bot.framing import about_framing
from bot.library import Library
from ingest.chunking import WIDE_CHUNKS
from ingest.errors import EpisodeNotFound
from ingest.models import Chunk, Sentence
from ingest.sentences import is_turn_tag

log = logging.getLogger(__name__)

RRF_K = 60              # reciprocal rank fusion across the library...
RRF_K_EPISODE = 25      # ...and inside named episodes, where two of the three lists read meaning (dense, tile) and a
#                         passage both put first must not lose to one all three rank middling (see `retrieve`; 15
#                         before lexical hits were weighed by the share of the question they say, 25 since: seven
#                         sets at 68 episodes, recall@1 / @5 in the episode 198 / 255 at 15, 196 / 259 at 25)
W_DENSE = 1.0
W_LEX = 1.0
W_TILE = 1.0             # inside named episodes: a third ranked list, chunks by their best tile (~3 sentences)
W_WIDE = 0.5             # a fourth: chunks by their wide passage (two chunks read as one; `_wide_ranked`)
RERANK_WEIGHT = 0.5      # share of the fused rank vs the fine (tile) rank
NEIGHBOUR = 0.0          # share of a neighbouring chunk's fused score added to a chunk (answers straddle chunks)
DENSE_K = 40
ANSWER_SECONDS = 50.0    # a question-led citation: the host's question and the answer that follows it
ANSWER_LEAD = 20.0       # ... and how much of the answer a window ending on the question takes in
ANSWER_MIN_SHARE = 0.3   # the question must carry this share of the window's best term weight
LEX_K = 40
_NAME_TOKEN = re.compile(r"[^\W\d_][\w'’]*")
NAME_GOES_ON = 70          # a next capitalised word this close to the guest's own name words is that name
MAX_NAMED = 3             # a name shared by more guests than this does not pick their episodes
# Words of an intro's name that are a rank or office, not the person ("Lord Martin Rees", "Rabbi David Wolpe").
HONORIFICS = frozenset({"lord", "lady", "sir", "dame", "commander", "lieutenant", "captain", "general", "colonel",
                        "major", "admiral", "bishop", "rabbi", "father", "professor", "doctor", "president"})
DISTINCT_SHARE = 0.75     # a question's second rarest word is distinctive too if its idf is this share of the rarest's
FRAMING_WEIGHT = 0.5      # a chunk that is mostly intro, sponsor read or sign-off: summaries and ads, not answers
MAX_CITATION_SECONDS = 60.0
RAREST_MIN_IDF = 7.0     # a word this rare in the library (~1 chunk in 1,000; "rascal", "blitz") held by the best
#                          passage saves a terse question from "nothing close" (`AskEngine.abstain_reason`)
POSITION_BOOST = 1.5     # a passage where the listener placed the moment ("near the end"): neutral on the seven
#                          sets from 1.0 to 3.0 (their 6 such questions were answered from the right part already)
# The question's vector for ranking: as typed + CORE_WEIGHT x its core (`bot.ask.wording`). bench/retrieval.py,
# 40 episodes (one weight tried, 0.5): recall@1 in the episode dev 0.60 -> 0.62, blind 0.67 -> 0.71, held-out
# 0.75 = 0.75; corpus-wide recall@5 held-out 0.75 -> 0.79, dev 0.78 -> 0.77; abstention unchanged.
CORE_WEIGHT = 0.5
MIN_CITATION_SECONDS = 30.0     # short windows miss the answer's lead-in; 30 s keeps the median ≤ 45 s
EVERYDAY_UNKNOWN = 0.5          # an everyday word said nowhere counts half an unknown word (`unknown_weight`)...
EVERYDAY_WORD = 1500            # ...everyday: this common in the English word list ("youngster" 1764; "tarot" 1189)
MIN_FRESH_SECONDS = 10.0        # what is left of a citation after the sentences a better one already quotes
# Inside an episode, a citation whose host question (in it, or in the 30 s before it) reads like the listener's own
# question gains HOST_ASKED x (cosine - HOST_ASKED_MIN) (`_host_bonus`): a tie-breaker, at most ~15 % of a
# fused score. Thirteen sets at 103 episodes: recall@1 in the episode 338 -> 342 of 514, no set lower (corpus-wide,
# where a named guest's episodes are searched this way, 262 -> 261); simulated, 0.05: +6 -5, a floor of 0.3: +5 -6. As a
# ranked list of its own (stop 20) host questions cut recall@1 0.63 -> 0.46: many are alike, and it outvoted the rest.
HOST_ASKED = 0.03
HOST_ASKED_MIN = 0.4
HOST_ASKED_BEFORE = 30.0
HOST_ASKED_MIN_WORDS = 5
# ...and the first CITED_TOP citations gain CITED_MEANING x the cosine of their own sentences to the question
# (`_settled`). Thirteen sets at 103 episodes, recall@1 in the episode 341 -> 354 of 514 (recall@5 and refusals as
# they were; corpus-wide, where it orders a named guest's episodes, 258 -> 259); weights 0.05-0.15 all gave 352-355,
# the top 5 instead of 3 355 for ~13 ms more. Not a ranked list: the windows are cut after the fusion, from its
# best chunks. Corpus-wide after the tile re-rank it gained nothing (weights 0.05-0.2: 258 -> 252-258).
CITED_MEANING = 0.1
CITED_TOP = 3


def unknown_weight(unknown: list[str]) -> float:
    """How much the question's unknown words say it is off the library's topics. A name or a term ("Navalny",
    "ivermectin", "tarot") counts 1; an everyday English word (more than EVERYDAY_WORD in the word list) counts
    EVERYDAY_UNKNOWN: blind set 3's listeners asked in words no episode says ("youngster", "bottomless",
    "conjure") about things the episode does discuss (wrong refusals 12 -> 8 of 120 over the four sets that were
    not tuned on, at 56 episodes; dev unchanged; one unanswerable, "chris kyle and american sniper", answered)."""
    counts = word_counts()
    return sum(EVERYDAY_UNKNOWN if counts.get(w, 0) > EVERYDAY_WORD else 1.0 for w in set(unknown))


def _without_repeats(window: list[Sentence], shown: list[list[Sentence]]) -> list[Sentence]:
    """The window less the sentences a better-ranked citation already quotes (windows reach into their
    neighbours, so two nearby chunks could print the same sentence twice); the longer remaining side
    when a shown citation sits inside it, nothing when it is covered."""
    taken = {s.index for ss in shown for s in ss}
    if not taken.intersection(s.index for s in window):
        return window
    runs: list[list[Sentence]] = [[]]
    for s in window:
        if s.index in taken:
            runs.append([])
        else:
            runs[-1].append(s)
    return max(runs, key=lambda r: (r[-1].end - r[0].start) if r else -1.0)


def _not_replayed(framing, window: list[Sentence]) -> list[Sentence]:
    """The window less the lines of a cold open that the conversation says again (cited there, in context)."""
    return [s for s in window if s.index not in framing.repeats]


def _trim_tags(window: list[Sentence]) -> list[Sentence]:
    """The window without speaker initials at its edges (a citation does not open or close on "TK")."""
    a, b = 0, len(window)
    while a < b - 1 and is_turn_tag(window[a].text):
        a += 1
    while b - 1 > a and is_turn_tag(window[b - 1].text):
        b -= 1
    return window[a:b]


def _warm_framing(library: Library) -> None:
    try:
        texts = library.texts()
    except Exception as exc:  # noqa: BLE001  (forgotten meanwhile, a store hiccup: read on first use instead)
        log.warning("warm-up did not read the episodes' framing: %s: %s", type(exc).__name__, exc)
        return
    for text in texts:
        text.framing        # noqa: B018  (a cached_property: computed once per committed episode)


@dataclass
class Evidence:
    """One cited passage: verbatim sentences, where they are, and why they were chosen."""

    episode_id: str
    chunk_index: int
    sentences: list[Sentence]
    context: list[Sentence]
    score: float
    dense: float
    lexical: float

    @property
    def start(self) -> float:
        return self.sentences[0].start

    @property
    def end(self) -> float:
        return self.sentences[-1].end

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    @property
    def context_text(self) -> str:
        return " ".join(s.text for s in self.context)


@dataclass
class Retrieval:
    question: str
    evidence: list[Evidence]
    best_dense: float = 0.0
    coverage: float = 0.0            # share of the question's term weight found in the best passage
    rare_hit: bool = False           # the question's two most distinctive words occur in the passages
    rarest_hit: bool = False         # ... its most distinctive one does, in the best passage, and is rare
    #                                  (RAREST_MIN_IDF: not "about" when the rest of the question is said nowhere)
    unknown: float = 0.0             # question words said nowhere in the library (in scope: rare words, nowhere in
                                     # it), an everyday word counting half (`unknown_weight`)
    unknown_terms: int = 0           # ... of which terms and names, not everyday words (`lexical.is_term`)
    absent_names: int = 0            # names in the question never said in the scoped episode(s)
    topic_unsaid: list[str] = field(default_factory=list)   # words of the topic a "did he talk about X?" asks
    #                                                          about that are said nowhere in scope...
    topic_library_wide: bool = False  # ... scope being the whole library (then only names and terms are listed)
    words: int = 0                   # the question's distinct words, stop words aside
    margin: float = 0.0              # best dense similarity minus the typical top-20 similarity
    scope: list[str] | None = None
    candidates: int = 0
    extra: dict = field(default_factory=dict)


# "…, right?", "You know?": a speaker checking they are followed, not a question the next sentences answer
_TAG_QUESTION = re.compile(r"(?:^|[,;])\s*(?:right|you know|no|huh|yeah|yes|eh|okay|ok|correct|isn't it|is it not|"
                           r"don't you think|wouldn't you say|you see|see)\s*\?\s*$", re.I)


def _asks(sentence: str) -> bool:
    """The sentence asks something its answer follows: a question, not a tag question. Taken for the host's
    question, the guest's "We got messed up thinking about religion post enlightenment, right?" moved a citation
    off the book it was asked for (blind set 10, s019); twelve sets at 52-91 episodes, top-1 +1 in the episode
    and +2 corpus-wide, top-5 -1 corpus-wide (blind 8's c045 had been cited right from a quoted "…, right?")."""
    s = sentence.rstrip()
    return s.endswith("?") and not _TAG_QUESTION.search(s)


def _possessive(word: str) -> str:
    return re.sub(r"['’]s?$", "", word)


class ChunkRows:
    """Every committed chunk in one numbering, as (episode id, Chunk); an episode's chunks are read from the store
    on first use. A one-shot question reads the few episodes it ranks, not the library (318 episodes: ~3.5 s)."""

    def __init__(self, library: Library, rows: list[tuple[str, str, int]]):
        self.library = library
        self.keys = [(eid, index) for eid, _, index in rows]          # (episode id, chunk index) per row
        self.gens = {eid: gen for eid, gen, _ in rows}

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, pos: int) -> tuple[str, Chunk]:
        eid, index = self.keys[pos]
        text = self.library.text(eid)
        if text.gen != self.gens[eid] or index >= len(text.chunks):    # re-ingested since the rows were read
            raise EpisodeNotFound(f"episode {eid!r} changed while the question was being answered: ask again")
        return eid, text.chunks[index]

    def episode(self, pos: int) -> str:
        return self.keys[pos][0]

    def prefetch(self, positions) -> None:
        """Read the episodes of these rows together (`Library.texts`), before they are read one by one."""
        self.library.texts(sorted({self.keys[int(p)][0] for p in positions}))


class ChunkTexts:
    """The chunks' texts as the lexical index's documents, read through `ChunkRows`."""

    def __init__(self, rows: ChunkRows):
        self.rows = rows
        self.prefetch = rows.prefetch

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, pos: int) -> str:
        return self.rows[pos][1].text


class Retriever:
    """Owns the lexical index over every committed chunk; rebuilt when the library changes."""

    def __init__(self, library: Library, cache_dir: Path | None = None):
        """`cache_dir`: where the lexical index is kept between runs (`bot.ask.lexical_cache`); None: memory only."""
        self.library = library
        self.cache_dir = cache_dir
        self._lock = threading.Lock()
        self._version = -1
        self.chunks: ChunkRows = ChunkRows(library, [])
        self.position: dict[tuple[str, int], int] = {}
        self.episode_rows: dict[str, np.ndarray] = {}
        self.lex: LexicalIndex | None = None
        self._names: dict[str, set[str]] = {}
        self._spellings: list[str] = []
        self._sounds: dict[str, list[str]] = {}
        self._names_version = -1

    def ensure_index(self) -> None:
        self.library.refresh()
        with self._lock:
            if self._version == self.library.version:
                return
            version = self.library.version
            lex = None
            keys = self._recorded_rows() if self.cache_dir is not None else None
            if keys:          # the saved index of exactly these rows: no episode's text is read yet
                chunks = ChunkRows(self.library, keys)
                lex = lexical_cache.load(self.cache_dir, keys, ChunkTexts(chunks))
            if lex is None:
                texts = self.library.texts()
                keys = [(t.episode_id, t.gen, c.index) for t in texts for c in t.chunks]
                chunks = ChunkRows(self.library, keys)
                # no chunks (an empty library): no index, and `retrieve` finds nothing (bm25s cannot index nothing)
                lex = lexical_cache.build(self.cache_dir, keys, [c.text for t in texts for c in t.chunks]) \
                    if keys else None
            self.position = {key: i for i, key in enumerate(chunks.keys)}
            rows: dict[str, list[int]] = {}
            for i, (eid, _) in enumerate(chunks.keys):
                rows.setdefault(eid, []).append(i)
            self.lex, self.chunks = lex, chunks
            self.episode_rows = {e: np.asarray(r) for e, r in rows.items()}
            self._version = version

    def _recorded_rows(self) -> list[tuple[str, str, int]] | None:
        """(episode, generation, chunk index) of every committed chunk, from the episode records alone (each says
        how many chunks it committed); None when a record does not say (then the texts are read)."""
        keys: list[tuple[str, str, int]] = []
        for meta in self.library.episodes:
            record = self.library.record(meta.episode_id)
            if not isinstance(record.get("chunks"), int):
                return None
            keys += [(meta.episode_id, record["gen"], i) for i in range(record["chunks"])]
        return keys

    def warm_framing(self) -> threading.Thread:
        """Each episode's framing (~25 ms of regexes) is read by the first question that touches it: the bot works
        it out at start-up, off the question path, so a first corpus-wide question does not pay for twenty
        episodes. (A one-shot command does not: it would compete with its one question for the CPU.)"""
        thread = threading.Thread(target=_warm_framing, args=(self.library,), name="ask-framing-warm",
                                  daemon=True)
        thread.start()
        return thread

    # --- scoring ----------------------------------------------------------------------------------
    def _mask(self, episode_ids: list[str] | None) -> np.ndarray | None:
        if episode_ids is None:
            return None
        mask = np.zeros(len(self.chunks), dtype=np.float32)
        for e in episode_ids:
            if e in self.episode_rows:
                mask[self.episode_rows[e]] = 1.0
        return mask

    def _dense(self, vector: np.ndarray, episode_ids: list[str] | None) -> list[tuple[int, float]]:
        """(position, cosine) of the DENSE_K chunks nearest the question, best first."""
        found = ((self.position.get((h.episode_id, h.index)), h.similarity)
                 for h in self.library.nearest_chunks(vector, DENSE_K, episode_ids))
        return [(pos, sim) for pos, sim in found if pos is not None]

    def _typed_similarity(self, typed: np.ndarray, ranked_sim: dict[int, float],
                          episode_ids: list[str] | None) -> dict[int, float]:
        """(position, cosine) of the DENSE_K chunks nearest the question as typed. Corpus-wide, the chunks
        the ranking vector found are scored with the typed one from the cached chunk vectors instead of a
        second HNSW query (~25 ms at 318 episodes); both vectors share most of their neighbours. Before the
        start-up warm-up has read an episode's vectors, the second query is cheaper than reading them."""
        episodes = {self.chunks.episode(pos) for pos in ranked_sim}
        if episode_ids is not None or not ranked_sim or not all(map(self.library.has_vectors, episodes)):
            return dict(self._dense(typed, episode_ids))
        unit = typed / max(float(np.linalg.norm(typed)), 1e-12)
        out: dict[int, float] = {}
        for pos in ranked_sim:
            eid, index = self.chunks.keys[pos]
            out[pos] = float(self.library.vectors(eid)[index] @ unit)
        return out

    def _wide_ranked(self, vector: np.ndarray, episode_ids: list[str] | None) -> list[int]:
        """Positions of the chunks of the DENSE_K wide passages nearest the question, in the passages' order.

        MiniLM reads ~180 words as one story and places a paraphrased question nearer the right one than the
        mean of the chunks' tiles does (the tutorial's 1,000-character chunks ranked 47 questions first that
        podbot did not, podbot 73 the tutorial did not). Twelve sets, 478 questions a scope, 97 episodes, weights
        0.3-1 all alike: top-1 in the episode 308 -> 315, corpus-wide 240 -> 247; top-5 423 -> 429, 334 -> 334."""
        ranked: dict[int, None] = {}
        for hit in self.library.nearest_wide(vector, DENSE_K, episode_ids):
            for index in range(hit.index, hit.index + WIDE_CHUNKS):
                pos = self.position.get((hit.episode_id, index))
                if pos is not None:
                    ranked.setdefault(pos)
        return list(ranked)

    def _tile_ranked(self, vector: np.ndarray, episode_ids: list[str]) -> list[int]:
        """Positions of the DENSE_K chunks of the named episodes whose best tile is nearest the question.

        A chunk's vector is the mean of its tiles, so the one sentence run that answers is blurred by the
        others; its own tile is not. Fused as a third list beside the chunks' and BM25's (dev episode-scoped
        recall@1 0.575 -> 0.613, held-out and blind unchanged). Not corpus-wide: there the tiles' HNSW query
        cost ~25 ms for no gain (the re-rank already reads the candidates' tiles)."""
        unit = vector / max(float(np.linalg.norm(vector)), 1e-12)
        best: dict[int, float] = {}
        for eid in episode_ids:
            if eid not in self.episode_rows:
                continue
            owners, matrix = self.library.episode_tiles(eid)
            if not len(owners):
                continue
            sims = np.full(int(owners.max()) + 1, -np.inf)
            np.maximum.at(sims, owners, matrix @ unit)
            for index in np.flatnonzero(np.isfinite(sims)):
                pos = self.position.get((eid, int(index)))
                if pos is not None:
                    best[pos] = float(sims[index])
        return sorted(best, key=lambda p: -best[p])[:DENSE_K]

    def _sentence_weights(self, sentences: list[Sentence], query_terms: dict[str, float]) -> np.ndarray:
        out = np.zeros(len(sentences), dtype=np.float32)
        for i, s in enumerate(sentences):
            present = stem_pairs(s.text)
            out[i] = sum(w for t, w in query_terms.items() if t in present)
        return out

    def _tile_weights(self, eid: str, chunk: Chunk, pool: list[Sentence], vector: np.ndarray) -> np.ndarray:
        """Per sentence of `pool`: how much closer its best tile of `chunk` is to the question than the chunk's
        farthest tile (0 outside the chunk)."""
        out = np.zeros(len(pool), dtype=np.float32)
        tiles = self.library.tiles([(eid, chunk.index)])
        if not tiles:
            return out
        sims = np.stack([t[3] for t in tiles]) @ vector
        floor, lo = float(sims.min()), pool[0].index
        for (_, a, b, _), sim in zip(tiles, sims):
            for q in range(max(a, lo), min(b, lo + len(pool))):
                out[q - lo] = max(out[q - lo], float(sim) - floor)
        return out

    def _without_guest(self, query_stems: list[str], episode_ids: list[str]) -> list[str]:
        """In one guest's episode, the guest's name says nothing about *where*: every passage is theirs.

        Left in, "according to Ilya" pulls the intro ("The following is a conversation with Ilya
        Sotskever...") and the sponsor reads above the passage that answers.
        """
        names = self._guest_stems(episode_ids)
        kept = [t for t in query_stems if not close_to(t, names)]     # "Sutskever" for "Sotskever" too
        return kept or query_stems

    def _guest_stems(self, episode_ids: list[str]) -> list[str]:
        """The stems of the episodes' guests' names, and the library's other spellings of them."""
        return list(set(self.lex.expand(" ".join(self.library.meta(e).guest or "" for e in episode_ids))))

    def _said_only_in_framing(self, terms: dict[str, float], candidates, framed: list[int]) -> set[int]:
        """The framing candidates that alone say the question's most distinctive word, and the next one if it is
        nearly as rare (`terms`: stem -> idf, without the guest's name, which the intro says and the conversation
        hardly ever does): "what is the Hutter prize?" is answered by the introduction, where the host describes
        it, and nowhere in the conversation. "What did Elon Musk say about Tesla?" is not, when the conversation
        says "Tesla" too."""
        if not framed or not terms:
            return set()
        known = sorted(terms, key=lambda t: -terms[t])[:2]
        if len(known) == 2 and terms[known[1]] < DISTINCT_SHARE * terms[known[0]]:
            known = known[:1]          # "Neuralink" and "about": only the first tells what is asked
        has = [self.lex.scores([t]) > 0 for t in known]        # which chunks say each word (BM25 > 0)
        saying = {pos for pos in candidates if all(h[pos] for h in has)}
        return saying if saying and saying <= set(framed) else set()

    def _framing_share(self, eid: str, chunk: Chunk) -> float:
        """Share of the chunk's sentences that are the show's framing: intro, sponsor reads, sign-off."""
        framing = self.library.text(eid).framing
        first = chunk.first_sentence
        n = len(chunk.offsets)
        return sum(framing.excluded(i) for i in range(first, first + n)) / max(1, n)

    def named_guests(self, question: str) -> list[str]:
        """Episodes whose guest the question names ("what did Kasparov say about ..."), by a distinctive
        part of the name (a first name shared by more than MAX_NAMED guests, such as "Michael", is not one).
        Close spellings count: listeners write "Sutskever", the transcript's intro says "Sotskever". A name
        that is also an everyday word ("Song", "Park", "Hall") counts only written as a name: capitalised,
        not inside another name ("the Eurovision Song Contest" is not Dawn Song) and, opening the question,
        followed by the rest of the name ("Will MacAskill", not "Will AI replace us?")."""
        out: set[str] = set()
        tokens = _NAME_TOKEN.findall(question)
        for i, token in enumerate(tokens):
            w = _possessive(token.lower())
            if len(w) < 3 or w in STOPWORDS:
                continue
            episodes = self._guest_word(w)
            if not episodes or len(episodes) > MAX_NAMED:
                continue
            if w in common_words() and not self._written_as_name(tokens, i, episodes):
                continue
            if self._name_goes_on_otherwise(tokens, i, episodes):
                continue                     # "Jordan Peterson" is not Jordan Ellenberg
            for j in (i - 1, i + 1):         # ...and where Jordan Peterson is a guest, only he is
                beside = self._guest_word(_possessive(tokens[j].lower())) if 0 <= j < len(tokens) else None
                if beside and beside & episodes:
                    episodes = episodes & beside
            out |= episodes
        return sorted(out) if len(out) <= MAX_NAMED else []

    def _name_goes_on_otherwise(self, tokens: list[str], i: int, episodes: set[str]) -> bool:
        """The capitalised word after tokens[i] continues the name, and it is not (a spelling of) those guests'
        own: a listener's "Sara Seeger" is Sarah Seager (ratio 83), "Jordan Peterson" is nobody here."""
        if i + 1 >= len(tokens) or not tokens[i + 1][:1].isupper() or not tokens[i][:1].isupper() \
                or _possessive(tokens[i]) != tokens[i]:
            return False                     # "Schmidhuber's PowerPlay": the name ended with the possessive
        nxt = _possessive(tokens[i + 1].lower())
        if len(nxt) < 3 or nxt in STOPWORDS or (self._guest_word(nxt) or set()) & episodes:
            return False
        own = [x for e in episodes for x in words(self.library.meta(e).guest or "")]
        return not close_to(nxt, own, cutoff=NAME_GOES_ON)

    def _written_as_name(self, tokens: list[str], i: int, episodes: set[str]) -> bool:
        def same_guest(j: int) -> bool:
            return bool((self._guest_word(_possessive(tokens[j].lower())) or set()) & episodes)

        if not tokens[i][:1].isupper():
            return False
        if i == 0:
            return len(tokens) > 1 and tokens[1][:1].isupper() and same_guest(1)
        for j in (i - 1, i + 1):
            if 0 < j < len(tokens) and tokens[j][:1].isupper() and not same_guest(j):
                return False                 # a capitalised neighbour that is not this guest's: another name
        return True

    def idf(self, stem: str) -> float:
        """How distinctive a word stem is across the library (0 for one it never says)."""
        self.ensure_index()
        return self.lex.idf(stem) if self.lex is not None and self.lex.has(stem) else 0.0

    def corrected(self, question: str) -> str:
        """The question with words the library never says respelled as a close word it does say, and units and
        chat shorthand written out as the transcript says them (`bot.ask.shorthand`)."""
        self.ensure_index()
        if self.lex is None:
            return question
        question = _NAME_TOKEN.sub(self._name_by_ear, with_apostrophes(question))
        # shorthand first: respelt, "convo" was completed to "convoluted" before it could be "conversation"
        return self.lex.correct(spelled_out(question, self._passages_saying))

    def _passages_saying(self, word: str) -> int:
        said = stems(word)
        return self.lex.df.get(said[0], 0) if said else 0

    def _name_by_ear(self, m: re.Match) -> str:
        """A guest's name as the library spells it, for a word written by ear that the library never says and
        English does not have: "Lanear" for Jaron Lanier (the same sounds and first and last letters, two letters
        off; one guest's name only). Left alone, MiniLM and BM25 read "Lanear" as "linear", and the refusal rules as
        a name the episode never says (blind set 7). Not "Tuomas" for Tommaso Poggio: the last letters differ (the
        transcript wrote Tuomas Sandholm "Thomas", so the listener's right spelling is said nowhere). A guest's name
        with an "s" and no apostrophe is the possessive ("carls take"), not a slip for "cars"."""
        token = m.group(0)
        word = _possessive(token)
        w = word.lower()
        names, _ = self._guest_names()
        if w in names or w in self.lex.surface_set or w in english_words():
            return token
        if w[-1] == "s" and w[:-1] in names and len(w) >= 4:
            return word[:-1] + "'s" + token[len(word):]     # "carls take on AA": Carl's, not "cars"
        if len(w) < 5:
            return token
        key = sound_key(w)
        alike = {n for n in self._sounds.get(key, ()) if len(n) >= 5 and n[-1] == w[-1]} if key else set()
        if len(alike) != 1:
            return token
        name = next(iter(alike))
        return (name.capitalize() if word[:1].isupper() else name) + token[len(word):]

    def said_in_share(self, name: str) -> float:
        """Share of the episodes whose passages say the last word of `name`, in the library's spelling ("Lex
        Fridman" is "Lex Friedman" in the transcripts): the host's name, nearly all of them."""
        self.ensure_index()
        ws = words(name)
        if not ws:
            return 1.0                   # only podcast words ("Lex Fridman" is on the stop list): the show's own
        if self.lex is None or not self.episode_rows:
            return 0.0
        last = ws[-1]
        if last not in self.lex.surface_set:
            hit = process.extractOne(last, self.lex.surface, scorer=fuzz.ratio, score_cutoff=85)
            last = hit[0] if hit else last
        said = self.lex.scores(self.lex.expand(last)) > 0
        return sum(bool(said[rows].any()) for rows in self.episode_rows.values()) / len(self.episode_rows)

    def is_guest_name(self, text: str) -> bool:
        """Every word of `text` is part of some guest's name (in any close spelling): "Ilya Sutskever",
        not "Guido's favorite author"."""
        ws = words(text)
        return bool(ws) and all(self._guest_word(w) for w in ws)

    def _known_names(self) -> str:
        """Every episode's title and guest, the words a question may spell otherwise than the transcriber."""
        return " ".join(f"{m.title} {m.guest or ''}" for m in self.library.episodes)

    def _guest_word(self, word: str) -> set[str] | None:
        """The episodes of the guests whose name holds `word`, or a short form of it ("Matt" for Matthew), or a
        close spelling of it (5+ letters), or, for a word that is no everyday English, a spelling that sounds the
        same and is one letter off ("Tull" for the intro's "Tall") or that the guest's episode says ("Jocko" for
        the intro's "Jaco")."""
        names, spellings = self._guest_names()
        episodes = names.get(word)
        if episodes is None and len(word) >= 5 and spellings:
            hit = process.extractOne(word, spellings, scorer=fuzz.ratio, score_cutoff=85)
            if hit and not (word.startswith(hit[0]) or hit[0].startswith(word)):   # "Frankl" is not "Frank"
                episodes = names[hit[0]]
                key = sound_key(word)
                if key and key == sound_key(hit[0]):   # ...and its other spellings by ear: the intros of
                    # Vinyals' two episodes wrote "Ariel Vinales" and "Oriel Veniales"
                    episodes = episodes | {e for name in self._sounds.get(key, ()) for e in names[name]}
        if episodes is None and word_counts().get(word, 0) <= RARE_WORD:
            key = sound_key(word)
            alike = self._sounds.get(key, ()) if key else ()
            misheard = {e for name in alike if one_letter_off(word, name) for e in names[name]}
            if misheard:      # one letter, the same sounds: "Tull" for the intro's "Thomas Tall"
                return misheard
            heard = {e for name in alike for e in names[name]}
            if heard:         # ...or where that guest's episode says it so too ("Jocko"), not "Merck" for a Mark
                self.ensure_index()
                episodes = {e for e in heard if self.lex.said(word, self._mask([e]))} or None
        return episodes

    def _guest_names(self) -> tuple[dict[str, set[str]], list[str]]:
        """Each word of a guest's name (and each short form of a first name) -> the episodes of guests carrying
        it, and their sound keys (rebuilt when episodes change)."""
        version = self.library.version
        if self._names_version != version:
            names: dict[str, set[str]] = {}
            for meta in self.library.episodes:
                for w in words(meta.guest or ""):
                    if len(w) >= 3 and w not in HONORIFICS:
                        for form in (w, *short_forms(w)):
                            names.setdefault(form, set()).add(meta.episode_id)
            sounds: dict[str, list[str]] = {}
            for w in names:
                key = sound_key(w)
                if key:
                    sounds.setdefault(key, []).append(w)
            self._names, self._spellings, self._sounds, self._names_version = names, list(names), sounds, version
        return self._names, self._spellings

    def _window(self, eid: str, chunk: Chunk, query_terms: dict[str, float],
                vector: np.ndarray | None = None) -> tuple[list[Sentence], list[Sentence]]:
        """Best run of sentences around `chunk` for the question, and the wider context read with it: weighted by
        the question's words, or with `vector`, by how much closer to it each sentence's best tile is than the
        chunk's farthest tile."""
        text = self.library.text(eid)
        first = chunk.first_sentence
        last = first + len(chunk.offsets) - 1
        lo, hi = max(0, first - 2), min(len(text.sentences) - 1, last + 2)
        pool = text.sentences[lo:hi + 1]
        weights = (self._sentence_weights(pool, query_terms) if vector is None
                   else self._tile_weights(eid, chunk, pool, vector))
        core = list(range(first - lo, last - lo + 1))
        if weights.max(initial=0.0) <= 0.0:
            i, j = core[0], core[-1]
        else:
            best, i, j = -1e9, core[0], core[-1]
            penalty = 0.12 * float(weights.max())
            for a in range(len(pool)):
                total = 0.0
                for b in range(a, len(pool)):
                    if pool[b].end - pool[a].start > MAX_CITATION_SECONDS and b > a:
                        break
                    total += float(weights[b])
                    value = total - penalty * (b - a)
                    # the window must touch the retrieved chunk itself
                    if b >= core[0] and a <= core[-1] and value > best:
                        best, i, j = value, a, b
        # widen short windows to ~10 s with the neighbours that carry the most weight
        while pool[j].end - pool[i].start < MIN_CITATION_SECONDS and (i > 0 or j < len(pool) - 1):
            left = weights[i - 1] if i > 0 else -1.0
            right = weights[j + 1] if j < len(pool) - 1 else -1.0
            if right >= left:
                j += 1
            else:
                i -= 1
        # and trim long ones (a whole chunk can run past a minute when speech is slow)
        while pool[j].end - pool[i].start > MAX_CITATION_SECONDS and j > i:
            if weights[j] <= weights[i]:
                j -= 1
            else:
                i += 1
        # Interviews: the passage that best matches a listener's question is often the host *asking* it;
        # the answer follows. Cite from that question forward (+3 points recall@5 on the dev set).
        top = float(weights[i:j + 1].max(initial=0.0))
        asked = [q for q in range(i, j + 1)
                 if _asks(pool[q].text) and float(weights[q]) >= ANSWER_MIN_SHARE * top]
        if asked:
            a = b = lo + asked[-1]
            framing = text.framing
            while b + 1 < len(text.sentences) and text.sentences[b + 1].end - text.sentences[a].start <= ANSWER_SECONDS \
                    and (framing.excluded(a) or not framing.excluded(b + 1)):
                b += 1                       # the answer; not the sign-off or an ad read that follows a last question
            if b > a:
                return _trim_tags(text.sentences[a:b + 1]), text.sentences[lo:max(hi, b) + 1]
        # A window that ends on a question ("…the idea of power play you described. Can you describe it?") stops
        # where the answer starts: it runs on into the answer's first ANSWER_LEAD seconds, and loses its start
        # if it must to stay within ANSWER_SECONDS, but not the sentences it was chosen for: then the run-on is
        # shorter (episode 175: widened to 30 s, "…anything too stiff snaps." ended on "Maybe it morphs, like
        # water, it changes, right?", and ran on 20 s, sliding off the line that answered).
        q = lo + j
        if _asks(pool[j].text) and q + 1 < len(text.sentences) and not text.framing.excluded(q + 1):
            a, b = lo + i, q + 1
            while b + 1 < len(text.sentences) and text.sentences[b].end - text.sentences[q].end < ANSWER_LEAD \
                    and not text.framing.excluded(b + 1):
                b += 1
            while a < q and text.sentences[b].end - text.sentences[a].start > ANSWER_SECONDS and weights[a - lo] <= 0:
                a += 1
            while b > q + 1 and text.sentences[b].end - text.sentences[a].start > ANSWER_SECONDS:
                b -= 1
            return _trim_tags(text.sentences[a:b + 1]), text.sentences[min(lo, a):max(hi, b) + 1]
        return _trim_tags(pool[i:j + 1]), pool

    def _rerank(self, vector: np.ndarray, evidence: list[Evidence]) -> list[Evidence]:
        """Corpus-wide, re-order the pool by the similarity of each candidate's best tile (~3 sentences) to the
        question.

        Chunk vectors blur a 90-word passage; across hundreds of episodes the right spot often ranks
        below near-misses. The tiles the ingest embedded (`ingest.chunking.tile_bounds`) separate them:
        every tile overlapping a candidate's context counts. Embedding such windows per question instead
        cost 0.5-1 s on 2 AVX2 cores for the same recall; stored tiles cost a store read (~5-20 ms) or
        nothing once cached. Inside one episode it would lift recall@5 (dev 0.858 -> 0.887) but moves citations
        off the host's question that leads into the answer (`_window`) and off named passages (recall@1 dev
        0.566 -> 0.557): there the fused order stands.
        """
        text_of = self.library.text
        spans = [(e.episode_id, e.context[0].index, e.context[-1].index + 1) for e in evidence]
        wanted = [(eid, int(c)) for eid, lo, hi in spans
                  for c in dict.fromkeys(text_of(eid).sentence_chunk[lo:hi].tolist())]
        best = np.full(len(evidence), -1.0)
        tiles = self.library.tiles(wanted)
        if tiles:
            sims = np.stack([t[3] for t in tiles]) @ (vector / max(float(np.linalg.norm(vector)), 1e-12))
            for i, (eid, lo, hi) in enumerate(spans):
                for (teid, a, b, _), sim in zip(tiles, sims):
                    if teid == eid and a < hi and b > lo:
                        best[i] = max(best[i], float(sim))
        fine_rank = {i: int((best > best[i]).sum()) for i in range(len(evidence))}
        score = {i: RERANK_WEIGHT / (10 + i) + (1 - RERANK_WEIGHT) / (10 + fine_rank[i]) for i in range(len(evidence))}
        return [evidence[i] for i in sorted(score, key=lambda i: -score[i])]

    def _settled(self, typed: np.ndarray, evidence: list[Evidence]) -> list[Evidence]:
        """The first CITED_TOP passages re-ordered by their fused score plus two small terms the ranked lists
        cannot give, read with the question as typed:
        - the cited sentences' own closeness to the question (CITED_MEANING x cosine, one model call for the
          few): every list ranks a whole chunk or tile, while what is cited, and judged, is a window cut from it;
          a window that says the answer outright ("I've done 13 Ironmans", "my dad used to say, anything too stiff
          snaps") now goes before a neighbouring one that only circles it;
        - a host question that reads like the listener's (`_host_bonus`)."""
        close = evidence[:CITED_TOP]
        if len(close) < 2:
            return evidence
        unit = typed / max(float(np.linalg.norm(typed)), 1e-12)
        meaning = [0.0] * len(close)
        if CITED_MEANING:
            cited = self.library.embedder.embed_documents([e.text for e in close])
            cited = cited / np.maximum(np.linalg.norm(cited, axis=1, keepdims=True), 1e-12)
            meaning = [CITED_MEANING * float(v @ unit) for v in cited]
        bonus = self._host_bonus(unit, close) if HOST_ASKED else [0.0] * len(close)
        order = sorted(range(len(close)), key=lambda i: -(close[i].score + bonus[i] + meaning[i]))
        return [close[i] for i in order] + evidence[len(close):]

    def _host_bonus(self, unit: np.ndarray, evidence: list[Evidence]) -> list[float]:
        """Per passage within reach of the first (a fused score at most the largest bonus below it): a little for
        a host question that reads like the listener's ("What's up with the title? What's the meaning?" for "what
        does the title of her memoir mean?"); 0 for the rest. The fused scores of the first two are often within
        1 %; the interviewer's question, put in words much like the listener's, says which of them is the answer.
        A question is read by the stored tiles (~3 sentences) that hold it: embedding the questions themselves
        scored alike (+3 recall@1) but doubled the time of a search (p50 14 -> 28 ms)."""
        reach = evidence[0].score - HOST_ASKED * (1.0 - HOST_ASKED_MIN)
        bonus = []
        for e in evidence:
            if e.score < reach:
                bonus.append(0.0)
                continue
            text = self.library.text(e.episode_id)
            lo = int(np.searchsorted(text.sentence_starts, e.start - HOST_ASKED_BEFORE))
            asked = [s.index for s in text.sentences[lo:e.sentences[-1].index + 1]
                     if s.start <= e.end and _asks(s.text) and len(s.text.split()) >= HOST_ASKED_MIN_WORDS]
            chunks = dict.fromkeys(int(c) for c in text.sentence_chunk[asked]) if asked else {}
            tiles = self.library.tiles([(e.episode_id, c) for c in chunks]) if chunks else []
            best = max((float(v @ unit) for _, a, b, v in tiles if any(a <= i < b for i in asked)), default=0.0)
            bonus.append(HOST_ASKED * max(0.0, best - HOST_ASKED_MIN))
        return bonus

    def _favour(self, fused: dict[int, float], where: Where) -> None:
        """Passages in the part of the episode the listener placed the moment in ("near the end", "in the last 20
        minutes", "about an hour in") weigh POSITION_BOOST times more: a prior, which the lists' agreement can still
        outweigh."""
        for pos in fused:
            eid, chunk = self.chunks[pos]
            spans = where.spans(self.library.text(eid).duration)
            if any(chunk.starts[0] < hi and chunk.ends[-1] > lo for lo, hi in spans):
                fused[pos] *= POSITION_BOOST

    # --- the query --------------------------------------------------------------------------------
    def question_vectors(self, question: str, episode_ids: list[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(the question as typed, the vector it is ranked by: typed + CORE_WEIGHT x its core), one model call.

        Inside named episodes the ranking vector reads the question without their guest's name, as the lexical
        list does (`_without_guest`): "which of his own games is Kasparov most proud of?" is no nearer one of
        Kasparov's passages than another for his name, but MiniLM brings it nearer those that say "Kasparov"
        or "Garry". Seven sets in the episode: recall@5 259 -> 265 at 68 episodes and 260 -> 265 at 319, recall@1
        196 -> 195 and 195 -> 192 (MRR 220.0 -> 222.7, 219.7 -> 221.1); blind set 6 unchanged. Not for a guest the
        question names across the library (`AskEngine.retrieve`): corpus-wide recall@1 at 319 fell 144 -> 139."""
        nameless = self._without_guest_words(question, episode_ids) if episode_ids else ""
        asked = nameless or question
        core = question_core(asked) if CORE_WEIGHT else ""
        if not core and not nameless:
            typed = self.library.embedder.embed_query(question)
            return typed, typed
        vectors = self.library.embedder.embed_documents([question] + [t for t in (nameless, core) if t])
        typed = vectors[0]
        ranked = vectors[1] if nameless else typed
        if core:
            ranked = ranked + CORE_WEIGHT * vectors[-1]
        return typed, ranked / max(float(np.linalg.norm(ranked)), 1e-12)

    def _without_guest_words(self, question: str, episode_ids: list[str]) -> str:
        """The question without the words that name the scoped episodes' guest (in any close spelling), or ""
        when it names no guest or would keep fewer than two words."""
        self.ensure_index()
        names = self._guest_stems([e for e in episode_ids if e in self.episode_rows])
        if not names:
            return ""
        kept, dropped = [], False
        for token in question.split():
            said = stems(token)
            if said and all(close_to(t, names) for t in said):
                dropped = True
            else:
                kept.append(token)
        return " ".join(kept) if dropped and len(kept) >= 2 else ""

    def retrieve(self, question: str, episode_ids: list[str] | None = None, k: int = 5,
                 vectors: tuple[np.ndarray, np.ndarray] | None = None, where: Where | None = None) -> Retrieval:
        """`vectors`: `question_vectors(question)` when the caller already has them (a second search, other
        scope). `where`: the part of the episode the listener placed the moment in (`bot.ask.position`), already
        taken out of `question`."""
        self.ensure_index()
        if self.lex is None or not self.chunks or (episode_ids is not None and not any(e in self.episode_rows for e in episode_ids)):
            return Retrieval(question, [], scope=episode_ids)
        typed, vector = vectors or self.question_vectors(question, episode_ids)
        dense_rank: dict[int, int] = {}
        dense_sim: dict[int, float] = {}
        for rank, (pos, similarity) in enumerate(self._dense(vector, episode_ids)):
            dense_rank[pos] = rank
            dense_sim[pos] = similarity
        self.chunks.prefetch(dense_rank)
        # the abstention signals read the question as typed (they were calibrated on it)
        typed_sim = dense_sim if typed is vector else self._typed_similarity(typed, dense_sim, episode_ids)

        groups = self.lex.expand_words(question)
        all_stems = query_stems = list(dict.fromkeys(t for group in groups for t in group))
        if episode_ids is not None:
            query_stems = self._without_guest(query_stems, episode_ids)
        mask = self._mask(episode_ids)
        lex_scores = self.lex.scores(query_stems, mask)
        n_lex = min(LEX_K, int((lex_scores > 0).sum()))
        lex_top = np.argsort(-lex_scores)[:n_lex] if n_lex else np.zeros(0, dtype=int)
        lex_rank = {int(p): r for r, p in enumerate(lex_top)}
        max_lex = float(lex_scores.max(initial=0.0)) or 1.0

        # Inside named episodes the fusion is steeper (RRF_K_EPISODE): a paraphrased question's words match filler
        # ("had", "about", "stuff") all over an episode, and at k = 60 a passage the dense and tile lists both put
        # first lost to passages all three lists rank 10th-20th ("the line his pops had about rigid things
        # breaking": "my dad used to say, anything too stiff snaps" came nowhere). Across the library the lexical
        # list is what finds the episode, and k stays 60 (15 there lost dev recall@1 at 319 episodes).
        rrf_k = RRF_K if episode_ids is None else RRF_K_EPISODE
        fused: dict[int, float] = {}
        for pos, r in dense_rank.items():
            fused[pos] = fused.get(pos, 0.0) + W_DENSE / (rrf_k + r)
        # A lexical hit counts in proportion to the share of the question it says (each word by its idf, its
        # respellings with it): a passage that shares only the question's filler ("think", "about", "ever") with
        # it no longer outranks the one the dense and tile lists both put first ("who does he think is the
        # greatest footballer ever?": only "greatest" is said, in the wrong place). Seven sets, 68 episodes:
        # recall@1 in the episode 183 -> 196, corpus-wide 159 -> 167 (recall@5 262 -> 259, 225 -> 227).
        kept = set(query_stems)
        word_weights = {tuple(g): max(map(self.lex.idf, g)) for g in
                        ([t for t in group if t in kept and self.lex.has(t)] for group in groups) if g}
        total = sum(word_weights.values()) or 1.0
        self.chunks.prefetch(lex_rank)              # the lexical hits' episodes, read together
        for pos, r in lex_rank.items():
            said = stem_pairs(self.chunks[pos][1].text)
            share = sum(w for g, w in word_weights.items() if any(t in said for t in g)) / total
            fused[pos] = fused.get(pos, 0.0) + W_LEX * share / (rrf_k + r)
        if episode_ids is not None and W_TILE:
            for r, pos in enumerate(self._tile_ranked(vector, episode_ids)):
                fused[pos] = fused.get(pos, 0.0) + W_TILE / (rrf_k + r)
        if W_WIDE:
            for r, pos in enumerate(self._wide_ranked(vector, episode_ids)):
                fused[pos] = fused.get(pos, 0.0) + W_WIDE / (rrf_k + r)
        self.chunks.prefetch(fused)                 # the candidates' episodes, read together
        if NEIGHBOUR:
            base = dict(fused)
            for pos, value in base.items():
                for nb in (pos - 1, pos + 1):
                    if 0 <= nb < len(self.chunks) and self.chunks.episode(nb) == self.chunks.episode(pos):
                        fused[nb] = fused.get(nb, 0.0) + NEIGHBOUR * value
        query_terms = {t: self.lex.idf(t) for t in query_stems if self.lex.has(t)}
        # the abstention signals were calibrated on every word of the question, the guest's name included
        all_terms = {t: self.lex.idf(t) for t in all_stems if self.lex.has(t)}
        if not about_framing(question):
            framed = [pos for pos in fused if self._framing_share(*self.chunks[pos]) >= 0.5]
            spared = self._said_only_in_framing(query_terms or all_terms, fused, framed)
            for pos in framed:
                if pos not in spared:
                    fused[pos] *= FRAMING_WEIGHT
        if where is not None:
            self._favour(fused, where)
        ranked = sorted(fused, key=lambda p: -fused[p])

        total_weight = sum(all_terms.values()) or 1.0
        evidence: list[Evidence] = []
        pool = self.library.settings.podbot_rerank_pool     # corpus-wide: candidates re-ordered by their best tile
        taken: list[tuple[str, int, int, int]] = []
        for pos in ranked:
            eid, chunk = self.chunks[pos]
            first, last = chunk.first_sentence, chunk.first_sentence + len(chunk.offsets) - 1
            # One citation per spot: a chunk next to a cited one is passed over when that citation reaches into it
            # (its window would only add the same moment's edges). When it does not, it is a moment of its own:
            # the host's question cited from one chunk and the answer in the next ("a cop killed his kid…": the
            # story's start was cited and its end, the answer, skipped as a neighbour). Two neighbours at most:
            # a spot is not cited as a run. Recall@5 over the six sets in the episode 232 -> 234 of 262,
            # corpus-wide 202 -> 205 (at 319 episodes 231 -> 235 and 170 -> 174).
            cited = {i: (a, b) for e, i, a, b in taken if e == eid}
            beside = [i for i in (chunk.index - 1, chunk.index + 1) if i in cited]
            reaches = any(cited[i][0] <= last and cited[i][1] >= first for i in beside)
            if reaches or len(beside) == 2 or any(i - 1 in cited or i + 1 in cited for i in beside):
                continue
            # Inside named episodes, a chunk the lexical list did not rank was found by meaning alone: the few
            # question words it holds are filler ("about", "had"), so its window is placed by its tiles' closeness
            # to the question (episode 175: "what was the line his pops had about rigid things breaking?" cited
            # "Bukowski has this quote about love…", now "Like my dad used to say, anything too stiff snaps").
            # Recall@5 over the six sets 234 -> 235 in the episode and 205 -> 206 corpus-wide (319 episodes:
            # 235 -> 236, 174 -> 175); dev median citation 44 s unchanged.
            by_meaning = episode_ids is not None and pos not in lex_rank
            window, context = self._window(eid, chunk, query_terms, vector if by_meaning else None)
            window = _not_replayed(self.library.text(eid).framing, window)
            window = _without_repeats(window, [e.sentences for e in evidence if e.episode_id == eid])
            if not window or window[-1].end - window[0].start < MIN_FRESH_SECONDS:
                continue                       # that spot is already cited
            evidence.append(Evidence(eid, chunk.index, window, context, fused[pos], dense_sim.get(pos, 0.0),
                                     float(lex_scores[pos]) / max_lex))
            taken.append((eid, chunk.index, window[0].index, window[-1].index))
            if len(evidence) >= (max(k, pool) if episode_ids is None else k):
                break
        if episode_ids is None and pool > 1:
            evidence = self._rerank(vector, evidence[:pool]) + evidence[pool:]
        elif episode_ids is not None:
            evidence = self._settled(typed, evidence)
        evidence = evidence[:k]
        best_dense = max(typed_sim.values(), default=0.0)
        sims = sorted(typed_sim.values(), reverse=True)
        margin = best_dense - float(np.mean(sims[5:20])) if len(sims) > 6 else 0.0
        coverage = 0.0
        unknown = self.lex.unknown_words(question, self._known_names())
        rare_hit = rarest_hit = False
        if evidence:
            present = stem_pairs(evidence[0].context_text)
            coverage = sum(w for t, w in all_terms.items() if t in present) / total_weight
            anywhere = stem_pairs(" ".join(e.context_text for e in evidence))
            # the question's own words, not the scoped guest's name: Whisper spells it otherwise in the
            # transcript ("Sotskever"), and a listener's "Sutskever" is no sign the passage is off-topic
            rarest = sorted(query_terms or all_terms, key=lambda t: -(query_terms or all_terms)[t])[:2]
            rare_hit = bool(rarest) and not unknown and all(t in anywhere for t in rarest)
            rarest_hit = bool(rarest) and not unknown and rarest[0] in present \
                and self.lex.idf(rarest[0]) >= RAREST_MIN_IDF
        absent, topic_unsaid = 0, []
        if episode_ids is not None:
            known = " ".join(f"{m.title} {m.guest or ''}" for m in map(self.library.meta, episode_ids))
            absent = len(self.lex.absent_names(question, mask, known))
            topic_unsaid = self.lex.absent_words(topic_asked(question), mask, known)
            # a rare word the episode never says tells as much as one the library never says (at 318 episodes
            # the library says nearly every one: scoped refusals of the dev unanswerables fell 22 -> 12 of 40)
            unknown = list(set(unknown) | set(self.lex.absent_rare_words(question, mask, known)))
        else:
            # across the library every everyday word is said somewhere: a name or term no episode says is the sign
            # ("has anyone on the podcast talked about going geocaching?")
            topic = words(topic_asked(question))
            topic_unsaid = [w for w in unknown if is_term(w) and w in topic]
        return Retrieval(question, evidence, best_dense=best_dense, coverage=coverage, rare_hit=rare_hit,
                         rarest_hit=rarest_hit,
                         unknown=unknown_weight(unknown), unknown_terms=sum(map(is_term, unknown)), margin=margin,
                         scope=episode_ids, candidates=len(fused),
                         absent_names=absent, topic_unsaid=topic_unsaid,
                         topic_library_wide=episode_ids is None, words=len(set(words(question))))
