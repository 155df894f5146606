"""`podbot episodes [--json]`."""
from __future__ import annotations

import json

from bot.app import App
from bot.timefmt import clock


def register(sub) -> None:
    p = sub.add_parser("episodes", help="list ingested episodes")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run)


def run(args) -> int:
    app = App(use_llm=False)
    rows = []
    for meta, record in app.store.list_episodes():
        rows.append({
            "episode_id": meta.episode_id, "title": meta.title, "source": meta.source,
            "duration": meta.duration, "chunks": record.get("chunks", 0), "sentences": record.get("sentences", 0),
            "url": meta.url, "caption_kind": meta.caption_kind, "language": meta.language,
            "timed": meta.timed, "guest": meta.guest, "published": meta.published,
        })
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("no episodes yet: podbot ingest SOURCE")
    for r in rows:
        print(f"{r['episode_id']:<24} {clock(r['duration']):>8}  {r['chunks']:>4} chunks  {r['title']}")
    return 0
