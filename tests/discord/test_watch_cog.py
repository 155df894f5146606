"""/watch add|list|remove and the watch poller, through the real bot in simcord.

Feeds are served over real HTTP from 127.0.0.1 (the helpers live in tests/test_watch.py); the bot's
watcher is pointed there with `bot.watch_config`. The poller is the cog's real discord.py task loop,
driven by simcord's virtual clock (`env.advance_time`).
"""
from __future__ import annotations

import discord
import pytest
from botkit import ADMIN_ROLE, world  # noqa: F401  (pytest fixture)
from test_watch import CHANNEL, YT_ROUTE, Clock, podcast_feed, vtt_for, youtube_feed
from test_watch import captions, server  # noqa: F401  (pytest fixtures shared with the watch tests)

import bot.discord.client as client_module
from bot.app import App
from bot.discord import create_bot, render
from bot.discord.cogs.watch import WatchCog
from ingest.errors import CaptionsDisabled
from ingest.settings import Settings
from ingest.watch import WatchConfig

INTERVAL = 900.0
WATCH_EXTENSION = "bot.discord.cogs.watch"


@pytest.fixture
def watch_app(tmp_path, hash_embedder):
    settings = Settings(_env_file=None, podbot_data_dir=tmp_path / "data", podbot_admin_role=ADMIN_ROLE,
                        podbot_cooldown_seconds=0.0, podbot_watch_interval=INTERVAL, podbot_watch_jitter=0.0)
    return App(settings, embedder=hash_embedder, use_llm=False)


@pytest.fixture
def simcord_bot(watch_app, server, captions, monkeypatch):
    if WATCH_EXTENSION not in client_module.EXTENSIONS:          # until client.py lists the cog itself
        monkeypatch.setattr(client_module, "EXTENSIONS", (*client_module.EXTENSIONS, WATCH_EXTENSION))
    bot = create_bot(watch_app, warm=False)
    bot.watch_config = WatchConfig.from_settings(watch_app.settings, youtube_base=server.base,
                                                 fetch_captions=captions, clock=Clock(), timeout=5.0)
    return bot


def cog_of(world) -> WatchCog:
    return world.bot.get_cog("WatchCog")


def bot_messages(channel) -> list[discord.Message]:
    return [m for m in channel.history() if m.author.bot]


async def test_watch_commands_are_refused_for_ordinary_members(world, server):
    server.set("/rss.xml", podcast_feed([]))
    result = await world.bob.slash(world.channel, "watch add", url=server.url("/rss.xml"))
    assert result.ephemeral
    assert result.response.content.startswith(
        "Sorry, only members with the **Manage Server** permission or the **Podcast Crew** role can manage "
        "watched channels and feeds.")
    assert cog_of(world).service.list() == [] and server.hits == []
    listing = await world.alice.slash(world.channel, "watch list")
    assert listing.ephemeral and listing.response.content.startswith("Sorry, only")
    assert [type(e).__name__ for e in world.env.errors] == ["NotAllowed", "NotAllowed"]


async def test_admin_adds_lists_and_removes_a_watch(world, server):
    items = [{"guid": "ep-1", "title": "Ep 1", "day": 1, "transcripts": [(server.url("/t/1.vtt"), "text/vtt")]}]
    server.set("/rss.xml", podcast_feed(items))
    other = world.guild.create_text_channel("episodes")

    added = await world.crew.slash(world.channel, "watch add", url=server.url("/rss.xml"), channel=other)
    assert added.ephemeral
    assert added.response.content.startswith("👀 Watching **The Rivers Podcast** (podcast feed) as `w1`. New "
                                             f"episodes will be posted in <#{other.id}>")
    [watch] = cog_of(world).service.list()
    assert (watch.post_to, watch.guild_id, watch.baselined) == (other.id, world.guild.id, True)

    listing = await world.mod.slash(world.channel, "watch list")
    assert listing.ephemeral
    [embed] = listing.response.embeds
    assert embed.title == "Watched channels and feeds (1)"
    assert "**`w1`** · Podcast feed · [The Rivers Podcast]" in embed.description
    assert f"→ <#{other.id}>" in embed.description and "✅ feed ok" in embed.description

    choices = await world.mod.autocomplete(world.channel, "watch remove", "id", "rivers")
    assert [c["value"] for c in choices] == ["w1"]
    removed = await world.mod.slash(world.channel, "watch remove", id="w1")
    assert removed.response.content.startswith("🗑️ Stopped watching `w1` — The Rivers Podcast.")
    assert cog_of(world).service.list() == []
    empty = await world.mod.slash(world.channel, "watch list")
    assert empty.response.embeds[0].description.startswith("Nothing watched yet.")


async def test_watch_add_reports_a_feed_that_does_not_read(world, server):
    server.set("/broken.xml", "<html>not a feed", ctype="text/html")
    result = await world.mod.slash(world.channel, "watch add", url=server.url("/broken.xml"))
    assert result.ephemeral and "nothing was added" in result.response.content
    assert cog_of(world).service.list() == []
    assert len(world.env.errors) == 1


async def test_the_poller_posts_one_embed_per_new_episode_spaced_out_and_only_once(world, server, captions):
    server.set(YT_ROUTE, youtube_feed([("oldvideo001", "Old one", 1)]))
    added = await world.mod.slash(world.channel, "watch add", url=f"https://www.youtube.com/channel/{CHANNEL}")
    assert "as `w1`" in added.response.content and f"<#{world.channel.id}>" in added.response.content  # default
    assert bot_messages(world.channel) == []

    server.set(YT_ROUTE, youtube_feed([("oldvideo001", "Old one", 1), ("newvideo002", "Rockets <@123> & rivers", 2),
                                       ("newvideo003", "Deltas", 3)]))
    await world.env.advance_time(INTERVAL + 10)                   # one iteration of the task loop

    posts = bot_messages(world.channel)
    assert [m.embeds[0].title for m in posts] == ["🆕 Rockets <@\u200b123> & rivers", "🆕 Deltas"]   # oldest first
    first = posts[0].embeds[0]
    assert first.url == "https://youtu.be/newvideo002"
    assert "Key ideas" in [f.name for f in first.fields] and "Episode" in [f.name for f in first.fields]
    assert first.footer.text.startswith("New on Rocket Channel · full digest: /summary newvideo002")
    assert first.description                                           # the digest's overview
    assert render.limit_problems(render.Outgoing(embeds=[first])) == []
    gap = (posts[1].created_at - posts[0].created_at).total_seconds()
    assert cog_of(world).post_spacing == 3.0 and gap >= 3.0 - 0.01     # no flood: one post per 3 s
    assert captions.calls == ["newvideo002", "newvideo003"]

    await world.env.advance_time(INTERVAL + 10)                   # the next poll posts nothing again
    assert len(bot_messages(world.channel)) == 2
    assert {e.status for e in cog_of(world).service.get("w1").entries.values()} == {"seen", "posted"}


async def test_no_transcript_yet_is_announced_once_then_the_episode_is_posted(world, server, captions):
    cog = cog_of(world)
    cog.service.config.transcript_retry_base = INTERVAL            # retry at the next poll
    server.set(YT_ROUTE, youtube_feed([]))
    await world.crew.slash(world.channel, "watch add", url=CHANNEL)
    server.set(YT_ROUTE, youtube_feed([("premiere004", "Premiere", 4)]))
    captions.errors["premiere004"] = CaptionsDisabled("video premiere004 has captions turned off")

    await world.env.advance_time(INTERVAL + 10)
    clock = cog.service.config.clock
    clock.advance(INTERVAL + 10)
    await world.env.advance_time(INTERVAL + 10)                   # still no captions: no second notice
    [notice] = bot_messages(world.channel)
    assert notice.content.startswith("⏳ New episode “Premiere” has no usable transcript yet")
    assert len(captions.calls) == 2

    del captions.errors["premiere004"]
    clock.advance(2 * INTERVAL + 10)
    await world.env.advance_time(INTERVAL + 10)
    messages = bot_messages(world.channel)
    assert len(messages) == 2 and messages[1].embeds[0].title == "🆕 Premiere"


async def test_backfill_from_discord_ingests_without_posting(world, server, captions, watch_app):
    items = [{"guid": f"ep-{n}", "title": f"Episode {n}", "day": n,
              "transcripts": [(server.url(f"/t/{n}.vtt"), "text/vtt")]} for n in range(1, 4)]
    for n in range(1, 4):
        server.set(f"/t/{n}.vtt", vtt_for(f"episode {n}"), ctype="text/vtt")
    server.set("/rss.xml", podcast_feed(items))
    result = await world.mod.slash(world.channel, "watch add", url=server.url("/rss.xml"), backfill=2)
    assert "Adding the newest 2 to the library now (no posts)." in result.response.content
    await world.env.settle()
    assert bot_messages(world.channel) == []
    titles = sorted(m.title for m in watch_app.library.episodes)
    assert titles == ["Episode 2", "Episode 3"] and captions.calls == []


def test_episode_embed_stays_within_discord_limits_with_or_without_a_digest():
    from botkit import FakeSummaries, long_text

    from bot.discord.cogs.watch import episode_embed
    from bot.watch import Delivery
    from ingest.models import EpisodeMeta

    meta = EpisodeMeta(episode_id="rockets", title="R" * 300, source="x", url="https://youtu.be/dQw4w9WgXcQ")
    summary = FakeSummaries().summarize("rockets")
    summary.at_a_glance = [long_text(900) for _ in range(6)]          # an overview far over one embed
    full = episode_embed(Delivery("w1", "T" * 200, 1, meta, summary, meta.url))
    bare = episode_embed(Delivery("w1", None, 1, meta, None, None, summary_error="the store is busy"))
    for embed in (full, bare):
        assert render.limit_problems(render.Outgoing(embeds=[embed])) == []
        assert len(embed.title) <= render.TITLE_LIMIT and embed.title.startswith("🆕 RRR")
    assert full.url == "https://youtu.be/dQw4w9WgXcQ" and [f.name for f in full.fields] == ["Key ideas", "Episode"]
    assert bare.url is None and "the store is busy" in bare.description and "/summary rockets" in bare.description
