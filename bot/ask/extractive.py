"""The no-key answer: a short lead line and the best passages, quoted verbatim with their times."""
from __future__ import annotations

from bot.models import Citation
from bot.timefmt import clock

MAX_QUOTED = 3
CLOSE_ENOUGH = 0.75      # a further passage is quoted when its fused score is this close to the best


def compose(citations: list[Citation], scores: list[float]) -> str:
    if not citations:
        return ""
    # numbered as in the citation list (the "Sources" below the answer, the JSON's "citations"): the passages are in
    # ranked order, not score order (the corpus-wide tile re-rank), so one that is not close enough can sit between
    # two that are, and "[2]" must still name the second source
    shown = [(n, c) for n, (c, s) in enumerate(zip(citations, scores), start=1)
             if s >= CLOSE_ENOUGH * scores[0]][:MAX_QUOTED]
    titles = {c.title for _, c in shown}
    lead = (f"Here is what was said in {shown[0][1].title}:" if len(titles) == 1
            else f"This came up in {len(titles)} episodes:")
    lines = [lead]
    for n, c in shown:
        where = f"{clock(c.start)}–{clock(c.end)}" if len(titles) == 1 else f"{c.title}, {clock(c.start)}–{clock(c.end)}"
        lines.append(f"[{n}] ({where}) “{c.text}”")
    return "\n".join(lines)
