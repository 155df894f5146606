"""/quote text [episode]: where exactly was that said? Verbatim passages with their moments."""
from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import render
from bot.discord.autocomplete import episode_autocomplete
from bot.discord.cooldown import cooldown

MATCHES = 4


class QuoteCog(commands.Cog):
    def __init__(self, bot):
        self.bot = bot

    @app_commands.command(name="quote", description="Find the exact words and the moment they were said")
    @app_commands.describe(text="The words you remember (a phrase is enough)",
                           episode="Only search this episode (optional)")
    @app_commands.autocomplete(episode=episode_autocomplete)
    @cooldown("quote")
    async def quote(self, interaction: discord.Interaction, text: app_commands.Range[str, 1, 500],
                    episode: str | None = None) -> None:
        await interaction.response.defer(thinking=True)
        scope = await self.bot.episode_scope(episode)
        result = await self.bot.run_engine(self.bot.app.quotes.find, text, episode=scope, limit=MATCHES,
                                           suggest=True)
        await self.bot.send_interaction(interaction, render.render_quotes(result))


async def setup(bot) -> None:
    await bot.add_cog(QuoteCog(bot))
