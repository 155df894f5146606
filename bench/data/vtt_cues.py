"""Lexicap cues as the eval-set validators read them: (start s, end s, text) per cue, one VTT file per episode."""
import os
import re

CORPUS = os.environ.get("LEXICAP", "/work/shared/lexicap")


def ts(s):
    return sum(float(x) * 60 ** i for i, x in enumerate(reversed(s.split(":"))))


def cues(ep):
    out = []
    lines = open(f"{CORPUS}/episode_{ep}_large.vtt", encoding="utf-8").read().split("\n")
    for i, l in enumerate(lines):
        m = re.match(r"^([\d:.]+) --> ([\d:.]+)", l)
        if m:
            txt = []
            j = i + 1
            while j < len(lines) and lines[j].strip():
                txt.append(lines[j].strip()); j += 1
            out.append((ts(m.group(1)), ts(m.group(2)), " ".join(txt)))
    return out


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


_cache = {}


def ep_data(ep):
    """(cues, the cue texts joined and normalised, the episode's last cue end)."""
    if ep not in _cache:
        cs = cues(ep)
        _cache[ep] = (cs, norm(" ".join(c[2] for c in cs)), cs[-1][1])
    return _cache[ep]
