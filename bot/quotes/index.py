"""The sentence index behind /quote: every sentence of every committed episode, as stemmed terms.

Why an inverted index and not a fuzzy scan: rapidfuzz over ~80k sentences (40 episodes) costs hundreds
of milliseconds, so a cheap IDF-weighted term vote picks a few hundred candidate sentences and sentence
pairs first, and only those are scored closely. Each episode is tokenised once per committed
generation (`prepare_episode`), so a rebuild after one ingest re-reads only that episode.
"""
from __future__ import annotations

import bisect
import os
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from bot.quotes.text import stems, words

COMMON_SHARE = 0.05       # terms in more than 5% of sentences do not vote for candidates (they still score)
MIN_FUZZY_LEN = 4         # shorter words have too many near neighbours to correct safely
MIN_SPELLING_SIM = 0.75   # rapidfuzz ratio between a query word and a library word taken as its spelling
MIN_VARIANT_LEN = 6       # stems at least this long may meet longer/shorter forms of themselves
MIN_PART_LEN = 3          # a compound the transcript writes in two ("tight rope") splits into words this long
SPLIT_SENTENCES = 200     # ...said in a row in one of the first this many sentences holding both


@dataclass(slots=True)
class PreparedEpisode:
    """One episode's sentences as local term ids (CSR), built once per committed generation."""

    key: tuple[str, str]            # (episode id, generation)
    norm: list[str]                 # each sentence as its words joined by spaces (for rapidfuzz)
    vocab: list[str]                # local term id -> stem
    surfaces: dict[str, int]        # surface word -> local term id
    ptr: np.ndarray                 # sentence i's unique terms are terms[ptr[i]:ptr[i+1]]
    terms: np.ndarray
    seq_ptr: np.ndarray             # sentence i's words, in order, are seq[seq_ptr[i]:seq_ptr[i+1]]
    seq: np.ndarray
    chunk_first: np.ndarray         # chunk position -> position of its first sentence
    chunk_pos: dict[int, int]       # chunk index (as dense hits name it) -> chunk position
    speakers: list[str | None]


def prepare_episode(text) -> PreparedEpisode:
    """Tokenise an EpisodeText (bot.library) into a PreparedEpisode."""
    local: dict[str, int] = {}
    surfaces: dict[str, int] = {}
    norm, ptr, flat, seq_ptr, seq = [], [0], [], [0], []
    for sentence in text.sentences:
        tokens = words(sentence.text)
        norm.append(" ".join(tokens))
        for token, stem in zip(tokens, stems(tokens)):
            tid = local.setdefault(stem, len(local))
            surfaces.setdefault(token, tid)
            seq.append(tid)
        flat.extend(sorted(set(seq[seq_ptr[-1]:])))
        ptr.append(len(flat))
        seq_ptr.append(len(seq))
    sizes = [len(c.offsets) for c in text.chunks]
    return PreparedEpisode(
        key=(text.episode_id, text.gen), norm=norm, vocab=list(local), surfaces=surfaces,
        ptr=np.asarray(ptr, dtype=np.int64), terms=np.asarray(flat, dtype=np.int32),
        seq_ptr=np.asarray(seq_ptr, dtype=np.int64), seq=np.asarray(seq, dtype=np.int32),
        chunk_first=np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
        chunk_pos={c.index: i for i, c in enumerate(text.chunks)},
        speakers=[s.speaker for s in text.sentences])


@dataclass(slots=True)
class Term:
    """One word of the query: the index terms it may appear as (exact stem, or fuzzy spellings) and weight."""

    word: str
    weight: float
    alts: dict[int, float]          # term id -> similarity (1.0 for the exact stem)


class SentenceIndex:
    """All sentences of the library in one numbering: episode e owns ids offsets[e]..offsets[e+1]-1."""

    def __init__(self, texts: list, prepared: list[PreparedEpisode], version: int):
        self.version = version
        self.texts = texts
        self.by_id = {t.episode_id: i for i, t in enumerate(texts)}
        self.offsets = np.concatenate([[0], np.cumsum([len(p.norm) for p in prepared])]).astype(np.int64)
        self.norm = [s for p in prepared for s in p.norm]
        self.chunk_first = [p.chunk_first for p in prepared]
        self.chunk_pos = [p.chunk_pos for p in prepared]
        self.chunks = sum(max(0, len(f) - 1) for f in self.chunk_first)
        n = len(self.norm)

        vocab: dict[str, int] = {}
        luts = []
        for p in prepared:
            luts.append(np.asarray([vocab.setdefault(stem, len(vocab)) for stem in p.vocab], dtype=np.int32))
        self.vocab = vocab
        self.sorted_stems = sorted(vocab)
        self.ptr, self.terms = _merge([(p.ptr, lut[p.terms]) for lut, p in zip(luts, prepared)])
        self.seq_ptr, self.seq = _merge([(p.seq_ptr, lut[p.seq]) for lut, p in zip(luts, prepared)])

        surfaces: dict[str, int] = {}
        for lut, p in zip(luts, prepared):
            for word, tid in p.surfaces.items():
                surfaces.setdefault(word, int(lut[tid]))
        self.surfaces = surfaces
        self.surface_words = list(surfaces)

        owner = np.repeat(np.arange(n, dtype=np.int32), np.diff(self.ptr))
        order = np.argsort(self.terms, kind="stable")
        self.post_ids = owner[order]
        self.df = np.bincount(self.terms, minlength=len(vocab)).astype(np.int64)
        self.post_ptr = np.concatenate([[0], np.cumsum(self.df)])
        self.idf = np.log1p((n - self.df + 0.5) / (self.df + 0.5)).astype(np.float64)
        self.n = n

        speakers = [s for p in prepared for s in p.speakers]
        episode_of = np.repeat(np.arange(len(prepared)), [len(p.norm) for p in prepared])
        self.episode_of = episode_of.astype(np.int32)
        same_ep = np.zeros(n, dtype=bool)
        if n > 1:
            same_ep[:-1] = episode_of[:-1] == episode_of[1:]
            same_ep[:-1] &= np.asarray([a == b for a, b in zip(speakers, speakers[1:])], dtype=bool)
        self.pair_ok = same_ep          # sentence i and i+1 may be quoted together
        # a typed word that is nowhere in the library weighs like a word found in ~10 sentences
        self.unknown_weight = float(np.log1p((n - 10 + 0.5) / 10.5)) if n > 10 else 1.0

    # --- query side -------------------------------------------------------------------------------
    def split_compounds(self, query_words: list[str]) -> list[str]:
        """The query's words, a word the library never says replaced by the two it is said as, one right after
        the other, somewhere: a listener's "tightrope" is the transcript's "tight rope". Two words said apart
        ("a play about power" for "powerplay") or a name said nowhere ("chagnon") stay as typed."""
        out: list[str] = []
        for word in query_words:
            split = self._said_as_two(word) if len(word) >= 2 * MIN_PART_LEN and word not in self.surfaces \
                and self.vocab.get(stems([word])[0]) is None else None
            out.extend(split or [word])
        return out

    def _said_as_two(self, word: str) -> list[str] | None:
        for i in range(MIN_PART_LEN, len(word) - MIN_PART_LEN + 1):
            a, b = self.surfaces.get(word[:i]), self.surfaces.get(word[i:])
            if a is None or b is None:
                continue
            both = np.intersect1d(self.post_ids[self.post_ptr[a]:self.post_ptr[a + 1]],
                                  self.post_ids[self.post_ptr[b]:self.post_ptr[b + 1]])
            for sid in both[:SPLIT_SENTENCES]:
                seq = self.window_words(int(sid), int(sid))
                if any(x == a and y == b for x, y in zip(seq, seq[1:])):
                    return [word[:i], word[i:]]
        return None

    def query_terms(self, query_words: list[str]) -> list[Term]:
        """Each distinct query word: its exact stem, other forms of it, and for unknown words likely spellings."""
        out: dict[str, Term] = {}
        for word, stem in zip(query_words, stems(query_words)):
            if stem in out:
                continue
            tid = self.vocab.get(stem)
            alts: dict[int, float] = {} if tid is None else {tid: 1.0}
            if tid is None and len(word) >= MIN_FUZZY_LEN and not word.isdigit():
                alts.update(self._spellings(word))
            for k, v in self._variants(stem).items():
                alts[k] = max(alts.get(k, 0.0), v)
            if tid is not None:
                weight = float(self.idf[tid])
            elif alts:
                weight = max(float(self.idf[k]) for k in alts)
            else:
                weight = self.unknown_weight
            # a stand-in is worth at most what it tells: "under" for "underrated" carries under's weight
            alts = {k: v if k == tid else v * min(1.0, float(self.idf[k]) / weight) for k, v in alts.items()}
            out[stem] = Term(word, weight, alts)
        return list(out.values())

    def _variants(self, stem: str) -> dict[int, float]:
        """Stems the stemmer left apart though they are one word ("hypothesi"/"hypothes")."""
        if len(stem) < MIN_VARIANT_LEN:
            return {}
        prefix = stem[:max(MIN_VARIANT_LEN, len(stem) - 2)]
        out: dict[int, float] = {}
        i = bisect.bisect_left(self.sorted_stems, prefix)
        while i < len(self.sorted_stems) and self.sorted_stems[i].startswith(prefix) and len(out) < 16:
            other = self.sorted_stems[i]
            i += 1
            if other == stem or abs(len(other) - len(stem)) > 3:
                continue
            common = len(os.path.commonprefix([stem, other]))
            sim = common / max(len(stem), len(other))
            if sim >= MIN_SPELLING_SIM:
                out[self.vocab[other]] = sim * sim
        return out

    def _spellings(self, word: str) -> dict[int, float]:
        """Library words a misspelling of `word` could stand for ("sutskiver" -> "sotskever").

        Conservative on purpose: same first letter, a small edit distance and a high similarity, and the
        credit is the squared similarity — a wrong "correction" ("naples" -> "apples") would otherwise
        hand random sentences a rare word's weight.
        """
        max_edits = 1 if len(word) <= 5 else 2 if len(word) <= 9 else 3
        found = process.extract(word, self.surface_words, scorer=Levenshtein.distance, score_cutoff=max_edits,
                                limit=8)
        alts: dict[int, float] = {}
        for surface, _, _ in found:
            if surface == word or surface[0] != word[0]:
                continue
            sim = fuzz.ratio(word, surface) / 100.0
            if sim < MIN_SPELLING_SIM:
                continue
            tid = self.surfaces[surface]
            alts[tid] = max(alts.get(tid, 0.0), sim * sim)
        return alts

    def vote(self, terms: list[Term], lo: int, hi: int) -> np.ndarray:
        """IDF-weighted count of query terms per sentence in [lo, hi) (the cheap candidate filter)."""
        limit = COMMON_SHARE * self.n
        informative = [t for t in terms if any(self.df[k] <= limit for k in t.alts)]
        ids_parts, weight_parts = [], []
        for term in informative or terms:
            for tid, sim in term.alts.items():
                if informative and self.df[tid] > limit:
                    continue
                ids = self.post_ids[self.post_ptr[tid]:self.post_ptr[tid + 1]]
                if lo or hi != self.n:
                    a, b = np.searchsorted(ids, (lo, hi))
                    ids = ids[a:b]
                ids_parts.append(ids)
                weight_parts.append(np.full(len(ids), term.weight * sim))
        if not ids_parts:
            return np.zeros(hi - lo)
        return np.bincount(np.concatenate(ids_parts) - lo, weights=np.concatenate(weight_parts), minlength=hi - lo)

    def window_words(self, first: int, last: int) -> list[int]:
        """Term ids of sentences first..last in spoken order."""
        return self.seq[self.seq_ptr[first]:self.seq_ptr[last + 1]].tolist()

    # --- back to the transcript -------------------------------------------------------------------
    def locate(self, sid: int) -> tuple[int, int]:
        """(episode position, sentence position within it) of a global sentence id."""
        e = int(self.episode_of[sid])
        return e, sid - int(self.offsets[e])

    def chunk_span(self, episode_id: str, chunk_index: int) -> range:
        """Global sentence ids of one chunk (dense hits are chunks)."""
        e = self.by_id.get(episode_id)
        if e is None:
            return range(0)
        firsts = self.chunk_first[e]
        pos = self.chunk_pos[e].get(chunk_index)
        if pos is None:
            return range(0)
        base = int(self.offsets[e])
        return range(base + int(firsts[pos]), base + int(firsts[pos + 1]))


def _merge(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate per-episode CSR arrays (pointer, values) into one, shifting the pointers."""
    if not parts:
        return np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32)
    bases = np.cumsum([0] + [len(values) for _, values in parts[:-1]])
    ptr = np.concatenate([[0]] + [p[1:] + base for (p, _), base in zip(parts, bases)]).astype(np.int64)
    return ptr, np.concatenate([values for _, values in parts]).astype(np.int32)
