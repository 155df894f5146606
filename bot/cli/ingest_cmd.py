"""`podbot ingest SOURCE...` and `podbot forget EPISODE`."""
from __future__ import annotations

import sys

from tqdm import tqdm

from bot.app import App
from ingest.pipeline import ingest_sources


def register(sub) -> None:
    p = sub.add_parser("ingest", help="load transcripts (YouTube URLs/ids, .vtt/.srt/.json/.txt files, folders)")
    p.add_argument("sources", nargs="+", metavar="SOURCE")
    p.add_argument("--title", help="episode title (single source)")
    p.add_argument("--url", help="episode URL used for timestamp links (single source)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(run=run_ingest)

    f = sub.add_parser("forget", help="remove an episode from the store")
    f.add_argument("episode")
    f.set_defaults(run=run_forget)


def run_ingest(args) -> int:
    app = App(use_llm=False)
    if (args.title or args.url) and len(args.sources) > 1:
        print("podbot: --title/--url apply to a single source", file=sys.stderr)
        return 2
    overall = tqdm(total=len(args.sources), desc="sources", unit="src", disable=args.quiet, position=0,
                   leave=False)
    bars: dict[str, tqdm] = {}

    def progress_for(ref):
        def update(done: int, total: int) -> None:
            bar = bars.get(ref.value)
            if bar is None:
                bar = bars[ref.value] = tqdm(total=total, desc=str(ref)[-40:], unit="passage", disable=args.quiet,
                                             position=1, leave=False)
            bar.n = done
            bar.refresh()
        return update

    def on_result(ref, result) -> None:
        bar = bars.pop(getattr(ref, "value", str(ref)), None)
        if bar:
            bar.close()
        overall.update(1)
        if result.status == "failed":
            tqdm.write(f"FAILED   {ref}: {result.message}", file=sys.stderr)
        else:
            tqdm.write(f"{result.status:<8} {result.episode_id}: {result.title} — {result.chunks} chunks, "
                       f"{result.sentences} sentences ({result.seconds:.1f}s)"
                       + ("" if result.timed else " — no timestamps in this file: positions only, no time links"))

    results = ingest_sources(args.sources, app.ingestor, app.settings, title=args.title, url=args.url,
                             on_result=on_result, progress_for=progress_for)
    overall.close()
    failed = [r for r in results if r.status == "failed"]
    print(f"{len(results) - len(failed)} ingested, {len(failed)} failed", file=sys.stderr)
    return 1 if failed else 0


def run_forget(args) -> int:
    app = App(use_llm=False)
    meta = app.library.resolve_episode(args.episode)
    app.store.forget(meta.episode_id)
    print(f"forgot {meta.episode_id}: {meta.title}")
    return 0
