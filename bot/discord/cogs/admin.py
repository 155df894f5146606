"""/ingest source and /forget episode: changing the library (Manage Server or the configured role)."""
from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import ingesting, render
from bot.discord.autocomplete import episode_autocomplete
from bot.discord.permissions import manager_only
from ingest.errors import PodbotError

NO_MENTIONS = discord.AllowedMentions.none()


def _forget(app, episode_id: str) -> bool:
    removed = app.store.forget(episode_id)
    ingesting.refresh_library(app)
    return removed


class AdminCog(commands.Cog):
    def __init__(self, bot):
        self.bot = bot

    @app_commands.command(name="ingest", description="Add an episode from a YouTube link (moderators only)")
    @app_commands.describe(source="A YouTube video link or id (or a transcript file in the bot's inbox folder)")
    @app_commands.guild_only()
    @manager_only("add episodes")
    async def ingest(self, interaction: discord.Interaction, source: app_commands.Range[str, 1, 500]) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        results = await ingesting.ingest(self.bot, source, ingesting.progress_reporter(interaction))
        summary = "\n".join(ingesting.describe_result(r) for r in results) or "Nothing to ingest."
        await interaction.edit_original_response(content=render.notice(summary), allowed_mentions=NO_MENTIONS)
        interaction.extras["podbot_sent"] = True

    @app_commands.command(name="forget", description="Remove an episode from the library (moderators only)")
    @app_commands.describe(episode="The episode to remove (pick it from the list)")
    @app_commands.autocomplete(episode=episode_autocomplete)
    @app_commands.guild_only()
    @manager_only("remove episodes")
    async def forget(self, interaction: discord.Interaction, episode: str) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        meta = await self.bot.resolve_episode(episode)
        if meta.episode_id != episode.strip():
            raise PodbotError(f"To be safe I only forget an exact episode id. Did you mean `{meta.episode_id}` "
                              f"({meta.title})? Pick it from the list.")
        removed = await self.bot.run_engine(_forget, self.bot.app, meta.episode_id)
        text = (f"🗑️ Forgot `{meta.episode_id}` — {meta.title}. Its passages no longer appear in answers."
                if removed else f"`{meta.episode_id}` was already gone.")
        await interaction.edit_original_response(content=render.notice(text), allowed_mentions=NO_MENTIONS)
        interaction.extras["podbot_sent"] = True


async def setup(bot) -> None:
    await bot.add_cog(AdminCog(bot))
