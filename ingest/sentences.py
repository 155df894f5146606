"""Rebuild whole sentences from caption cues, with the time each one is spoken.

Cues (Whisper segments, YouTube captions) break mid-sentence, so sentences are found in the joined
text of all cues and timed by interpolating inside the cue where they begin and end. Text without
punctuation (auto-captions, damaged Whisper output) is cut into readable pieces at cue edges and commas.
"""
from __future__ import annotations

import bisect
import re

from ingest.models import Cue, Sentence

MAX_WORDS = 48          # longer "sentences" are cut (unpunctuated captions would otherwise be one sentence)
TARGET_WORDS = 28
_REPEAT_LIMIT = 2       # Whisper sometimes loops on one line; keep at most this many identical cues in a row

_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9¿¡])")
_ABBREV = {"mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "jr", "sr", "no", "vol", "fig", "e.g", "i.e",
           "u.s", "u.k", "approx", "inc", "ltd", "co", "mt", "gen", "col", "lt", "sgt", "rev", "ph.d"}


def _dedupe_loops(cues: list[Cue]) -> list[Cue]:
    out: list[Cue] = []
    run = 0
    for cue in cues:
        if out and cue.text == out[-1].text:
            run += 1
            if run >= _REPEAT_LIMIT:
                continue
        else:
            run = 0
        out.append(cue)
    return out


class _Timeline:
    """Maps a character offset in the joined cue text to seconds."""

    def __init__(self, cues: list[Cue]):
        self.offsets: list[int] = []
        parts, pos = [], 0
        for cue in cues:
            self.offsets.append(pos)
            parts.append(cue.text)
            pos += len(cue.text) + 1
        self.text = " ".join(parts)
        self.cues = cues

    def cue_at(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.offsets, offset) - 1)

    def time_at(self, offset: int) -> float:
        i = self.cue_at(offset)
        cue = self.cues[i]
        frac = min(1.0, max(0.0, (offset - self.offsets[i]) / max(1, len(cue.text))))
        return cue.start + (cue.end - cue.start) * frac


def _is_abbreviation(text: str, end: int) -> bool:
    """True when the period ending at `end` closes an abbreviation or an initial, not a sentence."""
    if text[end - 1] != ".":
        return False
    start = text.rfind(" ", 0, end) + 1
    token = text[start:end].rstrip(".").lower()
    return token in _ABBREV or (len(token) == 1 and token.isalpha())


def _sentence_spans(tl: _Timeline) -> list[tuple[int, int]]:
    text = tl.text
    cuts = {0, len(text)}
    for match in _END.finditer(text):
        if not _is_abbreviation(text, match.start() + 1 if match.group().startswith(".") else match.end()):
            cuts.add(match.end())
    # A change of speaker always ends a sentence.
    for i in range(1, len(tl.cues)):
        if tl.cues[i].speaker != tl.cues[i - 1].speaker:
            cuts.add(tl.offsets[i] - 1)
    ordered = sorted(cuts)
    spans = []
    for a, b in zip(ordered, ordered[1:]):
        while a < b and text[a] == " ":
            a += 1
        if a < b:
            spans.extend(_split_long(tl, a, b))
    return spans


def _split_long(tl: _Timeline, a: int, b: int) -> list[tuple[int, int]]:
    """Cut an over-long span at cue edges or clause punctuation near TARGET_WORDS."""
    text = tl.text
    if text.count(" ", a, b) < MAX_WORDS:
        return [(a, b)]
    cue_edges = set(tl.offsets[tl.cue_at(a) + 1: tl.cue_at(b) + 1])
    pieces, start, words = [], a, 0
    pos = a
    while pos < b:
        nxt = text.find(" ", pos, b)
        if nxt == -1:
            break
        words += 1
        at_edge = (nxt + 1) in cue_edges or text[nxt - 1] in ",;:"
        if (words >= TARGET_WORDS and at_edge) or words >= MAX_WORDS:
            pieces.append((start, nxt))
            start, words = nxt + 1, 0
        pos = nxt + 1
    if start < b:
        # fold a tiny tail into the previous piece, unless that would pass MAX_WORDS
        if pieces and text.count(" ", start, b) < 6 and text.count(" ", pieces[-1][0], b) < MAX_WORDS:
            pieces[-1] = (pieces[-1][0], b)
        else:
            pieces.append((start, b))
    return pieces


def build_sentences(cues: list[Cue]) -> list[Sentence]:
    """Whole sentences, in order, each with start/end seconds (positions for untimed text)."""
    cues = _dedupe_loops([c for c in cues if c.text.strip()])
    if not cues:
        return []
    tl = _Timeline(cues)
    sentences = []
    for a, b in _sentence_spans(tl):
        body = tl.text[a:b].strip()
        if not body:
            continue
        start, end = tl.time_at(a), tl.time_at(b)
        sentences.append(Sentence(len(sentences), round(start, 2), round(max(end, start), 2), body,
                                  tl.cues[tl.cue_at(a)].speaker))
    return sentences
