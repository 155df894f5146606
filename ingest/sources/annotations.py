"""Caption annotations that are no speech: "[Music]", "[Applause]", "(laughter)", "♪", YouTube's "[ __ ]" for a
bleeped word. Auto-captions open most podcast videos with "[Music]"; left in, it would open quotes, digest lines
and citations. Only these named sounds go: a bracketed editorial insert ("[the company]", "[sic]") is text."""
from __future__ import annotations

import re
from dataclasses import replace

from ingest.models import Cue

_SOUNDS = (r"music(?: playing)?|applause|laughter|laughs?|laughing|chuckles?|cheering|cheers|crosstalk|inaudible|"
           r"silence|noise|background noise|no audio|sighs?|coughs?|clapping|foreign|upbeat music|__")
_ANNOTATION = re.compile(rf"\[\s*(?:{_SOUNDS})\s*\]|\(\s*(?:{_SOUNDS})\s*\)|[♪♫]+", re.I)


def without_sounds(text: str) -> str:
    """`text` without sound annotations, whitespace collapsed where one was taken out."""
    if "[" not in text and "(" not in text and "♪" not in text and "♫" not in text:
        return text
    return " ".join(_ANNOTATION.sub(" ", text).split())


_TURN = re.compile(r"(?:^|\s+)>>+(?:\s+|$)")        # a mark of its own, not the end of "<<really>>"


def split_turns(cues: list[Cue]) -> list[Cue]:
    """Cues cut at captions' ">>", the mark of a new speaker's turn (who is not said), marked `turn` and without the
    mark: "it was great >> so what happened next" is two cues, timed by their share of the characters, and a
    sentence always ends where a turn does. A cue that ends with the mark hands the turn to the next one."""
    out: list[Cue] = []
    pending = False                                   # a mark was seen and no words have followed it yet
    for cue in cues:
        parts = _TURN.split(cue.text) if ">>" in cue.text else [cue.text]
        length, at = max(1, sum(map(len, parts))), 0
        for i, part in enumerate(parts):
            pending = pending or i > 0
            if part:
                if len(parts) == 1:
                    out.append(replace(cue, turn=True) if pending else cue)
                else:
                    start = cue.start + (cue.end - cue.start) * at / length
                    end = cue.start + (cue.end - cue.start) * (at + len(part)) / length
                    out.append(replace(cue, start=round(start, 3), end=round(end, 3), text=part,
                                       turn=pending or cue.turn))
                pending = False
            at += len(part)
    return out
