"""podbot on Discord (discord.py 2.7): slash commands, mentions and threads around the engines.

Engines never import discord; this package renders their typed results and calls them off the event loop.
`create_bot(app)` builds the bot; `podbot bot` runs it.
"""
from bot.discord.client import PodBot, create_bot

__all__ = ["PodBot", "create_bot"]
