"""/ask question [episode]: a cited answer from the transcripts."""
from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import render
from bot.discord.autocomplete import episode_autocomplete
from bot.discord.conversations import Turn
from bot.discord.cooldown import cooldown


class AskCog(commands.Cog):
    def __init__(self, bot):
        self.bot = bot

    @app_commands.command(name="ask", description="Ask about the podcast; get an answer with timestamped sources")
    @app_commands.describe(question="What you want to know", episode="Only search this episode (optional)")
    @app_commands.autocomplete(episode=episode_autocomplete)
    @cooldown("ask")
    async def ask(self, interaction: discord.Interaction, question: app_commands.Range[str, 1, 1000],
                  episode: str | None = None) -> None:
        await interaction.response.defer(thinking=True)
        scope = await self.bot.episode_scope(episode)
        answer = await self.bot.run_engine(self.bot.app.ask.answer, question, episode=scope, history=None)
        sent = await self.bot.send_interaction(interaction, render.render_answer(answer))
        # replying to this answer (with an @mention, or with the message content intent) continues it
        self.bot.conversations.record((Turn.from_answer(answer, question),), [m.id for m in sent])


async def setup(bot) -> None:
    await bot.add_cog(AskCog(bot))
