"""Which sentences carry a stretch of an episode: centrality, quality and diverse selection.

A sentence is central to a scope (a chapter or the whole episode) when it uses the scope's particular
words (content-word weights: frequency in the scope × specificity to the episode, and for a chapter,
concentration in it) and when its chunk's embedding lies near the scope's mean embedding. Quality keeps
out what reads badly alone: questions, fragments, fillers, sentences that lean on the previous one.
Selection is maximal marginal relevance, so five bullets are five different points.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from bot.summary.analysis import Analysis
from bot.summary.text import SentenceFeatures

GENERIC_WEIGHT = 0.3        # a content word with no specificity still counts a little
POOL = 150                  # MMR looks at this many best candidates


def scope_weights(a: Analysis, lo: int, hi: int, *, chapter: bool) -> dict[str, float]:
    """Content-word weights for sentences [lo, hi)."""
    tf: Counter = Counter()
    for i in range(lo, hi):
        if not a.framing.ad[i]:
            tf.update(a.features[i].keys)
    if not chapter:
        return {w: math.sqrt(c) * (a.stats.idf(w) + GENERIC_WEIGHT) for w, c in tf.items()}
    share = max(1e-6, (hi - lo) / max(1, len(a.sentences)))
    total = a.stats.own
    out = {}
    for w, c in tf.items():
        concentration = (c / max(1, total.get(w, c))) / share
        out[w] = math.sqrt(c) * (a.stats.idf(w) + GENERIC_WEIGHT) * min(3.0, concentration) ** 0.5
    return out


def lexical_scores(a: Analysis, idx: Sequence[int], weights: dict[str, float]) -> np.ndarray:
    out = np.zeros(len(idx))
    for j, i in enumerate(idx):
        keys = set(a.features[i].keys)
        if keys:
            out[j] = sum(weights.get(k, 0.0) for k in keys) / math.sqrt(len(keys) + 2)
    return out


def semantic_scores(a: Analysis, idx: Sequence[int], lo: int, hi: int) -> np.ndarray:
    """Cosine of each sentence's chunk vector with the scope's mean chunk vector."""
    if not len(idx) or a.vectors.shape[1] < 2:
        return np.zeros(len(idx))
    chunks = np.unique(a.sentence_chunk[lo:hi])
    centroid = a.vectors[chunks].mean(axis=0)
    norm = np.linalg.norm(centroid)
    if norm == 0:
        return np.zeros(len(idx))
    sims = a.vectors @ (centroid / norm)
    return sims[a.sentence_chunk[np.asarray(idx)]]


def _unit(x: np.ndarray) -> np.ndarray:
    if not len(x):
        return x
    lo, hi = float(x.min()), float(x.max())
    return (x - lo) / (hi - lo) if hi > lo else np.ones_like(x)


def centrality(a: Analysis, idx: Sequence[int], lo: int, hi: int, *, chapter: bool) -> np.ndarray:
    """0..1 centrality of sentences `idx` within sentences [lo, hi)."""
    weights = scope_weights(a, lo, hi, chapter=chapter)
    return 0.65 * _unit(lexical_scores(a, idx, weights)) + 0.35 * _unit(semantic_scores(a, idx, lo, hi))


def bullet_quality(f: SentenceFeatures, *, min_words: int = 8, max_words: int = 45) -> float:
    """How well a sentence reads on its own as a bullet (0 = not at all)."""
    if f.words < min_words or f.words > max_words or not f.keys:
        return 0.0
    q = 1.0
    if f.question:
        q *= 0.25
    if f.dangling:
        q *= 0.45
    if f.continues or f.initials:
        q *= 0.35
    if not f.complete:
        q *= 0.6
    q *= 0.75 ** f.fillers
    if f.content_ratio < 0.2:
        q *= 0.5
    q *= 0.7 ** f.hedges * 0.7 ** f.restarts
    if f.clause_open:
        q *= 0.8
    if f.listy:
        q *= 0.5
    if f.meta:
        q *= 0.4
    if f.words < 12:
        q *= 0.75
    elif f.words > 35:
        q *= 0.8
    return q


def idea_quality(f: SentenceFeatures) -> float:
    """A bullet that also states something (an idea is a claim, not an anecdote or a hedge)."""
    q = bullet_quality(f, min_words=10)
    if not f.claim:
        q *= 0.6
    if f.soft_open and f.words < 12:
        q *= 0.5
    if f.hedges:
        q *= 0.5
    if f.addressed:         # an idea is the guest's, not the host's summary of it
        q *= 0.4
    return q


def similarity(a: Analysis, i: int, j: int) -> float:
    """Redundancy of two sentences: shared content words, plus a little for sharing a chunk."""
    ki, kj = set(a.features[i].keys), set(a.features[j].keys)
    jac = len(ki & kj) / max(1, len(ki | kj))
    same_chunk = 0.3 if a.sentence_chunk[i] == a.sentence_chunk[j] else 0.0
    return min(1.0, jac + same_chunk)


def mmr(a: Analysis, candidates: Iterable[tuple[int, float]], k: int, *, lam: float = 0.7,
        chosen: Sequence[int] = (), min_gap: int = 1) -> list[int]:
    """Up to k sentence positions by maximal marginal relevance; also avoids `chosen` and near neighbours."""
    pool = sorted(((i, s) for i, s in candidates if s > 0), key=lambda x: -x[1])[:POOL]
    if not pool:
        return []
    top = max(s for _, s in pool)
    pool = [(i, s / top) for i, s in pool]
    picked: list[int] = []
    taken = list(chosen)
    while pool and len(picked) < k:
        best, best_val = None, -math.inf
        for i, s in pool:
            if any(abs(i - t) < min_gap for t in taken):
                continue
            redundancy = max((similarity(a, i, t) for t in taken), default=0.0)
            val = lam * s - (1 - lam) * redundancy
            if val > best_val:
                best, best_val = i, val
        if best is None:
            break
        picked.append(best)
        taken.append(best)
        pool = [(i, s) for i, s in pool if i != best]
    return picked
