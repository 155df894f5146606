"""YouTube captions via youtube-transcript-api 1.2.5 (instance API), with podbot's own URL parsing,
track choice (manual over generated, prefix-tolerant language codes) and one-line user-facing errors.

The library does not parse URLs, matches language codes exactly, lets caption durations overlap the
next caption, and raises multi-paragraph exceptions (or, offline, raw `requests` errors). Everything
here exists to smooth those edges.
"""
from __future__ import annotations

import html
import math
import re
from typing import TYPE_CHECKING, Iterable
from urllib.parse import parse_qs, urlparse
from xml.etree.ElementTree import ParseError

import requests
import youtube_transcript_api as yta
from youtube_transcript_api import YouTubeTranscriptApi
from youtube_transcript_api.proxies import GenericProxyConfig, ProxyConfig, WebshareProxyConfig

from ingest.errors import (
    BadSourceURL,
    CaptionsDisabled,
    CorruptTranscript,
    EmptyTranscript,
    NetworkError,
    NoTranscriptInLanguages,
    RateLimited,
    SourceError,
    VideoUnavailable,
    YouTubeBlocked,
)
from ingest.models import Cue, EpisodeMeta, Transcript
from ingest.sources.annotations import split_turns, without_sounds
from ingest.sources.metadata import detect_guest, guest_from_title

if TYPE_CHECKING:  # pragma: no cover
    from ingest.settings import Settings

__all__ = ["parse_video_id", "looks_like_youtube", "proxy_config", "fetch_youtube", "DEFAULT_TIMEOUT"]

DEFAULT_TIMEOUT = 30.0          # seconds per HTTP request when podbot builds the session itself

_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_ID_PREFIX = re.compile(r"^([A-Za-z0-9_-]{11})(?![A-Za-z0-9_-])")    # tolerate trailing "." or ")"
_PATH_KINDS = {"embed", "shorts", "live", "v", "e", "watch"}
_NOT_VIDEOS = {"videoseries"}                                       # /embed/videoseries?list=... is a playlist
_BLOCK_HINT = "configure a proxy via PODBOT_PROXY_HTTPS or WEBSHARE_PROXY_USERNAME/WEBSHARE_PROXY_PASSWORD"


# ------------------------------------------------------------------------------------------------
# URL -> video id
# ------------------------------------------------------------------------------------------------

def _clean(text: str) -> str:
    s = (text or "").strip()
    # Discord users wrap links in <...> to suppress the embed; chat often adds quotes too.
    while len(s) >= 2 and (s[0], s[-1]) in {("<", ">"), ('"', '"'), ("'", "'"), ("(", ")")}:
        s = s[1:-1].strip()
    return s


def _split_url(s: str):
    if s.startswith("//"):
        s = "https:" + s
    elif "://" not in s:
        s = "https://" + s
    try:
        u = urlparse(s)
        host = (u.hostname or "").lower().rstrip(".")
    except ValueError:                      # e.g. an invalid port or IPv6 literal
        return None, ""
    return u, host


def _is_youtube_host(host: str) -> bool:
    return host in ("youtube.com", "youtu.be", "youtube-nocookie.com") or host.endswith(
        (".youtube.com", ".youtube-nocookie.com", ".youtu.be"))


def _id_from(candidate: str, *, exact: bool = False) -> str | None:
    if exact:
        return candidate if _ID.match(candidate) else None
    m = _ID_PREFIX.match(candidate)
    if not m or m.group(1) in _NOT_VIDEOS:
        return None
    return m.group(1)


def parse_video_id(text: str) -> str | None:
    """The 11-character video id in a bare id or any common YouTube video URL; None otherwise.

    Playlist, channel and other non-video YouTube URLs give None (use `looks_like_youtube` to tell
    those apart from text that is not YouTube at all).
    """
    s = _clean(text)
    if not s or any(c.isspace() for c in s):
        return None
    if _ID.match(s):
        return s
    u, host = _split_url(s)
    if u is None or not _is_youtube_host(host):
        return None
    parts = [p for p in u.path.split("/") if p]
    if host == "youtu.be" or host.endswith(".youtu.be"):
        return _id_from(parts[0]) if parts else None
    query = parse_qs(u.query)
    if parts == ["watch"] or (not parts and "v" in query):
        values = query.get("v") or []
        return _id_from(values[0].strip()) if values else None
    if parts == ["attribution_link"] and query.get("u"):
        inner = urlparse(query["u"][0])
        values = parse_qs(inner.query).get("v") or []
        return _id_from(values[0].strip()) if inner.path.rstrip("/") == "/watch" and values else None
    if len(parts) >= 2 and parts[0].lower() in _PATH_KINDS:
        return _id_from(parts[1])
    return None


def looks_like_youtube(text: str) -> bool:
    """True for a bare video id or any URL on a YouTube host, even one `parse_video_id` rejects."""
    s = _clean(text)
    if not s or any(c.isspace() for c in s):
        return False
    if _ID.match(s):
        return True
    _, host = _split_url(s)
    return _is_youtube_host(host)


# ------------------------------------------------------------------------------------------------
# Proxies and HTTP session
# ------------------------------------------------------------------------------------------------

def _secret(value) -> str | None:
    if value is None:
        return None
    raw = value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
    raw = raw.strip()
    return raw or None


def proxy_config(settings: "Settings") -> ProxyConfig | None:
    """Webshare rotating residential proxies if both credentials are set, else a generic HTTP(S) proxy
    if PODBOT_PROXY_HTTP(S) is set, else None (direct connection)."""
    user = _secret(getattr(settings, "webshare_proxy_username", None))
    password = _secret(getattr(settings, "webshare_proxy_password", None))
    if user and password:
        return WebshareProxyConfig(proxy_username=user, proxy_password=password)
    if bool(user) != bool(password):
        missing = "WEBSHARE_PROXY_PASSWORD" if user else "WEBSHARE_PROXY_USERNAME"
        raise SourceError(f"Webshare proxy is half configured: {missing} is not set (set both username and "
                          f"password, or neither)")
    http = _secret(getattr(settings, "podbot_proxy_http", None))
    https = _secret(getattr(settings, "podbot_proxy_https", None))
    if http or https:
        return GenericProxyConfig(http_url=http, https_url=https)
    return None


class _TimeoutSession(requests.Session):
    """A Session with a default timeout: youtube-transcript-api sets none, so a stalled socket would hang
    an ingest forever."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT):
        super().__init__()
        self.default_timeout = timeout

    def request(self, method, url, **kwargs):  # type: ignore[override]
        kwargs.setdefault("timeout", self.default_timeout)
        return super().request(method, url, **kwargs)


class _PlayerDetails:
    """What the video's player answer says about it (title, channel, description, publish date), read from the
    innertube call youtube-transcript-api makes anyway: no extra request, and nothing lost when it is absent."""

    def __init__(self, session: requests.Session):
        self.session = session
        self.details: dict = {}
        self.published: str | None = None

    def __enter__(self) -> "_PlayerDetails":
        original = self.session.post

        def post(url, *args, **kwargs):
            response = original(url, *args, **kwargs)
            if "/youtubei/v1/player" in str(url):
                self._read(response)
            return response

        self._own = vars(self.session).get("post")     # a post set on the instance itself, to put back
        self.session.post = post
        return self

    def __exit__(self, *exc) -> None:
        if self._own is not None:
            self.session.post = self._own
        else:
            del self.session.post

    def _read(self, response) -> None:
        try:
            data = response.json()
        except ValueError:
            return
        if not isinstance(data, dict):
            return
        details = data.get("videoDetails")
        self.details = details if isinstance(details, dict) else {}
        micro = data.get("microformat")
        micro = micro.get("playerMicroformatRenderer") if isinstance(micro, dict) else None
        micro = micro if isinstance(micro, dict) else {}
        date = str(micro.get("publishDate") or micro.get("uploadDate") or "")[:10]
        self.published = date if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None

    def text(self, key: str) -> str | None:
        value = self.details.get(key)
        return value.strip() or None if isinstance(value, str) else None


# ------------------------------------------------------------------------------------------------
# Track choice
# ------------------------------------------------------------------------------------------------

def _norm_code(code: str) -> str:
    return code.strip().replace("_", "-").lower()


def _match_rank(wanted: str, code: str) -> int | None:
    """0 exact, 1 wanted is a prefix ("en" ~ "en-US"), 2 track is a prefix ("en-US" ~ "en"), None no match."""
    w, c = _norm_code(wanted), _norm_code(code)
    if w == c:
        return 0
    if c.startswith(w + "-"):
        return 1
    if w.startswith(c + "-"):
        return 2
    return None


def _choose_track(tracks: list, languages: Iterable[str]):
    """The track for the first wanted language that has one, manual before generated, closer code first.
    With no wanted languages at all, the first manual track, else the first generated one."""
    languages = [lang for lang in languages if lang and lang.strip()]
    if not languages:
        return min(tracks, key=lambda t: t.is_generated) if tracks else None
    for wanted in languages:
        ranked = [(bool(t.is_generated), rank, i, t) for i, t in enumerate(tracks)
                  if (rank := _match_rank(wanted, t.language_code)) is not None]
        if ranked:
            return min(ranked, key=lambda r: r[:3])[3]
    return None


def _describe_tracks(tracks: list) -> str:
    if not tracks:
        return "none"
    return ", ".join(f"{t.language_code}{' (auto)' if t.is_generated else ''}" for t in tracks)


def _no_language_error(video_id: str, languages: list[str], tracks: list) -> NoTranscriptInLanguages:
    wanted = ", ".join(languages) or "any"
    return NoTranscriptInLanguages(
        f"video {video_id} has no captions in {wanted}; available: {_describe_tracks(tracks)} "
        f"(add one of them to PODBOT_LANGUAGES to use it)")


# ------------------------------------------------------------------------------------------------
# Snippets -> cues
# ------------------------------------------------------------------------------------------------

def _clean_text(text: str) -> str:
    # The library unescapes once; YouTube sometimes double-escapes ("&amp;#39;"). Newlines inside a
    # snippet are line wraps on screen, not sentence breaks.
    if "&" in text:
        text = html.unescape(text)
    return without_sounds(" ".join(text.replace("\u200b", "").split()))


def _finite(x, default: float = 0.0) -> float:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return default
    return x if math.isfinite(x) else default


def _cues(snippets: Iterable) -> list[Cue]:
    raw = []
    for s in snippets:
        text = _clean_text(s.text or "")
        if not text:
            continue
        start = max(0.0, _finite(s.start))
        raw.append((start, max(0.0, _finite(s.duration)), text))
    raw.sort(key=lambda r: r[0])                        # stable: equal starts keep YouTube's order
    cues = []
    for i, (start, duration, text) in enumerate(raw):
        end = start + duration
        if i + 1 < len(raw):                            # on-screen time overlaps the next caption
            end = min(end, raw[i + 1][0])
        cues.append(Cue(start=start, end=max(start, end), text=text))
    return cues


# ------------------------------------------------------------------------------------------------
# Errors
# ------------------------------------------------------------------------------------------------

def _one_line(text: str, limit: int = 160) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _quote(text: str) -> str:
    return '"' + _one_line(text, 80) + '"'


def _http_status(reason: str) -> int | None:
    m = re.match(r"\s*(\d{3})\b", reason or "")
    return int(m.group(1)) if m else None


def _map_error(exc: BaseException, video_id: str, proxied: bool) -> SourceError:
    """Turn a youtube-transcript-api or requests exception into a one-line podbot error."""
    vid = video_id
    if isinstance(exc, (yta.RequestBlocked, yta.PoTokenRequired)):        # IpBlocked is a RequestBlocked
        if isinstance(exc, yta.PoTokenRequired):
            what = f"YouTube demands a PO token for the captions of video {vid} (bot check)"
        elif isinstance(exc, yta.IpBlocked):
            what = f"YouTube is blocking this server's IP (HTTP 429 / captcha) for video {vid}"
        else:
            what = f"YouTube is blocking this server as a bot (\"sign in to confirm\") for video {vid}"
        if proxied:
            return YouTubeBlocked(f"{what}, even through the configured proxy; try a residential rotating proxy "
                                  f"(WEBSHARE_PROXY_USERNAME/WEBSHARE_PROXY_PASSWORD) or retry later")
        return YouTubeBlocked(f"{what}; {_BLOCK_HINT}, or retry later")
    if isinstance(exc, yta.TranscriptsDisabled):
        return CaptionsDisabled(f"video {vid} has captions turned off, so there is no transcript to fetch; "
                                f"use a downloaded transcript file instead")
    if isinstance(exc, yta.AgeRestricted):
        return VideoUnavailable(f"video {vid} is age-restricted; YouTube will not serve its captions without a "
                                f"signed-in account (use a downloaded transcript file instead)")
    if isinstance(exc, yta.InvalidVideoId):
        return VideoUnavailable(f"video {vid} is unavailable: YouTube does not recognise that video id; check the link")
    if isinstance(exc, yta.VideoUnavailable):
        return VideoUnavailable(f"video {vid} is unavailable (deleted, private or never existed); check the link")
    if isinstance(exc, yta.VideoUnplayable):
        why = "; ".join(x for x in [exc.reason or "", *(exc.sub_reasons or [])] if x and x.strip())
        return VideoUnavailable(f"video {vid} is unplayable" + (f": {_one_line(why, 120)}" if why else "")
                                + " (region lock, members-only or premiere?)")
    if isinstance(exc, yta.NoTranscriptFound):
        tracks = list(getattr(exc, "_transcript_data", None) or [])
        wanted = [str(c) for c in (getattr(exc, "_requested_language_codes", None) or [])]
        return _no_language_error(vid, wanted, tracks)
    if isinstance(exc, yta.YouTubeRequestFailed):
        status = _http_status(exc.reason)
        if status == 429:
            return RateLimited(f"YouTube is rate-limiting requests (HTTP 429) for video {vid}; wait a few "
                               f"minutes and retry")
        label = f"HTTP {status}" if status else _one_line(exc.reason.split(" for url")[0], 80)
        return NetworkError(f"YouTube request failed ({label}) for video {vid}; retry later")
    if isinstance(exc, yta.FailedToCreateConsentCookie):
        return SourceError(f"could not get past YouTube's cookie-consent page for video {vid}; "
                           f"retry later or use a proxy in another region")
    if isinstance(exc, yta.YouTubeDataUnparsable):
        return SourceError(f"YouTube's page for video {vid} could not be parsed (YouTube may have changed; "
                           f"upgrading youtube-transcript-api may help)")
    if isinstance(exc, yta.YouTubeTranscriptApiException):
        cause = getattr(exc, "cause", "") or ""
        first = next((ln for ln in str(cause).splitlines() if ln.strip()), "") or type(exc).__name__
        return SourceError(f"could not fetch captions for video {vid}: {_one_line(first, 140)}")
    # --- raw requests errors: the library does not wrap these ---------------------------------------
    if isinstance(exc, requests.exceptions.RetryError):     # proxy retries ran out on repeated 429s
        return RateLimited(f"YouTube kept answering \"too many requests\" (HTTP 429) for video {vid}; wait a "
                           f"few minutes and retry")
    if isinstance(exc, requests.exceptions.ProxyError):
        return NetworkError(f"could not reach YouTube through the configured proxy for video {vid}; check "
                            f"PODBOT_PROXY_HTTP(S) / WEBSHARE_PROXY_* settings")
    if isinstance(exc, requests.exceptions.Timeout):
        return NetworkError(f"YouTube did not answer in time for video {vid}; slow or no network? retry later")
    if isinstance(exc, requests.exceptions.ConnectionError):
        return NetworkError(f"could not reach YouTube: no network? (video {vid})")
    if isinstance(exc, requests.exceptions.RequestException):
        return NetworkError(f"request to YouTube failed for video {vid}: {_one_line(type(exc).__name__)}")
    if isinstance(exc, ParseError):
        return CorruptTranscript(f"YouTube returned an unreadable caption file for video {vid}; retry later")
    return SourceError(f"could not fetch captions for video {vid}: {_one_line(f'{type(exc).__name__}: {exc}', 140)}")


_HANDLED = (yta.YouTubeTranscriptApiException, requests.exceptions.RequestException, ParseError)
try:                                                         # defusedxml refuses entities with its own errors
    from defusedxml import DefusedXmlException as _DefusedXmlException
    _HANDLED = (*_HANDLED, _DefusedXmlException)
except ImportError:  # pragma: no cover
    pass


# ------------------------------------------------------------------------------------------------
# Fetch
# ------------------------------------------------------------------------------------------------

def fetch_youtube(source: str, settings: "Settings", *, http_client: requests.Session | None = None,
                  title: str | None = None) -> Transcript:
    """Fetch a video's captions as a podbot Transcript.

    `source` is a bare id or a YouTube URL. `http_client` (a requests.Session) is passed to
    youtube-transcript-api; tests inject a fake one. Every failure is a one-line `SourceError` subclass.
    """
    video_id = parse_video_id(source)
    if video_id is None:
        if looks_like_youtube(source):
            raise BadSourceURL(f"{_quote(source)} is a YouTube link without a video id I can read (playlist and "
                               f"channel links are not supported); use a video link like https://youtu.be/VIDEO_ID")
        raise BadSourceURL(f"{_quote(source)} is not a YouTube video link or 11-character video id")

    proxy = proxy_config(settings)
    languages = list(settings.languages)
    client = http_client if http_client is not None else _TimeoutSession()
    player = _PlayerDetails(client)
    try:
        api = YouTubeTranscriptApi(proxy_config=proxy, http_client=client)
        with player:
            tracks = list(api.list(video_id))
        if not tracks:
            raise CaptionsDisabled(f"video {video_id} has no caption tracks at all; use a downloaded transcript "
                                   f"file instead")
        track = _choose_track(tracks, languages)
        if track is None:
            raise _no_language_error(video_id, languages, tracks)
        fetched = track.fetch()
    except _HANDLED as exc:
        raise _map_error(exc, video_id, proxied=proxy is not None) from exc

    cues = split_turns(_cues(fetched))
    if not cues:
        raise EmptyTranscript(f"the {track.language_code} caption track of video {video_id} is empty")
    title = title or player.text("title")
    meta = EpisodeMeta(
        episode_id=video_id,
        title=title or f"YouTube {video_id}",
        description=player.text("shortDescription"),      # creator chapters ("0:00 Intro") live there
        published=player.published,
        guest=detect_guest(cues) or guest_from_title(title, cues),
        source=f"youtube:{video_id}",
        url=f"https://youtu.be/{video_id}",
        video_id=video_id,
        language=track.language_code,
        caption_kind="generated" if track.is_generated else "manual",
        duration=cues[-1].end,
        timed=True,
    )
    return Transcript(meta=meta, cues=cues)
