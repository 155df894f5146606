"""`podbot ask "QUESTION" [--episode EP] [--json]` and `podbot ask --jsonl` (batch, models loaded once)."""
from __future__ import annotations

import json
import sys

from bot.app import App
from bot.cli import jsonl
from bot.cli.render_text import answer_text


def register(sub) -> None:
    p = sub.add_parser("ask", help="answer a question from the transcripts, with verbatim cited passages")
    p.add_argument("question", nargs="?")
    p.add_argument("--episode", "-e", help="episode id, number, title or guest (default: all episodes)")
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    p.add_argument("--jsonl", action="store_true",
                   help='read {"question": ..., "episode": ...} lines on stdin, write one JSON line each')
    p.set_defaults(run=run)


def run(args) -> int:
    app = App()
    if not args.jsonl and not args.question:
        print("podbot: ask needs a QUESTION (or --jsonl)", file=sys.stderr)
        return 2
    with app.prefetch_embedder():
        if args.jsonl:
            return run_jsonl(app)
        answer = app.ask.answer(args.question, args.episode)
        if args.json:
            print(json.dumps(answer.public(), ensure_ascii=False, indent=2))
        else:
            print(answer_text(answer))
        return 0


def run_jsonl(app: App) -> int:
    """One output line per input line; a bad line gets an abstained answer with "error" and the rest go on."""
    return jsonl.serve(sys.stdin, sys.stdout, "question", lambda q, ep: app.ask.answer(q, ep).public(), _failed)


def _failed(error: str, for_the_user: bool) -> dict:
    return {"answer": error if for_the_user else "", "abstained": True, "mode": "extractive", "citations": [],
            "error": error}
