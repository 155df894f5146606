"""What was asked and answered where, so follow-ups are understood in context.

A conversation is a chain of turns. Threads the bot opened keep one growing chain; every message the bot
sent maps to the chain that ends with the turn it belongs to, so replying to any bot message continues
from exactly there. Memory is bounded (LRU); after a restart the mentions cog rebuilds a chain from the
bot's own messages (`render.parse_turns`).
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from bot.models import Answer

MAX_HISTORY_TURNS = 6


@dataclass(frozen=True)
class Turn:
    question: str
    answer_text: str
    episode: str | None = None
    answer: Answer | None = None          # the full result when this process produced it

    @classmethod
    def from_answer(cls, answer: Answer, question: str | None = None) -> Turn:
        return cls(question or answer.question, answer.answer, answer.scope, answer)

    def as_history(self) -> Answer | tuple[str, str]:
        """What the ask engine receives: the Answer itself when known (it carries the citations that
        "what did he say after that?" continues from), else the (question, answer) pair."""
        return self.answer if self.answer is not None else (self.question, self.answer_text)


def engine_history(turns: tuple[Turn, ...] | list[Turn]) -> list:
    return [t.as_history() for t in list(turns)[-MAX_HISTORY_TURNS:]]


def scope_of(turns: tuple[Turn, ...] | list[Turn]) -> str | None:
    """A follow-up stays in the episode the conversation was about (the most recent scoped turn)."""
    for turn in reversed(list(turns)):
        if turn.episode:
            return turn.episode
    return None


class Conversations:
    def __init__(self, max_entries: int = 5000):
        self.max_entries = max_entries
        self._by_message: OrderedDict[int, tuple[Turn, ...]] = OrderedDict()
        self._by_thread: OrderedDict[int, tuple[Turn, ...]] = OrderedDict()

    @staticmethod
    def _touch(store: OrderedDict, key: int, value=None, limit: int = 5000):
        if value is not None:
            store[key] = value
        if key in store:
            store.move_to_end(key)
        while len(store) > limit:
            store.popitem(last=False)
        return store.get(key)

    def chain_for_message(self, message_id: int) -> tuple[Turn, ...] | None:
        return self._touch(self._by_message, message_id, limit=self.max_entries)

    def chain_for_thread(self, thread_id: int) -> tuple[Turn, ...] | None:
        return self._touch(self._by_thread, thread_id, limit=self.max_entries)

    def record(self, chain: tuple[Turn, ...], message_ids: list[int], thread_id: int | None = None) -> None:
        """Remember `chain` (ending with the newest turn) for the messages that show that newest turn."""
        for mid in message_ids:
            self._touch(self._by_message, mid, chain, self.max_entries)
        if thread_id is not None:
            self._touch(self._by_thread, thread_id, chain, self.max_entries)

    def clear(self) -> None:
        self._by_message.clear()
        self._by_thread.clear()
