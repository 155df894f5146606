"""@mentions: a new thread per question; follow-ups in the thread or by reply carry the conversation."""
from __future__ import annotations

import discord
import simcord
from botkit import fake_app, simcord_bot, world  # noqa: F401  (pytest fixtures)
from botkit import FIXTURES, World, make_app

from bot.discord import create_bot
from bot.discord.errors import APOLOGY
from bot.models import Answer


def bot_messages(channel, env):
    """The bot's own messages (not the "thread created" system notices simcord/Discord post)."""
    return [m for m in channel.history() if m.author.id == env.bot.user.id
            and m.type in (discord.MessageType.default, discord.MessageType.reply)]


async def test_mention_opens_a_thread_and_a_followup_there_has_the_history(world):
    env, bot = world.env, world.bot
    asked = await world.alice.send(world.channel, f"{bot.user.mention} why do rockets work?")

    [thread] = world.channel.threads
    assert thread.id == asked.id and thread.name == "why do rockets work?"
    [first] = bot_messages(thread, env)
    assert first.embeds[0].title == "why do rockets work?"
    assert first.embeds[-1].footer.text.startswith("Mode: extractive")
    assert world.app.ask.calls[0] == {"question": "why do rockets work?", "episode": None, "history": None}
    assert bot_messages(world.channel, env) == []                     # the answer lives in the thread only

    await world.alice.send(thread, f"{bot.user.mention} what did she say after that?")

    call = world.app.ask.calls[1]
    assert call["question"] == "what did she say after that?"
    [previous] = call["history"]
    assert isinstance(previous, Answer)                               # the full answer, with its citations
    assert (previous.question, previous.answer) == ("why do rockets work?",
                                                    "Short answer to: why do rockets work? [1]")
    answer = thread.last_message
    assert answer.author.id == bot.user.id and answer.embeds[0].title == "what did she say after that?"
    assert answer.reference is not None                               # a reply to the follow-up

    # a third turn sees both earlier ones
    await world.bob.send(thread, f"{bot.user.mention} and before that?")
    assert [h.question for h in world.app.ask.calls[2]["history"]] == ["why do rockets work?",
                                                                     "what did she say after that?"]
    assert len(world.channel.threads) == 1                           # follow-ups never open new threads


async def test_reply_to_the_bots_message_is_a_followup(world):
    bot = world.bot
    await world.alice.send(world.channel, f"{bot.user.mention} tell me about rivers")
    [thread] = world.channel.threads
    answer = thread.last_message

    # no @mention: Discord still shows the bot a reply to its own message (the reply ping is on)
    await world.alice.send(thread, "and what about canyons?", reply_to=answer)

    call = world.app.ask.calls[-1]
    assert call["question"] == "and what about canyons?"
    assert [h.question for h in call["history"]] == ["tell me about rivers"]
    assert thread.last_message.embeds[0].title == "and what about canyons?"


async def test_reply_outside_a_thread_follows_the_reply_chain(simcord_env):
    env = simcord_env
    world = World(env)
    no_threads = world.guild.create_text_channel(
        "no-threads", overwrites={env.bot.user: discord.PermissionOverwrite(create_public_threads=False)})

    asked = await world.alice.send(no_threads, f"{env.bot.user.mention} what is patience?")
    assert no_threads.threads == []
    first = no_threads.last_message
    assert first.author.id == env.bot.user.id and first.reference.message_id == asked.id   # answered inline

    await world.bob.send(no_threads, "why does it beat thrust?", reply_to=first)
    second = no_threads.last_message
    assert second.embeds[0].title == "why does it beat thrust?"
    assert [h.question for h in world.app.ask.calls[-1]["history"]] == ["what is patience?"]

    await world.alice.send(no_threads, "say more", reply_to=second)
    assert [h.question for h in world.app.ask.calls[-1]["history"]] == ["what is patience?",
                                                                      "why does it beat thrust?"]


async def test_history_is_rebuilt_from_the_bots_messages_after_a_restart(world):
    bot = world.bot
    await world.alice.send(world.channel, f"{bot.user.mention} Tell me the long version about rockets")
    [thread] = world.channel.threads
    bot.conversations.clear()                                          # as if the process restarted

    await world.alice.send(thread, f"{bot.user.mention} what else?")

    [(question, answer)] = world.app.ask.calls[-1]["history"]
    assert question == "Tell me the long version about rockets"
    assert answer.startswith("Rockets work because")
    assert len(answer) > 4500                                          # both parts of the split answer


async def test_plain_messages_in_the_thread_are_not_readable_without_the_intent(world):
    bot = world.bot
    await world.alice.send(world.channel, f"{bot.user.mention} why do rockets work?")
    [thread] = world.channel.threads
    before = len(thread.history())

    await world.alice.send(thread, "just chatting with a friend here")

    assert len(thread.history()) == before + 1                        # the bot stayed quiet
    assert len(world.app.ask.calls) == 1


async def test_with_message_content_intent_plain_followups_are_answered_and_thanks_is_not(tmp_path, hash_embedder):
    """With the intent every message in the bot's thread is read. A question there is a follow-up; a "lol" between
    listeners gets nothing, and "@podbot thanks!" a word back, neither searched (they were answered with passages
    that say "thank you", and "@podbot thanks!" in a channel opened a thread)."""
    from bot.chatter import HELLO, THANKED

    app = make_app(tmp_path, hash_embedder)
    bot = create_bot(app, ingest_roots=[FIXTURES], message_content=True)
    async with simcord.run(bot) as env:
        world = World(env)
        await world.alice.send(world.channel, f"{bot.user.mention} why do rockets work?")
        [thread] = world.channel.threads
        await world.alice.send(thread, "and rivers?")
        assert app.ask.calls[-1]["question"] == "and rivers?"
        assert [h.question for h in app.ask.calls[-1]["history"]] == ["why do rockets work?"]
        assert thread.last_message.embeds[0].title == "and rivers?"

        asked = len(app.ask.calls)
        await world.bob.send(thread, "lol")                                  # to the others: nothing
        assert thread.last_message.content == "lol"
        await world.alice.send(thread, f"{bot.user.mention} thanks! 🙏")
        assert thread.last_message.author.id == bot.user.id and thread.last_message.content == THANKED
        await world.alice.send(world.channel, f"hey {bot.user.mention}")
        assert world.channel.last_message.content == HELLO and len(world.channel.threads) == 1
        assert len(app.ask.calls) == asked                                   # nothing was searched
        await world.alice.send(thread, "and lakes?")                          # the conversation goes on as before
        assert [h.question for h in app.ask.calls[-1]["history"]] == ["why do rockets work?", "and rivers?"]


async def test_unrelated_messages_are_ignored(world):
    await world.alice.send(world.channel, "hello everyone, nothing for the bot here")
    await world.alice.send(world.channel, "@everyone meeting at noon")
    assert world.app.ask.calls == [] and world.channel.threads == []


async def test_empty_mention_gets_a_hint(world):
    await world.alice.send(world.channel, world.bot.user.mention)
    hint = world.channel.last_message
    assert hint.author.id == world.bot.user.id and "Ask me something about the podcast" in hint.content
    assert world.channel.threads == [] and world.app.ask.calls == []


async def test_mention_engine_error_is_polite_and_logged(world, caplog):
    await world.alice.send(world.channel, f"{world.bot.user.mention} please explode")
    [thread] = world.channel.threads
    assert thread.last_message.content == APOLOGY
    assert any("kaboom" in r.getMessage() for r in caplog.records if r.name == "podbot.discord")
    assert "sk-secret" not in thread.last_message.content
    assert world.env.errors == []                                     # handled, not crashed


async def test_mention_podbot_error_message(world):
    await world.alice.send(world.channel, f"{world.bot.user.mention} is the store unavailable?")
    [thread] = world.channel.threads
    assert thread.last_message.content == "The episode store is unavailable right now; try again in a minute."


async def test_mention_cooldown_is_per_user(world):
    world.bot.cooldowns.seconds = 20
    await world.alice.send(world.channel, f"{world.bot.user.mention} first question?")
    await world.alice.send(world.channel, f"{world.bot.user.mention} second question?")
    await world.bob.send(world.channel, f"{world.bot.user.mention} bob's question?")

    assert [c["question"] for c in world.app.ask.calls] == ["first question?", "bob's question?"]
    notice = bot_messages(world.channel, world.env)[-1]
    assert notice.content == "Easy there! You can ask again in 20 seconds."


async def test_mention_answers_never_ping(world):
    await world.alice.send(world.channel, f"{world.bot.user.mention} who shouted @everyone?")
    [thread] = world.channel.threads
    for request in world.env.http_requests:
        if request.method == "POST" and request.path.endswith("/messages") and request.json:
            assert request.json["allowed_mentions"]["parse"] == []
            assert request.json["allowed_mentions"].get("replied_user") in (None, False)
    for message in thread.history():
        stored = world.env.backend.get_message(thread.id, message.id)
        assert not stored.mention_everyone and not stored.ping_user_ids


async def test_reply_with_mention_to_an_ask_answer_continues_it(world):
    result = await world.alice.slash(world.channel, "ask", question="Why do rockets work?", episode="rockets")
    # Discord hides the text of plain replies to *interaction* messages from bots without the content
    # intent, so here the follow-up mentions the bot as well as replying.
    await world.alice.send(world.channel, f"{world.bot.user.mention} and rivers?", reply_to=result.response)

    call = world.app.ask.calls[-1]
    assert call["question"] == "and rivers?" and call["episode"] == "rockets"      # stays in the episode
    assert [h.question for h in call["history"]] == ["Why do rockets work?"]
    reply = world.channel.last_message
    assert reply.author.id == world.bot.user.id and reply.embeds[0].title == "and rivers?"
    assert world.channel.threads == []                                # a reply is answered where it is
