"""The line inside a piece of unpunctuated text.

Auto-captions have no sentences: `ingest.sentences` cuts them into pieces of ~30 words at cue edges, so a piece
starts and ends wherever a caption line did, and the line a listener remembers sits somewhere inside one or two
of them (on the auto-caption copies of the bench episodes, 0.36 of the quotes started within 2 s of the line,
against 0.92 on the punctuated transcripts). There the quote is the run of words the query lines up with, timed
by its place in its piece; the rest of the pieces is the context. Text with sentence punctuation keeps whole
sentences.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.quotes.text import words
from ingest.models import Sentence

_PUNCTUATION = re.compile(r"[.,;:!?…]")
SHORTER, LONGER = 2, 4          # runs of len(query) - SHORTER .. len(query) + LONGER words are tried
MIN_RUN = 4                     # words: a shorter run is no line to quote


def unpunctuated(sentences: list[Sentence]) -> bool:
    """These "sentences" hold no punctuation at all: pieces cut from text that has none (a Whisper sentence too
    long to keep whole is cut at its commas, and those pieces are clauses worth keeping whole)."""
    return not any(_PUNCTUATION.search(s.text) for s in sentences)


@dataclass(slots=True)
class Run:
    text: str                   # verbatim: a stretch of the pieces' own words
    start: float
    end: float
    before: str                 # the pieces' words around it
    after: str
    speaker: str | None = None  # of the piece the run starts in, when the transcript labels it


def line_in(sentences: list[Sentence], query: str) -> Run | None:
    """The run of the pieces' words closest to `query` in order (rapidfuzz ratio), or None when the query is
    shorter than MIN_RUN words or the pieces are hardly longer than it (then they are the quote)."""
    target = " ".join(words(query))
    n = len(target.split())
    if n < MIN_RUN:
        return None
    tokens: list[tuple[int, int, int]] = []          # (sentence, char start, char end) per word of the pieces
    for k, s in enumerate(sentences):
        tokens += [(k, m.start(), m.end()) for m in re.finditer(r"\S+", s.text)]
    if len(tokens) <= n + LONGER:
        return None
    norms = [" ".join(words(sentences[k].text[a:b])) for k, a, b in tokens]
    best, span = -1.0, (0, 0)
    for length in range(max(MIN_RUN, n - SHORTER), n + LONGER + 1):
        for i in range(0, len(tokens) - length + 1):
            if not norms[i] or not norms[i + length - 1]:
                continue
            score = fuzz.ratio(target, " ".join(w for w in norms[i:i + length] if w))
            if score > best:
                best, span = score, (i, i + length)
    if best < 0:
        return None
    i, j = span
    first, last = tokens[i], tokens[j - 1]
    if first[0] == last[0]:
        text = sentences[first[0]].text[first[1]:last[2]]
    else:
        text = " ".join([sentences[first[0]].text[first[1]:]]
                        + [s.text for s in sentences[first[0] + 1:last[0]]]
                        + [sentences[last[0]].text[:last[2]]])
    before = " ".join([s.text for s in sentences[:first[0]]] + [sentences[first[0]].text[:first[1]].rstrip()])
    after = " ".join([sentences[last[0]].text[last[2]:].lstrip()] + [s.text for s in sentences[last[0] + 1:]])
    return Run(text=text, start=_time_at(sentences[first[0]], first[1]), end=_time_at(sentences[last[0]], last[2]),
               before=before.strip(), after=after.strip(), speaker=sentences[first[0]].speaker)


def _time_at(sentence: Sentence, char: int) -> float:
    """Where in its piece a character is said, by its share of the piece's characters (the pieces themselves are
    timed the same way inside their caption lines)."""
    share = char / max(1, len(sentence.text))
    return round(sentence.start + (sentence.end - sentence.start) * share, 2)
