"""The podbot Discord client: a `commands.Bot` around one `App`, one extension per feature.

Engines are synchronous and never import discord; every call into them goes through `PodBot.run_engine`,
which runs it in a worker thread (never on the event loop) with a bound on how many run at once.
"""
from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import render
from bot.discord.conversations import Conversations
from bot.discord.cooldown import Cooldowns
from bot.discord.errors import handle_app_command_error
from ingest.models import EpisodeMeta

log = logging.getLogger("podbot.discord")

NO_MENTIONS = discord.AllowedMentions.none()
EXTENSIONS = (
    "bot.discord.cogs.ask",
    "bot.discord.cogs.quote",
    "bot.discord.cogs.summary",
    "bot.discord.cogs.episodes",
    "bot.discord.cogs.admin",
    "bot.discord.cogs.mentions",
    "bot.discord.cogs.watch",
)


class PodTree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await handle_app_command_error(interaction, error)


class PodBot(commands.Bot):
    def __init__(self, app, *, guild_id: int | None = None, message_content: bool = False,
                 ingest_roots: list[Path] | None = None, engine_concurrency: int = 4, warm: bool = True,
                 sync_commands: bool = True):
        intents = discord.Intents.default()            # guilds + guild messages; no privileged intents
        intents.message_content = message_content      # only needed for follow-ups that neither mention nor reply
        super().__init__(command_prefix=commands.when_mentioned, intents=intents, help_command=None,
                         allowed_mentions=NO_MENTIONS, tree_cls=PodTree)
        self.app = app
        settings = app.settings
        self.guild_id = guild_id if guild_id is not None else settings.discord_guild_id
        self.cooldowns = Cooldowns(settings.podbot_cooldown_seconds)
        self.conversations = Conversations()
        default_inbox = Path(settings.podbot_data_dir) / "inbox"
        self.ingest_roots = [Path(p) for p in (ingest_roots if ingest_roots is not None else [default_inbox])]
        self.engine_slots = asyncio.Semaphore(max(1, engine_concurrency))
        self.ingest_lock = asyncio.Lock()
        self.warm = warm
        self.sync_commands = sync_commands

    # --- start-up ---------------------------------------------------------------------------------
    async def setup_hook(self) -> None:
        if self.warm:
            await asyncio.to_thread(warm_up, self.app)
        for name in EXTENSIONS:
            await self.load_extension(name)
        if self.sync_commands:
            await self.sync_tree()

    async def sync_tree(self) -> list[app_commands.AppCommand]:
        """Guild sync (instant; for development) when DISCORD_GUILD_ID is set, else global sync."""
        if self.guild_id:
            guild = discord.Object(id=self.guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to guild %s", len(synced), self.guild_id)
        else:
            synced = await self.tree.sync()
            log.info("synced %d global commands (they can take a while to show up everywhere)", len(synced))
        return synced

    async def on_ready(self) -> None:
        log.info("connected as %s (%s) to %d server(s)", self.user, getattr(self.user, "id", "?"),
                 len(self.guilds))

    async def on_message(self, message: discord.Message) -> None:
        """No prefix commands: mentions are handled by the mentions cog's listener."""
        return None

    # --- engine calls -----------------------------------------------------------------------------
    async def run_engine(self, fn, /, *args, **kwargs):
        """Run a blocking engine call in a worker thread; at most `engine_concurrency` at once."""
        async with self.engine_slots:
            began = time.perf_counter()
            try:
                return await asyncio.to_thread(fn, *args, **kwargs)
            finally:
                log.debug("%s took %.2fs", getattr(fn, "__qualname__", fn), time.perf_counter() - began)

    async def resolve_episode(self, ref: str) -> EpisodeMeta:
        """An episode for an id/number/title/guest typed or picked by a user (EpisodeNotFound otherwise)."""
        return await self.run_engine(self.app.library.resolve_episode, ref.strip())

    async def episode_scope(self, ref: str | None) -> str | None:
        return (await self.resolve_episode(ref)).episode_id if ref and ref.strip() else None

    # --- sending ----------------------------------------------------------------------------------
    @staticmethod
    async def send_interaction(interaction: discord.Interaction, messages: list[render.Outgoing], *,
                               ephemeral: bool = False) -> list[discord.Message]:
        """Followups (the first fills in the deferred "thinking" message); mentions never ping."""
        sent = []
        for out in messages:
            msg = await interaction.followup.send(**out.kwargs(), ephemeral=ephemeral,
                                                  allowed_mentions=NO_MENTIONS, wait=True)
            interaction.extras["podbot_sent"] = True
            sent.append(msg)
        return sent

    @staticmethod
    async def send_channel(channel: discord.abc.Messageable, messages: list[render.Outgoing], *,
                           reply_to: discord.Message | None = None) -> list[discord.Message]:
        sent = []
        for n, out in enumerate(messages):
            if n == 0 and reply_to is not None:
                msg = await reply_to.reply(**out.kwargs(), mention_author=False, allowed_mentions=NO_MENTIONS)
            else:
                msg = await channel.send(**out.kwargs(), allowed_mentions=NO_MENTIONS)
            sent.append(msg)
        return sent


def warm_up(app) -> None:
    """Load the store, the embedding model and the engines' indexes once, before the first command arrives. The
    engines' warm-ups that can wait (framing, vectors, verbatim indexes) go on in background threads; /quote's
    index is built before /ask's threads start, which would otherwise slow it down by holding the GIL (318
    episodes: ready in ~7 s instead of ~23 s)."""
    for name in ("library", "embedder", "quotes", "ask", "summaries"):
        began = time.perf_counter()
        try:
            engine = getattr(app, name)
            warm = getattr(engine, "warm", None)
            if callable(warm):
                warm()
        except Exception as exc:                      # the bot still starts; the command will explain
            log.warning("start-up: %s is not ready (%s: %s)", name, type(exc).__name__, exc)
        else:
            log.info("start-up: %s ready in %.1fs", name, time.perf_counter() - began)


def create_bot(app, *, guild_id: int | None = None, message_content: bool = False,
               ingest_roots: list[Path] | None = None, engine_concurrency: int = 4, warm: bool = True) -> PodBot:
    """The podbot Discord bot around `app` (not started: `await bot.start(token)` or `bot.run(token)`).

    guild_id: sync commands to this guild only (instant); defaults to settings.discord_guild_id.
    message_content: request the privileged intent so plain (non-mention, non-reply) thread follow-ups
        can be read; off by default.
    ingest_roots: folders whose transcript files /ingest may read (default: <data dir>/inbox).
        YouTube links are always accepted.
    engine_concurrency: engine calls running at the same time (the rest wait their turn).
    warm: load the store, model and engines in setup_hook.
    """
    return PodBot(app, guild_id=guild_id, message_content=message_content, ingest_roots=ingest_roots,
                  engine_concurrency=engine_concurrency, warm=warm)
