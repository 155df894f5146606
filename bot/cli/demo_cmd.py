"""`podbot demo`: the main job on embedded defaults — ingest the bundled episode, answer, quote, summarise;
then start the Discord bot when DISCORD_TOKEN is set."""
from __future__ import annotations

import sys

from bot.app import App
from bot.cli.render_text import answer_text
from bot.timefmt import clock
from ingest.pipeline import ingest_sources
from ingest.samples import SAMPLE_EPISODE

DEMO_QUESTION = "What was the realization that made him believe large neural networks could be trained?"
DEMO_QUOTE = "never bet against deep learning"


def register(sub) -> None:
    p = sub.add_parser("demo", help="ingest the bundled sample episode and show an answer, a quote and a summary "
                       "(then run the Discord bot if DISCORD_TOKEN is set)")
    p.add_argument("--question", default=DEMO_QUESTION)
    p.add_argument("--no-bot", action="store_true", help="do not start the Discord bot even with a token")
    p.set_defaults(run=run)


def _section(title: str) -> None:
    print(f"\n=== {title} " + "=" * max(0, 60 - len(title)))


def run(args) -> int:
    app = App()
    _section("ingest")
    results = ingest_sources([str(SAMPLE_EPISODE)], app.ingestor, app.settings)
    for r in results:
        print(f"{r.status}: {r.episode_id} — {r.title} ({r.chunks} chunks, {r.sentences} sentences)"
              if r.status != "failed" else f"FAILED: {r.message}")
    if any(r.status == "failed" for r in results):
        return 1
    episode = results[0].episode_id

    _section(f"ask: {args.question}")
    print(answer_text(app.ask.answer(args.question)))

    _section(f"quote: {DEMO_QUOTE!r}")
    found = app.quotes.find(DEMO_QUOTE)
    if found.matches:
        m = found.matches[0]
        print(f"“{m.text}”\n  — {m.title} at {clock(m.start)}{'  ' + m.url if m.url else ''}")
    else:
        print("No line close to that was found.")

    _section("summary")
    summary = app.summaries.summarize(episode)
    print(summary.headline)
    for bullet in summary.at_a_glance:
        print(f"  • {bullet}")
    print(f"  ({len(summary.chapters)} chapters, {len(summary.quotes)} quotes; `podbot summary {episode}` for all)")

    if app.settings.discord_token and not args.no_bot:
        _section("discord")
        from bot.cli.bot_cmd import start_bot

        return start_bot(app)
    print("\nSet DISCORD_TOKEN (see README) to run podbot in Discord.", file=sys.stderr)
    return 0
