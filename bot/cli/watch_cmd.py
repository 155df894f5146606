"""`podbot watch add URL [--post-to CHANNEL_ID] [--backfill N]`, `watch list`, `watch remove ID`, `watch poll`.

The Discord bot polls on its own (PODBOT_WATCH_INTERVAL ± PODBOT_WATCH_JITTER seconds); these commands
share its state file (<data dir>/watch/state.json), so they work while the bot runs. `watch poll` ingests
new episodes but cannot post to Discord: episodes with a channel are left for the bot to post.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys

from bot.app import App
from ingest.watch.poll import KIND_LABELS


def register(sub) -> None:
    p = sub.add_parser("watch", help="follow YouTube channels/playlists and podcast feeds for new episodes")
    wsub = p.add_subparsers(dest="watch_command", metavar="ACTION")

    add = wsub.add_parser("add", help="watch a YouTube channel (id, URL or @handle), playlist, or podcast RSS feed")
    add.add_argument("url", help="channel/playlist URL, UC… channel id, @handle, or RSS feed URL")
    add.add_argument("--post-to", type=int, default=None, metavar="CHANNEL_ID",
                     help="Discord channel id where the bot posts each new episode's summary")
    add.add_argument("--backfill", type=int, default=0, metavar="N",
                     help="also ingest (without posting) the newest N episodes already in the feed")
    add.add_argument("--json", action="store_true")
    add.set_defaults(run=run_add)

    ls = wsub.add_parser("list", help="watched feeds, their health and episodes waiting for transcripts")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(run=run_list)

    rm = wsub.add_parser("remove", help="stop watching (ingested episodes stay in the library)")
    rm.add_argument("id", help="the watch id shown by `podbot watch list` (e.g. w3 or 3)")
    rm.set_defaults(run=run_remove)

    poll = wsub.add_parser("poll", help="run one poll cycle now: fetch feeds, ingest new episodes")
    poll.add_argument("id", nargs="*", help="only these watches")
    poll.add_argument("--force", action="store_true", help="also poll feeds that are backing off after errors")
    poll.add_argument("--json", action="store_true")
    poll.set_defaults(run=run_poll)

    p.set_defaults(run=lambda args: (p.print_help(), 2)[1])


def _service(app: App | None = None):
    from bot.watch import WatchService

    return WatchService(app or App(use_llm=False))


def _when(ts: float | None) -> str:
    if not ts:
        return "-"
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


def run_add(args, *, service=None) -> int:
    service = service or _service()
    added = service.add(args.url, post_to=args.post_to, backfill=args.backfill, added_by="cli")
    watch = added.watch
    if args.json:
        print(json.dumps({"watch": watch.summary(), "entries": added.entries, "backfill": added.backfill,
                          "warnings": added.warnings}, indent=2, ensure_ascii=False))
    else:
        where = f"posting to channel {watch.post_to}" if watch.post_to else "no Discord channel (ingest only)"
        print(f"{watch.id}: watching {watch.label} ({KIND_LABELS[watch.kind]}); {where}; "
              f"{added.entries} episode(s) already in the feed will not be posted")
        for warning in added.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    if added.backfill:
        if not args.json:
            print(f"backfilling {added.backfill} episode(s) (ingest only, no posts)…")
        report = asyncio.run(service.run_once(watch_ids=[watch.id],
                                              on_line=None if args.json else lambda line: print(line)))
        if not args.json:
            for line in report.lines():
                if "backfilled" not in line:
                    print(line)
    return 0


def run_list(args, *, service=None) -> int:
    service = service or _service()
    watches = service.list()
    if args.json:
        print(json.dumps([w.summary() for w in watches], indent=2, ensure_ascii=False))
        return 0
    if not watches:
        print("nothing watched yet: podbot watch add URL [--post-to CHANNEL_ID]")
        return 0
    for w in watches:
        counts = w.counts()
        h = w.health
        feed = "ok" if not h.failures else f"FAILING ×{h.failures}: {h.last_error} (retry {_when(h.retry_at)})"
        where = f"→ #{w.post_to}" if w.post_to else "→ (no channel)"
        tally = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no episodes"
        print(f"{w.id:<4} {KIND_LABELS[w.kind]:<16} {w.label}  {where}")
        print(f"     feed: {feed}; last ok {_when(h.last_ok)}; {tally}")
        for e in w.entries.values():
            if e.status == "waiting":
                print(f"     waiting: {e.title!r} — {e.last_error} (try {e.attempts}, next {_when(e.retry_at)})")
            elif e.status == "failed":
                print(f"     failed:  {e.title!r} — {e.last_error}")
    return 0


def run_remove(args, *, service=None) -> int:
    service = service or _service()
    watch = service.remove(args.id)
    print(f"{watch.id}: no longer watching {watch.label} (its episodes stay in the library)")
    return 0


def run_poll(args, *, service=None) -> int:
    service = service or _service()
    report = asyncio.run(service.run_once(watch_ids=list(args.id) or None, force=args.force))
    if args.json:
        poll = report.poll
        print(json.dumps({
            "busy": report.busy,
            "new": [{"watch": w, "key": k, "title": t} for w, k, t in (poll.new if poll else [])],
            "ingested": [{"watch": r.watch_id, "episode_id": res.episode_id, "status": res.status,
                          "posted": False, "backfill": not r.post} for r, res in report.ingested],
            "awaiting_post": [{"watch": r.watch_id, "episode_id": r.episode_id, "channel": r.post_to}
                              for r in report.awaiting_post],
            "waiting": [{"watch": w.watch_id, "title": w.title, "error": w.error, "retry_at": w.retry_at,
                         "gave_up": w.gave_up} for w in ((poll.waiting if poll else []) + report.failures)],
            "feed_errors": [{"watch": f.watch_id, "error": f.error, "failures": f.failures, "retry_at": f.retry_at}
                            for f in (poll.failed if poll else [])],
        }, indent=2, ensure_ascii=False))
    else:
        for line in report.lines():
            print(line)
    return 1 if report.busy else 0
