"""@podbot <question> answers in a new thread; follow-ups continue the conversation.

- A mention in a text channel opens a thread on the question and answers there.
- In a thread the bot opened, a follow-up (mentioning the bot or replying to it; with the message content
  intent enabled, any message) is answered with the thread's earlier questions and answers as history.
- Anywhere, a reply to one of the bot's messages is a follow-up of the conversation that message is in.
- "Thanks!", "hi" or "lol" asks nothing of the episodes: said to the bot it gets a short word back, said in its
  thread to others nothing; neither is searched or joins the conversation.

Without the privileged message content intent Discord only shows the bot messages that mention it or
reply to it (with the reply ping on); other messages arrive blank and are ignored.
"""
from __future__ import annotations

import logging
import re
from contextlib import suppress

import discord
from discord.ext import commands

from bot.chatter import small_talk
from bot.discord import render
from bot.discord.conversations import Turn, engine_history, scope_of
from bot.discord.errors import APOLOGY, cooldown_message, log_failure
from ingest.errors import PodbotError

log = logging.getLogger("podbot.discord")
NO_MENTIONS = discord.AllowedMentions.none()
CHAIN_HOPS = 8
THREAD_HISTORY = 100
HINT = ("Ask me something about the podcast, for example: "
        "`@{name} what did they say about consciousness?` I'll answer in a thread.")


def strip_bot_mention(content: str, bot_id: int) -> str:
    return " ".join(re.sub(rf"<@!?{bot_id}>", " ", content).split())


class MentionsCog(commands.Cog):
    def __init__(self, bot):
        self.bot = bot

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        try:
            await self.handle(message)
        except Exception as exc:                        # never let a bug escape as a traceback in chat
            log_failure("mention", exc, message.author.id)
            with suppress(discord.HTTPException):
                await message.reply(APOLOGY, mention_author=False, allowed_mentions=NO_MENTIONS)

    async def handle(self, message: discord.Message) -> None:
        me = self.bot.user
        if me is None or message.author.bot or message.guild is None:
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return
        channel = message.channel
        in_bot_thread = isinstance(channel, discord.Thread) and channel.owner_id == me.id
        mentioned = me.id in message.raw_mentions
        target = await self.replied_bot_message(message)
        if not (mentioned or target is not None or in_bot_thread):
            return
        question = strip_bot_mention(message.content, me.id)
        if not question:
            if mentioned and target is None and not in_bot_thread:
                await message.reply(HINT.format(name=me.display_name), mention_author=False,
                                    allowed_mentions=NO_MENTIONS)
            return                                      # e.g. a blank message (no message content intent)
        talk = small_talk(question)
        if talk is not None:        # "thanks!", "hi": no search, thread or turn; a word back if it was said to the bot
            if mentioned or target is not None:
                await message.reply(render.notice(talk), mention_author=False, allowed_mentions=NO_MENTIONS)
            return
        retry = self.bot.cooldowns.hit("ask", message.author.id)
        if retry > 0:
            await message.reply(cooldown_message(retry), mention_author=False, allowed_mentions=NO_MENTIONS)
            return

        if in_bot_thread:
            chain = self.bot.conversations.chain_for_thread(channel.id)
            if chain is None:
                chain = await self.rebuild_from_thread(channel)
            await self.answer(message, question, chain, channel, reply=True, thread_id=channel.id)
        elif target is not None:
            chain = self.bot.conversations.chain_for_message(target.id)
            if chain is None:
                chain = await self.rebuild_from_replies(target)
            await self.answer(message, question, chain, channel, reply=True)
        else:
            thread = await self.open_thread(message, question)
            if thread is None:
                await self.answer(message, question, (), channel, reply=True)
            else:
                await self.answer(message, question, (), thread, reply=False, thread_id=thread.id)

    # --- answering --------------------------------------------------------------------------------
    async def answer(self, message: discord.Message, question: str, chain: tuple[Turn, ...],
                     destination: discord.abc.Messageable, *, reply: bool, thread_id: int | None = None) -> None:
        history = engine_history(chain)
        try:
            async with destination.typing():
                answer = await self.bot.run_engine(self.bot.app.ask.answer, question, episode=scope_of(chain),
                                                   history=history or None)
        except PodbotError as exc:
            await self.say(destination, message, exc.message, reply)
            return
        except Exception as exc:
            log_failure("mention answer", exc, message.author.id)
            await self.say(destination, message, APOLOGY, reply)
            return
        sent = await self.bot.send_channel(destination, render.render_answer(answer),
                                           reply_to=message if reply else None)
        chain = tuple(chain) + (Turn.from_answer(answer, question),)
        self.bot.conversations.record(chain, [m.id for m in sent], thread_id=thread_id)

    async def say(self, destination, message: discord.Message, text: str, reply: bool) -> None:
        text = render.notice(text)
        if reply:
            await message.reply(text, mention_author=False, allowed_mentions=NO_MENTIONS)
        else:
            await destination.send(text, allowed_mentions=NO_MENTIONS)

    async def open_thread(self, message: discord.Message, question: str) -> discord.Thread | None:
        if not isinstance(message.channel, discord.TextChannel):
            return None                                  # already a thread, a voice chat, a forum post...
        try:
            return await message.create_thread(name=render.thread_name(question), auto_archive_duration=1440)
        except discord.HTTPException as exc:             # no Create Public Threads permission, etc.
            log.info("could not open a thread (%s); answering inline", exc)
            return None

    # --- where a follow-up comes from -------------------------------------------------------------
    async def fetch_reference(self, message: discord.Message) -> discord.Message | None:
        ref = message.reference
        if ref is None or ref.message_id is None or ref.type == discord.MessageReferenceType.forward:
            return None
        if isinstance(ref.resolved, discord.Message):
            return ref.resolved
        if isinstance(ref.resolved, discord.DeletedReferencedMessage):
            return None
        channel = message.channel if ref.channel_id == message.channel.id else self.bot.get_channel(ref.channel_id)
        if channel is None or not hasattr(channel, "fetch_message"):
            return None
        try:
            return await channel.fetch_message(ref.message_id)
        except discord.HTTPException:
            return None

    async def replied_bot_message(self, message: discord.Message) -> discord.Message | None:
        target = await self.fetch_reference(message)
        if target is not None and self.bot.user is not None and target.author.id == self.bot.user.id:
            return target
        return None

    async def rebuild_from_thread(self, thread: discord.Thread) -> tuple[Turn, ...]:
        """After a restart: the thread's turns, read back from the bot's own answers in it."""
        embeds: list[discord.Embed] = []
        try:
            async for m in thread.history(limit=THREAD_HISTORY, oldest_first=True):
                if m.author.id == self.bot.user.id:
                    embeds.extend(m.embeds)
        except discord.HTTPException as exc:
            log.info("could not read thread history: %s", exc)
        return tuple(Turn(q, a, s) for q, a, s in render.parse_turns(embeds))

    async def rebuild_from_replies(self, target: discord.Message) -> tuple[Turn, ...]:
        """After a restart: the turns along the reply chain ending at `target`, oldest first."""
        messages: list[discord.Message] = []
        current: discord.Message | None = target
        for _ in range(CHAIN_HOPS):
            if current is None:
                break
            if current.author.id == self.bot.user.id:
                messages.append(current)
            current = await self.fetch_reference(current)
        embeds = [e for m in reversed(messages) for e in m.embeds]
        return tuple(Turn(q, a, s) for q, a, s in render.parse_turns(embeds))


async def setup(bot) -> None:
    await bot.add_cog(MentionsCog(bot))
