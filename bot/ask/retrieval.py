"""Hybrid retrieval: dense (Chroma) + BM25 fused by reciprocal rank, diversified, cut to cited sentences.

The unit retrieved is a chunk (~90 words); the unit cited is the run of sentences inside it (plus the
edges of its neighbours) that best matches the question (`bot.ask.citations`).
"""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from bot.ask import citations, lexical_cache
from bot.ask.guests import NAME_TOKEN, GuestNames
from bot.ask.lexical import (LexicalIndex, close_to, english_count, is_number, is_term, stem_pairs, stems, word_counts,
                             words)
from bot.ask.position import Where
from bot.ask.roles import GuestRoles
from bot.saying import is_saying
from bot.ask.shorthand import spelled_out, with_apostrophes, without_asides
from bot.ask.wording import asked_kinds, asked_sentences, opinion_topic, question_core, topic_asked
from bot.framing import about_framing
from bot.library import Library
from ingest.chunking import WIDE_CHUNKS
from ingest.errors import EpisodeNotFound
from ingest.models import Chunk, Sentence

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
W_ONE_EPISODE = 1.0      # across the library, a fifth: the passages of the one episode saying the rarest word
#                          (`_in_one_episode`). Eighteen sets at 125 episodes, corpus-wide top-1 / top-5 328 / 444
#                          -> 329 / 449 of 658; at 319 episodes 295 / 418 -> 295 / 420; a weight of 2 no better
RERANK_WEIGHT = 0.5      # share of the fused rank vs the fine (tile) rank
NEIGHBOUR = 0.0          # share of a neighbouring chunk's fused score added to a chunk (answers straddle chunks)
DENSE_K = 40
LEX_K = 40
DISTINCT_SHARE = 0.75     # a question's second rarest word is distinctive too if its idf is this share of the rarest's
FRAMING_WEIGHT = 0.5      # a chunk that is mostly intro, sponsor read or sign-off: summaries and ads, not answers
RAREST_MIN_IDF = 7.0     # a word this rare in the library (~1 chunk in 1,000; "rascal", "blitz") held by the best
#                          passage saves a terse question from "nothing close" (`AskEngine.abstain_reason`)
POSITION_BOOST = 1.5     # a passage where the listener placed the moment ("near the end"): neutral on the seven
#                          sets from 1.0 to 3.0 (their 6 such questions were answered from the right part already)
# The question's vector for ranking: as typed + CORE_WEIGHT x its core (`bot.ask.wording`). bench/retrieval.py,
# 40 episodes (one weight tried, 0.5): recall@1 in the episode dev 0.60 -> 0.62, blind 0.67 -> 0.71, held-out
# 0.75 = 0.75; corpus-wide recall@5 held-out 0.75 -> 0.79, dev 0.78 -> 0.77; abstention unchanged.
CORE_WEIGHT = 0.5
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


def _in_order(question: str, found: list[str]) -> list[str]:
    """`found` (words and names of the question, any case) once each, as the question spells them ("CBD", not
    "cbd") and in its order."""
    out: dict[str, tuple[int, str]] = {}
    for word in found:
        m = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", question, re.I)
        out.setdefault(word.lower(), (m.start(), m.group(0)) if m else (len(question), word))
    return [w for _, w in sorted(out.values())]


def rarest_word(text: str) -> str | None:
    """The word of `text` (3+ letters, stop words aside) least common in English: what a short topic is about
    ("his poker days" -> "poker", "what alcohol does to your brain" -> "alcohol")."""
    candidates = [w for w in words(text) if len(w) >= 3 and not is_number(w)]
    return min(candidates, key=english_count) if candidates else None


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
    topic_rarest_unsaid: bool = False  # ... the rarest word of that topic among them, inside an episode
    topic_opinion: bool = False      # ... the topic being what the guest said or thinks about, not whether it came up
    unsaid: list[str] = field(default_factory=list)         # the question's words and names said nowhere in scope,
    #                                                          in its order (what a refusal names)
    words: int = 0                   # the question's distinct words, stop words and (in scope) the guest's name aside
    margin: float = 0.0              # best dense similarity minus the typical top-20 similarity
    scope: list[str] | None = None
    candidates: int = 0
    extra: dict = field(default_factory=dict)


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
        self.guests = GuestNames(library, self._said_in, lambda w: self.lex is not None and w in self.lex.surface_set,
                                 lambda a, b: self.lex is not None and self.lex.written_as_name(a, b))
        self.roles = GuestRoles(library)

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

    def named_by_role(self, question: str) -> list[str]:
        """Episodes whose guest the question names by a role their introduction gives ("the Instagram founder")."""
        return self.roles.named(question)

    def named_guests(self, question: str) -> list[str]:
        """Episodes whose guest the question names (`GuestNames.named`)."""
        return self.guests.named(question)

    def is_guest_name(self, text: str) -> bool:
        """Every word of `text` is part of some guest's name (`GuestNames.is_name`)."""
        return self.guests.is_name(text)

    def _said_in(self, word: str, episode_id: str) -> bool:
        """The episode's passages say `word` (or a close spelling of it)."""
        self.ensure_index()
        return self.lex is not None and self.lex.said(word, self._mask([episode_id]))

    def idf(self, stem: str) -> float:
        """How distinctive a word stem is across the library (0 for one it never says)."""
        self.ensure_index()
        return self.lex.idf(stem) if self.lex is not None and self.lex.has(stem) else 0.0

    def corrected(self, question: str) -> str:
        """The question with words the library never says respelled as a close word it does say, and units and
        chat shorthand written out as the transcript says them, and chat's asides ("ngl") out (`bot.ask.shorthand`)."""
        self.ensure_index()
        if self.lex is None:
            return question
        question = self.guests.joined(with_apostrophes(without_asides(question, self._passages_saying)))
        question = NAME_TOKEN.sub(self.guests.by_ear, question)
        # shorthand first: respelt, "convo" was completed to "convoluted" before it could be "conversation"
        return self.lex.correct(spelled_out(question, self._passages_saying))

    def _passages_saying(self, word: str) -> int:
        said = stems(word)
        return self.lex.df.get(said[0], 0) if said else 0

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

    def _known_names(self) -> str:
        """Every episode's title and guest, the words a question may spell otherwise than the transcriber."""
        return " ".join(f"{m.title} {m.guest or ''}" for m in self.library.episodes)

    def _window(self, eid: str, chunk: Chunk, query_terms: dict[str, float],
                vector: np.ndarray | None = None) -> tuple[list[Sentence], list[Sentence]]:
        """The citation cut around `chunk` (`citations.window`), its sentences weighted by the question's words, or
        with `vector`, by how much closer to it each sentence's best tile is than the chunk's farthest tile."""
        def weigh(pool: list[Sentence]) -> np.ndarray:
            return (self._sentence_weights(pool, query_terms) if vector is None
                    else self._tile_weights(eid, chunk, pool, vector))
        return citations.window(self.library.text(eid), chunk, weigh)

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
            try:
                cited = self.library.embedder.embed_documents([e.text for e in close])
            except Exception as exc:    # noqa: BLE001 - e.g. an API embedder's rate limit: the fused order stands
                log.warning("citations kept in fused order: embedding them failed (%s: %s)", type(exc).__name__, exc)
            else:
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
                     if s.start <= e.end and citations.asks(s.text) and len(s.text.split()) >= HOST_ASKED_MIN_WORDS]
            chunks = dict.fromkeys(int(c) for c in text.sentence_chunk[asked]) if asked else {}
            tiles = self.library.tiles([(e.episode_id, c) for c in chunks]) if chunks else []
            best = max((float(v @ unit) for _, a, b, v in tiles if any(a <= i < b for i in asked)), default=0.0)
            bonus.append(HOST_ASKED * max(0.0, best - HOST_ASKED_MIN))
        return bonus

    def _in_one_episode(self, word_weights: dict[tuple, float], mask: np.ndarray | None) -> list[int]:
        """The passages saying the question's rarest word, when it is rare (RAREST_MIN_IDF) and only one episode
        says it: "who wrote it up for him with ULMFiT?" (the transcript's "ULM fit") is Jeremy Howard's, but the
        fusion ranked the one passage saying it below passages that only the question's filler brought close."""
        if not word_weights:
            return []
        group, weight = max(word_weights.items(), key=lambda kv: kv[1])
        if weight < RAREST_MIN_IDF:
            return []
        saying = [int(p) for p in np.flatnonzero(self.lex.scores(list(group), mask) > 0)]
        return saying if len({self.chunks.episode(p) for p in saying}) == 1 else []

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
            if _names_guest(token, names):
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
        if episode_ids is None and W_ONE_EPISODE:
            for pos in self._in_one_episode(word_weights, mask):
                fused[pos] = fused.get(pos, 0.0) + W_ONE_EPISODE / rrf_k
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
            window = citations.not_replayed(self.library.text(eid).framing, window)
            window = citations.without_repeats(window, [e.sentences for e in evidence if e.episode_id == eid])
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
        # "what woodwind did she play?": the kind of thing asked for, which the passage names ("clarinet"), is no
        # word the library lacks (blind set 12's x030 was refused for it in both scopes)
        kinds = asked_kinds(question)
        # what the listener tells as context ("Avi Loeb on this show is all about hunting for alien tech.") names no
        # topic the passages must say; eighteen sets, wrong refusals in the episode 29 -> 25 of 658, corpus-wide
        # 16 -> 13 (319 episodes: 29 -> 25, 13 -> 12), no unanswerable question answered for it
        asked = asked_sentences(question)
        # ...nor is the verb the listener asks what was said with ("what did walker quip after…", "what did he liken
        # the tech crowd to?"): it names the asking, not the topic
        unknown = [w for w in self.lex.unknown_words(asked, self._known_names())
                   if w.lower() not in kinds and not is_saying(w)]
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
        absent, topic_unsaid, topic_rarest_unsaid, opinion = [], [], False, False
        if episode_ids is not None:
            known = " ".join(f"{m.title} {m.guest or ''}" for m in map(self.library.meta, episode_ids))
            absent = self.lex.absent_names(asked, mask, known)
            topic = topic_asked(question)
            opinion = not topic
            if opinion:
                topic = opinion_topic(question)
            topic_unsaid = _in_order(question, [w for w in self.lex.absent_words(topic, mask, known)
                                                if w.lower() not in kinds])
            topic_rarest_unsaid = (rarest_word(topic) or "") in {w.lower() for w in topic_unsaid}
            # a rare word the episode never says tells as much as one the library never says (at 318 episodes
            # the library says nearly every one: scoped refusals of the dev unanswerables fell 22 -> 12 of 40)
            unknown = [w for w in {*unknown, *self.lex.absent_rare_words(asked, mask, known)}
                       if w.lower() not in kinds and not is_saying(w)]
        else:
            # across the library every everyday word is said somewhere: a name or term no episode says is the sign
            # ("has anyone on the podcast talked about going geocaching?")
            topic = words(topic_asked(question))
            topic_unsaid = [w for w in unknown if is_term(w) and w in topic]
        return Retrieval(question, evidence, best_dense=best_dense, coverage=coverage, rare_hit=rare_hit,
                         rarest_hit=rarest_hit,
                         unknown=unknown_weight(unknown), unknown_terms=sum(map(is_term, unknown)), margin=margin,
                         scope=episode_ids, candidates=len(fused),
                         absent_names=len(absent), topic_unsaid=topic_unsaid, topic_rarest_unsaid=topic_rarest_unsaid,
                         unsaid=_in_order(question, [*unknown, *absent]),
                         topic_library_wide=episode_ids is None, topic_opinion=opinion,
                         words=self._described_words(question, episode_ids))

    def _described_words(self, question: str, episode_ids: list[str] | None) -> int:
        """The question's distinct words (stop words aside), in scope not those naming the guest: "Does Lisa Feldman
        Barrett recommend meditation or mindfulness…" describes no moment by naming her in full (the refusal rules
        spare a question that runs to DESCRIBED_WORDS words). Nineteen sets at 131 episodes: unanswerables refused
        in the episode 150 -> 155 of 215 (and across the library, naming their guest, 97 -> 102 of 146); the two
        answerable ones it refused too ("gran", "44th") are not, since numbers and family words are read as such."""
        ws = set(words(question))
        if episode_ids is not None:
            names = self._guest_stems(episode_ids)
            ws = {w for w in ws if not _names_guest(w, names)}
        return len(ws)


def _names_guest(word: str, guest_stems: list[str]) -> bool:
    """`word` is (a spelling of) a word of the guest's name, by its stems (`Retriever._guest_stems`)."""
    said = stems(word)
    return bool(said) and all(close_to(t, guest_stems) for t in said)
