"""Where in an episode a question places its moment: "near the end, which series…", "in the last 20 minutes".

Listeners remember roughly when something was said, and say so. That is a prior on where the passage lies, not words
to search for: the hint is taken out of the question ("near the end" would match every "end" in the episode) and
retrieval favours passages in that part of the episode (`bot.ask.retrieval`). "The end of the war", "the start of
his career" place nothing. A time ("at 45:00", "about an hour in") is a moment: asked alone ("what did he say at
45:00?") `bot.ask.about` cites what was said then; asked with a topic ("around 40 minutes in he talks about his dad")
it is a prior like the others, MOMENT_SPREAD either side, as listeners remember times roughly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

EARLY = (0.0, 0.25)      # "at the start", "early in the episode": this share of the episode
LATE = (0.70, 1.0)       # "near the end", "towards the end"
VERY_EARLY = (0.0, 0.12)
VERY_LATE = (0.85, 1.0)
MIDDLE = (0.30, 0.70)    # "halfway through", "in the middle of the episode"
MOMENT_SPREAD = 600.0    # "about 40 minutes in, the bit on …": 30:00-50:00 (a remembered time is minutes off)

_SHOW = r"(?:episode|podcast|pod|ep|conversation|convo|interview|show|talk|chat|video|recording)\b"
_NUM = r"(\d+(?:\.\d+)?|an?|one|two|three|four|five|few|couple(?:\s+of)?|half\s+an?)"
_WORDS = {"a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0, "few": 5.0,
          "couple": 2.0, "couple of": 2.0}
_FIRST_LAST = re.compile(rf"\b(?:in|within|during)\s+the\s+(first|last|final)\s+{_NUM}\s*(hours?|hrs?|minutes?|mins?)\b"
                         rf"(?:\s+of\s+(?:the\s+|this\s+)?{_SHOW}|(?!\s+of\b))", re.I)     # not "… of the race"
_OF_SHOW = rf"\s+of\s+(?:the|this)\s+{_SHOW}"
# "near the end", "towards the very beginning", "at the very end", "at the start of the episode", "right at the
# end, ...", "in the middle of the podcast", "late in the conversation", "halfway through"; not "at the end of the
# war", nor "two numbers that sound the same at the end" (a bare "at the end" only opens the question)
_SHARE = re.compile(
    rf"(?:\b(?:right\s+)?(?:near|toward|towards|close\s+to|by|around)\s+the\s+(very\s+)?(end|start|beginning|middle)\b"
    rf"(?:{_OF_SHOW})?|\bat\s+the\s+(very\s+)(end|start|beginning)\b(?:{_OF_SHOW})?"
    rf"|\b(?:at|in)\s+the\s+()(end|start|beginning|middle)\b{_OF_SHOW}"
    rf"|^\s*(?:(?:right|just|way|somewhere)\s+)?at\s+the\s+()(end|start|beginning)\b"
    rf"|\b(very\s+)?(early|late|later)\s+(?:on\s+)?in\s+(?:the|this)\s+{_SHOW}"
    rf"|\b(?:halfway\s+(?:through|in)|midway\s+through)(?:\s+(?:the|this)\s+{_SHOW}|(?=\s*(?:[,;:?.!]|$))))"
    rf"(?!\s+of\b)", re.I)


# A moment: "at 45:00", "around 1:02:10", "at minute 30", "at 3m20s", "around 12 minutes in", "about half an hour in",
# "around the hour mark", "an hour and a half into the episode". Durations are not moments: a spoken amount needs
# "at/around/near" and then "in", "into", "mark" or the question's end ("about 10 minutes of exercise" is none),
# and after "about" it needs "in", "into" or "mark".
_CLOCK = r"(?:(?P<h>\d{1,2}):(?P<m>[0-5]\d):(?P<s>[0-5]\d)|(?P<mm>\d{1,3}):(?P<ss>[0-5]\d))"
_COMPACT = (r"(?:minute|min\.?)\s*(?P<minute>\d{1,3})"
            r"|(?P<ch>\d{1,2})h\s*(?P<cm>\d{1,2})m(?:\s*(?P<cs>\d{1,2})s)?|(?P<cm2>\d{1,3})m\s*(?P<cs2>\d{1,2})s")
_COUNT = r"\d{1,2}|an?|one|two|three|four|five"
_AMOUNT = (rf"(?:(?P<hours>{_COUNT})\s*(?:hours?|hrs?)(?P<half>\s+and\s+a\s+half)?"
           rf"(?:\s*(?:and\s+)?(?P<mins>\d{{1,3}})\s*(?:minutes?|mins?))?"
           rf"|(?P<mins_only>\d{{1,3}})\s*(?:minutes?|mins?)|(?P<half_hour>half\s+an\s+hour)"
           rf"|(?P<the_hour>the\s+(?:one\s+|1\s+)?hour(?=\s+mark)))"
           rf"(?:\s*(?:and\s+)?(?P<secs>\d{{1,2}})\s*(?:seconds?|secs?))?")
_INTO = (rf"\s+(?:mark\b|in(?:to)?\s+(?:the|this)\s+{_SHOW}"        # not "10 minutes in the sauna"
         rf"|in(?:to)?\b(?!\s+(?:the|a|an|his|her|its|my|our|their|this|that|your)\b))")
_NEAR = r"(?:(?:at|somewhere)\s+)?(?:like\s+)?(?:around|near|about|roughly)|at(?:\s+like)?"
_MOMENT = re.compile(
    rf"(?:\b(?:{_NEAR}|from)\s+(?:the\s+)?{_CLOCK}(?:\s+mark\b)?"
    rf"|\b(?:{_NEAR})\s+(?:the\s+)?(?:{_COMPACT})"
    rf"|(?:\b(?P<lead>{_NEAR})\s+|^\s*)(?:the\s+)?{_AMOUNT}(?:(?P<into>{_INTO})|(?=\s*[?.!]*$)))", re.IGNORECASE)


def moment_in(question: str) -> tuple[float, re.Match] | None:
    """The moment a question points at, in seconds, and where it says so."""
    m = _MOMENT.search(question)
    if m is None:
        return None
    g = {k: v for k, v in m.groupdict().items() if v is not None}
    spoken = any(k in g for k in ("hours", "mins_only", "the_hour", "half_hour"))
    if spoken and "into" not in g and not re.match(r"(?:at|around|near)\b", g.get("lead") or "about", re.I):
        return None                      # "how long is it, about 2 hours?", "Two hours? …"
    n = {k: int(v) for k, v in g.items() if v.isdigit()}
    if "h" in n:
        at = n["h"] * 3600 + n["m"] * 60 + n["s"]
    elif "mm" in n:
        at = n["mm"] * 60 + n["ss"]
    elif "minute" in n:
        at = n["minute"] * 60
    elif "ch" in n:
        at = n["ch"] * 3600 + n["cm"] * 60 + n.get("cs", 0)
    elif "cm2" in n:
        at = n["cm2"] * 60 + n["cs2"]
    elif "the_hour" in g:
        at = 3600 + n.get("secs", 0)
    elif "half_hour" in g:
        at = 1800
    else:
        hours = _amount(g["hours"]) + (0.5 if "half" in g else 0.0) if "hours" in g else 0.0
        at = hours * 3600 + n.get("mins", n.get("mins_only", 0)) * 60 + n.get("secs", 0)
    return float(at), m


def moment(question: str) -> float | None:
    """The moment a question points at, in seconds, if it names one."""
    found = moment_in(question)
    return found[0] if found else None


@dataclass(frozen=True, slots=True)
class Where:
    """The part of an episode a question points at: seconds from its start or before its end, or a share of it."""

    question: str                    # the question without the hint
    seconds: tuple[float, float] | None = None       # "in the first 10 minutes"
    share: tuple[float, float] | None = None         # "near the end"
    last: float | None = None                        # "in the last 20 minutes"
    or_seconds: tuple[float, float] | None = None    # "at like 1:15": 1 min 15 s, or 1 h 15 min in a long episode

    def span(self, duration: float) -> tuple[float, float]:
        """The hinted part of an episode this long, in seconds."""
        if self.seconds is not None:
            return self.seconds
        if self.last is not None:
            return max(0.0, duration - self.last), duration
        lo, hi = self.share or (0.0, 1.0)
        return lo * duration, hi * duration

    def spans(self, duration: float) -> list[tuple[float, float]]:
        """The hinted parts of an episode this long: the span, and the other reading of a time when it has one."""
        other = [self.or_seconds] if self.or_seconds is not None and self.or_seconds[0] < duration else []
        return [self.span(duration), *other]


def _amount(text: str) -> float:
    text = " ".join(text.lower().split())
    if text.startswith("half"):
        return 0.5
    return _WORDS.get(text) or float(text)


def _unit(unit: str) -> float:
    return 3600.0 if unit.lower().startswith("h") else 60.0


def where_in(question: str) -> Where | None:
    """The hint in `question`, if it has one, and the question without it."""
    found = moment_in(question)
    if found:
        at, m = found
        short = m.group("mm") and int(m.group("mm")) < 10        # "1:15" may mean 1 h 15 min
        hours = _around(int(m.group("mm")) * 3600 + int(m.group("ss")) * 60) if short else None
        return Where(_without(question, m), seconds=_around(at), or_seconds=hours)
    for pattern, to_where in ((_FIRST_LAST, _first_last), (_SHARE, _share)):
        m = pattern.search(question)
        if m:
            return Where(_without(question, m), **to_where(m))
    return None


def _around(at: float) -> tuple[float, float]:
    return max(0.0, at - MOMENT_SPREAD), at + MOMENT_SPREAD


def _without(question: str, m: re.Match) -> str:
    rest = " ".join((question[:m.start()] + " " + question[m.end():]).split()).strip(" ,;-–—")
    return re.sub(r"\s+([,;:?.!])", r"\1", rest) or question


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
