"""/summary episode: an episode digest in pages. A YouTube link of a new episode is ingested first
(when the caller may add episodes), with progress shown in the same message."""
from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import ingesting, render
from bot.discord.autocomplete import episode_autocomplete
from bot.discord.cooldown import cooldown
from bot.discord.paginate import send_pages
from bot.discord.permissions import may_manage
from ingest.errors import PodbotError
from ingest.models import EpisodeMeta


def find_video(library, video_id: str) -> EpisodeMeta | None:
    library.refresh()
    for meta in library.episodes:
        if meta.episode_id == video_id or meta.video_id == video_id:
            return meta
    return None


class SummaryCog(commands.Cog):
    def __init__(self, bot):
        self.bot = bot

    @app_commands.command(name="summary", description="An episode digest: key ideas, quotes and chapters")
    @app_commands.describe(episode="The episode (pick from the list), or a YouTube link")
    @app_commands.autocomplete(episode=episode_autocomplete)
    @cooldown("summary")
    async def summary(self, interaction: discord.Interaction, episode: app_commands.Range[str, 1, 500]) -> None:
        await interaction.response.defer(thinking=True)
        meta, ingested = await self._episode(interaction, episode)
        summary = await self.bot.run_engine(self.bot.app.summaries.summarize, meta.episode_id)
        pages = render.summary_pages(summary)
        if ingested:             # the deferred message shows the ingest log; the digest joins it there
            await send_pages(interaction, pages, content=render.notice(ingested), edit_original=True)
        else:
            await send_pages(interaction, pages)

    async def _episode(self, interaction: discord.Interaction, ref: str) -> tuple[EpisodeMeta, str | None]:
        video_id = ingesting.youtube_video_id(ref)
        if video_id is None:
            return await self.bot.resolve_episode(ref), None
        known = await self.bot.run_engine(find_video, self.bot.app.library, video_id)
        if known is not None:
            return known, None
        if not may_manage(interaction):
            raise PodbotError("That video isn't in the library yet, and only moderators can add episodes. "
                              "Ask one to run `/ingest` with the link, or pick an episode from `/episodes`.")
        results = await ingesting.ingest(self.bot, ref, ingesting.progress_reporter(interaction))
        done = [r for r in results if r.status != "failed"]
        if not done:
            raise PodbotError(results[0].message if results else "nothing was ingested from that link")
        await ingesting.progress_reporter(interaction)(ingesting.describe_result(done[0]) + "\nSummarising…")
        return await self.bot.resolve_episode(done[0].episode_id), ingesting.describe_result(done[0])


async def setup(bot) -> None:
    await bot.add_cog(SummaryCog(bot))
