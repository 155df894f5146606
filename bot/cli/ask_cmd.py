"""`podbot ask "QUESTION" [--episode EP] [--json]` and `podbot ask --jsonl` (batch, models loaded once)."""
from __future__ import annotations

import json
import logging
import sys

from bot.app import App
from bot.cli.render_text import answer_text
from ingest.errors import PodbotError

log = logging.getLogger(__name__)


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
    """One output line per input line; a bad line gets an abstained answer with "error" and the rest go on."""
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("question"), str):
                raise ValueError('each line must be a JSON object with a string "question"')
            episode = item.get("episode")                   # 94 and "94" alike
            out = app.ask.answer(item["question"], str(episode) if episode not in (None, "") else None).public()
        except json.JSONDecodeError as exc:
            out = _failed(f"invalid JSON: {exc.msg}")
        except PodbotError as exc:
            out = {**_failed(exc.message), "answer": exc.message}
        except ValueError as exc:
            out = _failed(str(exc))
        except Exception as exc:  # one bad request must not end a batch
            log.exception("ask request failed")
            out = _failed(f"{type(exc).__name__}: {exc}")
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0


def _failed(error: str) -> dict:
    return {"answer": "", "abstained": True, "mode": "extractive", "citations": [], "error": error}
