"""Episode autocomplete shared by every command with an `episode` option."""
from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands

from bot.discord import render

log = logging.getLogger("podbot.discord")
MAX_CHOICES = 25


def _search(library, current: str):
    library.refresh()
    return library.search_episodes(current, limit=MAX_CHOICES)


async def episode_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Episodes matching what the user typed so far (title, guest, number or id), best first."""
    try:
        metas = await asyncio.to_thread(_search, interaction.client.app.library, current or "")
    except Exception as exc:                        # autocomplete must answer quickly, even when broken
        log.warning("episode autocomplete failed: %s: %s", type(exc).__name__, exc)
        return []
    return [app_commands.Choice(name=render.episode_choice_name(m), value=m.episode_id[: render.CHOICE_LIMIT])
            for m in metas[:MAX_CHOICES]]
