"""Knobs of the watcher: where YouTube lives, how HTTP is done, the clock, and the retry policy.

Everything that a test needs to control (the YouTube base URL, the caption fetcher, the clock) is a field
here; the defaults are the real thing (https://www.youtube.com, youtube-transcript-api, `time.time`).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import requests

from ingest.errors import PodbotError, SourceError

if TYPE_CHECKING:  # pragma: no cover
    from ingest.models import Transcript
    from ingest.settings import Settings

YOUTUBE_BASE = "https://www.youtube.com"
USER_AGENT = "podbot/0.1 (podcast feed watcher; +https://github.com/)"
# YouTube answers channel pages for unknown user agents with a consent or "update your browser" page.
BROWSER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                 "Chrome/124.0 Safari/537.36")

MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0

# fetch_youtube(source, settings, *, title=None) -> Transcript
CaptionFetcher = Callable[..., "Transcript"]


class WatchError(PodbotError):
    """A watch command that cannot be done (unknown id, duplicate, unreadable URL)."""

    kind = "watch"


class FeedError(SourceError):
    """A feed (or channel page) could not be fetched or parsed; retried with backoff."""

    kind = "feed"


class NoTranscriptYet(SourceError):
    """The episode exists but carries no transcript (yet): no <podcast:transcript> and no YouTube video."""

    kind = "no_transcript"


def backoff(attempt: int, base: float, cap: float) -> float:
    """Seconds to wait after the `attempt`-th consecutive failure (1-based): base, 2·base, 4·base … cap."""
    attempt = max(1, int(attempt))
    return float(min(cap, base * (2 ** min(attempt - 1, 30))))


def _default_fetcher(source: str, settings: "Settings", *, title: str | None = None) -> "Transcript":
    from ingest.sources.youtube import fetch_youtube

    return fetch_youtube(source, settings, title=title)


@dataclass
class WatchConfig:
    """How the watcher reaches the outside world, and when it retries.

    youtube_base: scheme+host of YouTube for feeds (`/feeds/videos.xml?channel_id=`) and channel pages
        (`/@handle`); tests point it at a local server. Links posted to Discord always use youtu.be.
    fetch_captions: the YouTube caption fetcher (`ingest.sources.youtube.fetch_youtube` by default).
    clock: epoch seconds; tests pass a controllable clock instead of sleeping.
    transcript_retry_*: "no transcript yet" (and other per-episode failures) are retried after
        base, 2·base, 4·base … up to cap, and given up `give_up_after` seconds after the episode appeared.
    feed_retry_*: a feed that is down is retried on the same doubling schedule.
    post_retry_limit: failed Discord posts are retried this many times before the episode is marked failed.
    max_fetches_per_poll: transcript fetches per watch per poll (the rest wait for the next poll).
    old_entry_grace: an entry that first shows up after the baseline but was published more than this
        long before the watch was added is recorded as seen, never posted (re-published back catalogues).
    """

    settings: "Settings | None" = None
    youtube_base: str = YOUTUBE_BASE
    fetch_captions: CaptionFetcher | None = None
    clock: Callable[[], float] = time.time
    timeout: float = 20.0
    user_agent: str = USER_AGENT
    max_feed_bytes: int = 20 * 1024 * 1024
    max_transcript_bytes: int = 50 * 1024 * 1024
    transcript_retry_base: float = 15 * MINUTE
    transcript_retry_cap: float = 6 * HOUR
    give_up_after: float = 7 * DAY
    feed_retry_base: float = 5 * MINUTE
    feed_retry_cap: float = 6 * HOUR
    post_retry_limit: int = 5
    max_fetches_per_poll: int = 25
    max_entries_kept: int = 1000
    old_entry_grace: float = 2 * DAY
    session_factory: Callable[[], requests.Session] | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: "Settings", **overrides) -> "WatchConfig":
        """Defaults, plus optional settings fields if the deployment defines them (PODBOT_YOUTUBE_BASE)."""
        values: dict = {"settings": settings}
        base = getattr(settings, "podbot_youtube_base", None)
        if base:
            values["youtube_base"] = str(base)
        values.update(overrides)
        return cls(**values)

    def with_(self, **changes) -> "WatchConfig":
        return replace(self, **changes)

    @property
    def base(self) -> str:
        return self.youtube_base.rstrip("/")

    def fetcher(self) -> CaptionFetcher:
        return self.fetch_captions or _default_fetcher

    def session(self) -> requests.Session:
        if self.session_factory is not None:
            return self.session_factory()
        s = requests.Session()
        s.headers["User-Agent"] = self.user_agent
        return s

    def now(self) -> float:
        return float(self.clock())
