"""Slash commands end to end through simcord: what users see, deferral, autocomplete, safety, errors."""
from __future__ import annotations

import logging

import pytest
import simcord
from botkit import fake_app, simcord_bot, world  # noqa: F401  (pytest fixtures)
from botkit import (DANGEROUS, ROCKETS_URL, all_descriptions, bot_message_requests, burst, callback_types,
                    long_text, unescape)

from bot.discord import render
from bot.discord.errors import APOLOGY
from bot.models import Answer


# --- /ask -----------------------------------------------------------------------------------------
async def test_ask_defers_then_answers_with_numbered_sources(world):
    result = await world.alice.slash(world.channel, "ask", question="Why do rockets work?")

    assert callback_types(world.env) == [5]                       # deferred with "thinking…" first
    assert not result.ephemeral
    answer, sources = result.response.embeds
    assert answer.title == "Why do rockets work?"
    assert answer.description == "Short answer to: Why do rockets work? [1]"
    assert sources.title == "Sources"
    head, quote = sources.description.split("\n", 1)
    assert head == f"**[1]** *Rockets and Rivers* · [0:14](<{ROCKETS_URL}#t=14>)"
    assert quote.startswith("> ") and unescape(quote[2:]) == DANGEROUS
    assert sources.footer.text == "Mode: extractive (transcript passages)"
    assert world.app.ask.calls == [{"question": "Why do rockets work?", "episode": None, "history": None}]
    assert world.app.ask.threads and not any(t == "MainThread" for t in world.app.ask.threads)


async def test_episode_autocomplete_by_title_guest_and_id(world):
    by_title = await world.alice.autocomplete(world.channel, "ask", "episode", "rock")
    by_guest = await world.alice.autocomplete(world.channel, "ask", "episode", "lovelace")
    everything = await world.alice.autocomplete(world.channel, "quote", "episode", "")
    expected = {"name": "Rockets and Rivers — Ada Lovelace (rockets)", "value": "rockets"}
    assert by_title == [expected] and by_guest == [expected] and everything == [expected]
    assert await world.alice.autocomplete(world.channel, "summary", "episode", "zzzzqqq") == []


async def test_ask_scoped_to_an_episode(world):
    await world.alice.autocomplete(world.channel, "ask", "episode", "rock")
    result = await world.alice.slash(world.channel, "ask", question="What about rivers?", episode="rockets")

    assert callback_types(world.env) == [8, 5]
    assert world.app.ask.calls[-1]["episode"] == "rockets"
    assert "Episode: rockets" in result.response.embeds[-1].footer.text


async def test_unknown_episode_is_a_polite_message(world):
    result = await world.alice.slash(world.channel, "ask", question="What?", episode="no-such-thing-xyz")

    assert "no episode matches" in result.response.content
    assert result.response.embeds == []
    assert world.app.ask.calls == []
    assert [type(e).__name__ for e in world.env.errors] == ["CommandInvokeError"]


@pytest.mark.parametrize("question, size, min_messages", [
    ("Tell me the long version", 5000, 1),          # two answer embeds, one message
    ("Tell me the longest version", 12000, 3),      # 6000 characters per message: several messages
])
async def test_long_answer_is_split_within_limits(world, question, size, min_messages):
    result = await world.alice.slash(world.channel, "ask", question=question)

    messages = [result.response, *result.followups]
    assert len(messages) >= min_messages
    for m in messages:                       # simcord rejects oversized messages; check the margins anyway
        assert render.limit_problems(render.Outgoing(content=m.content, embeds=m.embeds)) == []
    parts = [e.description for m in messages for e in m.embeds if e.colour == render.ANSWER_COLOUR]
    assert len(parts) >= 2
    assert " ".join(parts).split() == long_text(size).split()       # whole and in order
    assert all(p.endswith((".", "!", "?")) for p in parts)          # cut between sentences
    assert [e.title for m in messages for e in m.embeds if e.title] == [question, "Sources"]
    assert messages[-1].embeds[-1].footer.text.startswith("Mode: extractive")


async def test_transcript_mentions_ping_nobody(world):
    await world.alice.slash(world.channel, "ask", question="Who shouted @everyone at <@123>?")
    await world.alice.slash(world.channel, "quote", text="shouted")

    sends = bot_message_requests(world.env)
    assert sends, "the bot sent nothing"
    for request in sends:
        body = request.json
        if request.path.endswith("/callback"):
            continue                                                 # the defer carries no message
        assert body["allowed_mentions"] == {"parse": []}, request.path
    for message in world.channel.history():
        stored = world.env.backend.get_message(world.channel.id, message.id)
        assert not stored.mention_everyone and not stored.ping_user_ids and not stored.ping_role_ids
    # the words are all there, just defused
    text = all_descriptions(world.channel.history())
    assert "@everyone" not in text and "@\u200beveryone" in text and "<@\u200b123>" in text


async def test_twenty_simultaneous_asks_are_all_answered(world):
    world.app.ask.delay = 0.05
    users = [world.guild.add_member(world.env.create_user(f"user{i}")) for i in range(20)]

    results = await burst(world.env, [
        (lambda u=u, i=i: u.slash(world.channel, "ask", question=f"Question number {i}?"))
        for i, u in enumerate(users)])

    assert callback_types(world.env) == [5] * 20
    for i, result in enumerate(results):
        assert result.response.embeds[0].title == f"Question number {i}?"
        assert result.response.embeds[0].description.startswith(f"Short answer to: Question number {i}?")
    assert len(world.app.ask.calls) == 20
    assert world.app.ask.max_active > 1                             # they really ran side by side
    assert world.app.ask.max_active <= 4                            # ...bounded by engine_concurrency


async def test_per_user_cooldown(world):
    world.bot.cooldowns.seconds = 30
    first = await world.alice.slash(world.channel, "ask", question="One?")
    second = await world.alice.slash(world.channel, "ask", question="Two?")
    other_user = await world.bob.slash(world.channel, "ask", question="Bob's?")

    assert first.response.embeds[0].title == "One?"
    assert second.ephemeral and second.response.content == "Easy there! You can ask again in 30 seconds."
    assert other_user.response.embeds[0].title == "Bob's?"
    assert [c["question"] for c in world.app.ask.calls] == ["One?", "Bob's?"]
    assert [type(e).__name__ for e in world.env.errors] == ["OnCooldown"]

    await world.env.advance_time(31)
    third = await world.alice.slash(world.channel, "ask", question="Three?")
    assert third.response.embeds[0].title == "Three?"


async def test_engine_exception_becomes_a_polite_message(world, caplog):
    caplog.set_level(logging.ERROR, logger="podbot.discord")
    result = await world.alice.slash(world.channel, "ask", question="please explode")

    assert result.response.content == APOLOGY
    assert "Traceback" not in result.response.content and "kaboom" not in result.response.content
    [error] = world.env.errors
    assert type(error.original).__name__ == "RuntimeError"
    [record] = [r for r in caplog.records if r.name == "podbot.discord"]
    assert "/ask failed" in record.getMessage() and "kaboom" in record.getMessage()


async def test_podbot_error_shows_its_message(world):
    result = await world.alice.slash(world.channel, "ask", question="is the store unavailable?")

    assert result.response.content == "The episode store is unavailable right now; try again in a minute."
    assert len(world.env.errors) == 1


# --- /quote ---------------------------------------------------------------------------------------
async def test_quote_shows_verbatim_block_quote_with_timestamp(world):
    result = await world.alice.slash(world.channel, "quote", text="we shouted", episode="rockets")

    assert callback_types(world.env) == [5]
    [embed] = result.response.embeds
    assert embed.title == "Quotes: “we shouted”"
    head, quote = embed.description.split("\n", 1)
    assert head == f"**[1]** *Rockets and Rivers* · [0:14](<{ROCKETS_URL}#t=14>) · Ada Lovelace"
    assert unescape(quote[2:]) == DANGEROUS
    assert embed.footer.text == "Verbatim from the transcript · Episode: rockets"
    assert world.app.quotes.calls == [("we shouted", "rockets", 4)]


async def test_quote_not_found(world):
    result = await world.alice.slash(world.channel, "quote", text="nothing like this")
    assert "couldn't find those words in any episode" in result.response.embeds[0].description


# --- /summary -------------------------------------------------------------------------------------
async def test_summary_pages_with_buttons_for_the_invoker_only(world):
    result = await world.alice.slash(world.channel, "summary", episode="rockets")

    assert callback_types(world.env) == [5]
    first = result.response.embeds[0]
    assert first.title == "Rockets and Rivers — Overview"
    assert "**Patience beats thrust.**" in first.description
    pages = int(first.footer.text.rsplit("/", 1)[1])
    assert first.footer.text.endswith("Page 1/%d" % pages) and pages >= 4     # overview, ideas, quotes, chapters
    labels = [c["label"] for row in result.response.components for c in row["components"]]
    assert labels == ["Prev", "More"]

    await world.alice.click(result.response, label="More")
    assert world.channel.last_message.embeds[0].title == "Rockets and Rivers — Key ideas"

    refused = await world.bob.click(world.channel.last_message, label="More")
    assert refused.ephemeral and "belong to whoever asked" in refused.response.content
    assert world.channel.last_message.embeds[0].title == "Rockets and Rivers — Key ideas"

    await world.alice.click(world.channel.last_message, label="Prev")
    assert world.channel.last_message.embeds[0].title == "Rockets and Rivers — Overview"
    assert world.app.summaries.calls == [("rockets", False)]


async def test_summary_of_unknown_episode(world):
    result = await world.alice.slash(world.channel, "summary", episode="definitely-not-here-123")
    assert "no episode matches" in result.response.content
    assert world.env.errors


# --- /episodes ------------------------------------------------------------------------------------
async def test_episodes_lists_the_library(world):
    result = await world.alice.slash(world.channel, "episodes")

    assert callback_types(world.env) == [5]
    [embed] = result.response.embeds
    assert embed.title == "Episodes in the library (1)"
    assert "**Rockets and Rivers**" in embed.description and "`rockets`" in embed.description
    assert "Ada Lovelace" in embed.description and "2024-05-01" in embed.description
    assert result.response.components == []                       # one page: no buttons


async def test_episodes_paginate_with_more_and_prev(world):
    from ingest.models import EpisodeMeta

    class ManyEpisodes:
        episodes = [EpisodeMeta(episode_id=f"ep-{i:02d}", title=f"Episode {i}", source="x", duration=600)
                    for i in range(25)]

        def refresh(self, force=False):
            return False

    world.app.library = ManyEpisodes()
    result = await world.alice.slash(world.channel, "episodes")
    assert result.response.embeds[0].footer.text.startswith("Page 1/3")
    with pytest.raises(simcord.SetupError, match="disabled"):
        await world.alice.click(result.response, label="Prev")
    await world.alice.click(result.response, label="More")
    await world.alice.click(world.channel.last_message, label="More")
    last = world.channel.last_message
    assert last.embeds[0].footer.text.startswith("Page 3/3")
    assert "`ep-04`" in last.embeds[0].description                 # newest (highest id) first
    with pytest.raises(simcord.SetupError, match="disabled"):
        await world.alice.click(last, label="More")


async def test_answer_with_abstention_is_grey_and_says_so(world):
    def abstain(question, episode=None, history=None):
        return Answer(question=question, answer="I couldn't find that in the episodes I know.", abstained=True,
                      mode="extractive", nearest_topic="rivers at 0:22")

    world.app.ask.answer = abstain
    result = await world.alice.slash(world.channel, "ask", question="What about volcanoes?")
    [embed] = result.response.embeds
    assert embed.colour == render.ABSTAIN_COLOUR and "couldn't find" in embed.description
