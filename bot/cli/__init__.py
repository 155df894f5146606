"""`podbot` command line: one module per subcommand, each with `register(subparsers)` and `run(args)`."""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

from ingest.errors import PodbotError

COMMANDS = ["ingest_cmd", "episodes_cmd", "ask_cmd", "quote_cmd", "summary_cmd", "bot_cmd", "demo_cmd",
            "watch_cmd"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="podbot", description="A podcast's episodes, by heart: ingest "
                                     "transcripts, ask cited questions, find exact quotes, summarise episodes.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"bot.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bot.cli.{name}":
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except PodbotError as exc:
        print(f"podbot: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("podbot: interrupted", file=sys.stderr)
        return 130
