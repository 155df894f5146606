"""The verbs a listener asks what was said with: "what did he say/claim/quip…", "did Kasparov mention…", "what
did he liken X to?". They name the asking, not the topic: a rare one ("quip", "liken") is no word the episode
lacks, and the word before one is who the question asks about. One vocabulary for every rule that reads them, /ask's
and /quote's ("kyle vogt said he felt like…": who said the line, `bot.quotes.text.as_told_by`)."""
from __future__ import annotations

_IRREGULAR = {"say": "says said saying", "think": "thinks thought thinking", "tell": "tells told telling",
              "mean": "means meant meaning", "feel": "feels felt feeling"}
_REGULAR = """reply answer talk claim argue believe describe explain recommend mention predict suggest discuss quip
liken compare opine retort muse remark rant recount joke scoff gush jest lament boast brag confess concede insist
admit reckon characterize characterise portray reminisce""".split()
_DOUBLED = frozenset("quip admit brag".split())      # "quipped", "admitted", "bragged"


def _forms(verb: str) -> set[str]:
    """A regular verb's forms: "quip" -> quips, quipped, quipping; "liken" -> likens, likened, likening."""
    if verb.endswith("e"):
        return {verb, verb + "s", verb + "d", verb[:-1] + "ing"}
    if verb.endswith("y") and verb[-2] not in "aeiou":
        return {verb, verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"}
    stem = verb + verb[-1] if verb in _DOUBLED else verb
    return {verb, verb + "s", stem + "ed", stem + "ing"}


SAYING = frozenset({w for v, forms in _IRREGULAR.items() for w in [v, *forms.split()]}
                   | {w for v in _REGULAR for w in _forms(v)})
# for a regular expression: the longest first, so "said" is not read as "sa…"
SAYING_PATTERN = "|".join(sorted(SAYING, key=len, reverse=True))


def is_saying(word: str) -> bool:
    return word.lower() in SAYING
