"""`podbot quote "TEXT" [--episode EP] [--json]` and `podbot quote --jsonl` (batch, models loaded once)."""
from __future__ import annotations

import json
import sys
import textwrap
from typing import IO

from bot.app import App
from bot.cli import jsonl
from bot.models import QuoteMatch, QuoteResult
from bot.quotes.scoring import LOOSE
from bot.timefmt import clock

NOT_FOUND = "No line close to that was found."
NEAREST = "The line closest in meaning (not those words; check it is the one you mean):"


def register(sub) -> None:
    p = sub.add_parser("quote", help="the exact words and the moment of a half-remembered line")
    p.add_argument("text", nargs="?", metavar="TEXT", help="the line as you remember it")
    p.add_argument("--episode", "-e", metavar="EP", help="only this episode (id, number, title or guest)")
    p.add_argument("--limit", type=int, default=4, help="best match plus alternatives (default 4)")
    p.add_argument("--json", action="store_true", help="print the matches as JSON")
    p.add_argument("--jsonl", action="store_true",
                   help='read {"query": ..., "episode": EP-or-null} lines on stdin, write {"matches": [...]} lines')
    p.set_defaults(run=run)


def run(args) -> int:
    app = App(use_llm=False)
    if not args.jsonl and (not args.text or not args.text.strip()):
        print("podbot: quote needs the TEXT you remember (or --jsonl)", file=sys.stderr)
        return 2
    with app.prefetch_embedder():
        if args.jsonl:
            return run_jsonl(app, sys.stdin, sys.stdout, limit=args.limit)
        result = app.quotes.find(args.text, episode=args.episode, limit=args.limit, suggest=True)
        if args.json:
            print(json.dumps(result.public(), indent=2, ensure_ascii=False))
        else:
            print(render(result))
        return 0


def run_jsonl(app: App, source: IO[str], sink: IO[str], limit: int = 4) -> int:
    """One output line per input line; a bad line gets {"matches": [], "error": ...} and the rest go on."""
    return jsonl.serve(source, sink, "query",
                       lambda q, ep: app.quotes.find(q, episode=ep, limit=limit, suggest=True).public(),
                       lambda error, _for_the_user: {"matches": [], "error": error})


def render(result: QuoteResult) -> str:
    """The quote as a block with its moment, title, link and context; then the alternatives.

    Transcript text is printed whole (only re-wrapped), never shortened: what is shown stays verbatim.
    """
    if result.note and not result.matches:
        return result.note
    if not result.matches:
        if result.nearest is None:
            return NOT_FOUND
        return f"{NOT_FOUND}\n{NEAREST}\n{_block(result.nearest, score='closeness')}"
    best, *others = result.matches
    lines = [_block(best, score="match" if best.score >= LOOSE else "loose match (check it is the line you mean)")]
    if others:
        lines.append("\nAlso close:")
        for i, m in enumerate(others, 2):
            lines.append(_wrap(f"{i}. [{clock(m.start)}] {m.title} — “{m.text}”", "  ", "     "))
            if m.url:
                lines.append(f"     {m.url}")
    return "\n".join(lines)


def _block(m: QuoteMatch, score: str = "match") -> str:
    who = f" — {m.speaker}" if m.speaker else ""
    out = [_wrap(f"“{m.text}”", "  ", "   "),
           f"  [{clock(m.start)}]{who} · {m.title} ({m.episode_id}) · {score} {m.score:.2f}"]
    if m.url:
        out.append(f"  {m.url}")
    if m.context_before:
        out.append(_wrap(f"before: {m.context_before}", "  ", "          "))
    if m.context_after:
        out.append(_wrap(f"after: {m.context_after}", "  ", "         "))
    return "\n".join(out)


def _wrap(text: str, first: str, rest: str) -> str:
    return textwrap.fill(text, width=100, initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False)
