"""Auto-caption copies of Whisper transcripts (bench/captions.py, tests/test_quote_pieces.py).

Many podcasts on YouTube have only auto-generated captions: lower case, no punctuation, short rolling lines.
A copy keeps every word's time (interpolated within its Whisper cue by character position), lower-cases the
text and removes punctuation (a word's own apostrophe or hyphen stays), and regroups the words into lines of
CAPTION_WORDS, as youtube-transcript-api JSON snippets.
"""
from __future__ import annotations

import re
from pathlib import Path

CAPTION_WORDS = 8
_DROP = re.compile(r"[^\w\s'’-]|(?<!\w)[-'’]|[-'’](?!\w)|_")


def caption_words(text: str) -> list[str]:
    """Auto-caption style: lower case, no punctuation but a word's own apostrophe or hyphen."""
    return _DROP.sub(" ", text.lower().replace("’", "'")).split()


def to_captions(vtt: Path) -> list[dict]:
    """The transcript's words with interpolated times, regrouped into youtube-transcript-api snippets."""
    from ingest.sources.files import load_file

    timed: list[tuple[float, str]] = []
    for cue in load_file(vtt).cues:
        length = max(1, len(cue.text))
        for m in re.finditer(r"\S+", cue.text):
            for w in caption_words(m.group()):
                timed.append((cue.start + (cue.end - cue.start) * m.start() / length, w))
    snippets = []
    for i in range(0, len(timed), CAPTION_WORDS):
        group = timed[i:i + CAPTION_WORDS]
        end = timed[i + CAPTION_WORDS][0] if i + CAPTION_WORDS < len(timed) else group[-1][0] + 1.0
        snippets.append({"text": " ".join(w for _, w in group), "start": round(group[0][0], 3),
                         "duration": round(max(0.01, end - group[0][0]), 3)})
    return snippets
