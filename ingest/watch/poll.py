"""One poll cycle of every watched feed: what is new, what is ready to ingest, what waits, what failed.

Pure logic plus HTTP: no Discord, no ingest. The bot side (`bot.watch`) ingests what is ready, posts it
and records the outcome with `mark_ingested` / `mark_posted` / `mark_failure`.

State machine of one entry (see `EntryState`): a new entry is `pending`; a transcript fetch that fails
makes it `waiting` with exponential backoff (reported once, given up after `give_up_after`); a fetched
transcript is handed out as `Ready` (the entry stays pending until the bot records the ingest, so a
crash in between only means fetching again); ingested entries await their post; posted/done are final.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from ingest.errors import PodbotError, SourceError
from ingest.models import Transcript
from ingest.watch.config import FeedError, WatchConfig, WatchError, backoff
from ingest.watch.feeds import Feed, fetch_feed
from ingest.watch.http import short
from ingest.watch.sources import WatchSpec, resolve_watch_url
from ingest.watch.state import RANK, EntryState, Watch, WatchState, WatchStore
from ingest.watch.transcripts import load_entry_transcript

log = logging.getLogger("podbot.watch")


@dataclass
class Ready:
    """An episode to ingest (transcript given) and/or post (transcript None: ingested earlier)."""

    watch_id: str
    key: str
    title: str
    link: str | None
    transcript: Transcript | None
    episode_id: str | None
    post: bool                     # False for backfill
    post_to: int | None
    watch_title: str | None = None

    @property
    def needs_post(self) -> bool:
        return self.post and self.post_to is not None


@dataclass
class Waiting:
    """An episode whose transcript could not be had this time (e.g. captions not there yet)."""

    watch_id: str
    key: str
    title: str
    link: str | None
    error: str
    kind: str
    attempts: int
    retry_at: float | None
    report: bool                   # True exactly once per episode (the first failure), and when giving up
    gave_up: bool = False
    post_to: int | None = None


@dataclass
class FeedFailure:
    watch_id: str
    url: str
    error: str
    failures: int
    retry_at: float | None
    report: bool                   # True once per outage
    post_to: int | None = None
    title: str | None = None


@dataclass
class PollResult:
    checked: list[str] = field(default_factory=list)         # watch ids whose feed was fetched
    skipped: list[str] = field(default_factory=list)         # feeds backing off after errors
    new: list[tuple[str, str, str]] = field(default_factory=list)   # (watch id, entry key, title)
    ready: list[Ready] = field(default_factory=list)
    waiting: list[Waiting] = field(default_factory=list)
    failed: list[FeedFailure] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)       # watch ids whose feed works again

    @property
    def reports(self) -> list[Waiting | FeedFailure]:
        return [w for w in self.waiting if w.report] + [f for f in self.failed if f.report]


# --------------------------------------------------------------------------------------------------
# Adding and removing
# --------------------------------------------------------------------------------------------------
def add_watch(store: WatchStore, config: WatchConfig, url: str, *, post_to: int | None = None,
              guild_id: int | None = None, added_by: str | None = None, backfill: int = 0,
              spec: WatchSpec | None = None) -> Watch:
    """Resolve `url` (a page fetch for @handles) and record a new watch (not yet baselined)."""
    if backfill < 0:
        raise WatchError("--backfill must be 0 or more")
    spec = spec or resolve_watch_url(url, config)
    with store.edit() as state:
        for other in state.watches.values():
            if other.kind == spec.kind and other.ref == spec.ref and other.post_to == post_to:
                where = f"channel {post_to}" if post_to else "no channel"
                raise WatchError(f"already watching that {spec.label} as {other.id} ({where}); "
                                 f"remove it first to change it")
        watch = Watch(id=f"w{state.next_id}", kind=spec.kind, ref=spec.ref, url=url.strip(), title=spec.title,
                      post_to=post_to, guild_id=guild_id, added_by=added_by, added_at=config.now(),
                      backfill=int(backfill))
        state.next_id += 1
        state.watches[watch.id] = watch
    return watch


# --------------------------------------------------------------------------------------------------
# Polling
# --------------------------------------------------------------------------------------------------
def poll_once(store: WatchStore, config: WatchConfig, *, watch_ids: list[str] | None = None,
              force: bool = False, transcripts: bool = True, prefetched: dict[str, Feed] | None = None
              ) -> PollResult:
    """Fetch every due feed, record new entries, and fetch the transcripts of the entries that are due.

    watch_ids: only these watches. force: ignore feed backoff. transcripts: False only records what is
    new (used right after `watch add` to take the baseline). prefetched: feeds already fetched, by watch id.
    """
    result = PollResult()
    snapshot = store.load()
    wanted = {w for w in (watch_ids or [])}
    for watch in snapshot.ordered():
        if wanted and watch.id not in wanted:
            continue
        try:
            _poll_watch(store, config, watch, result, force=force, transcripts=transcripts,
                        prefetched=(prefetched or {}).get(watch.id))
        except PodbotError:
            raise
        except Exception as exc:                 # a bug in one feed's handling must not stop the others
            log.exception("watch %s: poll failed", watch.id)
            result.failed.append(FeedFailure(watch.id, watch.feed_url(config.base), f"internal error: {exc}",
                                             watch.health.failures, None, report=False, post_to=watch.post_to,
                                             title=watch.title))
    return result


def _poll_watch(store: WatchStore, config: WatchConfig, watch: Watch, result: PollResult, *, force: bool,
                transcripts: bool, prefetched: Feed | None = None) -> None:
    now = config.now()
    health = watch.health
    if prefetched is not None:
        feed: Feed | None = prefetched
        result.checked.append(watch.id)
    elif not force and health.retry_at and health.retry_at > now:
        result.skipped.append(watch.id)
        feed = None
    else:
        url = watch.feed_url(config.base)
        try:
            feed = fetch_feed(url, config, etag=health.etag if watch.baselined else None,
                              modified=health.modified if watch.baselined else None, what=feed_label(watch))
        except FeedError as exc:
            _record_feed_failure(store, config, watch, url, exc.message, result)
            return
        result.checked.append(watch.id)

    new_entries: dict[str, EntryState] = {}
    seen_entries: dict[str, EntryState] = {}
    title = watch.title
    baselined = watch.baselined
    seq = watch.seq
    if feed is not None and not feed.not_modified:
        title = watch.title or feed.title
        fresh = [e for e in feed.entries if e.key not in watch.entries]
        # oldest first: by date when the feed has dates, else reverse document order (feeds list newest first)
        fresh.sort(key=lambda e: (e.published_ts is None, e.published_ts or 0.0, -e.position))
        backfill_keys: set[str] = set()
        if not baselined and watch.backfill:
            newest = sorted(feed.entries, key=lambda e: (e.published_ts or 0.0, -e.position), reverse=True)
            backfill_keys = {e.key for e in newest[: watch.backfill]}
        for entry in fresh:
            seq += 1
            if baselined and entry.published_ts is not None \
                    and entry.published_ts < (watch.added_at or now) - config.old_entry_grace:
                # "new" to the feed but published before the watch existed (a re-published back catalogue,
                # new guids after a host migration, an old video made public): never a post
                state = EntryState.from_feed(entry, order=seq, status="seen", post=False, now=now)
            elif baselined:
                state = EntryState.from_feed(entry, order=seq, status="pending", post=True, now=now)
                result.new.append((watch.id, entry.key, entry.title))
            elif entry.key in backfill_keys:
                state = EntryState.from_feed(entry, order=seq, status="pending", post=False, now=now)
            else:
                state = EntryState.from_feed(entry, order=seq, status="seen", post=False, now=now)
            new_entries[entry.key] = state
        for entry in feed.entries:
            if entry.key in watch.entries:
                known = watch.entries[entry.key].model_copy(deep=True)
                before = [t.url for t in known.transcripts]
                known.refresh_from(entry)
                if known.status == "waiting" and [t.url for t in known.transcripts] != before:
                    known.retry_at = None                    # the feed now links a transcript: try it at once
                seen_entries[entry.key] = known
        baselined = True

    # --- transcripts of the entries that are due ------------------------------------------------------
    everything = {**watch.entries, **seen_entries, **new_entries}
    due = sorted((e for e in everything.values() if _is_due(e, now)), key=lambda e: e.order)
    changed: dict[str, EntryState] = {**seen_entries, **new_entries}
    fetched = 0
    if transcripts:
        for entry in due:
            entry = changed.get(entry.key) or entry.model_copy(deep=True)
            if entry.status == "ingested":
                result.ready.append(_ready(watch, entry, None, title))
                continue
            if fetched >= config.max_fetches_per_poll:
                continue                                  # the rest wait for the next poll
            fetched += 1
            try:
                try:
                    transcript = load_entry_transcript(
                        feed_ref=watch.ref, key=entry.key, title=entry.title, link=entry.link,
                        published=entry.published, description=entry.description, video_id=entry.video_id,
                        transcripts=entry.transcript_links(), config=config)
                except PodbotError:
                    raise
                except Exception as bug:                  # a bug must not lose the rest of this poll's state
                    log.exception("watch %s: fetching the transcript of %s failed", watch.id, entry.key)
                    raise SourceError(f"internal error while fetching the transcript "
                                      f"({type(bug).__name__}: {short(str(bug), 100)})") from bug
            except PodbotError as exc:
                waiting = _fail(entry, exc, config, now)
                changed[entry.key] = entry
                result.waiting.append(Waiting(watch.id, entry.key, entry.title, entry.link, exc.message,
                                              getattr(exc, "kind", "error"), entry.attempts, entry.retry_at,
                                              report=waiting, gave_up=entry.status == "failed",
                                              post_to=watch.post_to if entry.post else None))
                continue
            result.ready.append(_ready(watch, entry, transcript, title))

    _save_poll(store, watch.id, now=now, ok=feed is not None, feed=feed, title=title, baselined=baselined,
               seq=seq, changed=changed, result=result, config=config)


KIND_LABELS = {"youtube_channel": "YouTube channel", "youtube_playlist": "YouTube playlist", "rss": "podcast feed"}


def feed_label(watch: Watch) -> str:
    return "podcast feed" if watch.kind == "rss" else f"{KIND_LABELS[watch.kind]} feed"


def _is_due(entry: EntryState, now: float) -> bool:
    if entry.status == "pending":
        return True
    if entry.status in ("waiting", "ingested"):
        return entry.retry_at is None or entry.retry_at <= now
    return False


def _ready(watch: Watch, entry: EntryState, transcript: Transcript | None, title: str | None) -> Ready:
    return Ready(watch.id, entry.key, entry.title, entry.link, transcript,
                 transcript.meta.episode_id if transcript is not None else entry.episode_id,
                 post=entry.post, post_to=watch.post_to, watch_title=title)


def _fail(entry: EntryState, exc: PodbotError, config: WatchConfig, now: float) -> bool:
    """Record a failed attempt on `entry` (in place); True when this failure should be reported."""
    entry.attempts += 1
    entry.last_error = exc.message
    entry.error_kind = getattr(exc, "kind", "error")
    entry.updated = now
    first = not entry.reported
    entry.reported = True
    if now - (entry.first_seen or now) >= config.give_up_after:
        entry.status = "failed"
        entry.retry_at = None
        return True                                       # "gave up" is the second (and last) report
    entry.status = "waiting"
    entry.retry_at = now + backoff(entry.attempts, config.transcript_retry_base, config.transcript_retry_cap)
    return first


def _record_feed_failure(store: WatchStore, config: WatchConfig, watch: Watch, url: str, message: str,
                         result: PollResult) -> None:
    now = config.now()
    report = False
    failures = watch.health.failures + 1
    retry_at = now + backoff(failures, config.feed_retry_base, config.feed_retry_cap)
    with store.edit() as state:
        current = state.watches.get(watch.id)
        if current is not None:
            h = current.health
            h.failures = failures
            h.retry_at = retry_at
            h.last_error = message
            h.last_checked = now
            report = not h.error_reported
            h.error_reported = True
    log.info("watch %s: %s (attempt %d, retry in %.0fs)", watch.id, message, failures, retry_at - now)
    result.failed.append(FeedFailure(watch.id, url, message, failures, retry_at, report, watch.post_to,
                                     watch.title))


def _save_poll(store: WatchStore, watch_id: str, *, now: float, ok: bool, feed: Feed | None, title: str | None,
               baselined: bool, seq: int, changed: dict[str, EntryState], result: PollResult,
               config: WatchConfig) -> None:
    with store.edit() as state:
        watch = state.watches.get(watch_id)
        if watch is None:                       # removed while we were polling
            return
        if ok and feed is not None:
            h = watch.health
            if h.failures:
                result.recovered.append(watch_id)
                log.info("watch %s: feed works again after %d failed attempt(s)", watch_id, h.failures)
            h.failures, h.retry_at, h.error_reported = 0, None, False
            h.last_error = None
            h.last_ok = h.last_checked = now
            if not feed.not_modified:
                h.etag, h.modified = feed.etag, feed.modified
        watch.title = watch.title or title
        watch.baselined = watch.baselined or baselined
        watch.seq = max(watch.seq, seq)
        for key, entry in changed.items():
            current = watch.entries.get(key)
            if current is None or RANK[entry.status] >= RANK[current.status]:
                watch.entries[key] = entry
        _prune(watch, config.max_entries_kept, feed)


def _prune(watch: Watch, keep: int, feed: Feed | None) -> None:
    if len(watch.entries) <= keep:
        return
    live = {e.key for e in feed.entries} if feed is not None else set()
    old = sorted((e for e in watch.entries.values() if e.status in ("seen", "posted", "done", "failed")
                  and e.key not in live), key=lambda e: e.order)
    for entry in old[: len(watch.entries) - keep]:
        del watch.entries[entry.key]


# --------------------------------------------------------------------------------------------------
# Recording what the bot did with a Ready episode
# --------------------------------------------------------------------------------------------------
def mark_ingested(store: WatchStore, ready: Ready, episode_id: str, *, now: float) -> None:
    status = "ingested" if ready.needs_post else "done"
    store.update_entry(ready.watch_id, ready.key, status=status, episode_id=episode_id, retry_at=None,
                       last_error=None, updated=now)


def mark_posted(store: WatchStore, ready: Ready, *, now: float) -> None:
    store.update_entry(ready.watch_id, ready.key, status="posted", retry_at=None, last_error=None, updated=now)


def mark_failure(store: WatchStore, config: WatchConfig, ready: Ready, message: str, *, kind: str,
                 posting: bool) -> Waiting | None:
    """An ingest (posting=False) or post (posting=True) of a Ready episode failed: back off, maybe give up."""
    now = config.now()
    report = False
    out: Waiting | None = None
    with store.edit() as state:
        watch = state.watches.get(ready.watch_id)
        entry = watch.entries.get(ready.key) if watch else None
        if entry is None or entry.status in ("posted", "done", "failed", "seen"):
            return None
        entry.last_error, entry.error_kind, entry.updated = message, kind, now
        if posting:
            entry.post_attempts += 1
            if entry.post_attempts >= config.post_retry_limit:
                entry.status, entry.retry_at = "failed", None
                report = True
            else:
                entry.retry_at = now + backoff(entry.post_attempts, config.feed_retry_base, config.feed_retry_cap)
                report = entry.post_attempts == 1
        else:
            fake = PodbotError(message)
            fake.kind = kind                                      # type: ignore[misc]
            report = _fail(entry, fake, config, now)
        out = Waiting(ready.watch_id, ready.key, entry.title, entry.link, message, kind,
                      entry.post_attempts if posting else entry.attempts, entry.retry_at, report,
                      gave_up=entry.status == "failed", post_to=watch.post_to if entry.post else None)
    return out


def describe_waiting(w: Waiting) -> str:
    if w.gave_up:
        return f"gave up on {short(w.title, 80)!r}: {w.error}"
    return f"{short(w.title, 80)!r}: {w.error} (will retry)"


def describe_state(state: WatchState) -> list[dict]:
    return [w.summary() for w in state.ordered()]
