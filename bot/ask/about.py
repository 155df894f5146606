"""Questions about an episode itself: who the guest is, what the episode covers, what was said at 45:00.

Listeners ask these first ("who's the guest?", "what is this episode about?"), and passage search answers
them badly: no single passage is "about the episode", and the introduction that does say who the guest is
ranks at half weight (it is framing, not an answer). So they are answered from the show's own
introduction, from the episode's digest (bot/summary) and from the transcript at the moment named, still
with verbatim, timestamped citations.
Anything else is left to retrieval: "who is the greatest footballer ever?" is a question for the guest.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.ask.lexical import words
from bot.ask.position import moment, where_in
from bot.framing import introduction_line
from bot.library import EPISODE_NUMBER, episode_reference
from ingest.models import Sentence

Kind = Literal["guest", "overview", "moment"]

_EPISODE = r"(?:episode|conversation|interview|podcast|show|one)"
# "this episode", "the Elon Musk episode", "today's show", "episode 94", "#94"
_REF = (rf"(?:(?:(?:this|the|that|today's|today’s)\s+(?:[\w'’.-]+\s+){{0,3}}?{_EPISODE}(?:\s+#?\d{{1,4}})?)"
        rf"|{EPISODE_NUMBER})")
_OPEN = r"^(?:so\s+|and\s+|ok(?:ay)?,?\s+|hey,?\s+|please\s+)?"
_CLOSE = rf"(?:\s+(?:in|on|of|from)\s+{_REF})?\s*(?:please)?\s*[?.!]*$"
_GUEST = re.compile(
    rf"{_OPEN}(?:"
    rf"who(?:'s|’s|\s+is|\s+was)\s+(?:the|this|today's|today’s)\s+guest"
    rf"|who(?:'s|’s|\s+is|\s+was)\s+(?:on|in)\s+{_REF}"
    rf"|who(?:'s|’s|\s+is|\s+was|\s+does)\s+(?:lex|the\s+host|he|she)\s+(?:talking|speaking|talk|speak|interviewing|interview)(?:\s+(?:to|with))?"
    rf"|who\s+(?:is|was)\s+{_REF}\s+with"
    rf"|who\s+(?:did|does)\s+(?:lex|the\s+host|he|she)\s+(?:talk|speak)\s+(?:to|with)"
    rf"){_CLOSE}", re.IGNORECASE)
# "who is Ilya Sutskever?": about the guest only when the name is a guest's (the caller checks that)
_WHO_IS = re.compile(r"^(?:so\s+)?who(?:'s|’s|\s+is|\s+was)\s+(?P<name>[^?]{3,40}?)\s*\?*$", re.IGNORECASE)
_OVERVIEW = re.compile(
    rf"{_OPEN}(?:"
    rf"what(?:'s|’s|\s+is|\s+was)\s+{_REF}\s+about"
    rf"|what\s+(?:do|did|does)\s+(?:they|he|she|lex|the\s+guest|the\s+two\s+of\s+them)\s+(?:talk|discuss|cover|chat|get\s+into)\w*(?:\s+about)?"
    rf"|what\s+(?:topics|subjects|things)\s+(?:are|were|does\s+it|did\s+they|do\s+they)\s+(?:covered|discussed|cover|discuss|talk\s+about)"
    rf"|what\s+(?:is|was|gets|got)\s+(?:covered|discussed)"
    rf"|(?:give\s+me\s+|can\s+you\s+give\s+(?:me\s+)?)?(?:an?\s+)?(?:overview|summary|recap|tl;?dr|rundown)"
    rf"|summari[sz]e(?:\s+{_REF})?(?:\s+for\s+me)?"
    rf"|(?:what\s+are\s+)?the\s+(?:main|key|big)\s+(?:topics|points|themes|ideas|takeaways)"
    rf"|(?:tell\s+me\s+about\s+|(?:in|on)\s+)?(?:{EPISODE_NUMBER})"      # a bare "episode 94?"
    rf"){_CLOSE}", re.IGNORECASE)


def episode_named(question: str) -> str | None:
    """The episode a question about an episode names by number ("summarize episode 94", "what's #94 about?")."""
    return episode_reference(question, any_hash=True)


INTRO_SECONDS = 45.0      # how much of the introduction to cite for "who is the guest?"
CHAPTER_SECONDS = 30.0    # how much of a chapter's opening to cite for "what is this episode about?"


# ... asked about what was said then (not "is the answer at 45:00 right?")
_SAID_THEN = re.compile(r"\b(?:what|who|which|tell|summari[sz]e|play|show|quote)\b", re.IGNORECASE)
MOMENT_BEFORE, MOMENT_AFTER = 5.0, 45.0   # seconds of speech cited around a moment the listener names
MOMENT_MAX = 60.0                         # ... and never more than this in all


@dataclass(frozen=True, slots=True)
class EpisodeQuestion:
    kind: Kind
    name: str | None = None     # "who is NAME?": the name asked about (a guest's, if it is one)
    at: float | None = None     # "what did he say at 45:00?": the moment, in seconds
    topic: list[str] | None = None  # ... and what else it asks about there, if anything ("… about his dad?")


# what was said at a moment, asked with no topic: "what were they talking about around minute 30?"
_ANY_TALK = frozenset({
    "saying", "going", "happening", "happened", "discussing", "discussion", "topic", "topics", "subject", "exactly",
    "right", "point", "part", "bit", "time", "timestamp", "conversation", "chat", "interview", "video", "mark",
    "minute", "minutes", "hour", "hours", "speaking", "spoke", "speak", "chatting", "covering", "covered", "come",
    "came", "brought", "play", "show", "quote", "summarize", "summarise", "summary", "explain", "explaining",
    "describe", "describing", "guy", "guys", "man", "dude", "two", "being", "tell", "telling", "is", "are", "was",
    "were", "be", "been", "about", "ask", "asks", "asked", "asking", "question", "questions", "answer", "then",
    "there", "moment", "happens", "happen", "mentions", "mentioning", "on"})


def moment_topic(question: str) -> list[str]:
    """The words of a question that names a moment other than the moment and "what was said": "around 40 minutes
    in, what did he say about his dad?" -> ["dad"] (a prior on where to search, `bot.ask.position`); [] for
    "what were they talking about around minute 30?" (what was said then)."""
    where = where_in(question)
    rest = where.question if where is not None else question
    return [w for w in words(rest) if w not in _ANY_TALK and not w.isdigit()]


def classify(question: str) -> EpisodeQuestion | None:
    """What kind of question about the episode itself this is, if it is one."""
    q = " ".join(question.split())
    at = moment(q)
    if at is not None and _SAID_THEN.search(q):
        return EpisodeQuestion("moment", at=at, topic=moment_topic(q))
    if _GUEST.match(q):
        return EpisodeQuestion("guest")
    if _OVERVIEW.match(q):
        return EpisodeQuestion("overview")
    who = _WHO_IS.match(q)
    if who and len(who.group("name").split()) <= 4 and not re.search(r"['’]s\b", who.group("name")):
        return EpisodeQuestion("guest", name=who.group("name"))
    return None


def introduction(sentences: list[Sentence], ad: list[bool]) -> list[Sentence]:
    """The host's introduction of the guest: from its first line ("The following is a conversation with
    …", found after any cold open), the sentences that are not sponsor reads, up to INTRO_SECONDS; the
    opening seconds when the episode has no recognisable introduction."""
    first = introduction_line(sentences)
    out: list[Sentence] = []
    for i in range(first or 0, len(sentences)):
        if ad[i]:
            if out:
                break
            continue
        out.append(sentences[i])
        if out[-1].end - out[0].start >= INTRO_SECONDS * (1.0 if first is not None else 0.6):
            break
    return out


def opening(sentences: list[Sentence], first: int, end: float, excluded=lambda i: False) -> list[Sentence]:
    """Up to CHAPTER_SECONDS of speech from sentence `first` on, before `end`, stopping at a sponsor read
    or the show's framing (skipped when it comes first)."""
    out: list[Sentence] = []
    for i in range(first, len(sentences)):
        s = sentences[i]
        if s.start >= end:
            break
        if excluded(i):
            if out:
                break
            continue
        out.append(s)
        if out[-1].end - out[0].start >= CHAPTER_SECONDS:
            break
    return out


def around(text, at: float) -> list[Sentence]:
    """The speech of an EpisodeText from the sentence being said at `at` (MOMENT_BEFORE earlier at most) to
    MOMENT_AFTER on, never past MOMENT_MAX seconds in all (one long sentence at the end would run on)."""
    out: list[Sentence] = []
    for s in text.sentences_between(at - MOMENT_BEFORE, at + MOMENT_AFTER):
        if out and s.end - out[0].start > MOMENT_MAX:
            break
        out.append(s)
    return out
