"""Caption annotations that are no speech: "[Music]", "[Applause]", "(laughter)", "♪", YouTube's "[ __ ]" for a
bleeped word. Auto-captions open most podcast videos with "[Music]"; left in, it would open quotes, digest lines
and citations. Only these named sounds go: a bracketed editorial insert ("[the company]", "[sic]") is text."""
from __future__ import annotations

import re

_SOUNDS = (r"music(?: playing)?|applause|laughter|laughs?|laughing|chuckles?|cheering|cheers|crosstalk|inaudible|"
           r"silence|noise|background noise|no audio|sighs?|coughs?|clapping|foreign|upbeat music|__")
_ANNOTATION = re.compile(rf"\[\s*(?:{_SOUNDS})\s*\]|\(\s*(?:{_SOUNDS})\s*\)|[♪♫]+", re.I)


def without_sounds(text: str) -> str:
    """`text` without sound annotations, whitespace collapsed where one was taken out."""
    if "[" not in text and "(" not in text and "♪" not in text and "♫" not in text:
        return text
    return " ".join(_ANNOTATION.sub(" ", text).split())
