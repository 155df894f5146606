"""Where an episode's chapters are: the creator's list when there is one, else topic segmentation.

Creator chapters come from the episode metadata (`meta.chapters`, e.g. a yt-dlp info.json) or from the
description's timestamp lines (`0:00 Introduction`, `2:23 - Deep learning`, `(1:02:03) Outro`).

Otherwise the transcript is segmented by topic, TextTiling-style, on the chunk embeddings already in
the store (nothing is embedded again): at every gap between two chunks the mean vector of the `w`
chunks before is compared with that of the `w` chunks after; the similarity curve is smoothed and each
gap gets a depth score (how far the curve dips below the peaks on either side). The chapter count and
the allowed chapter lengths follow the episode length (about 5 minutes per chapter for a short episode,
up to 15 for a long one), and a small dynamic programme picks the boundaries with the deepest dips that
keep every chapter within those lengths.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from ingest.models import EpisodeMeta, Sentence

MIN_TARGET = 300.0          # seconds per chapter for short episodes
MAX_TARGET = 900.0          # … and for long ones
CHAPTERS_PER_EPISODE = 10   # the target length is the duration over this, clamped to the two above
MIN_SHARE, MAX_SHARE = 0.5, 2.0     # a chapter's length stays within these multiples of the target

_TS = r"(?:(?P<h>\d{1,2}):)?(?P<m>\d{1,2}):(?P<s>\d{2})"
_LEAD = r"^\s*(?:[-*•·▶►]\s*)?[(\[]?" + _TS + r"[)\]]?\s*(?:[-–—:|]\s*)?(?P<title>.*?)\s*$"
_TRAIL = r"^\s*(?:[-*•·▶►]\s*)?(?P<title>.*?)\s*(?:[-–—:|]\s*)?[(\[]?" + _TS + r"[)\]]?\s*$"
_LEAD_RE = re.compile(_LEAD)
_TRAIL_RE = re.compile(_TRAIL)


@dataclass(slots=True)
class ChapterSpan:
    start: float
    end: float
    lo: int                     # first sentence position
    hi: int                     # one past the last sentence position
    title: str | None = None    # the creator's title (None: to be written)
    source: str = "topics"      # "creator" | "topics" | "intro"


# --- creator chapters --------------------------------------------------------------------------------
def _seconds(h: str | None, m: str, s: str) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s)


def parse_description_chapters(description: str | None) -> list[tuple[float, str]]:
    """Timestamped lines of a description as (start, title), or [] when they do not form a chapter list.

    Like YouTube, a list needs at least three entries with increasing times, the first near the start
    (a stray timestamp in a description is not a chapter list).
    """
    if not description:
        return []
    found: list[tuple[float, str]] = []
    for line in description.splitlines():
        if len(line) > 200 or not re.search(r"\d:\d\d", line):
            continue
        m = _LEAD_RE.match(line)
        if m and m.group("title") and re.search(r"[^\W\d_]", m.group("title")):
            found.append((_seconds(m.group("h"), m.group("m"), m.group("s")), m.group("title")))
            continue
        m = _TRAIL_RE.match(line)
        if m and m.group("title") and re.search(r"[^\W\d_]", m.group("title")):
            found.append((_seconds(m.group("h"), m.group("m"), m.group("s")), m.group("title")))
    found = [(t, title.strip(" -–—:|")) for t, title in found]
    if len(found) < 3 or any(b[0] <= a[0] for a, b in zip(found, found[1:])) or found[0][0] > 60:
        return []
    return found


def creator_chapters(meta: EpisodeMeta) -> list[tuple[float, str]]:
    """The creator's chapter list: explicit metadata first, then the description."""
    if meta.chapters:
        cleaned = sorted((float(t), str(title).strip()) for t, title in meta.chapters if str(title).strip())
        if cleaned:
            return cleaned
    return parse_description_chapters(meta.description)


def spans_from_starts(starts: list[tuple[float, str | None, str]], sentences: list[Sentence],
                      duration: float) -> list[ChapterSpan]:
    """Contiguous spans covering [0, duration] from (start, title, source), each with its sentences.

    Starts past the end, duplicates and chapters holding no sentence are dropped (their time joins the
    chapter before); the first chapter always starts at 0 and the last ends at `duration`.
    """
    cuts = sorted({(max(0.0, t), title, src) for t, title, src in starts if t < duration}, key=lambda x: x[0])
    kept: list[tuple[float, str | None, str]] = []
    for cut in cuts:
        if kept and cut[0] <= kept[-1][0]:
            continue
        kept.append(cut)
    if not kept:
        kept = [(0.0, None, "topics")]
    kept[0] = (0.0, kept[0][1], kept[0][2])
    sentence_starts = np.asarray([s.start for s in sentences])
    spans: list[ChapterSpan] = []
    for i, (t, title, src) in enumerate(kept):
        end = kept[i + 1][0] if i + 1 < len(kept) else duration
        lo = int(np.searchsorted(sentence_starts, t, side="left")) if i else 0
        hi = int(np.searchsorted(sentence_starts, end, side="left")) if i + 1 < len(kept) else len(sentences)
        spans.append(ChapterSpan(t, end, lo, hi, title, src))
    # a chapter with no sentence (two timestamps within one sentence) merges into its predecessor
    merged: list[ChapterSpan] = []
    for span in spans:
        if merged and span.hi <= span.lo:
            merged[-1].end = span.end
            continue
        if not merged and span.hi <= span.lo and len(spans) > 1:
            continue
        merged.append(span)
    if merged:
        merged[0].start, merged[0].lo = 0.0, 0
        merged[-1].end, merged[-1].hi = duration, len(sentences)
        for a, b in zip(merged, merged[1:]):
            a.end, a.hi = b.start, b.lo
    return merged


# --- topic segmentation ------------------------------------------------------------------------------
def target_length(duration: float) -> float:
    """Seconds per chapter: ~5 min for a half-hour episode, ~10 for 1.5 h, 15 for 2.5 h and longer."""
    return min(MAX_TARGET, max(MIN_TARGET, duration / CHAPTERS_PER_EPISODE))


def gap_similarity(vectors: np.ndarray, window: int) -> np.ndarray:
    """Cosine similarity between the `window` chunks before and after each gap (gap g precedes chunk g)."""
    n = len(vectors)
    if n < 2:
        return np.zeros(0)
    csum = np.vstack([np.zeros((1, vectors.shape[1]), dtype=np.float64), np.cumsum(vectors, axis=0, dtype=np.float64)])
    g = np.arange(1, n)
    left = csum[g] - csum[np.maximum(0, g - window)]
    right = csum[np.minimum(n, g + window)] - csum[g]
    denom = np.linalg.norm(left, axis=1) * np.linalg.norm(right, axis=1)
    sims = (left * right).sum(axis=1) / np.maximum(denom, 1e-12)
    if len(sims) >= 3:
        padded = np.concatenate([sims[:1], sims, sims[-1:]])
        sims = (padded[:-2] + 2 * padded[1:-1] + padded[2:]) / 4
    return sims


def depth_scores(sims: np.ndarray) -> np.ndarray:
    """TextTiling depth: climb to the highest point on each side while the curve keeps rising."""
    n = len(sims)
    depth = np.zeros(n)
    for i in range(n):
        left = i
        while left > 0 and sims[left - 1] >= sims[left]:
            left -= 1
        right = i
        while right < n - 1 and sims[right + 1] >= sims[right]:
            right += 1
        depth[i] = (sims[left] - sims[i]) + (sims[right] - sims[i])
    return depth


def choose_boundaries(times: np.ndarray, depth: np.ndarray, lo: float, hi: float, k: int,
                      min_len: float, max_len: float) -> list[int] | None:
    """Indices into `times` of k-1 cuts maximising total depth with every segment in [min_len, max_len].

    `times[i]` is when candidate cut i would start a chapter; segments run lo → cut → … → hi.
    None when no such cuts exist.
    """
    if k <= 1:
        return [] if min_len <= hi - lo <= max_len else None
    m = len(times)
    neg = -math.inf
    score = np.where((times - lo >= min_len) & (times - lo <= max_len), depth, neg)
    back: list[np.ndarray] = []
    for _ in range(k - 2):
        new = np.full(m, neg)
        arg = np.full(m, -1)
        for j in range(m):
            dt = times[j] - times
            ok = (dt >= min_len) & (dt <= max_len) & np.isfinite(score)
            if ok.any():
                cand = np.where(ok, score, neg)
                best = int(np.argmax(cand))
                new[j] = cand[best] + depth[j]
                arg[j] = best
        back.append(arg)
        score = new
    final = np.where((hi - times >= min_len) & (hi - times <= max_len), score, neg)
    if not np.isfinite(final).any():
        return None
    j = int(np.argmax(final))
    cuts = [j]
    for arg in reversed(back):
        j = int(arg[j])
        cuts.append(j)
    return sorted(cuts)


def segment(vectors: np.ndarray, chunk_starts: np.ndarray, lo: float, hi: float) -> list[int]:
    """Chunk indices that start a new chapter within [lo, hi] (chunks starting before lo are ignored)."""
    length = hi - lo
    target = target_length(length)
    k = max(1, round(length / target))
    first = int(np.searchsorted(chunk_starts, lo, side="left"))
    vecs, starts = vectors[first:], chunk_starts[first:]
    if k == 1 or len(vecs) < 4:
        return []
    chunk_len = float(np.median(np.diff(starts))) if len(starts) > 1 else 30.0
    window = int(min(8, max(2, round(0.25 * target / max(chunk_len, 1.0)))))
    sims = gap_similarity(vecs, window)
    depth = depth_scores(sims)
    gap_times = starts[1:]
    for min_share, max_share in ((MIN_SHARE, MAX_SHARE), (MIN_SHARE * 0.6, MAX_SHARE * 1.5), (0.0, math.inf)):
        for kk in (k, k - 1, k + 1):
            if kk < 1:
                continue
            cuts = choose_boundaries(gap_times, depth, lo, hi, kk, target * min_share, target * max_share)
            if cuts is not None:
                return [first + 1 + c for c in cuts]
    return []


# --- the plan for one episode ------------------------------------------------------------------------
INTRO_MIN, INTRO_MAX = 30.0, 600.0      # an introduction chapter of its own when it lasts this long


def plan_chapters(meta: EpisodeMeta, sentences: list[Sentence], chunk_starts: np.ndarray, vectors: np.ndarray,
                  duration: float, intro_end: float | None = None) -> list[ChapterSpan]:
    """The episode's chapters: the creator's when listed, else an introduction (if any) and topic segments."""
    creator = creator_chapters(meta)
    if creator:
        starts: list[tuple[float, str | None, str]] = [(t, title, "creator") for t, title in creator]
        if creator[0][0] > 60:
            starts.insert(0, (0.0, None, "topics"))     # an untitled opening before the creator's first
        return spans_from_starts(starts, sentences, duration)
    cuts: list[tuple[float, str | None, str]] = [(0.0, None, "topics")]
    lo = 0.0
    if intro_end is not None and INTRO_MIN <= intro_end <= INTRO_MAX and duration - intro_end >= MIN_TARGET:
        cuts = [(0.0, "Introduction", "intro"), (intro_end, None, "topics")]
        lo = intro_end
    for c in segment(vectors, chunk_starts, lo, duration):
        cuts.append((float(chunk_starts[c]), None, "topics"))
    return spans_from_starts(cuts, sentences, duration)

