"""Fixtures, fakes and helpers for the Discord bot tests: the real bot, driven offline by simcord.

The library, store and ingestor are real (tmp Chroma store, hashing embedder); ask/quotes/summaries are
small fakes so tests are fast and can force long answers, mentions in transcript text and failures.

Test modules import the fixtures they use from here (`from botkit import world  # noqa: F401`). There is
deliberately no tests/discord/conftest.py: without __init__.py files every conftest is imported as the
module `conftest`, and a second one would shadow tests/conftest.py for `from conftest import ...`.
"""
from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import discord
import pytest

from bot.discord import create_bot
from bot.models import Answer, Chapter, Citation, Idea, QuoteMatch, QuoteResult, Summary, SummaryQuote
from ingest.errors import PodbotError
from ingest.pipeline import load_transcript, resolve_source
from ingest.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
ADMIN_ROLE = "Podcast Crew"
DANGEROUS = "When the first engine failed we shouted @everyone to the control room, and <@123> laughed at the noise."
ROCKETS_URL = "https://podcast.example/rockets"

_SENTENCES = [
    "Rockets work because every action has an equal and opposite reaction.",
    "The engineers said that patience beats thrust over a long enough journey!",
    "Rivers carve canyons one grain of sand at a time, which is a slower kind of engineering.",
    "Why does that matter?",
    "Because most progress looks like nothing at all until suddenly it looks like everything.",
]


def long_text(chars: int = 5000) -> str:
    """Prose of about `chars` characters in paragraphs of sentences (needs splitting to fit an embed)."""
    paragraphs, current, n = [], [], 0
    while sum(len(p) + 2 for p in paragraphs) < chars:
        current.append(_SENTENCES[n % len(_SENTENCES)])
        n += 1
        if len(current) == 6:
            paragraphs.append(" ".join(current))
            current = []
    return "\n\n".join(paragraphs)[:chars].rsplit(" ", 1)[0] + "."


def citation(text: str = DANGEROUS, start: float = 14.5) -> Citation:
    return Citation(episode_id="rockets", title="Rockets and Rivers", start=start, end=start + 7.5, text=text,
                    url=f"{ROCKETS_URL}#t={int(start)}", speaker=None)


class FakeAsk:
    """Answers instantly (or after `delay` seconds in the worker thread); records every call."""

    def __init__(self):
        self.calls: list[dict] = []
        self.delay = 0.0
        self._lock = threading.Lock()
        self.active = 0
        self.max_active = 0
        self.threads: set[str] = set()

    def answer(self, question: str, episode: str | None = None, history=None) -> Answer:
        with self._lock:
            self.calls.append({"question": question, "episode": episode, "history": history})
            self.active += 1
            self.max_active = max(self.max_active, self.active)
            self.threads.add(threading.current_thread().name)
        try:
            if self.delay:
                time.sleep(self.delay)
            if "explode" in question:
                raise RuntimeError("kaboom: the engine has a bug (token=sk-secret-123456)")
            if "unavailable" in question:
                raise PodbotError("The episode store is unavailable right now; try again in a minute.")
            if "longest" in question:
                text = long_text(12000)
            elif "long" in question:
                text = long_text(5000)
            else:
                text = f"Short answer to: {question} [1]"
            return Answer(question=question, answer=text, abstained=False, mode="extractive",
                          citations=[citation()], scope=episode)
        finally:
            with self._lock:
                self.active -= 1


class FakeQuotes:
    def __init__(self):
        self.calls: list[tuple] = []

    def find(self, query: str, episode: str | None = None, limit: int = 4, *, suggest: bool = False) -> QuoteResult:
        self.calls.append((query, episode, limit))
        if "nothing" in query:
            return QuoteResult(query=query, matches=[], scope=episode)
        match = QuoteMatch(episode_id="rockets", title="Rockets and Rivers", start=14.5, end=22.0, text=DANGEROUS,
                           url=f"{ROCKETS_URL}#t=14", speaker="Ada Lovelace", score=0.9)
        return QuoteResult(query=query, matches=[match], scope=episode)


class FakeSummaries:
    def __init__(self):
        self.calls: list[tuple] = []

    def summarize(self, episode: str, *, refresh: bool = False) -> Summary:
        self.calls.append((episode, refresh))
        chapters = [Chapter(start=60.0 * i, end=60.0 * (i + 1), title=f"Chapter {i + 1}",
                            summary=long_text(700), bullets=["A point.", "Another point."],
                            url=f"{ROCKETS_URL}#t={60 * i}") for i in range(12)]
        return Summary(
            episode_id=episode, title="Rockets and Rivers" if episode == "rockets" else f"Episode {episode}",
            headline="Patience beats thrust.", at_a_glance=["Rockets push back.", "Rivers are patient."],
            ideas=[Idea(title="Reaction", explanation="Every action has a reaction.", start=6.5, end=14.0,
                        url=f"{ROCKETS_URL}#t=6")],
            quotes=[SummaryQuote(text=DANGEROUS, start=14.5, end=22.0, url=f"{ROCKETS_URL}#t=14",
                                 speaker="Ada Lovelace")],
            chapters=chapters, topics=["rockets", "rivers"], mode="extractive", url=ROCKETS_URL)


def make_app(tmp_path: Path, embedder, *, cooldown: float = 0.0):
    from bot.app import App

    settings = Settings(_env_file=None, podbot_data_dir=tmp_path / "data", podbot_cooldown_seconds=cooldown,
                        podbot_admin_role=ADMIN_ROLE)
    app = App(settings, embedder=embedder, use_llm=False)
    [ref] = resolve_source(str(FIXTURES / "rockets.vtt"))
    result = app.ingestor.ingest(load_transcript(ref, settings))
    assert result.status == "added", result
    app.library.refresh(force=True)
    app.ask = FakeAsk()
    app.quotes = FakeQuotes()
    app.summaries = FakeSummaries()
    return app


@pytest.fixture
def fake_app(tmp_path, hash_embedder):
    return make_app(tmp_path, hash_embedder)


@pytest.fixture
def simcord_bot(fake_app):
    """The bot under test; simcord's `simcord_env` fixture starts it."""
    return create_bot(fake_app, ingest_roots=[FIXTURES])


@pytest.fixture
def world(simcord_env) -> World:
    return World(simcord_env)


class World:
    """A guild with a channel, an ordinary member, a member with the admin role and a Manage Server member."""

    def __init__(self, env):
        self.env = env
        self.guild = env.create_guild()
        self.channel = self.guild.create_text_channel("general")
        crew = self.guild.create_role(ADMIN_ROLE)
        mods = self.guild.create_role("Mods", permissions=discord.Permissions(manage_guild=True))
        self.alice = self.guild.add_member(env.create_user("alice"))
        self.bob = self.guild.add_member(env.create_user("bob"))
        self.crew = self.guild.add_member(env.create_user("carol"), roles=[crew])
        self.mod = self.guild.add_member(env.create_user("dave"), roles=[mods])

    @property
    def bot(self):
        return self.env.bot

    @property
    def app(self):
        return self.env.bot.app


# --- helpers -------------------------------------------------------------------------------------
def callback_types(env) -> list[int]:
    """Interaction callback types the bot POSTed (4 message, 5 deferred thinking, 7 update, 8 autocomplete)."""
    return [r.json["type"] for r in env.http_requests if r.method == "POST" and r.path.endswith("/callback")]


def bot_message_requests(env) -> list:
    """Every request by which the bot created or edited a message (channel sends, followups, edits)."""
    out = []
    for r in env.http_requests:
        if r.method not in ("POST", "PATCH") or not isinstance(r.json, dict):
            continue
        if r.path.endswith("/callback") and r.json.get("type") in (8,):
            continue
        if "/messages" in r.path or "/webhooks/" in r.path or r.path.endswith("/callback"):
            out.append(r)
    return out


def payload_of(request) -> dict:
    data = request.json
    return data.get("data", data) if request.path.endswith("/callback") else data


async def burst(env, actions):
    """Deliver several interactions at once, then wait for the bot to finish them all.

    simcord runs one actor operation at a time (asyncio.gather over `slash` raises "operation overlaps"),
    and each operation waits for the bot to go idle. Suspending that per-operation wait while the events are
    delivered lets the bot receive all of them before it finishes any, i.e. they really are concurrent.
    """
    async def deliver_only(**_kw):
        await asyncio.sleep(0)

    env._settle_internal = deliver_only
    try:
        results = [await action() for action in actions]
    finally:
        del env._settle_internal
    await env.settle(timeout=30)
    return results


def unescape(text: str) -> str:
    """Undo render's escaping (markdown backslashes, zero-width spaces after @)."""
    import re

    return re.sub(r"\\([_\\~|*`>#\[\]-])", r"\1", text).replace("@\u200b", "@")


def all_descriptions(messages) -> str:
    return "\n\n".join(e.description or "" for m in messages for e in m.embeds)
