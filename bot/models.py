"""Typed results of podbot's engines. Renderers (CLI, Discord) turn these into text; engines build them."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Mode = Literal["extractive", "llm"]


class Citation(BaseModel):
    """A verbatim transcript passage with the moment it is spoken."""

    episode_id: str
    title: str
    start: float
    end: float
    text: str
    url: str | None = None
    score: float = 0.0
    speaker: str | None = None


class Answer(BaseModel):
    question: str
    answer: str
    abstained: bool
    mode: Mode
    citations: list[Citation] = Field(default_factory=list)
    note: str | None = None                 # e.g. "LLM unavailable, showing transcript passages"
    nearest_topic: str | None = None        # when abstaining: the closest thing that *was* discussed
    scope: str | None = None                # episode id when scoped

    def public(self) -> dict:
        """The JSON contract of `podbot ask --json/--jsonl`."""
        return {
            "answer": self.answer, "abstained": self.abstained, "mode": self.mode,
            "citations": [c.model_dump(include={"episode_id", "title", "start", "end", "text", "url"})
                          for c in self.citations],
        }


class QuoteMatch(BaseModel):
    episode_id: str
    title: str
    start: float
    end: float
    text: str                               # verbatim: whole sentences (unpunctuated text: the run of words)
    context_before: str = ""
    context_after: str = ""
    score: float = 0.0
    url: str | None = None
    speaker: str | None = None

    @property
    def context(self) -> str:
        return " ".join(x for x in (self.context_before, self.text, self.context_after) if x)

    def public(self) -> dict:
        out = self.model_dump()
        out["context"] = self.context
        return out


class QuoteResult(BaseModel):
    query: str
    matches: list[QuoteMatch] = Field(default_factory=list)
    scope: str | None = None
    # no match: the line closest in meaning, if one is fairly close — shown as that, never as the quote
    nearest: QuoteMatch | None = None
    note: str | None = None          # why nothing could be looked for (an empty library)

    @property
    def found(self) -> bool:
        return bool(self.matches)

    def public(self) -> dict:
        out = {"matches": [m.public() for m in self.matches]}
        if self.nearest is not None:
            out["nearest"] = self.nearest.public()
        if self.note:
            out["note"] = self.note
        return out


class Idea(BaseModel):
    title: str
    explanation: str
    start: float
    end: float
    url: str | None = None


class SummaryQuote(BaseModel):
    text: str
    start: float
    end: float
    url: str | None = None
    speaker: str | None = None


class Chapter(BaseModel):
    start: float
    end: float
    title: str
    summary: str
    bullets: list[str] = Field(default_factory=list)
    url: str | None = None


class Summary(BaseModel):
    episode_id: str
    title: str
    headline: str
    at_a_glance: list[str]
    ideas: list[Idea]
    quotes: list[SummaryQuote]
    chapters: list[Chapter]
    topics: list[str]
    mode: Mode
    url: str | None = None
    note: str | None = None
