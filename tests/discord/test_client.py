"""Start-up and configuration: command sync, intents, `podbot bot`, secrets kept out of logs."""
from __future__ import annotations

import io
import logging

import discord
import pytest
import simcord
from botkit import fake_app, simcord_bot  # noqa: F401  (pytest fixtures)
from botkit import FIXTURES, make_app

from bot.cli import main
from bot.discord import create_bot
from bot.discord.errors import RedactingFilter, install_redaction
from ingest.settings import Settings

GUILD_ID = 222222222222222222
EXPECTED = {"ask", "quote", "summary", "episodes", "ingest", "forget", "watch add", "watch list", "watch remove"}


async def test_global_sync_registers_every_command(simcord_env):
    channel = simcord_env.create_guild().create_text_channel("general")
    alice = simcord_env.guild.add_member(simcord_env.create_user("alice"))
    assert set(alice.available_commands(channel)) == EXPECTED
    bot = simcord_env.bot
    assert bot.allowed_mentions.to_dict() == discord.AllowedMentions.none().to_dict()
    assert not bot.intents.message_content and not bot.intents.members
    assert sorted(bot.cogs) == ["AdminCog", "AskCog", "EpisodesCog", "MentionsCog", "QuoteCog", "SummaryCog", "WatchCog"]


async def test_guild_sync_when_discord_guild_id_is_set(tmp_path, hash_embedder):
    app = make_app(tmp_path, hash_embedder)
    app.settings.discord_guild_id = GUILD_ID
    async with simcord.run(create_bot(app, ingest_roots=[FIXTURES])) as env:
        dev = env.create_guild(id=GUILD_ID).create_text_channel("dev")
        alice = env.guild.add_member(env.create_user("alice"))
        assert set(alice.available_commands(dev)) == EXPECTED
        result = await alice.slash(dev, "ask", question="Quick?")
        assert result.response.embeds[0].title == "Quick?"
        other = env.create_guild(name="Elsewhere")
        bob = other.add_member(env.create_user("bob"))
        assert bob.available_commands(other.create_text_channel("x")) == ()


def test_podbot_bot_without_a_token_explains_what_to_do(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)                                   # no .env here
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    from ingest.settings import get_settings

    get_settings.cache_clear()
    try:
        assert main(["bot"]) == 1
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert "DISCORD_TOKEN is not set" in err and "discord.com/developers/applications" in err


def test_podbot_bot_runs_the_bot_with_the_token(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", "MTIz.fake-token.value")
    monkeypatch.setenv("PODBOT_DATA_DIR", str(tmp_path / "data"))
    from bot.discord.client import PodBot
    from ingest.settings import get_settings

    seen = {}

    def fake_run(self, token, **kw):
        seen.update(token=token, guild=self.guild_id, content=self.intents.message_content, **kw)

    monkeypatch.setattr(PodBot, "run", fake_run)
    for name in ("podbot", "discord"):                     # `podbot bot` raises these to INFO
        monkeypatch.setattr(logging.getLogger(name), "level", logging.getLogger(name).level)
    get_settings.cache_clear()
    try:
        assert main(["bot", "--guild", "42", "--no-llm"]) == 0
    finally:
        get_settings.cache_clear()
    assert seen == {"token": "MTIz.fake-token.value", "guild": 42, "content": False, "log_handler": None}


def test_secrets_never_reach_the_logs():
    settings = Settings(_env_file=None, discord_token="MTIz.super-secret-token", openai_api_key="sk-abcdef123456")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("test-redaction")
    logger.handlers[:] = [handler]
    logger.propagate = False
    install_redaction(settings, logger)
    logger.error("token %s and key %s", "MTIz.super-secret-token", "sk-abcdef123456")
    try:
        raise RuntimeError("failed with MTIz.super-secret-token")
    except RuntimeError:
        logger.exception("boom")
    out = stream.getvalue()
    assert "super-secret" not in out and "sk-abcdef" not in out
    assert out.count("[redacted]") >= 3 and "Traceback" in out


def test_redacting_filter_without_secrets_is_a_no_op():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    assert RedactingFilter([]).filter(record) and record.getMessage() == "hello world"


@pytest.mark.parametrize("source", ["https://youtu.be/dQw4w9WgXcQ", "dQw4w9WgXcQ"])
def test_gate_source_accepts_youtube(source):
    from bot.discord.ingesting import gate_source

    [ref] = gate_source(source, [])
    assert ref.kind == "youtube"
