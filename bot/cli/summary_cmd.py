"""`podbot summary EPISODE [--json | --markdown] [--refresh]`."""
from __future__ import annotations

import json

from bot.app import App


def register(sub) -> None:
    p = sub.add_parser("summary", help="an episode digest: chapters, ideas, verbatim quotes, topics")
    p.add_argument("episode", help="episode id, number, or part of its title or guest")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="the digest as JSON")
    fmt.add_argument("--markdown", action="store_true", help="the digest as Markdown (the default)")
    p.add_argument("--refresh", action="store_true", help="rebuild instead of using the cached digest")
    p.add_argument("--no-llm", action="store_true", help="extractive digest even when an LLM is configured")
    p.set_defaults(run=run)


def run(args) -> int:
    from bot.summary.render import markdown, public

    app = App(use_llm=not args.no_llm)
    summary = app.summaries.summarize(args.episode, refresh=args.refresh)
    if args.json:
        print(json.dumps(public(summary), indent=2, ensure_ascii=False))
    else:
        print(markdown(summary, timed=app.library.meta(summary.episode_id).timed), end="")
    return 0
