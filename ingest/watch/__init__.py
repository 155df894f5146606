"""Watching YouTube channels/playlists and podcast feeds for new episodes (no Discord in here).

    store = WatchStore.for_settings(settings)
    config = WatchConfig.from_settings(settings)
    watch = add_watch(store, config, "https://www.youtube.com/@handle", post_to=123, backfill=2)
    result = poll_once(store, config)        # -> PollResult(ready=[...], waiting=[...], failed=[...])
"""
from ingest.watch.config import FeedError, NoTranscriptYet, WatchConfig, WatchError, backoff
from ingest.watch.feeds import Feed, FeedEntry, TranscriptLink, fetch_feed, parse_feed
from ingest.watch.poll import (
    FeedFailure,
    PollResult,
    Ready,
    Waiting,
    add_watch,
    mark_failure,
    mark_ingested,
    mark_posted,
    poll_once,
)
from ingest.watch.sources import WatchSpec, channel_id_from_page, feed_url_for, resolve_watch_url
from ingest.watch.state import EntryState, FeedHealth, Watch, WatchState, WatchStore
from ingest.watch.transcripts import load_entry_transcript

__all__ = [
    "FeedError", "NoTranscriptYet", "WatchConfig", "WatchError", "backoff",
    "Feed", "FeedEntry", "TranscriptLink", "fetch_feed", "parse_feed",
    "FeedFailure", "PollResult", "Ready", "Waiting", "add_watch", "mark_failure", "mark_ingested", "mark_posted",
    "poll_once", "WatchSpec", "channel_id_from_page", "feed_url_for", "resolve_watch_url",
    "EntryState", "FeedHealth", "Watch", "WatchState", "WatchStore", "load_entry_transcript",
]
