"""What can be watched, and how a URL a user pasted becomes a feed.

- a YouTube channel: a `UC…` id, `youtube.com/channel/UC…`, or a handle / custom / user URL
  (`@name`, `/c/name`, `/user/name`), which is resolved to its channel id by fetching the channel page
  (it carries `<link rel="canonical" href=".../channel/UC…">` and `"channelId":"UC…"`);
- a YouTube playlist: `youtube.com/playlist?list=PL…` (or any YouTube link with `list=`), or a bare id;
- a podcast RSS/Atom feed: any other http(s) URL.

YouTube publishes an Atom feed per channel and per playlist (`/feeds/videos.xml?channel_id=` /
`?playlist_id=`, newest 15 videos).
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, urlencode, urlparse

from ingest.errors import BadSourceURL
from ingest.sources.youtube import parse_video_id
from ingest.watch.config import BROWSER_AGENT, FeedError, WatchConfig
from ingest.watch.http import http_get, short

Kind = Literal["youtube_channel", "youtube_playlist", "rss"]

CHANNEL_ID = re.compile(r"^UC[0-9A-Za-z_-]{22}$")
PLAYLIST_ID = re.compile(r"^(?:PL|UU|FL|OL|LL|UUMO|UULF)[0-9A-Za-z_-]{10,}$")
HANDLE = re.compile(r"^@[\w.\-·]{2,100}$", re.UNICODE)
_YT_HOSTS = ("youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com")

_CANONICAL = [
    re.compile(r'<link[^>]*rel="canonical"[^>]*href="[^"]*/channel/(UC[0-9A-Za-z_-]{22})"'),
    re.compile(r'<link[^>]*href="[^"]*/channel/(UC[0-9A-Za-z_-]{22})"[^>]*rel="canonical"'),
    re.compile(r'<meta[^>]*itemprop="(?:identifier|channelId)"[^>]*content="(UC[0-9A-Za-z_-]{22})"'),
    re.compile(r'"externalId"\s*:\s*"(UC[0-9A-Za-z_-]{22})"'),
    re.compile(r'"channelId"\s*:\s*"(UC[0-9A-Za-z_-]{22})"'),
    re.compile(r'"browseId"\s*:\s*"(UC[0-9A-Za-z_-]{22})"'),
]
_OG_TITLE = re.compile(r'<meta[^>]*property="og:title"[^>]*content="([^"]*)"')
_TITLE = re.compile(r"<title>([^<]*)</title>", re.IGNORECASE)


@dataclass(frozen=True)
class WatchSpec:
    """A resolved watch target: `ref` is the channel id, playlist id or feed URL."""

    kind: Kind
    ref: str
    url: str
    title: str | None = None

    @property
    def label(self) -> str:
        return {"youtube_channel": "YouTube channel", "youtube_playlist": "YouTube playlist",
                "rss": "podcast feed"}[self.kind]


def feed_url_for(kind: str, ref: str, base: str | None = None) -> str:
    """The feed to poll: YouTube's per-channel/per-playlist Atom feed, or the RSS URL itself."""
    base = (base or "https://www.youtube.com").rstrip("/")
    if kind == "youtube_channel":
        return f"{base}/feeds/videos.xml?{urlencode({'channel_id': ref})}"
    if kind == "youtube_playlist":
        return f"{base}/feeds/videos.xml?{urlencode({'playlist_id': ref})}"
    return ref


def public_url(kind: str, ref: str) -> str:
    """Where a person would open the watched thing (always the real YouTube)."""
    if kind == "youtube_channel":
        return f"https://www.youtube.com/channel/{ref}"
    if kind == "youtube_playlist":
        return f"https://www.youtube.com/playlist?list={ref}"
    return ref


def _clean(text: str) -> str:
    s = (text or "").strip()
    while len(s) >= 2 and (s[0], s[-1]) in {("<", ">"), ('"', '"'), ("'", "'")}:
        s = s[1:-1].strip()
    return s


def _split(s: str):
    candidate = s if "://" in s else ("https:" + s if s.startswith("//") else "https://" + s)
    try:
        u = urlparse(candidate)
        return u, (u.hostname or "").lower().rstrip(".")
    except ValueError:
        return None, ""


def resolve_watch_url(text: str, config: WatchConfig) -> WatchSpec:
    """Turn what a user typed into a WatchSpec. Handle/custom URLs need one page fetch (FeedError on failure)."""
    s = _clean(text)
    if not s or any(c.isspace() for c in s):
        raise BadSourceURL("give a YouTube channel or playlist link, a channel id (UC…), a @handle, "
                           "or a podcast RSS feed URL")
    if CHANNEL_ID.match(s):
        return WatchSpec("youtube_channel", s, public_url("youtube_channel", s))
    if PLAYLIST_ID.match(s):
        return WatchSpec("youtube_playlist", s, public_url("youtube_playlist", s))
    if HANDLE.match(s):
        return _resolve_page(f"/{s}", s, config)

    u, host = _split(s)
    if u is None:
        raise BadSourceURL(f"{short(s, 80)!r} is not a URL I can read")
    query = parse_qs(u.query)
    if host in _YT_HOSTS or host.endswith(".youtube.com"):
        parts = [p for p in u.path.split("/") if p]
        if parts[:2] == ["feeds", "videos.xml"]:
            if query.get("channel_id"):
                return resolve_watch_url(query["channel_id"][0], config)
            if query.get("playlist_id"):
                return resolve_watch_url(query["playlist_id"][0], config)
            if query.get("user"):
                return _resolve_page(f"/user/{query['user'][0]}", s, config)
        if query.get("list"):
            playlist = query["list"][0].strip()
            if playlist.startswith("RD"):
                raise BadSourceURL("that is a YouTube mix (auto-generated, no feed); link a channel or a playlist")
            return WatchSpec("youtube_playlist", playlist, public_url("youtube_playlist", playlist))
        if len(parts) >= 2 and parts[0] == "channel" and CHANNEL_ID.match(parts[1]):
            return WatchSpec("youtube_channel", parts[1], public_url("youtube_channel", parts[1]))
        if parts and parts[0].startswith("@"):
            return _resolve_page(f"/{parts[0]}", s, config)
        if len(parts) >= 2 and parts[0] in ("c", "user"):
            return _resolve_page(f"/{parts[0]}/{parts[1]}", s, config)
        if parse_video_id(s):
            raise BadSourceURL("that is a single video; to add it once use `/ingest` (or `podbot ingest`), to "
                               "follow new episodes give its channel or playlist link")
        if len(parts) == 1 and parts[0] not in ("watch", "playlist", "results", "feed", "shorts"):
            return _resolve_page(f"/{parts[0]}", s, config)        # legacy custom URL youtube.com/name
        raise BadSourceURL(f"{short(s, 80)!r} is a YouTube link but not a channel or playlist")
    if host in ("youtu.be",) or host.endswith(".youtu.be"):
        raise BadSourceURL("that is a single video; to follow new episodes give its channel or playlist link")
    if u.scheme not in ("http", "https") or not host:
        raise BadSourceURL(f"{short(s, 80)!r} is not an http(s) feed URL, a YouTube channel or a playlist")
    return WatchSpec("rss", u.geturl(), s)


def _resolve_page(path: str, original: str, config: WatchConfig) -> WatchSpec:
    """Fetch a channel page (handle, /c/, /user/) and read the channel id it declares."""
    url = f"{config.base}{path}"
    page = http_get(url, config, what=f"resolving the YouTube channel {short(original, 60)}", limit=5 * 2**20,
                    headers={"User-Agent": BROWSER_AGENT, "Accept-Language": "en-US,en;q=0.8",
                             "Cookie": "SOCS=CAI; CONSENT=YES+1"})
    text = page.text()
    channel_id = channel_id_from_page(text)
    if channel_id is None:
        raise FeedError(f"could not find a channel id on the page of {short(original, 60)} (is it a channel? "
                        f"YouTube may have shown a consent page); use the channel's /channel/UC… link instead")
    return WatchSpec("youtube_channel", channel_id, public_url("youtube_channel", channel_id),
                     title=_page_title(text))


def channel_id_from_page(text: str) -> str | None:
    for pattern in _CANONICAL:
        m = pattern.search(text)
        if m:
            return m.group(1)
    return None


def _page_title(text: str) -> str | None:
    m = _OG_TITLE.search(text) or _TITLE.search(text)
    if not m:
        return None
    title = html.unescape(m.group(1)).strip()
    title = re.sub(r"\s*-\s*YouTube\s*$", "", title)
    return title or None
