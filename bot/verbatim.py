"""The verbatim guarantee: any quote podbot prints is cut from the transcript, with its time.

`verify_quote` finds a text in an episode modulo case, punctuation and whitespace and returns the
transcript's own wording and timing, or None. Answers, summaries and quotes all pass through it.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from array import array
from dataclasses import dataclass

from ingest.models import Sentence

_DROP = {"'", "’", "‘", "`", "´"}


def _normalize_into(text: str, where) -> str:
    """The normalised text; appends each kept character's index in `text` to `where` (a list or array)."""
    out: list[str] = []
    pending_space = False
    for i, ch in enumerate(text):
        if ch in _DROP:
            continue
        if ch.isalnum():
            if pending_space and out:
                out.append(" ")
                where.append(i)
            pending_space = False
            folded = unicodedata.normalize("NFKD", ch.lower())
            for f in folded:
                if f.isalnum():
                    out.append(f)
                    where.append(i)
        else:
            pending_space = True
    return "".join(out)


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Lowercase alphanumerics with single spaces, plus each kept character's index in `text`."""
    where: list[int] = []
    return _normalize_into(text, where), where


def normalize(text: str) -> str:
    return normalize_with_map(text)[0]


@dataclass(frozen=True, slots=True)
class VerifiedQuote:
    episode_id: str
    text: str            # exactly as in the transcript
    start: float
    end: float
    first_sentence: int
    last_sentence: int
    speaker: str | None = None


class EpisodeIndex:
    """An episode's full text, normalised once, with sentence boundaries for timing."""

    def __init__(self, episode_id: str, sentences: list[Sentence]):
        self.episode_id = episode_id
        self.sentences = sentences
        self.text = " ".join(s.text for s in sentences)
        self.sentence_offsets: list[int] = []
        pos = 0
        for s in sentences:
            self.sentence_offsets.append(pos)
            pos += len(s.text) + 1
        # each character of `norm` -> its index in `text`, as 4-byte C ints: a list[int] costs ~36 bytes a
        # character (pointer + int object), ~10 MB for a long episode and over a GB for a 319-episode library
        self.map = array("i")
        self.norm = _normalize_into(self.text, self.map)

    def sentence_at(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.sentence_offsets, offset) - 1)

    def locate(self, quote: str, from_sentence: int = 0) -> VerifiedQuote | None:
        """The first place at or after sentence `from_sentence` that says `quote`."""
        needle = normalize(quote)
        if len(needle) < 3:
            return None
        start = bisect.bisect_left(self.map, self.sentence_offsets[from_sentence]) if from_sentence else 0
        pos = self.norm.find(needle, start)
        if pos < 0:
            return None
        lo, hi = self.map[pos], self.map[pos + len(needle) - 1] + 1
        # widen to whole words of the original text
        while lo > 0 and self.text[lo - 1].isalnum():
            lo -= 1
        while hi < len(self.text) and self.text[hi].isalnum():
            hi += 1
        first, last = self.sentence_at(lo), self.sentence_at(hi - 1)
        exact = self.text[lo:hi]
        # keep the sentence's closing punctuation when the quote runs to the sentence end
        sentence_end = self.sentence_offsets[last] + len(self.sentences[last].text)
        if hi < sentence_end and not self.text[hi:sentence_end].strip(" ").isalnum() \
                and all(not c.isalnum() for c in self.text[hi:sentence_end]):
            exact = self.text[lo:sentence_end]
        s_first, s_last = self.sentences[first], self.sentences[last]
        return VerifiedQuote(self.episode_id, exact.strip(), s_first.start, s_last.end, s_first.index,
                             s_last.index, s_first.speaker)


def episode_index(text) -> EpisodeIndex:
    """EpisodeIndex for a `bot.library.EpisodeText`, cached per committed generation."""
    cached = getattr(text, "_verbatim_index", None)
    if cached is None:
        cached = EpisodeIndex(text.episode_id, text.sentences)
        text._verbatim_index = cached
    return cached


COLD_OPEN_SECONDS = 150.0      # an introduction starting later follows no cold open (Lexicap's start at 10-64 s)


def verify_quote(text, quote: str) -> VerifiedQuote | None:
    """Find `quote` verbatim (modulo case/punctuation/whitespace) in an EpisodeText, or reject it.

    A line the episode's cold open plays and the conversation says again is placed in the conversation,
    where the listener hears it in context."""
    index = episode_index(text)
    found = index.locate(quote)
    if found is not None and found.start <= COLD_OPEN_SECONDS:
        framing = getattr(text, "framing", None)
        if framing is not None and framing.in_cold_open(found.first_sentence) and framing.intro_end:
            return index.locate(quote, framing.intro_end) or found
    return found


_QUOTED = re.compile(r"[\"“]([^\"“”]{8,}?)[\"”]")


def quoted_spans(answer: str) -> list[tuple[int, int, str]]:
    """(start, end, inner text) of every double-quoted passage in generated prose."""
    return [(m.start(), m.end(), m.group(1)) for m in _QUOTED.finditer(answer)]
