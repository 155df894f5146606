"""A question's subject without the words that only ask it: "what did Ilya say about double descent?" ->
"double descent"; and the topic a question asks whether the episode has ("did he talk about X?": X).

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
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def asked_sentences(question: str) -> str:
    """The sentences of a message that ask, when others only tell ("Avi Loeb on this show is all about hunting for
    alien tech. Does Penrose have a theory on where we might find life?"; "which nordic country did she live in?
    it came up while she joked about huxley's dystopia"); the whole message when none, or every one, asks."""
    parts = [p for p in _SENTENCE_END.split(question.strip()) if p]
    asking = [p for p in parts if p.endswith("?")]
    return " ".join(asking) if asking and len(asking) < len(parts) else question


def question_core(question: str) -> str:
    """The question without its asking scaffold, or "" when that leaves fewer than two words or nothing
    was taken off."""
    core = _ACCORDING.sub("", _SCAFFOLD.sub("", question, count=1)).strip(" ?")
    return core if len(core.split()) >= 2 and core != question.strip(" ?") else ""


# "did he (ever) talk about X", "does Brian have a take on X", "any chance he mentioned X", "did they get into X",
# "did glenn open up about X", "does she cover X": the listener asks whether X came up at all
_WHETHER = re.compile(
    r"^\s*(?:so\s+|and\s+|also\s+)?(?:(?:did|does|do|has|have|had|would|will)\s+(?:[\w'’.-]+\s+){0,4}?|any\s+chance\s+"
    r"(?:[\w'’.-]+\s+){0,2}?|is\s+there\s+an?\s+(?:episode|guest|one|conversation)\s+(?:where|that|who|which)\s+"
    r"(?:[\w'’.-]+\s+){0,2}?|(?:which|what)\s+(?:episodes?|guests?|ones?)\s+(?:[\w'’.-]+\s+){0,2}?)"
    r"(?:ever\s+|even\s+|actually\s+)?"
    r"(?:talk(?:ed|s)?|(?:say|said)\s+(?:anything|whether|if)|mention(?:ed|s)?|bring\s+up|brought\s+up|discuss(?:ed|es)?|"
    r"get\s+into|got\s+into|go\s+into|touch(?:ed)?\s+on|have\s+(?:a\s+take|an\s+opinion|thoughts|any\s+thoughts)\s+on|"
    r"open(?:ed)?\s+up|speak|spoke|go\s+over|went\s+over|cover(?:ed)?|address(?:ed)?|weigh(?:ed)?\s+in|explain(?:ed|s)?)"
    r"\s+(?:about\s+|on\s+|of\s+)?(?P<topic>[^?.!]+)", re.I)


def topic_asked(question: str) -> str:
    """What a question asks whether the episode discussed ("did he talk about poison gas in the trenches?" ->
    "poison gas in the trenches"), from any of its sentences; "" when it asks something else."""
    for sentence in _SENTENCE_END.split(question):
        m = _WHETHER.match(sentence)
        if m:
            return m.group("topic").strip()
    return ""


# "what did jocko say about chris kyle?", "where does he stand on the death penalty?", "whats his take on X":
# what the guest said or thinks about a topic, which the listener may name in their own words
_OPINION = re.compile(
    r"\b(?:what\s+(?:did|does|do)\s+(?:[\w'’.-]+\s+){1,3}?(?:say|think|believe|feel)\s+(?:about|of|on)|"
    r"where\s+(?:does|did)\s+(?:[\w'’.-]+\s+){1,3}?stand\s+on|how\s+(?:does|did)\s+(?:[\w'’.-]+\s+){1,3}?feel\s+about|"
    r"(?:take|view|views|stance|position|opinion|thoughts|feelings)\s+on)\s+(?P<topic>[^?.!]+)", re.I)


OPINION_MAX_WORDS = 6       # a topic in more words (3+ letters) is a view described, not a topic named


def opinion_topic(question: str) -> str:
    """The topic a question asks what the guest said or thinks about, named in a few words ("what did dan say about
    julius caesar, great leader or tyrant?" -> "julius caesar, great leader or tyrant"); "" when it asks something
    else, or describes the view in more words, as a listener does in their own ("whats his take on piling up debt
    to juice the size of your bets when trading, pure recklessness or is there a point to it": leverage)."""
    for sentence in _SENTENCE_END.split(question):
        m = _OPINION.search(sentence)
        if m:
            topic = m.group("topic").strip()
            return topic if len(re.findall(r"[^\W\d_]{3,}", topic)) <= OPINION_MAX_WORDS else ""
    return ""


# "did jocko tell the friendly fire story from ramadi?": whether a story was told at all
_WHETHER_TOLD = re.compile(r"^\s*(?:did|does|do|has|have|had)\s+(?:[\w'’.-]+\s+){0,3}?(?:ever\s+)?(?:tell|told)\b", re.I)
# "…usb sticks, she talked about this one?": the same, asked as a statement with a question mark (its subject a
# pronoun or a name, typed in any case)
_WHETHER_STATED = re.compile(r"^\s*[a-z][\w'’-]+\s+(?:ever\s+)?(?:talk(?:ed|s)?|mention(?:ed|s)?|"
                             r"discuss(?:ed|es)?|brought\s+up|brings\s+up|said\s+anything|says\s+anything)\b"
                             r"[^?]*\?\s*$", re.I)
_CLAUSES = re.compile(r"(?<=[?.!,;:])\s+|\s+[-—–]\s+|\s*\(")


def asks_whether(question: str) -> bool:
    """Any clause of the question asks whether something came up ("…back in the day, does he ever talk about
    growing up in sweden?"), rather than describing a moment the listener remembers."""
    return any(_WHETHER.match(c) or _WHETHER_TOLD.match(c) or _WHETHER_STATED.match(c)
               for c in _CLAUSES.split(question))


_OPENS_A_QUESTION = re.compile(r"\s*(?:what|why|how|who|when|where|which|did|does|do|is|was|were|are|can|could|would|"
                               r"should|has|have|had)\b", re.I)


def as_question(text: str) -> str:
    """A question typed or dictated without its question mark, with it ("what did he say about X" -> "...X?").
    MiniLM reads the mark: dictated questions (no punctuation) lost 7 top-1 hits in the episode and 8 corpus-wide
    on the eight bench sets; with the mark put back, 3 and 5 of them return, and typed questions rank the same."""
    if "?" in text or not _OPENS_A_QUESTION.match(text):
        return text
    return text.rstrip(" .!") + "?"


# "what woodwind did she play…", "which critter does Whitney reckon…", "which nordic country did rosalyn…": the
# words after "what"/"which", before the verb and its subject, are the kind of thing the answer names, and the
# passage names the thing itself ("clarinet"), so their not being said there tells nothing. Not "what alcohol does
# to your brain": there the word is the subject of the question, and "does" has no subject after it.
_ASKED_KIND = re.compile(
    r"\b(?:what|which)\s+(?:kind\s+of\s+|sort\s+of\s+|type\s+of\s+)?(?P<kind>[a-z][\w-]*(?:\s+[a-z][\w-]*)?)\s+"
    r"(?:did|does|do|was|is|were|are|has|have|had|would|will|could|can)\s+"
    r"(?!(?:to|with|in|on|for|about|at|from|by|of|not|so|that|this|just|really|more|less)\b)[a-z][\w'’-]*\s+\w",
    re.IGNORECASE)
_NOT_KIND = frozenset("did does do was is were are has have had would will could can the a an of".split())


def asked_kinds(question: str) -> set[str]:
    """The words naming the kind of thing a "what/which X did he …" question asks for ("woodwind" in "what
    woodwind did she play?"), lowercased."""
    out: set[str] = set()
    for m in _ASKED_KIND.finditer(question):
        out.update(w.lower() for w in m.group("kind").split() if w.lower() not in _NOT_KIND)
    return out
