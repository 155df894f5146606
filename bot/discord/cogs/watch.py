"""/watch add|list|remove (moderators only) and the poller that posts each new episode's digest.

The poller is a discord.py task loop: every PODBOT_WATCH_INTERVAL seconds, shifted by up to
PODBOT_WATCH_JITTER seconds, it runs one `WatchService.run_once` cycle (feeds -> ingest -> summary ->
one embed per new episode in the watch's channel). Posts are spaced `post_spacing` seconds apart so ten
new episodes do not flood a channel. State lives in <data dir>/watch/state.json (see ingest.watch).

Test/deployment hooks: set `bot.watch_config` (an `ingest.watch.WatchConfig`) or `bot.watch_service`
before the extension loads to point the watcher elsewhere (tests serve feeds from 127.0.0.1).
"""
from __future__ import annotations

import asyncio
import logging
import random
import time

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.discord import render
from bot.discord.permissions import manager_only
from bot.watch import Delivery, Notice, RunReport, WatchService
from ingest.errors import PodbotError
from ingest.watch import Watch

log = logging.getLogger("podbot.watch")

NO_MENTIONS = discord.AllowedMentions.none()
POST_SPACING = 3.0            # seconds between two posts of the poller (any channel)
MAX_BACKFILL = 50
WATCH_COLOUR = discord.Colour.green()
KIND_LABELS = {"youtube_channel": "YouTube channel", "youtube_playlist": "YouTube playlist", "rss": "Podcast feed"}


# --------------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------------
def episode_embed(d: Delivery) -> discord.Embed:
    """One embed per new episode: the digest's overview, its top ideas, and a link to the episode."""
    title = render.truncate(f"🆕 {render.escape_mentions(d.title)}", render.TITLE_LIMIT)
    url = render.safe_url(d.link)
    if d.summary is not None:
        embed = render.summary_pages(d.summary)[0]          # the Overview page of the digest
        embed.title, embed.url = title, url
        ideas = d.summary.ideas[:3]
        if ideas:
            lines = [f"**{render.prose(i.title, d.summary.mode)}** · {render.timestamp(i.start, i.url)}"
                     for i in ideas]
            embed.add_field(name="Key ideas", value=_fit_lines(lines, render.FIELD_VALUE_LIMIT), inline=False)
        mode = render.mode_label(d.summary.mode)
    else:
        why = render.escape_mentions(d.summary_error or "the digest is not ready")
        embed = discord.Embed(title=title, url=url, colour=render.SUMMARY_COLOUR,
                              description=render.truncate(f"A new episode is in the library, but {why}. "
                                                          f"Try `/summary {d.meta.episode_id}` in a moment.",
                                                          render.DESCRIPTION_BUDGET))
        mode = None
    if url:
        embed.add_field(name="Episode", value=f"[{render.truncate(_pretty(url), 200)}](<{url}>)", inline=False)
    source = f"New on {render.truncate(d.watch_title, 80)}" if d.watch_title else "New episode"
    embed.set_footer(text=render.footer(source, f"full digest: /summary {d.meta.episode_id}", mode))
    return embed


def _pretty(url: str) -> str:
    return url.split("://", 1)[-1]


def _fit_lines(lines: list[str], limit: int) -> str:
    out: list[str] = []
    size = 0
    for line in lines:
        extra = len(line) + (1 if out else 0)
        if size + extra > limit:
            break
        out.append(line)
        size += extra
    return "\n".join(out) or render.truncate(lines[0], limit)


def watch_block(w: Watch, channel_mention: str | None) -> str:
    """A /watch list entry: id, kind, link, channel, feed health, tallies, episodes waiting."""
    label = render.escape_text(render.truncate(w.title or w.ref, 100))
    url = render.safe_url(w.public_url)
    head = f"**`{w.id}`** · {KIND_LABELS.get(w.kind, w.kind)} · " + (f"[{label}](<{url}>)" if url else label)
    head += f" → {channel_mention}" if channel_mention else " → *(no channel: ingest only)*"
    h = w.health
    if h.failures:
        retry = f", next try <t:{int(h.retry_at)}:R>" if h.retry_at else ""
        error = render.escape_text(render.truncate(h.last_error or "?", 300))
        feed = f"⚠️ feed failing ({h.failures}×): {error}{retry}"
    elif h.last_ok:
        feed = f"✅ feed ok, checked <t:{int(h.last_ok)}:R>"
    else:
        feed = "⏳ not checked yet"
    counts = w.counts()
    tally = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()) if s != "seen")
    lines = [head, feed + (f" · {tally}" if tally else "")]
    waiting = [e for e in w.entries.values() if e.status == "waiting"]
    for e in sorted(waiting, key=lambda e: e.order)[:3]:
        nxt = f", next try <t:{int(e.retry_at)}:R>" if e.retry_at else ""
        lines.append(f"⏳ *{render.escape_text(render.truncate(e.title, 80))}*: "
                     f"{render.escape_text(render.truncate(e.last_error or 'waiting', 160))}{nxt}")
    if len(waiting) > 3:
        lines.append(f"…and {len(waiting) - 3} more waiting")
    for e in [e for e in w.entries.values() if e.status == "failed"][:2]:
        lines.append(f"❌ *{render.escape_text(render.truncate(e.title, 80))}*: "
                     f"{render.escape_text(render.truncate(e.last_error or 'failed', 160))}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# The cog
# --------------------------------------------------------------------------------------------------
class WatchCog(commands.Cog):
    watch = app_commands.Group(name="watch", guild_only=True,
                               description="Follow YouTube channels and podcast feeds (moderators only)")

    def __init__(self, bot, *, service: WatchService | None = None):
        self.bot = bot
        settings = bot.app.settings
        self.service = service or getattr(bot, "watch_service", None) or WatchService(
            bot.app, config=getattr(bot, "watch_config", None), runner=bot.run_engine,
            ingest_lock=getattr(bot, "ingest_lock", None))
        self.interval = float(getattr(settings, "podbot_watch_interval", 900.0) or 0.0)
        self.jitter = max(0.0, float(getattr(settings, "podbot_watch_jitter", 0.0) or 0.0))
        self.post_spacing = float(getattr(bot, "watch_post_spacing", POST_SPACING))
        self._last_post = float("-inf")
        self._send_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task] = set()
        self.last_report: RunReport | None = None

    # --- lifecycle ----------------------------------------------------------------------------------
    async def cog_load(self) -> None:
        if self.interval > 0:
            self.poller.change_interval(seconds=self.interval)
            self.poller.start()
            log.info("watch poller: every %.0fs (+ up to %.0fs jitter)", self.interval, self.jitter)
        else:
            log.info("watch poller disabled (PODBOT_WATCH_INTERVAL=0)")

    async def cog_unload(self) -> None:
        self.poller.cancel()
        for task in list(self._tasks):
            task.cancel()

    @tasks.loop(seconds=900)
    async def poller(self) -> None:
        if self.jitter:
            await asyncio.sleep(random.uniform(0, self.jitter))
        await self.poll_now()

    @poller.before_loop
    async def _before_poller(self) -> None:
        await self.bot.wait_until_ready()

    async def poll_now(self, watch_ids: list[str] | None = None) -> RunReport | None:
        """One cycle: poll, ingest, post. Never raises (the task loop would stop on an exception)."""
        try:
            report = await self.service.run_once(poster=self.post, notifier=self.notify, watch_ids=watch_ids)
        except Exception:
            log.exception("watch poll failed")
            return None
        if not report.busy:
            self.last_report = report
            if report.posted or report.ingested:
                log.info("watch poll: %d ingested, %d posted", len(report.ingested), len(report.posted))
        return report

    async def _kick(self, watch_ids: list[str], attempts: int = 10, wait: float = 30.0) -> None:
        """Poll these watches now (after /watch add --backfill), waiting for a running cycle to finish."""
        for _ in range(attempts):
            report = await self.poll_now(watch_ids)
            if report is None or not report.busy:
                return
            await asyncio.sleep(wait)

    def _spawn(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- sending ------------------------------------------------------------------------------------
    async def _channel(self, channel_id: int) -> discord.abc.Messageable:
        channel = self.bot.get_channel(channel_id)
        if channel is None:
            channel = await self.bot.fetch_channel(channel_id)
        return channel                                                   # type: ignore[return-value]

    async def _paced_send(self, channel: discord.abc.Messageable, **kwargs) -> discord.Message:
        """Send, at most one message per `post_spacing` seconds (so a burst of episodes trickles in)."""
        async with self._send_lock:
            wait = self._last_post + self.post_spacing - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                return await channel.send(allowed_mentions=NO_MENTIONS, **kwargs)
            finally:
                self._last_post = time.monotonic()

    async def post(self, delivery: Delivery) -> None:
        channel = await self._channel(delivery.channel_id)
        await self._paced_send(channel, embed=episode_embed(delivery))

    async def notify(self, notice: Notice) -> None:
        if notice.channel_id is None:
            return
        channel = await self._channel(notice.channel_id)
        await self._paced_send(channel, content=render.notice(notice.text))

    # --- commands -----------------------------------------------------------------------------------
    def _visible(self, guild: discord.Guild, w: Watch) -> bool:
        if w.guild_id is not None:
            return w.guild_id == guild.id
        if w.post_to is not None:
            return guild.get_channel(w.post_to) is not None or guild.get_thread(w.post_to) is not None
        return True                                   # added from the CLI without a channel: global

    def _mention(self, guild: discord.Guild, channel_id: int | None) -> str | None:
        if channel_id is None:
            return None
        channel = guild.get_channel(channel_id) or guild.get_thread(channel_id)
        return channel.mention if channel is not None else f"`#{channel_id}` *(not in this server)*"

    @watch.command(name="add", description="Post a digest of every new episode of a channel, playlist or feed")
    @app_commands.describe(url="YouTube channel or playlist link, @handle, UC… channel id, or podcast RSS URL",
                           channel="Where to post new episodes (default: this channel)",
                           backfill="Also add the newest N existing episodes to the library, without posting")
    @manager_only("manage watched channels and feeds")
    async def add(self, interaction: discord.Interaction, url: app_commands.Range[str, 1, 500],
                  channel: discord.TextChannel | None = None,
                  backfill: app_commands.Range[int, 0, MAX_BACKFILL] = 0) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        target = channel or interaction.channel
        me = interaction.guild.me if interaction.guild else None
        if me is not None and hasattr(target, "permissions_for"):
            perms = target.permissions_for(me)
            if not (perms.view_channel and perms.send_messages and perms.embed_links):
                raise PodbotError(f"I can't post embeds in {target.mention}; give me View Channel, Send Messages "
                                  f"and Embed Links there, or pick another channel.")
        added = await self.bot.run_engine(self.service.add, url, post_to=target.id, guild_id=interaction.guild_id,
                                          added_by=str(interaction.user.id), backfill=int(backfill))
        w = added.watch
        lines = [f"👀 Watching **{render.escape_text(render.truncate(w.label, 120))}** "
                 f"({KIND_LABELS.get(w.kind, w.kind).lower()}) as `{w.id}`. New episodes will be posted in "
                 f"{target.mention} with their digest.",
                 f"The {added.entries} episode(s) already in the feed won't be posted."]
        if added.backfill:
            lines.append(f"Adding the newest {added.backfill} to the library now (no posts).")
        lines += [f"⚠️ {render.escape_text(x)}" for x in added.warnings]
        await interaction.edit_original_response(content=render.notice("\n".join(lines)),
                                                 allowed_mentions=NO_MENTIONS)
        interaction.extras["podbot_sent"] = True
        if added.backfill:
            self._spawn(self._kick([w.id]))

    @watch.command(name="list", description="Watched channels and feeds, their health and episodes waiting")
    @manager_only("manage watched channels and feeds")
    async def list_(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        watches = await self.bot.run_engine(self.service.list)
        guild = interaction.guild
        mine = [w for w in watches if self._visible(guild, w)]
        if not mine:
            embeds = [discord.Embed(title="Watched channels and feeds", colour=WATCH_COLOUR,
                                    description="Nothing watched yet. Add a YouTube channel, playlist or podcast "
                                                "feed with `/watch add`.")]
        else:
            blocks = [watch_block(w, self._mention(guild, w.post_to)) for w in mine]
            descs = render.pack_blocks(blocks, max_blocks=10)
            embeds = []
            for n, desc in enumerate(descs, start=1):
                e = discord.Embed(title=f"Watched channels and feeds ({len(mine)})", description=desc,
                                  colour=WATCH_COLOUR)
                e.set_footer(text=render.footer(f"Page {n}/{len(descs)}" if len(descs) > 1 else None,
                                                "Remove one with /watch remove"))
                embeds.append(e)
        await self.bot.send_interaction(interaction, render.pack_embeds(embeds), ephemeral=True)

    @watch.command(name="remove", description="Stop watching a channel or feed (its episodes stay)")
    @app_commands.describe(id="The watch id from /watch list (e.g. w2)")
    @manager_only("manage watched channels and feeds")
    async def remove(self, interaction: discord.Interaction, id: app_commands.Range[str, 1, 20]) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        watch = await self.bot.run_engine(self.service.get, id)
        if not self._visible(interaction.guild, watch):
            raise PodbotError(f"no watch with id {id!r} in this server; see `/watch list`")
        removed = await self.bot.run_engine(self.service.remove, watch.id)
        await interaction.edit_original_response(
            content=render.notice(f"🗑️ Stopped watching `{removed.id}` — "
                                  f"{render.escape_text(render.truncate(removed.label, 150))}. "
                                  f"Its episodes stay in the library."), allowed_mentions=NO_MENTIONS)
        interaction.extras["podbot_sent"] = True

    @remove.autocomplete("id")
    async def _remove_autocomplete(self, interaction: discord.Interaction, current: str
                                   ) -> list[app_commands.Choice[str]]:
        try:
            watches = await asyncio.to_thread(self.service.list)
        except Exception as exc:
            log.warning("watch autocomplete failed: %s", exc)
            return []
        current = (current or "").strip().lower()
        out = []
        for w in watches:
            if interaction.guild is None or not self._visible(interaction.guild, w):
                continue
            name = render.truncate(f"{w.id} — {w.label}", render.CHOICE_LIMIT)
            if current and current not in name.lower():
                continue
            out.append(app_commands.Choice(name=name, value=w.id))
        return out[:25]


async def setup(bot) -> None:
    await bot.add_cog(WatchCog(bot))
