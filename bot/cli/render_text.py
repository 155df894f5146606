"""Plain-text rendering of engine results for the terminal (Discord has its own renderer)."""
from __future__ import annotations

from bot.models import Answer
from bot.timefmt import clock


def answer_text(answer: Answer) -> str:
    lines = [answer.answer]
    if answer.citations:
        lines.append("")
        lines.append("Sources:")
        for n, c in enumerate(answer.citations, start=1):
            link = f"  {c.url}" if c.url else ""
            lines.append(f"  [{n}] {c.title} {clock(c.start)}–{clock(c.end)}{link}")
    footer = f"({answer.mode}{'; ' + answer.note if answer.note else ''})"
    lines.append(footer)
    return "\n".join(lines)
