"""Fetch a feed and parse it (feedparser) into entries: YouTube Atom feeds and podcast RSS alike.

feedparser keeps only the last `<podcast:transcript>` of an item, but feeds usually offer several
(VTT, SRT, JSON, HTML); those tags are read from the document itself (defusedxml) and matched to items.
"""
from __future__ import annotations

import calendar
import html
import re
import xml.sax
from dataclasses import dataclass, field

import feedparser

from ingest.sources.youtube import parse_video_id
from ingest.watch.config import FeedError, WatchConfig
from ingest.watch.http import http_get, short

PODCAST_NS_HINTS = ("podcastindex", "podcast-namespace")
MAX_DESCRIPTION = 5000


@dataclass
class TranscriptLink:
    url: str
    type: str = ""
    language: str | None = None
    rel: str | None = None


@dataclass
class FeedEntry:
    key: str                                  # stable identity: yt:VIDEO_ID, the RSS guid, else the link
    title: str
    link: str | None = None
    published: str | None = None              # ISO date (YYYY-MM-DD)
    published_ts: float | None = None
    video_id: str | None = None
    transcripts: list[TranscriptLink] = field(default_factory=list)
    description: str | None = None
    position: int = 0                         # index in the document (feeds list newest first)


@dataclass
class Feed:
    url: str
    title: str | None = None
    entries: list[FeedEntry] = field(default_factory=list)
    etag: str | None = None
    modified: str | None = None
    not_modified: bool = False


def fetch_feed(url: str, config: WatchConfig, *, etag: str | None = None, modified: str | None = None,
               what: str | None = None) -> Feed:
    """GET and parse one feed. HTTP errors, a non-feed body and invalid XML raise FeedError (one line)."""
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    label = what or "feed"
    got = http_get(url, config, what=label, limit=config.max_feed_bytes, headers=headers, allow_304=True)
    if got.not_modified:
        return Feed(url=url, etag=etag, modified=modified, not_modified=True)
    feed = parse_feed(got.body, url, what=label)
    feed.etag = got.headers.get("ETag") or got.headers.get("etag")
    feed.modified = got.headers.get("Last-Modified") or got.headers.get("last-modified")
    return feed


def parse_feed(body: bytes, url: str = "", *, what: str = "feed") -> Feed:
    parsed = feedparser.parse(body)
    if not parsed.get("version") and not parsed.entries:
        why = getattr(parsed.get("bozo_exception"), "getMessage", None)
        detail = why() if callable(why) else str(parsed.get("bozo_exception") or "no RSS/Atom document")
        raise FeedError(f"{what}: not a valid RSS/Atom feed ({short(detail, 80)}) at {short(url, 120)}")
    # Not well-formed XML: feedparser's loose parser still rescues what it can (real feeds often carry a
    # stray "&"), but an item without a guid or link from a broken document (say, a truncated download)
    # is not trusted. Nothing left -> the feed is broken.
    broken = bool(parsed.bozo) and isinstance(parsed.get("bozo_exception"), xml.sax.SAXException)
    extra = _podcast_transcripts(body)
    entries = []
    for position, item in enumerate(parsed.entries):
        if broken and not (item.get("id") or item.get("link")):
            continue
        entry = _entry(item, position)
        if entry is None:
            continue
        links = extra.get(_item_identity(item.get("id"), item.get("link"), item.get("title"))) \
            or extra.get(("#", position))
        if links:
            entry.transcripts = links
        entries.append(entry)
    if broken and not entries:
        raise FeedError(f"{what}: unreadable feed XML ({short(str(parsed.bozo_exception), 80)}) at {short(url, 120)}")
    return Feed(url=url, title=(parsed.feed.get("title") or None), entries=entries)


def _iso_and_ts(item) -> tuple[str | None, float | None]:
    for key in ("published_parsed", "updated_parsed"):
        value = item.get(key)
        if value:
            ts = float(calendar.timegm(value))
            return f"{value.tm_year:04d}-{value.tm_mon:02d}-{value.tm_mday:02d}", ts
    return None, None


_BREAKS = re.compile(r"<\s*(?:br|/p|/div|/li|p|li)\b[^>]*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")


def html_to_text(text: str | None) -> str | None:
    if not text:
        return None
    if "<" in text:
        text = _BREAKS.sub("\n", text)
        text = _TAGS.sub("", text)
    text = html.unescape(text)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    out = "\n".join(line for line in lines if line).strip()
    return out[:MAX_DESCRIPTION] or None


def _entry(item, position: int) -> FeedEntry | None:
    link = item.get("link") or None
    video_id = item.get("yt_videoid") or (parse_video_id(link) if link else None)
    title = " ".join((item.get("title") or "").split())
    published, ts = _iso_and_ts(item)
    if item.get("yt_videoid"):
        key = f"yt:{video_id}"
    else:
        key = item.get("id") or link or (f"{title}|{published}" if title else None)
    if not key:
        return None
    transcripts = []
    single = item.get("podcast_transcript")
    if isinstance(single, dict) and single.get("url"):
        transcripts.append(TranscriptLink(single["url"], single.get("type", ""), single.get("language"),
                                          single.get("rel")))
    description = html_to_text(item.get("summary") or item.get("description"))
    return FeedEntry(key=str(key), title=title or (f"YouTube {video_id}" if video_id else "Untitled episode"),
                     link=link if link and link.startswith(("http://", "https://")) else None,
                     published=published, published_ts=ts, video_id=video_id, transcripts=transcripts,
                     description=description, position=position)


def _item_identity(guid, link, title) -> tuple[str, str]:
    if guid:
        return ("guid", str(guid).strip())
    if link:
        return ("link", str(link).strip())
    return ("title", " ".join(str(title or "").split()))


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def _podcast_transcripts(body: bytes) -> dict[tuple, list[TranscriptLink]]:
    """Every <podcast:transcript> of every item, keyed by item identity (and by position as a fallback)."""
    if b"transcript" not in body:
        return {}
    try:
        from defusedxml import ElementTree as SafeET

        root = SafeET.fromstring(body)
    except Exception:                        # malformed or hostile XML: feedparser's single tag will do
        return {}
    out: dict[tuple, list[TranscriptLink]] = {}
    items = [el for el in root.iter() if _local(el.tag)[1] in ("item", "entry")]
    for position, item in enumerate(items):
        links, guid, link, title = [], None, None, None
        for child in item:
            ns, name = _local(child.tag)
            if name == "transcript" and any(h in ns for h in PODCAST_NS_HINTS) and child.get("url"):
                links.append(TranscriptLink(child.get("url").strip(), (child.get("type") or "").strip(),
                                            child.get("language"), child.get("rel")))
            elif name in ("guid", "id") and not ns.startswith("http://www.youtube.com"):
                guid = (child.text or "").strip() or guid
            elif name == "link" and link is None:
                link = (child.text or "").strip() or child.get("href")
            elif name == "title" and title is None:
                title = child.text
        if links:
            out[_item_identity(guid, link, title)] = links
            out[("#", position)] = links
    return out
