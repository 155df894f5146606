"""A question's subject without the words that only ask it: "what did Ilya say about double descent?" ->
"double descent".

The question is embedded as typed *and* as this core, and the two vectors are summed for ranking
(`bot.ask.retrieval.CORE_WEIGHT`): MiniLM spends part of a short question's vector on "what did he say about",
which every passage of a conversation matches a little. The abstention signals keep reading the question as
typed: they were calibrated on it.
"""
from __future__ import annotations

import re

_VERBS = r"(?:say|think|feel|explain|mean|describe|tell|talk|believe|mention|expect)"
_SCAFFOLD = re.compile(
    r"^\s*(?:(?:so|and|ok|okay)[, ]+)?(?:"
    rf"(?:what|how|why|when|where|who|which)\s+(?:did|does|do|is|was|were|are|would|will|has|have|had)\s+"
    rf"(?:\w+\s+){{0,3}}?{_VERBS}(?:\s+(?:about|of|on|regarding|when|that|is))?"
    rf"|(?:did|does|do|is|was|would|has)\s+(?:\w+\s+){{0,3}}?{_VERBS}(?:\s+(?:about|of|on|that))?"
    r")\s+", re.I)
_ACCORDING = re.compile(r",?\s*according to [^?,.]+", re.I)


def question_core(question: str) -> str:
    """The question without its asking scaffold, or "" when that leaves fewer than two words or nothing
    was taken off."""
    core = _ACCORDING.sub("", _SCAFFOLD.sub("", question, count=1)).strip(" ?")
    return core if len(core.split()) >= 2 and core != question.strip(" ?") else ""
