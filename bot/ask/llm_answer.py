"""LLM answers over numbered passages, with invented citations and non-verbatim quotes removed.

The model sees passages [1]..[n]; what it returns is parsed into `LLMAnswer`, then checked:
citation numbers outside 1..n are stripped, quotations are matched against the transcript and
replaced by the transcript's exact words, or removed when they were never said.
"""
from __future__ import annotations

import re

from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from bot.ask.prompts import HUMAN, SYSTEM, format_history, format_passages
from bot.ask.retrieval import Evidence
from bot.library import Library
from bot.llm import ChatLLM
from bot.timefmt import clock
from bot.verbatim import episode_index, quoted_spans

_CITE = re.compile(r"\[(\d{1,2})\]")


class LLMAnswer(BaseModel):
    found: bool = Field(description="false when the passages do not answer the question")
    answer: str = Field(description="2-5 sentences citing passages as [1], [2]; double quotes only for exact words")


def ask_llm(llm: ChatLLM, library: Library, question: str, evidence: list[Evidence],
            history: list[tuple[str, str]] | None = None) -> LLMAnswer:
    items = [(n, library.meta(e.episode_id).title.replace('"', "'"), clock(e.start), e.context_text)
             for n, e in enumerate(evidence, start=1)]
    messages = [SystemMessage(SYSTEM), HumanMessage(HUMAN.format(
        question=question, history=format_history(history or []), passages=format_passages(items)))]
    return llm.structured(LLMAnswer, messages)


def _fix_quotes(text: str, library: Library, evidence: list[Evidence]) -> tuple[str, int]:
    """Replace each quotation by the transcript's exact words, or drop it when it was never said."""
    removed = 0
    for start, end, inner in reversed(quoted_spans(text)):
        exact = None
        for e in evidence:
            found = episode_index(library.text(e.episode_id)).locate(inner)
            if found:
                exact = found.text
                break
        if exact is None:
            removed += 1
            text = text[:start] + text[end:]
        else:
            text = text[:start] + f"“{exact}”" + text[end:]
    text = re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip()
    return text, removed


def finalize(raw: LLMAnswer, library: Library, evidence: list[Evidence]) -> tuple[str, list[int], int]:
    """(answer text with citations renumbered 1..k, evidence indexes cited in that order, quotes removed)."""
    order: list[int] = []

    def renumber(match: re.Match) -> str:
        n = int(match.group(1))
        if not 1 <= n <= len(evidence):
            return ""                                   # invented citation key: stripped by construction
        if n - 1 not in order:
            order.append(n - 1)
        return f"[{order.index(n - 1) + 1}]"

    text = _CITE.sub(renumber, raw.answer)
    text, removed = _fix_quotes(text, library, evidence)
    return text, order, removed
