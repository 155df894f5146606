"""One place that turns every failure into a short, polite message and (for bugs) one log line.

- `PodbotError` -> its `.message` (the engines' user-facing one-liner);
- cooldown -> a friendly "try again in Ns";
- refusals (permissions) -> the refusal text;
- anything else -> a short apology to the user and an ERROR log entry; never a traceback in chat.

Secrets (the Discord token, API keys, proxy passwords) are scrubbed from every log record by
`install_redaction`, which `podbot bot` installs on the root log handlers.
"""
from __future__ import annotations

import logging
import math

import discord
from discord import app_commands

from bot.discord import render
from bot.discord.cooldown import OnCooldown
from bot.discord.permissions import NotAllowed
from ingest.errors import PodbotError

log = logging.getLogger("podbot.discord")

NO_MENTIONS = discord.AllowedMentions.none()
APOLOGY = ("Sorry, something went wrong on my side while doing that. It has been logged; "
           "please try again in a moment.")


def unwrap(error: BaseException) -> BaseException:
    """The exception the command itself raised (discord.py wraps it in CommandInvokeError)."""
    for _ in range(5):
        if isinstance(error, app_commands.CommandInvokeError) and error.original is not None:
            error = error.original
        else:
            break
    return error


def cooldown_message(retry_after: float) -> str:
    seconds = max(1, math.ceil(retry_after))
    return f"Easy there! You can ask again in {seconds} second{'s' if seconds != 1 else ''}."


def describe(error: BaseException) -> tuple[str, bool]:
    """(what the user is told, whether this is a bug worth an ERROR log entry)."""
    error = unwrap(error)
    if isinstance(error, PodbotError):
        return error.message, False
    if isinstance(error, OnCooldown):
        return cooldown_message(error.retry_after), False
    if isinstance(error, app_commands.CommandOnCooldown):
        return cooldown_message(error.retry_after), False
    if isinstance(error, NotAllowed):
        return error.message, False
    if isinstance(error, app_commands.NoPrivateMessage):
        return "That command only works in a server channel.", False
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"I'm missing a permission here: {missing}.", False
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use that command here.", False
    if isinstance(error, app_commands.TransformerError):
        return f"I couldn't understand {str(error.value)[:80]!r}.", False
    return APOLOGY, True


def log_failure(where: str, error: BaseException, user_id: int | None = None) -> None:
    """One ERROR entry naming what failed; the traceback goes to the log (scrubbed), never to chat."""
    log.error("%s failed (user %s): %s: %s", where, user_id, type(error).__name__, error,
              exc_info=(type(error), error, error.__traceback__))


async def tell(interaction: discord.Interaction, text: str) -> None:
    """Say `text` to the invoker as privately as Discord allows at this point of the interaction."""
    text = render.notice(text)
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        elif interaction.response.type == discord.InteractionResponseType.deferred_channel_message \
                and not interaction.extras.get("podbot_sent"):
            # The "thinking…" message is still showing. Discord cannot make a public deferred response
            # ephemeral afterwards, so it is replaced by the short notice itself.
            await interaction.edit_original_response(content=text, embeds=[], view=None,
                                                     allowed_mentions=NO_MENTIONS)
            interaction.extras["podbot_sent"] = True
        else:
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException as exc:
        log.warning("could not deliver a notice to the user: %s", exc)


async def handle_app_command_error(interaction: discord.Interaction, error: BaseException) -> None:
    original = unwrap(error)
    text, bug = describe(original)
    name = f"/{interaction.command.qualified_name}" if interaction.command else "interaction"
    if bug:
        log_failure(name, original, interaction.user.id if interaction.user else None)
    else:
        log.info("%s by %s: %s", name, interaction.user.id if interaction.user else None, text)
    await tell(interaction, text)


# --------------------------------------------------------------------------------------------------
# Keeping secrets out of the logs
# --------------------------------------------------------------------------------------------------
def secrets_of(settings) -> list[str]:
    found = []
    for name in ("discord_token", "openai_api_key", "webshare_proxy_password"):
        value = getattr(settings, name, None)
        if value is not None:
            value = value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
        if value and len(value) >= 6:
            found.append(value)
    for name in ("podbot_proxy_http", "podbot_proxy_https"):       # proxy URLs may embed user:password
        value = getattr(settings, name, None)
        if value and "@" in value:
            found.append(value)
    return found


class RedactingFilter(logging.Filter):
    """Replace every known secret in a log record (message, arguments, traceback) with `[redacted]`."""

    def __init__(self, secrets: list[str]):
        super().__init__()
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:                                   # a broken format string: keep the raw parts
            message = f"{record.msg} {record.args}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install_redaction(settings, logger: logging.Logger | None = None) -> RedactingFilter:
    """Attach a RedactingFilter to every handler of `logger` (the root logger by default)."""
    target = logger or logging.getLogger()
    flt = RedactingFilter(secrets_of(settings))
    for handler in target.handlers:
        handler.addFilter(flt)
    return flt
