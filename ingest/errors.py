"""User-facing errors. Each carries a one-line message that says what went wrong and what to do."""
from __future__ import annotations


class PodbotError(Exception):
    """Base for every error podbot reports to a user (CLI line, Discord message)."""

    kind = "error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SourceError(PodbotError):
    """A source (URL, id, file) could not be turned into a transcript."""

    kind = "source"


class BadSourceURL(SourceError):
    kind = "bad_url"


class VideoUnavailable(SourceError):
    kind = "unavailable"


class CaptionsDisabled(SourceError):
    kind = "captions_disabled"


class NoTranscriptInLanguages(SourceError):
    kind = "no_language"


class YouTubeBlocked(SourceError):
    kind = "blocked"


class NetworkError(SourceError):
    kind = "network"


class RateLimited(SourceError):
    kind = "rate_limited"


class UnknownFileType(SourceError):
    kind = "unknown_type"


class CorruptTranscript(SourceError):
    kind = "corrupt"


class EmptyTranscript(SourceError):
    kind = "empty"


class TranscriptTooLarge(SourceError):
    kind = "too_large"


class StoreError(PodbotError):
    kind = "store"


class StoreUnavailable(StoreError):
    kind = "store_unavailable"


class StoreModelMismatch(StoreError):
    kind = "model_mismatch"


class EpisodeNotFound(PodbotError):
    kind = "episode_not_found"
