"""Typed data flowing through the ingest pipeline: source -> Transcript -> Sentence -> Chunk -> store.

Cues and sentences are plentiful (hundreds of thousands over a back catalogue), so they are slotted
dataclasses; episode metadata is a pydantic model because it crosses process and JSON boundaries.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel

CaptionKind = Literal["manual", "generated", "file", "unknown"]


@dataclass(slots=True, frozen=True)
class Cue:
    """One caption cue as the source gave it (often a mid-sentence fragment)."""

    start: float
    end: float
    text: str
    speaker: str | None = None
    turn: bool = False          # a new speaker's turn starts here, who it is unknown (captions' ">>")


@dataclass(slots=True, frozen=True)
class Sentence:
    """A whole sentence rebuilt across cue boundaries, with the time it is spoken."""

    index: int
    start: float
    end: float
    text: str
    speaker: str | None = None


@dataclass(slots=True)
class Chunk:
    """A run of whole sentences sized for the embedding model; the unit of dense and lexical retrieval.

    `text` is the sentences joined by single spaces; `offsets[i]` is where sentence `first_sentence + i`
    begins in `text`, so any sentence can be cut back out verbatim.
    """

    episode_id: str
    index: int
    first_sentence: int
    text: str
    offsets: list[int]
    starts: list[float]
    ends: list[float]
    speakers: list[str] | None = None

    @property
    def start(self) -> float:
        return self.starts[0]

    @property
    def end(self) -> float:
        return self.ends[-1]

    def sentences(self) -> list[Sentence]:
        # positional and zipped: a library's texts build every sentence it has (460,000 at 318 episodes)
        text, first = self.text, self.first_sentence
        ends = [*self.offsets[1:], len(text) + 1]
        speakers = self.speakers or [None] * len(self.offsets)
        return [Sentence(first + i, start, end, text[a:b - 1], speaker or None)
                for i, (a, b, start, end, speaker) in enumerate(zip(self.offsets, ends, self.starts, self.ends,
                                                                     speakers, strict=True))]


class EpisodeMeta(BaseModel):
    """What podbot knows about an episode besides its words."""

    episode_id: str
    title: str
    source: str
    url: str | None = None              # base for timestamp links (https://youtu.be/ID), if known
    video_id: str | None = None
    language: str | None = None
    caption_kind: CaptionKind = "unknown"
    duration: float = 0.0
    timed: bool = True                  # False for plain text: "times" are sentence positions
    published: str | None = None
    description: str | None = None      # YouTube descriptions often carry the creator's chapter list
    chapters: list[tuple[float, str]] = []   # explicit chapters (e.g. yt-dlp info.json), (start, title)
    guest: str | None = None

    def link(self, seconds: float) -> str | None:
        """A link that opens the episode at `seconds`, or None when there is nothing to link to."""
        if not self.url or not self.timed:
            return None
        t = max(0, int(seconds))
        if "youtu.be/" in self.url or "youtube.com/" in self.url:
            sep = "&" if "?" in self.url else "?"
            return f"{self.url}{sep}t={t}"
        return f"{self.url}#t={t}"


@dataclass(slots=True)
class Transcript:
    """An episode's timed words as parsed from its source, before sentence rebuilding."""

    meta: EpisodeMeta
    cues: list[Cue] = field(default_factory=list)


@dataclass(slots=True)
class IngestResult:
    episode_id: str
    title: str
    status: Literal["added", "replaced", "unchanged", "failed"]
    chunks: int = 0
    sentences: int = 0
    seconds: float = 0.0
    message: str = ""
    timed: bool = True      # False for plain text: "times" are word positions
