"""Watching channels and feeds (issue 7): ingest.watch (feeds, state, poll) and bot.watch (ingest -> post).

Feeds, channel pages and transcript files are served over real HTTP by a local server on 127.0.0.1 and
parsed by the real feedparser; YouTube feeds are reached through `WatchConfig.youtube_base`, and YouTube
captions come from an injected fetcher (production uses ingest.sources.youtube.fetch_youtube). Time is a
controllable clock, never a sleep.
"""
from __future__ import annotations

import asyncio
import json
import threading
from email.utils import format_datetime
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape, quoteattr

import pytest

from bot.app import App
from bot.cli import build_parser, main
from bot.cli import watch_cmd
from bot.watch import WatchService
from ingest.errors import BadSourceURL, CaptionsDisabled, NoTranscriptInLanguages
from ingest.models import Cue, EpisodeMeta, Transcript
from ingest.watch import (
    FeedError,
    WatchConfig,
    WatchError,
    WatchStore,
    add_watch,
    feed_url_for,
    resolve_watch_url,
)
from ingest.watch.transcripts import parse_transcript_text, podcast_json_to_list

CHANNEL = "UCabcdefghijklmnopqrstuv"
T0 = 1_700_000_000.0                     # 2023-11-14, the fake clock's start


# --------------------------------------------------------------------------------------------------
# A local web server, feed documents, a fake caption fetcher, a clock
# --------------------------------------------------------------------------------------------------
class FeedServer:
    """Serves `routes[path]` (path with query first, then without) over real HTTP on 127.0.0.1."""

    def __init__(self):
        self.routes: dict[str, tuple[int, str, bytes, str | None]] = {}
        self.hits: list[str] = []
        self.not_modified = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):                                   # noqa: N802 (http.server's naming)
                server.hits.append(self.path)
                route = server.routes.get(self.path) or server.routes.get(self.path.split("?", 1)[0])
                status, ctype, body, etag = route or (404, "text/plain", b"not found", None)
                if etag and self.headers.get("If-None-Match") == etag:
                    server.not_modified += 1
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def set(self, path: str, body: str | bytes, status: int = 200, ctype: str = "application/xml",
            etag: str | None = None) -> None:
        self.routes[path] = (status, ctype, body.encode() if isinstance(body, str) else body, etag)

    def count(self, path: str) -> int:
        return sum(1 for hit in self.hits if hit == path or hit.split("?", 1)[0] == path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def iso(day: int) -> str:
    return f"2024-01-{day:02d}T10:00:00+00:00"


def youtube_feed(videos: list[tuple[str, str, int]], channel: str = CHANNEL, title: str = "Rocket Channel") -> str:
    """A YouTube channel Atom feed; `videos` are (video id, title, day of January 2024), listed newest first."""
    entries = "".join(f"""
 <entry>
  <id>yt:video:{vid}</id><yt:videoId>{vid}</yt:videoId><yt:channelId>{channel}</yt:channelId>
  <title>{escape(name)}</title>
  <link rel="alternate" href="https://www.youtube.com/watch?v={vid}"/>
  <author><name>{escape(title)}</name><uri>https://www.youtube.com/channel/{channel}</uri></author>
  <published>{iso(day)}</published><updated>{iso(day)}</updated>
  <media:group><media:title>{escape(name)}</media:title>
   <media:description>All about {escape(name)}.</media:description></media:group>
 </entry>""" for vid, name, day in sorted(videos, key=lambda v: v[2], reverse=True))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/"
      xmlns="http://www.w3.org/2005/Atom">
 <link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id={channel}"/>
 <id>yt:channel:{channel[2:]}</id><yt:channelId>{channel}</yt:channelId>
 <title>{escape(title)}</title>
 <published>2019-01-01T00:00:00+00:00</published>{entries}
</feed>"""


def podcast_feed(items: list[dict], title: str = "The Rivers Podcast") -> str:
    """A podcast RSS 2.0 feed with the podcast namespace; items: guid, title, day, transcripts [(url, type)]."""
    body = []
    for item in sorted(items, key=lambda i: i["day"], reverse=True):
        when = format_datetime(datetime(2024, 1, item["day"], 10, tzinfo=timezone.utc), usegmt=True)
        tags = "".join(f"\n   <podcast:transcript url={quoteattr(url)} type={quoteattr(kind)} language=\"en\"/>"
                       for url, kind in item.get("transcripts", []))
        body.append(f"""
  <item>
   <title>{escape(item['title'])}</title>
   <guid isPermaLink="false">{escape(item['guid'])}</guid>
   <link>https://rivers.example/episodes/{escape(item['guid'])}</link>
   <pubDate>{when}</pubDate>
   <description>&lt;p&gt;Show notes for {escape(item['title'])}.&lt;/p&gt;</description>
   <enclosure url="https://rivers.example/{escape(item['guid'])}.mp3" type="audio/mpeg" length="1234"/>{''.join(tags)}
  </item>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"
     xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
 <channel>
  <title>{escape(title)}</title><link>https://rivers.example</link>
  <description>A podcast about rivers.</description>{''.join(body)}
 </channel>
</rss>"""


SENTENCES = [
    "Rivers carve canyons one grain of sand at a time.",
    "The engineers said that patience beats thrust over a long enough journey.",
    "Every action has an equal and opposite reaction, which is why rockets fly.",
    "Most progress looks like nothing at all until suddenly it looks like everything.",
    "We measured the sediment in the delta every spring for eleven years.",
]


def cues_for(topic: str, n: int = 24) -> list[Cue]:
    return [Cue(i * 6.0, i * 6.0 + 5.5, f"{SENTENCES[i % len(SENTENCES)]} This is part {i} about {topic}.")
            for i in range(n)]


def vtt_for(topic: str) -> str:
    def ts(s: float) -> str:
        return f"00:{int(s) // 60:02d}:{s % 60:06.3f}"
    return "WEBVTT\n\n" + "\n\n".join(f"{ts(c.start)} --> {ts(c.end)}\n{c.text}" for c in cues_for(topic))


class FakeCaptions:
    """Stands in for ingest.sources.youtube.fetch_youtube: same signature, same errors."""

    def __init__(self):
        self.calls: list[str] = []
        self.errors: dict[str, Exception] = {}

    def __call__(self, source: str, settings, *, title: str | None = None) -> Transcript:
        self.calls.append(source)
        if source in self.errors:
            raise self.errors[source]
        meta = EpisodeMeta(episode_id=source, title=title or f"YouTube {source}", source=f"youtube:{source}",
                           url=f"https://youtu.be/{source}", video_id=source, language="en",
                           caption_kind="manual")
        return Transcript(meta=meta, cues=cues_for(f"video {source}"))


class Clock:
    def __init__(self, t: float = T0):
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


class Collector:
    """An async poster/notifier that records what it was given."""

    def __init__(self, fail: int = 0):
        self.items: list = []
        self.fail = fail

    async def __call__(self, item) -> None:
        if self.fail:
            self.fail -= 1
            raise RuntimeError("channel is gone")
        self.items.append(item)


@pytest.fixture
def server():
    srv = FeedServer()
    yield srv
    srv.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def captions() -> FakeCaptions:
    return FakeCaptions()


def make_config(settings, server: FeedServer, clock: Clock, captions: FakeCaptions) -> WatchConfig:
    return WatchConfig.from_settings(settings, youtube_base=server.base, fetch_captions=captions, clock=clock,
                                     timeout=5.0)


@pytest.fixture
def config(hash_app, server, clock, captions) -> WatchConfig:
    return make_config(hash_app.settings, server, clock, captions)


@pytest.fixture
def service(hash_app, config) -> WatchService:
    return WatchService(hash_app, config=config)


YT_PATH = "/feeds/videos.xml"
YT_ROUTE = f"{YT_PATH}?channel_id={CHANNEL}"


# --------------------------------------------------------------------------------------------------
# URL resolution
# --------------------------------------------------------------------------------------------------
def test_default_urls_are_the_real_youtube():
    assert WatchConfig().youtube_base == "https://www.youtube.com"
    assert feed_url_for("youtube_channel", CHANNEL) == \
        f"https://www.youtube.com/feeds/videos.xml?channel_id={CHANNEL}"
    assert feed_url_for("youtube_playlist", "PLabcdefghijkl") == \
        "https://www.youtube.com/feeds/videos.xml?playlist_id=PLabcdefghijkl"
    assert feed_url_for("rss", "https://pod.example/feed.xml") == "https://pod.example/feed.xml"


def test_resolve_ids_urls_and_handles(server, config):
    r = resolve_watch_url
    assert (r(CHANNEL, config).kind, r(CHANNEL, config).ref) == ("youtube_channel", CHANNEL)
    assert r(f"<https://www.youtube.com/channel/{CHANNEL}/videos>", config).ref == CHANNEL
    pl = r("https://www.youtube.com/playlist?list=PLrAXtmErZgOeiKm4sgNOknGvNjby9efdf", config)
    assert (pl.kind, pl.ref) == ("youtube_playlist", "PLrAXtmErZgOeiKm4sgNOknGvNjby9efdf")
    assert r("https://youtube.com/watch?v=dQw4w9WgXcQ&list=PLxyz0123456789", config).ref == "PLxyz0123456789"
    assert r(f"https://www.youtube.com/feeds/videos.xml?channel_id={CHANNEL}", config).ref == CHANNEL
    rss = r("https://pod.example/feed.xml", config)
    assert (rss.kind, rss.ref) == ("rss", "https://pod.example/feed.xml")

    # a handle needs the channel page: the id comes from its canonical link
    server.set("/@rockets", f'<html><head><title>Rocket Channel - YouTube</title>'
                            f'<link rel="canonical" href="https://www.youtube.com/channel/{CHANNEL}"></head>'
                            f'<body>{{"channelId":"UCzzzzzzzzzzzzzzzzzzzzzz"}}</body></html>', ctype="text/html")
    for text in ("@rockets", "https://www.youtube.com/@rockets", "https://www.youtube.com/@rockets/videos"):
        spec = r(text, config)
        assert (spec.kind, spec.ref, spec.title) == ("youtube_channel", CHANNEL, "Rocket Channel")
    server.set("/c/Legacy", '<script>var x = {"externalId":"UCyyyyyyyyyyyyyyyyyyyyyy"};</script>', ctype="text/html")
    assert r("youtube.com/c/Legacy", config).ref == "UCyyyyyyyyyyyyyyyyyyyyyy"

    with pytest.raises(BadSourceURL, match="single video"):
        r("https://youtu.be/dQw4w9WgXcQ", config)
    with pytest.raises(FeedError, match="HTTP 404"):
        r("@nobody", config)
    server.set("/@consent", "<html>Before you continue to YouTube</html>", ctype="text/html")
    with pytest.raises(FeedError, match="could not find a channel id"):
        r("@consent", config)


# --------------------------------------------------------------------------------------------------
# New episodes: posted exactly once, across a restart
# --------------------------------------------------------------------------------------------------
async def test_new_entry_is_posted_exactly_once_across_a_restart(hash_app, hash_embedder, server, clock, captions,
                                                               service):
    server.set(YT_ROUTE, youtube_feed([("oldvideo001", "Old one", 1), ("oldvideo002", "Old two", 2)]))
    added = await asyncio.to_thread(service.add, CHANNEL, post_to=4242, guild_id=7)
    assert (added.watch.id, added.entries, added.backfill) == ("w1", 2, 0)
    assert added.watch.title == "Rocket Channel"

    poster = Collector()
    report = await service.run_once(poster=poster)
    assert poster.items == [] and report.ingested == [] and captions.calls == []   # old episodes stay old

    server.set(YT_ROUTE, youtube_feed([("oldvideo001", "Old one", 1), ("oldvideo002", "Old two", 2),
                                       ("newvideo003", "Rivers & Rockets", 3)]))
    clock.advance(900)
    report = await service.run_once(poster=poster)
    assert [(d.meta.episode_id, d.channel_id, d.link) for d in poster.items] == \
        [("newvideo003", 4242, "https://youtu.be/newvideo003")]
    delivery = poster.items[0]
    assert delivery.title == "Rivers & Rockets" and delivery.watch_title == "Rocket Channel"
    assert delivery.summary is not None and delivery.summary.episode_id == "newvideo003"
    assert delivery.meta.published == "2024-01-03" and delivery.meta.description == "All about Rivers & Rockets."
    assert "newvideo003" in {m.episode_id for m in hash_app.library.episodes}

    # a restart: new App, new service, new store objects on the same data directory
    app2 = App(hash_app.settings, embedder=hash_embedder, use_llm=False)
    service2 = WatchService(app2, config=make_config(app2.settings, server, clock, captions))
    poster2 = Collector()
    for _ in range(2):
        clock.advance(900)
        report = await service2.run_once(poster=poster2)
        assert report.poll.checked == ["w1"] and report.ingested == []
    assert poster2.items == [] and captions.calls == ["newvideo003"]
    entry = service2.get("w1").entries["yt:newvideo003"]
    assert (entry.status, entry.episode_id) == ("posted", "newvideo003")


async def test_a_failed_post_is_retried_and_then_posted_once(service, server, clock):
    server.set(YT_ROUTE, youtube_feed([("oldvideo001", "Old one", 1)]))
    await asyncio.to_thread(service.add, CHANNEL, post_to=1)
    server.set(YT_ROUTE, youtube_feed([("oldvideo001", "Old one", 1), ("newvideo002", "New", 2)]))
    poster = Collector(fail=1)
    report = await service.run_once(poster=poster)
    assert poster.items == [] and [r.episode_id for r, _ in report.ingested] == ["newvideo002"]
    assert service.get("w1").entries["yt:newvideo002"].status == "ingested"

    report = await service.run_once(poster=poster)              # backing off: not yet
    assert poster.items == [] and report.ingested == []
    clock.advance(600)
    report = await service.run_once(poster=poster)
    assert [d.meta.episode_id for d in poster.items] == ["newvideo002"] and report.ingested == []
    clock.advance(600)
    await service.run_once(poster=poster)
    assert len(poster.items) == 1


# --------------------------------------------------------------------------------------------------
# Podcast feeds with <podcast:transcript>
# --------------------------------------------------------------------------------------------------
async def test_podcast_feed_with_a_vtt_transcript_needs_no_youtube(hash_app, service, server, clock, captions):
    old = {"guid": "ep-1", "title": "Ep 1: Springs", "day": 1,
           "transcripts": [(server.url("/t/ep-1.vtt"), "text/vtt")]}
    server.set("/rss.xml", podcast_feed([old]), ctype="application/rss+xml")
    added = await asyncio.to_thread(service.add, server.url("/rss.xml"), post_to=99)
    assert (added.watch.kind, added.watch.title, added.warnings) == ("rss", "The Rivers Podcast", [])

    new = {"guid": "ep-2", "title": "Ep 2: Deltas with Ada Lovelace", "day": 2,
           "transcripts": [(server.url("/t/ep-2.html"), "text/html"),
                           (server.url("/t/ep-2.json"), "application/json"),
                           (server.url("/t/ep-2.vtt"), "text/vtt")]}
    server.set("/rss.xml", podcast_feed([old, new]), ctype="application/rss+xml")
    server.set("/t/ep-2.vtt", vtt_for("deltas"), ctype="text/vtt")
    poster = Collector()
    report = await service.run_once(poster=poster)

    assert captions.calls == []                                 # no YouTube at all
    assert server.count("/t/ep-2.vtt") == 1 and server.count("/t/ep-2.json") == 0   # VTT preferred
    [(ready, result)] = report.ingested
    assert result.status == "added" and result.episode_id.startswith("ep-2-deltas-with-ada-lovelace-")
    [delivery] = poster.items
    assert delivery.meta.episode_id == result.episode_id and delivery.channel_id == 99
    assert delivery.link == "https://rivers.example/episodes/ep-2"
    assert delivery.meta.caption_kind == "file" and delivery.meta.published == "2024-01-02"
    assert delivery.meta.description == "Show notes for Ep 2: Deltas with Ada Lovelace."
    assert delivery.summary is not None and delivery.summary.episode_id == result.episode_id
    meta = hash_app.library.resolve_episode(result.episode_id)
    assert meta.title == "Ep 2: Deltas with Ada Lovelace" and meta.duration > 100
    assert server.count("/t/ep-1.vtt") == 0                     # the old episode was never fetched


async def test_a_transcript_tag_that_appears_later_is_used_at_once_and_unchanged_feeds_are_not_refetched(
        service, server, clock):
    server.set("/rss.xml", podcast_feed([]), etag='"v1"')
    await asyncio.to_thread(service.add, server.url("/rss.xml"), post_to=3)
    bare = {"guid": "ep-7", "title": "Ep 7: Floods", "day": 7}
    server.set("/rss.xml", podcast_feed([bare]), etag='"v2"')
    notifier, poster = Collector(), Collector()
    report = await service.run_once(poster=poster, notifier=notifier)
    [waiting] = report.poll.waiting
    assert "has no transcript yet" in waiting.error and [n.kind for n in notifier.items] == ["waiting"]

    await service.run_once(poster=poster, notifier=notifier)                # unchanged feed: HTTP 304
    assert server.not_modified == 1 and poster.items == []

    tagged = {**bare, "transcripts": [(server.url("/t/ep-7.srt"), "application/x-subrip")]}
    server.set("/t/ep-7.srt", "1\n00:00:01,000 --> 00:00:04,000\nHost: Floods shape the delta every spring.\n\n"
                              "2\n00:00:04,000 --> 00:00:09,000\nGuest: And the delta feeds the fields.\n",
               ctype="application/x-subrip")
    server.set("/rss.xml", podcast_feed([tagged]), etag='"v3"')
    await service.run_once(poster=poster, notifier=notifier)                # no need to wait out the backoff
    assert [d.meta.title for d in poster.items] == ["Ep 7: Floods"] and len(notifier.items) == 1
    assert server.count("/t/ep-7.srt") == 1


def test_podcast_json_and_srt_transcripts_parse_with_the_file_parsers():
    podcast_json = json.dumps({"version": "1.0.0", "segments": [
        {"speaker": "Ada", "startTime": 0.5, "endTime": 3.0, "body": "Rivers are patient."},
        {"speaker": "Bob", "startTime": 3.0, "endTime": 6.25, "body": "So are engineers."}]})
    cues, kind = parse_transcript_text(podcast_json, ".json", "ep.json")
    assert kind == ".json"
    assert [(c.start, c.end, c.text, c.speaker) for c in cues] == [
        (0.5, 3.0, "Rivers are patient.", "Ada"), (3.0, 6.25, "So are engineers.", "Bob")]
    assert json.loads(podcast_json_to_list('[{"text": "x", "start": 1}]')) == [{"text": "x", "start": 1}]
    srt = "1\n00:00:01,000 --> 00:00:02,500\nAda: Hello rivers.\n\n2\n00:00:02,500 --> 00:00:04,000\nBye.\n"
    cues, kind = parse_transcript_text(srt, None, "ep")          # sniffed
    assert kind == ".srt" and [(c.text, c.speaker) for c in cues] == [("Hello rivers.", "Ada"), ("Bye.", None)]


# --------------------------------------------------------------------------------------------------
# "No transcript yet": backoff, reported once, then success
# --------------------------------------------------------------------------------------------------
async def test_no_transcript_yet_is_retried_with_backoff_reported_once_then_posted(service, server, clock, captions,
                                                                                   capsys):
    server.set(YT_ROUTE, youtube_feed([("oldvideo001", "Old", 1)]))
    await asyncio.to_thread(service.add, CHANNEL, post_to=55)
    server.set(YT_ROUTE, youtube_feed([("oldvideo001", "Old", 1), ("freshvid004", "Fresh upload", 4)]))
    captions.errors["freshvid004"] = CaptionsDisabled("video freshvid004 has captions turned off")
    poster, notifier = Collector(), Collector()

    report = await service.run_once(poster=poster, notifier=notifier)
    assert poster.items == [] and captions.calls == ["freshvid004"]
    assert [(n.kind, n.channel_id) for n in notifier.items] == [("waiting", 55)]
    assert "Fresh upload" in notifier.items[0].text and "no usable transcript yet" in notifier.items[0].text
    [waiting] = report.poll.waiting
    assert waiting.report and waiting.retry_at == clock.t + 15 * 60

    report = await service.run_once(poster=poster, notifier=notifier)   # too early: not even tried
    assert captions.calls == ["freshvid004"] and report.poll.waiting == []

    watch_cmd.run_list(build_parser().parse_args(["watch", "list"]), service=service)
    out = capsys.readouterr().out
    assert "waiting: 'Fresh upload'" in out and "captions turned off" in out

    clock.advance(15 * 60)
    captions.errors["freshvid004"] = NoTranscriptInLanguages("video freshvid004 has no captions in en")
    report = await service.run_once(poster=poster, notifier=notifier)
    assert len(captions.calls) == 2 and len(notifier.items) == 1        # reported once, not every poll
    [waiting] = report.poll.waiting
    assert not waiting.report and waiting.retry_at == clock.t + 30 * 60  # doubled

    clock.advance(29 * 60)
    await service.run_once(poster=poster, notifier=notifier)
    assert len(captions.calls) == 2
    clock.advance(60)
    del captions.errors["freshvid004"]
    await service.run_once(poster=poster, notifier=notifier)
    assert [d.meta.episode_id for d in poster.items] == ["freshvid004"] and len(notifier.items) == 1
    assert service.get("w1").entries["yt:freshvid004"].status == "posted"


async def test_waiting_gives_up_after_a_week_and_says_so_once(service, server, clock, captions):
    config = service.config
    server.set(YT_ROUTE, youtube_feed([]))
    await asyncio.to_thread(service.add, CHANNEL, post_to=5)
    server.set(YT_ROUTE, youtube_feed([("shortclip05", "A short", 5)]))
    captions.errors["shortclip05"] = CaptionsDisabled("no captions")
    notifier = Collector()
    await service.run_once(notifier=notifier)
    clock.advance(config.give_up_after)
    await service.run_once(notifier=notifier)
    clock.advance(config.give_up_after)
    await service.run_once(notifier=notifier)
    assert [n.kind for n in notifier.items] == ["waiting", "gave_up"]
    assert service.get("w1").entries["yt:shortclip05"].status == "failed"
    assert len(captions.calls) == 2


# --------------------------------------------------------------------------------------------------
# A broken feed
# --------------------------------------------------------------------------------------------------
async def test_a_broken_feed_is_retried_reported_once_and_shown_in_watch_list(service, server, clock, capsys):
    server.set(YT_ROUTE, youtube_feed([("oldvideo001", "Old", 1)]))
    await asyncio.to_thread(service.add, CHANNEL, post_to=8)
    notifier, poster = Collector(), Collector()

    server.set(YT_ROUTE, "oops", status=500, ctype="text/plain")
    report = await service.run_once(poster=poster, notifier=notifier)
    [failure] = report.poll.failed
    assert failure.report and "HTTP 500" in failure.error and failure.retry_at == clock.t + 300
    assert [n.kind for n in notifier.items] == ["feed_down"]

    hits = server.count(YT_PATH)
    report = await service.run_once(poster=poster, notifier=notifier)  # backing off: feed not fetched
    assert report.poll.skipped == ["w1"] and server.count(YT_PATH) == hits

    watch_cmd.run_list(build_parser().parse_args(["watch", "list"]), service=service)
    out = capsys.readouterr().out
    assert "FAILING ×1" in out and "HTTP 500" in out
    rows = json.loads(_cli_json(service, capsys))
    assert rows[0]["feed"]["ok"] is False and rows[0]["feed"]["failures"] == 1

    clock.advance(300)
    server.set(YT_ROUTE, "<feed><entry><title>broken", ctype="application/xml")   # invalid XML
    report = await service.run_once(poster=poster, notifier=notifier)
    [failure] = report.poll.failed
    assert not failure.report and "feed" in failure.error and failure.failures == 2
    assert failure.retry_at == clock.t + 600 and len(notifier.items) == 1

    clock.advance(600)
    server.set(YT_ROUTE, youtube_feed([("oldvideo001", "Old", 1), ("backagain02", "Back again", 2)]))
    report = await service.run_once(poster=poster, notifier=notifier)
    assert report.poll.recovered == ["w1"] and [d.meta.episode_id for d in poster.items] == ["backagain02"]
    assert service.get("w1").health.failures == 0


def _cli_json(service, capsys) -> str:
    watch_cmd.run_list(build_parser().parse_args(["watch", "list", "--json"]), service=service)
    return capsys.readouterr().out


async def test_adding_a_feed_that_does_not_read_adds_nothing(service, server):
    server.set("/notafeed", "<html><body>Hello", ctype="text/html")
    with pytest.raises(WatchError, match="nothing was added"):
        await asyncio.to_thread(service.add, server.url("/notafeed"))
    with pytest.raises(WatchError, match="HTTP 404"):
        await asyncio.to_thread(service.add, server.url("/missing.xml"))
    assert service.list() == []


# --------------------------------------------------------------------------------------------------
# Backfill, bursts, the CLI
# --------------------------------------------------------------------------------------------------
async def test_backfill_ingests_the_newest_n_without_posting(hash_app, service, server, captions):
    videos = [(f"backfill{n:03d}", f"Episode {n}", n) for n in range(1, 6)]
    server.set(YT_ROUTE, youtube_feed(videos))
    added = await asyncio.to_thread(service.add, f"https://www.youtube.com/channel/{CHANNEL}", post_to=3,
                                    backfill=2)
    assert (added.entries, added.backfill) == (5, 2)
    poster = Collector()
    report = await service.run_once(poster=poster)
    assert poster.items == [] and report.awaiting_post == []
    assert [r.episode_id for r, _ in report.ingested] == ["backfill004", "backfill005"]   # oldest first
    assert sorted(captions.calls) == ["backfill004", "backfill005"]
    statuses = {k: e.status for k, e in service.get("w1").entries.items()}
    assert statuses == {"yt:backfill001": "seen", "yt:backfill002": "seen", "yt:backfill003": "seen",
                        "yt:backfill004": "done", "yt:backfill005": "done"}
    assert {"backfill004", "backfill005"} <= {m.episode_id for m in hash_app.library.episodes}
    await service.run_once(poster=poster)
    assert poster.items == [] and len(captions.calls) == 2


async def test_ten_new_episodes_are_processed_in_order(service, server, captions):
    server.set(YT_ROUTE, youtube_feed([("firstvid000", "Zero", 1)]))
    await asyncio.to_thread(service.add, CHANNEL, post_to=10)
    videos = [("firstvid000", "Zero", 1)] + [(f"burstvid{n:03d}", f"Burst {n}", n + 1) for n in range(1, 11)]
    server.set(YT_ROUTE, youtube_feed(videos))
    order: list[str] = []

    async def poster(delivery):
        order.append(delivery.meta.episode_id)
        await asyncio.sleep(0)

    report = await service.run_once(poster=poster)
    expected = [f"burstvid{n:03d}" for n in range(1, 11)]
    assert order == expected and captions.calls == expected
    assert [r.episode_id for r, _ in report.ingested] == expected
    assert [w for w, _k, _t in report.poll.new] == ["w1"] * 10


async def test_entries_published_long_before_the_watch_existed_are_never_posted(service, server, clock, captions):
    clock.t = datetime(2024, 2, 1, tzinfo=timezone.utc).timestamp()
    server.set(YT_ROUTE, youtube_feed([("baseline030", "Baseline", 30)]))
    await asyncio.to_thread(service.add, CHANNEL, post_to=1)
    server.set(YT_ROUTE, youtube_feed([("baseline030", "Baseline", 30), ("reupload002", "Made public again", 2),
                                       ("brandnew031", "Brand new", 31)]))
    poster = Collector()
    await service.run_once(poster=poster)
    assert [d.meta.episode_id for d in poster.items] == ["brandnew031"] and captions.calls == ["brandnew031"]
    assert service.get("w1").entries["yt:reupload002"].status == "seen"


async def test_cli_add_backfill_list_poll_and_remove(service, server, clock, capsys):
    items = [{"guid": f"ep-{n}", "title": f"Episode {n}", "day": n,
              "transcripts": [(server.url(f"/t/ep-{n}.vtt"), "text/vtt")]} for n in range(1, 4)]
    for n in range(1, 5):
        server.set(f"/t/ep-{n}.vtt", vtt_for(f"episode {n}"), ctype="text/vtt")
    server.set("/feed", podcast_feed(items))
    parser = build_parser()

    args = parser.parse_args(["watch", "add", server.url("/feed"), "--post-to", "777", "--backfill", "1"])
    assert await asyncio.to_thread(args.run, args, service=service) == 0
    out = capsys.readouterr().out
    assert "w1: watching The Rivers Podcast (podcast feed); posting to channel 777; 3 episode(s)" in out
    assert "backfilling 1 episode(s)" in out and "w1: backfilled `episode-3-" in out

    args = parser.parse_args(["watch", "add", server.url("/feed"), "--post-to", "777"])
    with pytest.raises(WatchError, match="already watching that podcast feed as w1"):
        await asyncio.to_thread(args.run, args, service=service)

    server.set("/feed", podcast_feed(items + [{"guid": "ep-4", "title": "Episode 4", "day": 4,
                                               "transcripts": [(server.url("/t/ep-4.vtt"), "text/vtt")]}]))
    clock.advance(900)
    args = parser.parse_args(["watch", "poll", "--json"])
    assert await asyncio.to_thread(args.run, args, service=service) == 0
    polled = json.loads(capsys.readouterr().out)
    assert [i["episode_id"].startswith("episode-4-") for i in polled["ingested"]] == [True]
    assert [a["channel"] for a in polled["awaiting_post"]] == [777]        # the bot will post it
    assert service.get("w1").entries["ep-4"].status == "ingested"

    # the bot, later, posts what the CLI ingested (without ingesting it again)
    poster = Collector()
    report = await service.run_once(poster=poster)
    assert report.ingested == [] and [d.meta.title for d in poster.items] == ["Episode 4"]

    # one poller at a time (the bot holds the lock while it polls)
    lock = service.store.poll_lock()
    lock.acquire()
    try:
        args = parser.parse_args(["watch", "poll"])
        assert await asyncio.to_thread(args.run, args, service=service) == 1
        assert "another poll is running" in capsys.readouterr().out
    finally:
        lock.release()

    args = parser.parse_args(["watch", "remove", "1"])
    assert await asyncio.to_thread(args.run, args, service=service) == 0
    assert "w1: no longer watching The Rivers Podcast" in capsys.readouterr().out
    assert service.list() == []
    leftovers = [p.name for p in service.store.root.iterdir() if p.name.startswith(".state.")]
    assert leftovers == []                                                 # atomic writes leave no temp files


def test_cli_main_uses_the_data_dir_and_reports_errors(tmp_path, monkeypatch, capsys):
    from ingest.settings import get_settings

    monkeypatch.setenv("PODBOT_DATA_DIR", str(tmp_path / "cli-data"))
    get_settings.cache_clear()
    try:
        assert main(["watch", "list"]) == 0
        assert "nothing watched yet" in capsys.readouterr().out
        assert main(["watch", "remove", "w9"]) == 1
        assert "no watch with id 'w9'" in capsys.readouterr().err
        assert main(["watch", "add", "https://youtu.be/dQw4w9WgXcQ"]) == 1
        assert "single video" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()


def test_state_survives_concurrent_edits_from_separate_store_objects(settings):
    store = WatchStore.for_settings(settings)
    config = WatchConfig.from_settings(settings)
    threads = [threading.Thread(target=add_watch, args=(WatchStore.for_settings(settings), config,
                                                        f"https://pod{n}.example/feed.xml"))
               for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    watches = store.watches()
    assert sorted(int(w.id[1:]) for w in watches) == list(range(1, 9))
    assert json.loads(store.path.read_text())["next_id"] == 9
