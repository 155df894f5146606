"""`podbot bot`: run the Discord bot (DISCORD_TOKEN from the environment or .env)."""
from __future__ import annotations

import logging

from bot.app import App
from ingest.errors import PodbotError

NO_TOKEN = ("DISCORD_TOKEN is not set. Create an application and bot at "
            "https://discord.com/developers/applications, copy the bot's token, and set DISCORD_TOKEN=... in "
            "the environment or in .env (see the README's Discord section).")


def register(sub) -> None:
    p = sub.add_parser("bot", help="run the Discord bot (needs DISCORD_TOKEN)")
    p.add_argument("--guild", type=int, default=None, metavar="ID",
                   help="sync slash commands to this server only, instantly (overrides DISCORD_GUILD_ID)")
    p.add_argument("--message-content", action="store_true",
                   help="request the privileged Message Content intent so plain follow-ups in podbot's threads "
                        "are read without mentioning it (enable the intent in the Developer Portal too)")
    p.add_argument("--no-llm", action="store_true", help="extractive answers only, even if an LLM is configured")
    p.set_defaults(run=run)


def token_from(settings) -> str:
    secret = settings.discord_token
    token = secret.get_secret_value().strip() if secret is not None else ""
    if not token:
        raise PodbotError(NO_TOKEN)
    return token


def run(args) -> int:
    app = App(use_llm=not args.no_llm)
    token = token_from(app.settings)

    import discord                                        # only `podbot bot` needs discord.py

    from bot.discord import create_bot
    from bot.discord.errors import install_redaction

    for name in ("podbot", "discord"):
        if logging.getLogger(name).getEffectiveLevel() > logging.INFO:
            logging.getLogger(name).setLevel(logging.INFO)
    install_redaction(app.settings)
    bot = create_bot(app, guild_id=args.guild, message_content=args.message_content)
    try:
        bot.run(token, log_handler=None)
    except discord.LoginFailure:
        raise PodbotError("Discord rejected DISCORD_TOKEN. Reset the token in the Developer Portal "
                          "(Bot → Reset Token) and update .env.") from None
    except discord.PrivilegedIntentsRequired:
        raise PodbotError("--message-content needs the Message Content intent switched on in the Developer "
                          "Portal (Bot → Privileged Gateway Intents).") from None
    return 0
