"""Where in an episode a question places its moment: "near the end, which series…", "in the last 20 minutes".

Listeners remember roughly when something was said, and say so. That is a prior on where the passage lies, not words
to search for: the hint is taken out of the question ("near the end" would match every "end" in the episode) and
retrieval favours passages in that part of the episode (`bot.ask.retrieval`). "The end of the war", "the start of
his career" place nothing. A moment given as a time ("what did he say at 45:00?") is `bot.ask.about`'s.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

EARLY = (0.0, 0.25)      # "at the start", "early in the episode": this share of the episode
LATE = (0.70, 1.0)       # "near the end", "towards the end"
VERY_EARLY = (0.0, 0.12)
VERY_LATE = (0.85, 1.0)
MIDDLE = (0.30, 0.70)    # "halfway through", "in the middle of the episode"

_SHOW = r"(?:episode|podcast|pod|ep|conversation|convo|interview|show|talk|chat|video|recording)\b"
_NUM = r"(\d+(?:\.\d+)?|an?|one|two|three|four|five|half\s+an?)"
_WORDS = {"a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0}
_FIRST_LAST = re.compile(rf"\b(?:in|within|during)\s+the\s+(first|last|final)\s+{_NUM}\s*(hours?|hrs?|minutes?|mins?)\b"
                         rf"(?:\s+of\s+(?:the\s+|this\s+)?{_SHOW}|(?!\s+of\b))", re.I)     # not "… of the race"
_OF_SHOW = rf"\s+of\s+(?:the|this)\s+{_SHOW}"
# "near the end", "towards the very beginning", "at the very end", "at the start of the episode", "At the end, ...",
# "in the middle of the podcast", "late in the conversation", "halfway through"; not "at the end of the war", nor
# "two numbers that sound the same at the end" (a bare "at the end" only opens the question)
_SHARE = re.compile(
    rf"(?:\b(?:right\s+)?(?:near|toward|towards|close\s+to|by|around)\s+the\s+(very\s+)?(end|start|beginning|middle)\b"
    rf"(?:{_OF_SHOW})?|\bat\s+the\s+(very\s+)(end|start|beginning)\b(?:{_OF_SHOW})?"
    rf"|\b(?:at|in)\s+the\s+()(end|start|beginning|middle)\b{_OF_SHOW}|^\s*at\s+the\s+()(end|start|beginning)\b"
    rf"|\b(very\s+)?(early|late|later)\s+(?:on\s+)?in\s+(?:the|this)\s+{_SHOW}"
    rf"|\b(?:halfway\s+(?:through|in)|midway\s+through)(?:\s+(?:the|this)\s+{_SHOW}|(?=\s*(?:[,;:?.!]|$))))"
    rf"(?!\s+of\b)", re.I)


@dataclass(frozen=True, slots=True)
class Where:
    """The part of an episode a question points at: seconds from its start or before its end, or a share of it."""

    question: str                    # the question without the hint
    seconds: tuple[float, float] | None = None       # "in the first 10 minutes"
    share: tuple[float, float] | None = None         # "near the end"
    last: float | None = None                        # "in the last 20 minutes"

    def span(self, duration: float) -> tuple[float, float]:
        """The hinted part of an episode this long, in seconds."""
        if self.seconds is not None:
            return self.seconds
        if self.last is not None:
            return max(0.0, duration - self.last), duration
        lo, hi = self.share or (0.0, 1.0)
        return lo * duration, hi * duration


def _amount(text: str) -> float:
    text = " ".join(text.lower().split())
    if text.startswith("half"):
        return 0.5
    return _WORDS.get(text) or float(text)


def _unit(unit: str) -> float:
    return 3600.0 if unit.lower().startswith("h") else 60.0


def where_in(question: str) -> Where | None:
    """The hint in `question`, if it has one, and the question without it."""
    for pattern, to_where in ((_FIRST_LAST, _first_last), (_SHARE, _share)):
        m = pattern.search(question)
        if m:
            rest = " ".join((question[:m.start()] + " " + question[m.end():]).split()).strip(" ,;-–—")
            return Where(rest or question, **to_where(m))
    return None


def _first_last(m: re.Match):
    length = _amount(m.group(2)) * _unit(m.group(3))
    return {"seconds": (0.0, length)} if m.group(1).lower() == "first" else {"last": length}


def _share(m: re.Match):
    groups = m.groups()
    very = any(groups[i] for i in (0, 2, 8))
    word = next((g for g in (groups[1], groups[3], groups[5], groups[7], groups[9]) if g), m.group(0)).lower()
    if word in ("end", "late", "later"):
        return {"share": VERY_LATE if very else LATE}
    if word in ("start", "beginning", "early"):
        return {"share": VERY_EARLY if very else EARLY}
    return {"share": MIDDLE}
