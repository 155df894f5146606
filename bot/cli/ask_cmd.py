"""`podbot ask "QUESTION" [--episode EP] [--json]` and `podbot ask --jsonl` (batch, models loaded once)."""
from __future__ import annotations

import json
import sys

from bot.app import App
from bot.cli.render_text import answer_text
from ingest.errors import PodbotError


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
    if args.jsonl:
        return run_jsonl(app)
    if not args.question:
        print("podbot: ask needs a QUESTION (or --jsonl)", file=sys.stderr)
        return 2
    answer = app.ask.answer(args.question, args.episode)
    if args.json:
        print(json.dumps(answer.public(), ensure_ascii=False, indent=2))
    else:
        print(answer_text(answer))
    return 0


def run_jsonl(app: App) -> int:
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            episode = item.get("episode")                   # 94 and "94" alike
            answer = app.ask.answer(str(item.get("question") or ""),
                                    str(episode) if episode not in (None, "") else None)
            out = answer.public()
        except PodbotError as exc:
            out = {"answer": exc.message, "abstained": True, "mode": "extractive", "citations": [],
                   "error": exc.message}
        except (json.JSONDecodeError, AttributeError) as exc:
            out = {"answer": "", "abstained": True, "mode": "extractive", "citations": [],
                   "error": f"bad input line: {exc}"}
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0
