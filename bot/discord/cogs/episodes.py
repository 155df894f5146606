"""/episodes: the library, ten episodes a page, with Prev/More buttons."""
from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import render
from bot.discord.paginate import send_pages


def _listing(library) -> list:
    library.refresh()
    return sorted(library.episodes, key=lambda m: (m.published or "", m.episode_id), reverse=True)


class EpisodesCog(commands.Cog):
    def __init__(self, bot):
        self.bot = bot

    @app_commands.command(name="episodes", description="List the episodes podbot knows")
    async def episodes(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        metas = await self.bot.run_engine(_listing, self.bot.app.library)
        await send_pages(interaction, render.episode_pages(metas))


async def setup(bot) -> None:
    await bot.add_cog(EpisodesCog(bot))
