"""The bot side of watching: new episode -> ingest -> summary -> post (through a callback).

No Discord here either: the Discord cog passes an async `poster` (one embed per episode, rate limited)
and a `notifier` (short notices, each sent once); the CLI passes neither, so episodes are ingested and
their posts are left for the bot (the state says `ingested`, and the bot's next poll posts them).
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from filelock import Timeout as LockTimeout

from bot.models import Summary
from ingest.errors import PodbotError
from ingest.models import EpisodeMeta, IngestResult
from ingest.watch import (
    FeedError,
    FeedFailure,
    PollResult,
    Ready,
    Waiting,
    Watch,
    WatchConfig,
    WatchError,
    WatchStore,
    add_watch,
    fetch_feed,
    mark_failure,
    mark_ingested,
    mark_posted,
    poll_once,
    resolve_watch_url,
)
from ingest.watch.http import short
from ingest.watch.poll import feed_label
from ingest.watch.sources import feed_url_for

log = logging.getLogger("podbot.watch")

Runner = Callable[..., Awaitable]


@dataclass
class Delivery:
    """One new episode to announce: its metadata, its digest (None if summarising failed) and a link."""

    watch_id: str
    watch_title: str | None
    channel_id: int
    meta: EpisodeMeta
    summary: Summary | None
    link: str | None
    summary_error: str | None = None

    @property
    def title(self) -> str:
        return self.meta.title


@dataclass
class Notice:
    """A short message to show once (no transcript yet, gave up, feed down)."""

    watch_id: str
    channel_id: int | None
    text: str
    kind: str                        # waiting | gave_up | feed_down | post_failed


Poster = Callable[[Delivery], Awaitable[None]]
Notifier = Callable[[Notice], Awaitable[None]]


@dataclass
class AddResult:
    watch: Watch
    entries: int
    backfill: int
    warnings: list[str] = field(default_factory=list)


@dataclass
class RunReport:
    poll: PollResult | None = None
    busy: bool = False                                          # another poller held the lock
    ingested: list[tuple[Ready, IngestResult]] = field(default_factory=list)
    posted: list[Delivery] = field(default_factory=list)
    awaiting_post: list[Ready] = field(default_factory=list)   # ingested; the bot will post them
    failures: list[Waiting] = field(default_factory=list)     # ingest/post failures (retried)
    notices: list[Notice] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Human-readable lines for the CLI."""
        if self.busy:
            return ["another poll is running (the bot?); try again in a moment"]
        out: list[str] = []
        poll = self.poll or PollResult()
        for wid, _key, title in poll.new:
            out.append(f"{wid}: new episode {short(title, 90)!r}")
        for ready, result in self.ingested:
            where = "backfilled" if not ready.post else "ingested"
            out.append(f"{ready.watch_id}: {where} `{result.episode_id}` {short(result.title, 80)!r} "
                       f"({result.status}, {result.chunks} chunks)")
        for d in self.posted:
            out.append(f"{d.watch_id}: posted {short(d.title, 80)!r} to channel {d.channel_id}")
        for r in self.awaiting_post:
            out.append(f"{r.watch_id}: {short(r.title, 80)!r} will be posted to channel {r.post_to} by the bot")
        for w in poll.waiting + self.failures:
            state = "gave up" if w.gave_up else "waiting"
            out.append(f"{w.watch_id}: {state}: {short(w.title, 80)!r}: {w.error}")
        for f in poll.failed:
            out.append(f"{f.watch_id}: feed error (attempt {f.failures}): {f.error}")
        for wid in poll.skipped:
            out.append(f"{wid}: feed backing off after errors; skipped this time")
        if not out:
            out.append("nothing new")
        return out


async def _to_thread(fn, /, *args, **kwargs):
    return await asyncio.to_thread(fn, *args, **kwargs)


class WatchService:
    """Watches for one App: add/list/remove, and `run_once` (poll, ingest, summarise, post)."""

    def __init__(self, app, *, config: WatchConfig | None = None, store: WatchStore | None = None,
                 runner: Runner | None = None, ingest_lock: asyncio.Lock | None = None):
        """runner: how blocking calls run (default `asyncio.to_thread`; the bot passes `run_engine`).
        ingest_lock: held around each ingest (the bot shares its /ingest lock)."""
        self.app = app
        self.config = config or WatchConfig.from_settings(app.settings)
        if self.config.settings is None:
            self.config = self.config.with_(settings=app.settings)
        self.store = store or WatchStore.for_settings(app.settings)
        self.runner: Runner = runner or _to_thread
        self.ingest_lock = ingest_lock
        self._lock = asyncio.Lock()

    # --- managing watches (blocking; call from a thread in async code) ------------------------------
    def add(self, url: str, *, post_to: int | None = None, guild_id: int | None = None,
            added_by: str | None = None, backfill: int = 0) -> AddResult:
        """Resolve the URL, check that its feed reads, record the watch and take its baseline.

        Episodes already in the feed are not posted; the newest `backfill` of them are queued to be
        ingested (not posted) by the next `run_once`.
        """
        if backfill < 0 or backfill > 500:
            raise WatchError("backfill must be between 0 and 500 episodes")
        spec = resolve_watch_url(url, self.config)
        feed_url = feed_url_for(spec.kind, spec.ref, self.config.base)
        try:
            feed = fetch_feed(feed_url, self.config, what=f"the {spec.label}")
        except FeedError as exc:
            raise WatchError(f"could not read that {spec.label}, so nothing was added: {exc.message}") from None
        watch = add_watch(self.store, self.config, url, post_to=post_to, guild_id=guild_id, added_by=added_by,
                          backfill=backfill, spec=spec)
        poll_once(self.store, self.config, watch_ids=[watch.id], transcripts=False, prefetched={watch.id: feed})
        watch = self.store.get(watch.id)
        warnings = []
        if not feed.entries:
            warnings.append("the feed lists no episodes yet")
        elif spec.kind == "rss":
            recent = feed.entries[:10]
            if not any(e.transcripts or e.video_id for e in recent):
                warnings.append("none of the latest episodes carries a <podcast:transcript> tag or a YouTube "
                                "link, so they cannot be summarised until transcripts appear")
        queued = sum(1 for e in watch.entries.values() if e.status == "pending" and not e.post)
        log.info("watch %s added: %s %s -> channel %s (%d entries, backfill %d)", watch.id, spec.kind, spec.ref,
                 post_to, len(feed.entries), queued)
        return AddResult(watch, len(feed.entries), queued, warnings)

    def list(self) -> list[Watch]:
        return self.store.watches()

    def get(self, watch_id: str) -> Watch:
        return self.store.get(watch_id)

    def remove(self, watch_id: str) -> Watch:
        watch = self.store.remove(watch_id)
        log.info("watch %s removed (%s)", watch.id, watch.label)
        return watch

    # --- one cycle ----------------------------------------------------------------------------------
    async def run_once(self, *, poster: Poster | None = None, notifier: Notifier | None = None,
                       watch_ids: list[str] | None = None, force: bool = False,
                       on_line: Callable[[str], None] | None = None) -> RunReport:
        """Poll the feeds, ingest what is ready (oldest first), summarise and post each new episode.

        Returns at once with `busy=True` when another poller (this process or another) is mid-cycle.
        """
        if self._lock.locked():
            return RunReport(busy=True)
        async with self._lock:
            lock = self.store.poll_lock()
            try:
                lock.acquire(timeout=0)
            except LockTimeout:
                return RunReport(busy=True)
            try:
                return await self._run(poster, notifier, watch_ids, force, on_line)
            finally:
                lock.release()

    async def _run(self, poster, notifier, watch_ids, force, on_line) -> RunReport:
        report = RunReport()
        say = on_line or (lambda _line: None)
        poll = await self.runner(poll_once, self.store, self.config, watch_ids=watch_ids, force=force)
        report.poll = poll
        for item in poll.reports:
            await self._notify(report, notifier, _notice_for(item))
        for ready in poll.ready:
            await self._handle(ready, report, poster, notifier, say)
        return report

    async def _handle(self, ready: Ready, report: RunReport, poster: Poster | None, notifier: Notifier | None,
                      say: Callable[[str], None]) -> None:
        episode_id = ready.episode_id
        meta: EpisodeMeta | None = None
        if ready.transcript is not None:
            meta = ready.transcript.meta
            say(f"{ready.watch_id}: ingesting {short(ready.title, 80)!r}…")
            try:
                if self.ingest_lock is not None:
                    async with self.ingest_lock:
                        result: IngestResult = await self.runner(self.app.ingestor.ingest, ready.transcript)
                else:
                    result = await self.runner(self.app.ingestor.ingest, ready.transcript)
            except PodbotError as exc:
                await self._failed(report, notifier, ready, exc.message, getattr(exc, "kind", "error"), False)
                return
            except Exception as exc:                             # a bug: log it, retry later
                log.exception("watch %s: ingest of %s failed", ready.watch_id, ready.key)
                await self._failed(report, notifier, ready, f"internal error while ingesting: {exc}", "bug", False)
                return
            episode_id = result.episode_id
            report.ingested.append((ready, result))
            await self.runner(mark_ingested, self.store, ready, episode_id, now=self.config.now())
            await self.runner(_refresh_library, self.app)
            say(f"{ready.watch_id}: {'backfilled' if not ready.post else 'ingested'} `{episode_id}`")
        if not ready.needs_post or episode_id is None:
            return
        if poster is None:
            report.awaiting_post.append(ready)
            return
        delivery = await self._delivery(ready, episode_id, meta)
        try:
            await poster(delivery)
        except Exception as exc:
            log.warning("watch %s: posting %s to channel %s failed: %s", ready.watch_id, episode_id, ready.post_to,
                        exc)
            await self._failed(report, notifier, ready, f"could not post to channel {ready.post_to}: "
                                                        f"{short(str(exc), 120)}", "post_failed", True)
            return
        await self.runner(mark_posted, self.store, ready, now=self.config.now())
        report.posted.append(delivery)
        log.info("watch %s: posted %s to channel %s", ready.watch_id, episode_id, ready.post_to)

    async def _delivery(self, ready: Ready, episode_id: str, meta: EpisodeMeta | None) -> Delivery:
        if meta is None:
            try:
                meta = await self.runner(self.app.library.resolve_episode, episode_id)
            except PodbotError:
                meta = EpisodeMeta(episode_id=episode_id, title=ready.title, source=ready.link or episode_id,
                                   url=ready.link)
        summary, error = None, None
        try:
            summary = await self.runner(self.app.summaries.summarize, episode_id)
        except PodbotError as exc:
            error = exc.message
        except Exception as exc:                                 # the episode is still announced
            log.exception("watch %s: summary of %s failed", ready.watch_id, episode_id)
            error = f"the digest could not be made ({type(exc).__name__})"
        link = meta.url or ready.link or (summary.url if summary is not None else None)
        return Delivery(ready.watch_id, ready.watch_title, int(ready.post_to), meta, summary, link, error)

    async def _failed(self, report: RunReport, notifier: Notifier | None, ready: Ready, message: str, kind: str,
                      posting: bool) -> None:
        waiting = await self.runner(mark_failure, self.store, self.config, ready, message, kind=kind,
                                    posting=posting)
        if waiting is None:
            return
        report.failures.append(waiting)
        if waiting.report:
            notice = _notice_for(waiting)
            if posting:
                notice = Notice(waiting.watch_id, None, notice.text, "post_failed")   # the channel is the problem
            await self._notify(report, notifier, notice)

    async def _notify(self, report: RunReport, notifier: Notifier | None, notice: Notice) -> None:
        report.notices.append(notice)
        log.info("watch %s: %s", notice.watch_id, notice.text)
        if notifier is None:
            return
        try:
            await notifier(notice)
        except Exception as exc:                                 # a notice is best effort
            log.warning("watch %s: could not deliver a notice: %s", notice.watch_id, exc)


def _notice_for(item: Waiting | FeedFailure) -> Notice:
    if isinstance(item, FeedFailure):
        what = item.title or item.url
        return Notice(item.watch_id, item.post_to, f"⚠️ Watch {item.watch_id} ({short(what, 80)}) is failing: "
                      f"{item.error}. I'll keep retrying; `/watch list` shows its status.", "feed_down")
    if item.gave_up:
        return Notice(item.watch_id, item.post_to, f"❌ Gave up on the new episode “{short(item.title, 100)}” "
                      f"after {item.attempts} tries: {item.error}", "gave_up")
    return Notice(item.watch_id, item.post_to,
                  f"⏳ New episode “{short(item.title, 100)}” has no usable transcript yet ({item.error}). "
                  f"I'll keep checking and post its summary when it's there.", "waiting")


def _refresh_library(app) -> None:
    library = app.library
    try:
        library.refresh(force=True)
    except TypeError:                                            # a library without the `force` knob
        library.refresh()


__all__ = ["AddResult", "Delivery", "Notice", "Poster", "Notifier", "RunReport", "WatchService", "feed_label"]
