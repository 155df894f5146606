"""/quote: the exact words, and the moment, from a half-remembered line.

A cascade, cheapest first, that stops as soon as one line clearly is the one:
1. words: a term vote over the sentence index picks candidate sentences and sentence pairs, and the
   best covered are aligned with the query (scoring.py). Near-verbatim lines end here, model-free.
2. meaning of the finalists: one embedding batch holds the query and the few best windows, so a
   paraphrase is judged sentence by sentence, not by the chunk around it.
3. nearest chunks: the query vector finds chunks close in meaning (`Library.nearest_chunks`); their
   sentences join the candidates, confirmed by the chunk's similarity.
Every match is whole transcript sentences and passes `bot.verbatim.verify_quote` before it is returned.
"""
from __future__ import annotations

import logging
import math
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
from bm25s.stopwords import STOPWORDS_EN
from rapidfuzz import fuzz

from bot.chatter import asked_part
from bot.library import EMPTY_LIBRARY
from bot.models import QuoteMatch, QuoteResult
from bot.quotes import pieces, scoring
from bot.quotes.index import PreparedEpisode, SentenceIndex
from bot.quotes.prepared_cache import PreparedCache
from bot.quotes.scoring import Window
from bot.quotes.text import as_told_by, parse_query, words
from bot.verbatim import COLD_OPEN_SECONDS, episode_index, verify_quote
from ingest.errors import EpisodeNotFound
from ingest.sentences import is_turn_tag

log = logging.getLogger(__name__)

SINGLE_CANDIDATES = 200       # sentences kept by the term vote
PAIR_CANDIDATES = 100         # adjacent sentence pairs kept by the term vote
ALIGNED = 60                  # best-covered windows that also get the (costlier) alignment score
DENSE_K = 8                   # nearest chunks read when the lexical side is not decisive
SENSE_ROUNDS = 2              # times the next windows by words are read for meaning when the best was vetoed
RERANKED = 3                  # lexical finalists embedded with the query (one batch; 5 scored the same
                              # on the dev and held-out sets at ~12 ms more p95)
NEAREST_CHUNKS = DENSE_K      # no match: the nearest chunks (those the search read), whose tiles may hold the
                              # line nearest in meaning
NEAREST_TILES = 6             # ...the best of those tiles, whose sentences are embedded one by one
NEAREST_FLOOR = 0.5           # ...offered only from this cosine (unrelated lines reach ~0.4)
# a query of only these ("the", "I think so", "you know what I mean") names no line: each is said thousands of times
FUNCTION_WORDS = frozenset(STOPWORDS_EN) | frozenset(
    "i me my you your we our he him his she her its so do did does have has had am were been what just yeah like "
    "oh um uh know think mean well okay ok right".split())
CHAT_MAX_CHARS = 400         # a query longer than this is a pasted passage, not a line wrapped in chat
NAME_SIMILARITY = 80          # a word typed for a word of a guest's name ("barret" for Barrett)
ATTRIBUTION_BONUS = 0.03      # "Ilya: ..." nudges that guest's episode up; never rescues a poor match
# A paraphrase shares too few words to match, but when the query's nearest chunk in the whole library stands out
# from the next one this clearly, it names that spot (`_peak`). At 46 episodes (9,749 chunks) 0 of 32 never-said
# lines and 1 of 400 lines from other episodes passed; 4 of the 17 unseen paraphrases nothing else matched did (3
# then found their line, one the sentence before it).
PEAK_FLOOR = 0.55             # cosine of query and the nearest chunk
PEAK_MARGIN = 0.15            # ... ahead of the second nearest by this much, in a library of PEAK_CHUNKS chunks;
PEAK_CHUNKS = 10000           # fewer chunks leave wider gaps by chance, so a smaller library asks for more (x ln
                              # PEAK_CHUNKS / ln n: 0.24 at 3 episodes, whose widest chance gaps were 0.20), a larger
                              # one never for less
PEAK_TILES = 2                # the line is looked for in the chunk's best tiles (~3 sentences each); sentences
                              # past the chunk's edges picked a neighbour of the line as often as they reached one
PEAK_SENSE_FLOOR = 0.4        # the chosen line's own cosine with the query


class QuoteEngine:
    """Finds verbatim lines in every committed episode; the index follows `library.version`."""

    def __init__(self, library, cache_dir: Path | None = None):
        """`cache_dir`: where each episode's tokenised sentences are kept between runs (None: memory only)."""
        self.library = library
        self._cache = PreparedCache(cache_dir)
        self._lock = threading.Lock()
        self._index: SentenceIndex | None = None
        self._prepared: dict[tuple[str, str], PreparedEpisode] = {}

    # --- index ------------------------------------------------------------------------------------
    def index(self) -> SentenceIndex:
        """The sentence index for the library as it is now (rebuilt when an episode came or went).

        While one caller rebuilds, the others keep answering from the previous index rather than wait.
        """
        current = self._index
        if current is not None and current.version == self.library.version:
            return current
        if not self._lock.acquire(blocking=current is None):
            return current
        try:
            if self._index is None or self._index.version != self.library.version:
                self._index = self._build()
            return self._index
        finally:
            self._lock.release()

    def _build(self) -> SentenceIndex:
        version = self.library.version
        ids = [meta.episode_id for meta in self.library.episodes]
        try:
            texts = self.library.texts(ids)      # read together
        except EpisodeNotFound:                  # one was forgotten while we were reading: the others, one by one
            texts = []
            for eid in ids:
                try:
                    texts.append(self.library.text(eid))
                except EpisodeNotFound:
                    continue
        prepared = {}
        for text in texts:
            key = (text.episode_id, text.gen)
            prepared[key] = self._prepared.get(key) or self._cache.get(text)
        self._prepared = prepared
        self._cache.keep_only(texts)
        index = SentenceIndex(texts, [prepared[(t.episode_id, t.gen)] for t in texts], version)
        log.info("quote index: %d episodes, %d sentences", len(texts), index.n)
        return index

    def warm(self) -> threading.Thread:
        """Build the index now (start-up, benches); then, in the background, every episode's verbatim index (a
        one-shot command builds only those of the episodes it quotes, ~50 ms each at first use). At 318 episodes
        that is ~17 s the bot no longer waits for before it answers; a quote meanwhile builds its own episode's.
        Returns the background thread (benches wait for it)."""
        texts = self.index().texts
        thread = threading.Thread(target=_warm_verbatim, args=(texts,), name="quote-verbatim-warm", daemon=True)
        thread.start()
        return thread

    # --- search -----------------------------------------------------------------------------------
    def find(self, query: str, episode: str | None = None, limit: int = 4, *, suggest: bool = False,
             retold: bool = False) -> QuoteResult:
        """The best matching line plus up to limit-1 alternatives; no matches when nothing is close enough.
        With `suggest`, an empty result carries the line nearest in meaning (`nearest`), if any is fairly near.
        The line is searched without the chat around it ("hey, … thx 🙏"): wrapped in chat, 73 of the bench sets'
        170 lines (paraphrases aside) were missed, against 7 now. A pasted passage is searched as it is. `retold`:
        this is a query that found nothing as typed, read as a line its guest said (`as_told_by`)."""
        self.library.refresh()
        typed = query
        if not self.library.episodes:
            return QuoteResult(query=query, note=EMPTY_LIBRARY)
        named = self.library.episodes_of(episode) if episode else [None]     # resolved once
        if len(named) > 1:
            return self._in_each(query, [m.episode_id for m in named], limit, suggest)
        scope = named[0]
        result = QuoteResult(query=query, scope=scope.episode_id if scope else None)
        if len(query) <= CHAT_MAX_CHARS:
            query = asked_part(query)
        if scope is None:       # "in episode 140: they lie to themselves…"; a number no episode has: everywhere
            query, scope, _ = self.library.named_in(query)
            result.scope = scope.episode_id if scope else None
        index = self.index()
        parts = parse_query(query)
        query_words = index.split_compounds(words(parts.text))
        if not query_words or index.n == 0 or limit <= 0 or all(w in FUNCTION_WORDS for w in query_words):
            return result          # "the", "I think so": said thousands of times, no line to find
        lo, hi = 0, index.n
        if scope is not None:
            e = index.by_id.get(scope.episode_id)
            if e is None:
                return result
            lo, hi = int(index.offsets[e]), int(index.offsets[e + 1])

        scorer = scoring.QueryScorer(index, index.query_terms(query_words), query_words)
        windows = self._lexical(scorer, lo, hi)
        searched = None                 # (query vector, nearest chunks) once the semantic search has run
        if max((w.lexical for w in windows.values()), default=0.0) < scoring.DECISIVE:
            try:
                searched = self._semantic(scorer, parts.text, windows, scope.episode_id if scope else None)
            except Exception:  # an embedding API or store hiccup costs the paraphrases, not the answer
                log.warning("quote: semantic search failed; answering from the words alone", exc_info=True)
        if scorer.unsaid >= scoring.UNSAID_SHARE:
            # "geometry is the cilantro of mathematics" in a library that never says "cilantro": a sentence
            # close in meaning ("the geometry of metamathematics") is not that line. The words must carry it.
            for w in windows.values():
                w.sense, w.meaning = None, 0.0
        attributed = _Attributed(index, parts.attribution) if parts.attribution else None
        if attributed is not None:
            for w in windows.values():
                if attributed(w.first):
                    w.bonus = ATTRIBUTION_BONUS

        bar = scoring.threshold(hi - lo)

        # equal scores (a common phrase said many times): the window closest to the query's length first
        def ranking() -> list[Window]:
            return sorted((w for w in windows.values() if w.score >= bar and not w.vetoed),
                          key=lambda w: (-round(w.rank, 3), abs(scorer.length(w) - len(query_words)), w.first))

        ranked = ranking()
        by_meaning = searched is not None and scorer.unsaid < scoring.UNSAID_SHARE   # the model ran, and may count
        if by_meaning:
            # the best window must have been read for meaning too: when a finalist's meaning vetoed it (or it
            # was never a finalist), the next ones by words are read before one of them is the answer
            for _ in range(SENSE_ROUNDS):
                if not ranked or ranked[0].sense is not None:
                    break
                self._read_sense(scorer, searched[0], [w for w in ranked if w.sense is None][:RERANKED])
                ranked = ranking()
            if ranked and ranked[0].sense is None:
                # every window read so far was off in meaning ("I'm a huge fan of the Beatles": nine "I'm a huge
                # fan of …" lines): the next one by the same words, unread, is no better a bet
                ranked = []
        taken: list[Window] = []
        for w in ranked:
            if len(taken) >= limit:
                break
            w = _from_cold_open(index, w)
            if any(w.first <= t.last + 1 and w.last >= t.first - 1 for t in taken):
                continue                                   # same spot, or inside a shown context
            match = self._match(index, w, parts.text if _by_words(w) else None)
            if match is not None:
                taken.append(w)
                result.matches.append(match)
        if not result.matches and by_meaning:
            try:
                w = self._peak(scorer, scope.episode_id if scope else None, searched)
            except Exception:  # a store hiccup costs this paraphrase, not the answer
                log.warning("quote: no peak search", exc_info=True)
                w = None
            if w is not None and attributed is not None and attributed.anyone and not attributed(w.first):
                w = None               # "Lisa Feldman Barrett: a placebo works because…" found in another guest's
                                       # episode: a guess by meaning alone, and the listener says it is not there
            match = self._match(index, w) if w is not None else None
            if match is not None:      # found by where it is, not by how it reads: a match's score is at the bar
                match.score = max(match.score, bar)
                result.matches.append(match)
        if not result.matches and not retold and parts.attribution is None:
            told = as_told_by(parts.text, self._names_guest)
            again = self.find(told, episode, limit, retold=True) if told else None
            if again is not None and again.matches:
                again.query = typed
                return again
        if suggest and not result.matches:
            try:
                result.nearest = self._nearest(index, parts.text, scope.episode_id if scope else None, searched)
            except Exception:  # a suggestion is a courtesy: an embedding or store hiccup only drops it
                log.warning("quote: no nearest line", exc_info=True)
        return result

    def _names_guest(self, tokens: list[str]) -> bool:
        """The words are (a close spelling of) words of one guest's name, one of them at least 4 letters: "chomsky",
        "lisa feldman barret"."""
        said = [t.lower() for t in tokens]
        if not said or max(map(len, said)) < 4 or any(len(t) < 3 for t in said):
            return False
        for meta in self.library.episodes:
            name = [w.lower() for w in words(meta.guest or "")]
            if name and all(max(fuzz.ratio(t, w) for w in name) >= NAME_SIMILARITY for t in said):
                return True
        return False

    def _in_each(self, query: str, episode_ids: list[str], limit: int, suggest: bool) -> QuoteResult:
        """A guest's every episode (the episode option was just their name): each searched as it would be alone,
        the matches merged best first."""
        results = [self.find(query, eid, limit, suggest=suggest) for eid in episode_ids]
        matches = sorted((m for r in results for m in r.matches), key=lambda m: -m.score)[:limit]
        nearest = [r.nearest for r in results if r.nearest is not None]
        return QuoteResult(query=query, matches=matches, scope=", ".join(episode_ids),
                           nearest=None if matches or not nearest else max(nearest, key=lambda m: m.score))

    def _nearest(self, index: SentenceIndex, text: str, scope: str | None, searched=None) -> QuoteMatch | None:
        """The sentence nearest the query in meaning: the nearest chunks' tiles (~3 sentences, embedded at
        ingest) are ranked by the query vector, and only the best tiles' sentences are embedded one by one.

        A paraphrase ("nobody will pay for a computer that's neat and elegant but sluggish") shares too few
        words to be a match, and MiniLM cannot tell it from a line never said (cosines 0.5-0.75 both), so it
        is offered as the closest line, not as the quote. Embedding every sentence of the 3 nearest chunks
        offered the right line for 5 of the 19 dev, held-out and blind lines left unmatched (~90 ms a query);
        the tiles of the 8 nearest, then the sentences of the best 6 tiles: 8 of 19 in the same time (every
        sentence of the 8 chunks: 9, ~150 ms). Runs only when nothing matched, on the query vector and the
        nearest chunks the search found (`searched`), if it got that far."""
        lib = self.library
        vector, hits = searched or (None, None)
        if vector is None:
            vector = lib.embedder.embed_query(text)
        if not hits:
            hits = lib.nearest_chunks(vector, NEAREST_CHUNKS, [scope] if scope else None)
        ordered, sims = self._tile_sentences(index, vector, [(hit.episode_id, hit.index) for hit in hits or []],
                                             NEAREST_TILES)
        if not ordered:
            return None
        best = int(np.argmax(sims))
        if sims[best] < NEAREST_FLOOR:
            return None
        match = self._match(index, Window(ordered[best], ordered[best]))
        if match is not None:
            match.score = round(float(sims[best]), 3)
        return match

    def _lexical(self, scorer: scoring.QueryScorer, lo: int, hi: int) -> dict[tuple[int, int], Window]:
        """Candidates from the term vote; the best covered of them are aligned with the query."""
        index = scorer.index
        votes = index.vote(scorer.terms, lo, hi)
        pair_votes = votes[:-1] + votes[1:]
        if len(pair_votes):
            pair_votes[~index.pair_ok[lo:hi - 1]] = 0.0
        windows: dict[tuple[int, int], Window] = {}
        fresh = _windows(scorer, lo + _top(votes, SINGLE_CANDIDATES), lo + _top(pair_votes, PAIR_CANDIDATES),
                         windows)
        for w in sorted(fresh, key=lambda w: -w.coverage)[:ALIGNED]:
            _align(scorer, w)
        return windows

    def _semantic(self, scorer: scoring.QueryScorer, text: str, windows: dict, scope: str | None) -> tuple:
        """Meaning, for when the words alone are not decisive (paraphrases share few of them).

        One embedding batch holds the query and the best lexical finalists, so those are judged sentence
        by sentence; the query vector then finds the nearest chunks, whose sentences join the candidates
        with the chunk's (coarser) similarity. Returns (query vector, nearest chunks: [] if not searched).
        """
        lib, index = self.library, scorer.index
        finalists = sorted((w for w in windows.values() if w.aligned), key=lambda w: -w.score)[:RERANKED]
        vectors = lib.embedder.embed_documents([text] + [scorer.run_text(w) for w in finalists])
        query = vectors[0]
        self._read_sense(scorer, query, finalists, vectors[1:])
        if max((w.score for w in finalists), default=0.0) >= scoring.CONFIDENT:
            return query, []                              # a finalist already reads as the line
        hits = lib.nearest_chunks(query, DENSE_K, [scope] if scope else None)
        near: dict[int, float] = {}
        for hit in hits:
            meaning = scoring.meaning_from_similarity(hit.similarity)
            for sid in index.chunk_span(hit.episode_id, hit.index):
                near[sid] = max(near.get(sid, 0.0), meaning)
        if not near:
            return query, hits
        ids = np.asarray(sorted(near), dtype=np.int64)
        _windows(scorer, ids, ids[index.pair_ok[ids]], windows)
        for (first, last), w in windows.items():
            if first in near or last in near:
                _align(scorer, w)
                w.meaning = max(w.meaning, near.get(first, 0.0), near.get(last, 0.0))
        return query, hits

    def _read_sense(self, scorer: scoring.QueryScorer, query: np.ndarray, ws: list[Window], vectors=None) -> None:
        """Each window's own meaning against the query (`Window.sense`); embeds them unless given their vectors."""
        if not ws:
            return
        if vectors is None:
            vectors = self.library.embedder.embed_documents([scorer.run_text(w) for w in ws])
        for w, v in zip(ws, vectors):
            w.sense = scoring.sense_from_similarity(float(np.dot(query, v)))

    def _peak(self, scorer: scoring.QueryScorer, scope: str | None, searched) -> Window | None:
        """A paraphrase's line, when the query's nearest chunk stands alone: the sentence of that chunk nearest
        the query in meaning and words.

        MiniLM scores a paraphrase and a line never said alike against any one sentence (cosines 0.5-0.75),
        but not against the library as a whole: "he doesn't want to box Mike Tyson because he likes keeping
        his teeth" puts one chunk 0.24 ahead of the next, a plausible line never said meets a crowd of near
        ties (the 32 bench lines: at most 0.12 ahead, at cosine >= 0.55)."""
        vector, hits = searched
        if not hits:
            return None
        if scope is not None:          # the margin is judged against the whole library, not one episode
            hits = self.library.nearest_chunks(vector, 2)
        if len(hits) < 2 or hits[0].similarity < PEAK_FLOOR \
                or hits[0].similarity - hits[1].similarity < peak_margin(scorer.index.chunks):
            return None
        top = hits[0]
        if scope is not None and top.episode_id != scope:
            return None
        # the chunk's best tiles by their stored vectors, then their sentences one by one (embedding all of the
        # chunk's ~8 cost ~70 ms; the line sat in the best two tiles for every unseen paraphrase that fired)
        ids, sims = self._tile_sentences(scorer.index, vector, [(top.episode_id, top.index)], PEAK_TILES,
                                         words_only=True)
        if not ids:
            return None
        coverage, _, _ = scorer.coverages(np.asarray(ids, dtype=np.int64), np.zeros(0, dtype=np.int64))
        best = int(np.argmax(sims + coverage))
        if sims[best] < PEAK_SENSE_FLOOR:
            return None
        sid = ids[best]
        w = Window(sid, sid, coverage=float(coverage[best]))
        _align(scorer, w)
        w.sense = scoring.sense_from_similarity(float(sims[best]))
        w.meaning = scoring.meaning_from_similarity(top.similarity)
        log.debug("quote peak: %.3f ahead at %.3f -> sentence %d", top.similarity - hits[1].similarity,
                  top.similarity, sid)
        return w

    def _tile_sentences(self, index: SentenceIndex, vector, chunks: list[tuple[str, int]], keep: int, *,
                        words_only: bool = False) -> tuple[list[int], np.ndarray]:
        """The sentences (global ids, in order) of the `keep` tiles of `chunks` nearest `vector` by their stored
        vectors, and each one's own cosine with it (embedded here, one batch). `words_only`: not speaker initials."""
        query = np.asarray(vector)
        tiles = self.library.tiles(chunks) if chunks else []
        if not tiles:
            return [], np.zeros(0)
        order = np.argsort(-(np.stack([t[3] for t in tiles]) @ query))[:keep]
        sids: set[int] = set()
        for t in order.tolist():
            eid, first, end, _ = tiles[t]
            e = index.by_id.get(eid)
            if e is not None:
                base = int(index.offsets[e])
                sids.update(base + pos for pos in range(first, end)
                            if not (words_only and is_turn_tag(index.texts[e].sentences[pos].text)))
        ordered = sorted(sids)
        if not ordered:
            return [], np.zeros(0)
        sentences = [index.texts[e].sentences[pos] for e, pos in map(index.locate, ordered)]
        return ordered, np.asarray(self.library.embedder.embed_documents([s.text for s in sentences])) @ query

    # --- output -----------------------------------------------------------------------------------
    @staticmethod
    def _match(index: SentenceIndex, w: Window, query: str | None = None) -> QuoteMatch | None:
        """The window as a match: its whole sentences, or in unpunctuated text (auto-captions) the run of words
        the query lines up with (`bot.quotes.pieces`)."""
        e, pos = index.locate(w.first)
        text = index.texts[e]
        sentences = text.sentences[pos:pos + (w.last - w.first) + 1]
        quote, start, end = " ".join(s.text for s in sentences), sentences[0].start, sentences[-1].end
        before = _said(text.sentences, range(pos - 1, -1, -1))
        after = _said(text.sentences, range(pos + len(sentences), len(text.sentences)))
        # the line may run on into a neighbouring piece: the pieces were cut wherever a caption line ended
        around = text.sentences[max(0, pos - 1):pos + len(sentences) + 1]
        run = pieces.line_in(around, query) if query and pieces.unpunctuated(around) else None
        speaker = sentences[0].speaker or None
        if run is not None:
            quote, start, end, speaker = run.text, run.start, run.end, run.speaker or None
            before, after = run.before or before, run.after or after
        if verify_quote(text, quote) is None:             # cannot happen for the transcript's words; never print it
            log.error("quote index out of step with %s: %r", text.episode_id, quote[:80])
            return None
        meta = text.meta
        return QuoteMatch(episode_id=meta.episode_id, title=meta.title, start=start, end=end, text=quote,
                          context_before=before, context_after=after, score=round(w.score, 3),
                          url=meta.link(start), speaker=speaker)


class _Attributed:
    """Whether a sentence is the named person's ("Ilya: …"): in an episode whose guest/title is them, or labelled
    with them. Such windows get a nudge; a line found by meaning alone elsewhere is dropped."""

    def __init__(self, index: SentenceIndex, attribution: str):
        self.index, self.attribution = index, attribution
        self.episodes = {e for e, t in enumerate(index.texts) if self._named(t.meta.guest) or self._named(t.meta.title)}
        self.anyone = bool(self.episodes)        # the name is a guest's here (else: a speaker label at most)

    def _named(self, label: str | None) -> bool:
        return bool(label) and fuzz.WRatio(self.attribution, label) >= 80

    def __call__(self, sid: int) -> bool:
        e, pos = self.index.locate(sid)
        return e in self.episodes or self._named(self.index.texts[e].sentences[pos].speaker)


def peak_margin(chunks: int) -> float:
    """How far the nearest chunk must stand ahead of the next in a library of `chunks` chunks (`_peak`)."""
    return PEAK_MARGIN * max(1.0, math.log(PEAK_CHUNKS) / math.log(max(chunks, 3)))


def _said(sentences, order: range) -> str:
    """The first sentence in `order` that is words, not a speaker's initials ("TK"): the context shown."""
    return next((sentences[k].text for k in order if not is_turn_tag(sentences[k].text)), "")


def _windows(scorer: scoring.QueryScorer, singles: np.ndarray, pair_firsts: np.ndarray,
             windows: dict[tuple[int, int], Window]) -> list[Window]:
    """Add the sentences and the pairs that earn their place to `windows`; return the new ones."""
    single_cov, pair_cov, pair_ok = scorer.coverages(singles, pair_firsts)
    fresh = []
    for sid, cov in zip(singles.tolist(), single_cov.tolist()):
        if (sid, sid) not in windows and cov > 0:
            fresh.append(windows.setdefault((sid, sid), Window(sid, sid, coverage=cov)))
    for sid, cov, ok in zip(pair_firsts.tolist(), pair_cov.tolist(), pair_ok.tolist()):
        if ok and (sid, sid + 1) not in windows:
            fresh.append(windows.setdefault((sid, sid + 1), Window(sid, sid + 1, coverage=cov)))
    return fresh


def _from_cold_open(index: SentenceIndex, w: Window) -> Window:
    """A line in the clip an episode opens with is quoted where it is said in the conversation, with its
    context (and so only once): that is the moment to jump to."""
    e, pos = index.locate(w.first)
    text = index.texts[e]
    if text.sentences[pos].start > COLD_OPEN_SECONDS:      # spares reading the framing of every window
        return w
    repeats = text.framing.repeats                          # only cold-open sentences have an entry
    last = pos + (w.last - w.first)
    if pos not in repeats or last not in repeats or not 0 <= repeats[last] - repeats[pos] <= w.last - w.first + 1:
        return w
    base = int(index.offsets[e])
    return replace(w, first=base + repeats[pos], last=base + repeats[last])


def _by_words(w: Window) -> bool:
    """The window holds the query's words in order (not only its meaning): in unpunctuated text the quote can be
    cut to the run they line up with."""
    return w.aligned and w.sequence >= scoring.SEQUENCE_TRIM


def _align(scorer: scoring.QueryScorer, w: Window) -> None:
    if not w.aligned:
        w.focus, *run = scorer.focus(w.first, w.last, w.coverage)
        w.run = tuple(run)
        w.sequence = scorer.sequence(w.first, w.last)
        w.aligned = True


_warming = threading.Lock()


def _warm_verbatim(texts: list) -> None:
    """The verbatim check's per-episode index costs ~0.4 s to build; pay it off the query path, once."""
    with _warming:
        for text in texts:
            episode_index(text)


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k highest positive scores (unordered)."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) <= k:
        return positive
    part = np.argpartition(scores[positive], -k)[-k:]
    return positive[part]
