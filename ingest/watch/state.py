"""The watch state, persisted as one JSON file in the data directory (`<data>/watch/state.json`).

Written atomically (temp file + fsync + os.replace) under a file lock, so the bot's poller and a
`podbot watch …` command in another process can both change it. Every change is a short transaction
(`with store.edit() as state:`) that re-reads the file first; nothing is cached between transactions.
"""
from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from filelock import FileLock
from pydantic import BaseModel, Field

from ingest.errors import StoreError
from ingest.watch.config import WatchError
from ingest.watch.feeds import FeedEntry, TranscriptLink
from ingest.watch.sources import feed_url_for, public_url

STATE_VERSION = 1
Status = Literal["seen", "pending", "waiting", "ingested", "posted", "done", "failed"]

# How far along an entry is; a transaction never moves an entry backwards (two pollers can race).
RANK = {"pending": 1, "waiting": 1, "ingested": 2, "seen": 3, "posted": 3, "done": 3, "failed": 3}
TERMINAL = {"seen", "posted", "done", "failed"}


class Link(BaseModel):
    url: str
    type: str = ""
    language: str | None = None
    rel: str | None = None


class EntryState(BaseModel):
    """One episode of a watched feed and how far podbot got with it.

    seen      existed before the watch was added (never processed)
    pending   new: transcript still to fetch
    waiting   fetching or ingesting failed ("no transcript yet" …): retried at `retry_at`
    ingested  in the library; the Discord post is still to do
    posted    posted to Discord
    done      in the library, nothing to post (backfill, or the watch has no channel)
    failed    given up (see `last_error`)
    """

    key: str
    title: str = ""
    link: str | None = None
    published: str | None = None
    published_ts: float | None = None
    video_id: str | None = None
    transcripts: list[Link] = Field(default_factory=list)
    description: str | None = None
    order: int = 0
    status: Status = "pending"
    post: bool = True
    attempts: int = 0
    post_attempts: int = 0
    retry_at: float | None = None
    last_error: str | None = None
    error_kind: str | None = None
    reported: bool = False
    episode_id: str | None = None
    first_seen: float = 0.0
    updated: float = 0.0

    @classmethod
    def from_feed(cls, entry: FeedEntry, *, order: int, status: Status, post: bool, now: float) -> "EntryState":
        out = cls(key=entry.key, order=order, status=status, post=post, first_seen=now, updated=now)
        out.refresh_from(entry)
        return out

    def refresh_from(self, entry: FeedEntry) -> None:
        """Take what the feed says now (titles get fixed, transcript tags appear later)."""
        self.title = entry.title or self.title
        self.link = entry.link or self.link
        self.published = entry.published or self.published
        self.published_ts = entry.published_ts or self.published_ts
        self.video_id = entry.video_id or self.video_id
        if entry.transcripts:
            self.transcripts = [Link(url=t.url, type=t.type, language=t.language, rel=t.rel)
                                for t in entry.transcripts]
        self.description = entry.description or self.description

    def transcript_links(self) -> list[TranscriptLink]:
        return [TranscriptLink(t.url, t.type, t.language, t.rel) for t in self.transcripts]


class FeedHealth(BaseModel):
    last_checked: float | None = None
    last_ok: float | None = None
    failures: int = 0
    retry_at: float | None = None
    last_error: str | None = None
    error_reported: bool = False
    etag: str | None = None
    modified: str | None = None


class Watch(BaseModel):
    id: str
    kind: Literal["youtube_channel", "youtube_playlist", "rss"]
    ref: str                                   # channel id, playlist id or feed URL
    url: str                                   # what the user gave
    title: str | None = None
    post_to: int | None = None                 # Discord channel id
    guild_id: int | None = None
    added_by: str | None = None
    added_at: float = 0.0
    backfill: int = 0
    baselined: bool = False
    seq: int = 0                               # entry discovery counter (gives `order`)
    health: FeedHealth = Field(default_factory=FeedHealth)
    entries: dict[str, EntryState] = Field(default_factory=dict)

    def feed_url(self, youtube_base: str | None = None) -> str:
        return feed_url_for(self.kind, self.ref, youtube_base)

    @property
    def public_url(self) -> str:
        return public_url(self.kind, self.ref)

    @property
    def label(self) -> str:
        return self.title or self.public_url

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for e in self.entries.values():
            out[e.status] = out.get(e.status, 0) + 1
        return out

    def summary(self) -> dict:
        """The JSON shape of `podbot watch list --json`."""
        return {
            "id": self.id, "kind": self.kind, "title": self.title, "url": self.public_url, "source": self.url,
            "post_to": self.post_to, "guild_id": self.guild_id, "backfill": self.backfill,
            "baselined": self.baselined, "counts": self.counts(),
            "feed": {"ok": self.health.failures == 0, "failures": self.health.failures,
                     "last_error": self.health.last_error, "last_ok": self.health.last_ok,
                     "last_checked": self.health.last_checked, "retry_at": self.health.retry_at},
            "waiting": [{"key": e.key, "title": e.title, "attempts": e.attempts, "retry_at": e.retry_at,
                         "last_error": e.last_error} for e in self.entries.values() if e.status == "waiting"],
            "failed": [{"key": e.key, "title": e.title, "last_error": e.last_error}
                       for e in self.entries.values() if e.status == "failed"],
        }


class WatchState(BaseModel):
    version: int = STATE_VERSION
    next_id: int = 1
    watches: dict[str, Watch] = Field(default_factory=dict)

    def ordered(self) -> list[Watch]:
        return sorted(self.watches.values(), key=lambda w: (_id_number(w.id), w.id))

    def get(self, watch_id: str) -> Watch:
        wid = normalize_id(watch_id)
        if wid not in self.watches:
            known = ", ".join(w.id for w in self.ordered()) or "none yet"
            raise WatchError(f"no watch with id {watch_id!r} (known: {known})")
        return self.watches[wid]


def normalize_id(watch_id: str | int) -> str:
    text = str(watch_id).strip()
    return f"w{text}" if text.isdigit() else text


def _id_number(watch_id: str) -> int:
    digits = watch_id.lstrip("w")
    return int(digits) if digits.isdigit() else 1 << 30


class WatchStore:
    """The JSON state file plus its lock. Cheap to construct; holds no state between calls."""

    _thread_locks: dict[str, threading.RLock] = {}
    _guard = threading.Lock()

    def __init__(self, root: Path | str):
        self.root = Path(root)
        self.path = self.root / "state.json"
        self._lock_path = self.root / "state.json.lock"
        key = str(self.path.resolve()) if self.root.exists() else str(self.path.absolute())
        with self._guard:
            self._tlock = self._thread_locks.setdefault(key, threading.RLock())

    @classmethod
    def for_settings(cls, settings) -> "WatchStore":
        return cls(Path(settings.podbot_data_dir) / "watch")

    # --- reading and writing ----------------------------------------------------------------------
    def load(self) -> WatchState:
        if not self.path.exists():
            return WatchState()
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return WatchState.model_validate(data)
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as exc:
            raise StoreError(f"{self.path}: the watch state is unreadable ({str(exc).splitlines()[0][:100]}); "
                             f"fix or move it away (podbot starts a fresh one)") from None

    def _save(self, state: WatchState) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        payload = json.dumps(state.model_dump(mode="json"), ensure_ascii=False, indent=1, sort_keys=False)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".state.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise

    @contextmanager
    def edit(self) -> Iterator[WatchState]:
        """Read-modify-write under the lock; the state is saved when the block exits without an error."""
        self.root.mkdir(parents=True, exist_ok=True)
        with self._tlock, FileLock(str(self._lock_path), timeout=30, thread_local=False):
            state = self.load()
            yield state
            self._save(state)

    def poll_lock(self) -> FileLock:
        """Held for a whole poll cycle, so two pollers (bot and CLI) never work the same feed at once."""
        self.root.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.root / "poll.lock"), thread_local=False)

    # --- small transactions -----------------------------------------------------------------------
    def watches(self) -> list[Watch]:
        return self.load().ordered()

    def get(self, watch_id: str) -> Watch:
        return self.load().get(watch_id)

    def remove(self, watch_id: str) -> Watch:
        with self.edit() as state:
            watch = state.get(watch_id)
            del state.watches[watch.id]
            return watch

    def update_entry(self, watch_id: str, key: str, **changes) -> EntryState | None:
        """Apply `changes` to one entry unless it already went further (or the watch was removed)."""
        with self.edit() as state:
            watch = state.watches.get(watch_id)
            entry = watch.entries.get(key) if watch else None
            if entry is None:
                return None
            new_status = changes.get("status", entry.status)
            if RANK[new_status] < RANK[entry.status]:
                return entry
            for name, value in changes.items():
                setattr(entry, name, value)
            return entry
