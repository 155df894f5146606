"""podbot at question time: retrieval, answers, quotes, summaries, the Discord bot and the CLI.

Depends on `ingest` (never the reverse). Engines here never import discord; `bot.discord` is a thin shell.
"""
