"""Words as the quote index sees them, and what a listener's request really asks for.

Index words are lowercased, apostrophe-free and accent-folded like `bot.verbatim.normalize`, but cut
with one regex (the character loop there is too slow for a whole back catalogue); then Snowball-stemmed,
so "matters"/"matter" and "insulting"/"insult" meet. Misspellings are handled later, by fuzzy matching
against the vocabulary. Printed text never comes from here: it is always the transcript's own sentence.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Callable

import Stemmer

from bot.saying import SAYING_PATTERN

_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = str.maketrans("", "", "'’‘`´")
_local = threading.local()


def words(text: str) -> list[str]:
    """Lowercase alphanumeric words, apostrophes dropped ("don't" -> "dont"), accents folded."""
    text = text.lower().translate(_APOSTROPHES)
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _WORD.findall(text)


def stems(tokens: list[str]) -> list[str]:
    """Snowball English stems (one stemmer per thread: PyStemmer instances are not thread-safe)."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("english", 50000)
    return stemmer.stemWords(tokens)


# Ways listeners wrap the line they remember; the wrapper is not part of the quote.
_LEAD_IN = re.compile(
    r"^\s*(?:(?:what|where|when|which)(?:'s|’s|\s+is|\s+was)?\s+(?:that|the)\s+(?:line|quote|bit|part|thing|moment)"
    r"(?:\s+(?:about|where|when|with|that\s+goes|saying|that))?"
    r"|(?:find|show\s+me|give\s+me)\s+(?:the\s+)?(?:line|quote|part|bit|moment)"
    r"(?:\s+(?:about|where|when|that\s+goes|saying))?"
    r"|(?:the\s+)?(?:line|quote)\s+(?:about|where|that\s+goes|saying)"
    r"|something\s+(?:like|about)"
    r"|(?:who|when|where)\s+(?:said|says))\b[\s:,\-–—]*",
    re.IGNORECASE)
# "... where he says X", "when did Ilya say X": the speaker (if named) is a hint, X is the line.
_SAYS = re.compile(
    r"^(?:(?:when|where|how)\s+did\s+(?P<named>[\w'’.-]+(?:\s+[\w'’.-]+){0,2}?)\s+say"
    r"|(?:he|she|they|someone|somebody)\s+(?:says|said))(?:\s+something\s+like)?(?:\s+that)?\b[\s:,]*",
    re.IGNORECASE)
# "Kasparov said something about X", "Elon Musk says something like X": a capitalised name, then a
# wrapper no real line opens with ("said that" alone could be the line itself, so it is not taken).
_NAME_SAYS = re.compile(
    r"^(?P<named>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,2})\s+(?:said|says|once\s+said|mentioned)"
    r"\s+(?:something|a\s+line|a\s+thing)\s+(?:like|about|along\s+the\s+lines\s+of)\b[\s:,]*")
# "bertrand russell quote about walking a tightrope", "carlin's line about ...": who the line is by (or from) comes
# first, lowercase as often as not; "quote about" is no way a line opens, so the words before it are a name.
_NAMED_QUOTE = re.compile(
    r"^(?P<named>[\w'’.-]+(?:\s+[\w'’.-]+){0,2}?)(?:'s|’s)?\s+(?:quote|line)\s+(?:about|where|when|that\s+goes|saying)"
    r"\b[\s:,]*", re.IGNORECASE)
_NOT_NAMES = frozenset("i he she they we you someone somebody everyone nobody".split())
_NOT_NAME_WORDS = frozenset("the that this a an his her their your my our famous funny old great best favorite favourite "
                            "same other one".split())
_QUOTES = "\"'“”‘’«»`"
QUERY_MAX_WORDS = 60
QUERY_MAX_CHARS = 400
"""Only the start of a long query is matched: its first QUERY_MAX_WORDS words, within QUERY_MAX_CHARS.

Why: a remembered line is a sentence or two, and a match is at most two transcript sentences, so the
rest of a long paste can only dilute a window's coverage (a 20,000-character paste of a real passage
matched nothing at all), while every query word costs a term lookup and, when unknown, a fuzzy search of
the library's whole vocabulary (seconds for a pasted page of gibberish). Discord's /quote option already
stops at 500 characters; the CLI and --jsonl paths had no limit. The reply still shows the query as typed.
"""
_ATTRIBUTION = re.compile(r"^\s*([^:\n]{2,40}?)\s*:\s+(\S.{6,})$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class QueryParts:
    """The remembered words, and who (or which episode) the listener attributed them to, if anyone."""

    text: str
    attribution: str | None = None


def parse_query(query: str) -> QueryParts:
    """Strip lead-ins ("what was that line about"), quote marks and an attribution prefix ("Ilya: ...")."""
    text = " ".join(query.split())
    lead = _LEAD_IN.match(text)
    if lead and lead.end() < len(text):
        text = text[lead.end():]
    attribution = None
    says = _SAYS.match(text)
    # "he said ..." opens many a real sentence: only a wrapper after a lead-in or before "something like"
    if says and says.end() < len(text) and (lead or says.group("named") or "like" in says.group(0).lower()):
        attribution, text = says.group("named"), text[says.end():]
    named = _NAME_SAYS.match(text) if attribution is None else None
    if named and named.end() < len(text) and named.group("named").lower() not in _NOT_NAMES:
        attribution, text = named.group("named"), text[named.end():]
    quoted = _NAMED_QUOTE.match(text) if attribution is None else None
    if quoted and len(words(text[quoted.end():])) >= 3:
        text = text[quoted.end():]
        if not {w.lower() for w in quoted.group("named").split()} & (_NOT_NAMES | _NOT_NAME_WORDS):
            attribution = re.sub(r"['’]s$", "", quoted.group("named"))
    match = _ATTRIBUTION.match(text)
    if match and attribution is None and len(match.group(1).split()) <= 4 and len(words(match.group(2))) >= 3:
        attribution, text = match.group(1).strip(_QUOTES + " "), match.group(2)
    text = text.strip().strip(_QUOTES + " ").rstrip("?").strip(_QUOTES + " ")
    return QueryParts(_cap(text or query.strip()), attribution or None)


def _cap(text: str) -> str:
    """The first QUERY_MAX_WORDS words of `text`, cut back to a word edge within QUERY_MAX_CHARS."""
    kept = text.split(maxsplit=QUERY_MAX_WORDS)
    if len(kept) <= QUERY_MAX_WORDS and len(text) <= QUERY_MAX_CHARS:
        return text
    text = " ".join(kept[:QUERY_MAX_WORDS])
    if len(text) > QUERY_MAX_CHARS:
        cut = text.rfind(" ", 0, QUERY_MAX_CHARS + 1)
        text = text[:cut] if cut > 0 else text[:QUERY_MAX_CHARS]
    return text


# "chomsky google translater is worth having…", "kyle vogt said he felt like he could always hit the undo button…":
# the guest's name typed before the line, with no colon, and the line told in the third person. Tried only when the
# query as typed found nothing (`QuoteEngine.find`): a line may open with a name ("Jeff is a descendant of…").
_REPORTING = re.compile(rf"^(?:once\s+)?(?:{SAYING_PATTERN}|put\s+it)\b(?:\s+(?:us|lex|him|her|everyone|people)\b)?"
                        r"(?:\s+that\b)?[\s:,]*", re.IGNORECASE)
_FIRST_PERSON = {"he": "I", "she": "I", "him": "me", "his": "my", "her": "my", "himself": "myself",
                 "herself": "myself", "he's": "I'm", "she's": "I'm", "hes": "I'm", "shes": "I'm", "he'd": "I'd",
                 "she'd": "I'd", "he'll": "I'll", "she'll": "I'll"}     # looked up with a straight apostrophe
_PRONOUN = re.compile(r"\b(?:he|she|him|his|her|himself|herself)(?:['’](?:s|d|ll))?\b|\b(?:hes|shes)\b", re.IGNORECASE)
NAME_WORDS = 3


def as_told_by(text: str, names_guest: Callable[[list[str]], bool]) -> str | None:
    """`text` as "Name: the line" when it opens with up to NAME_WORDS words naming a guest (`names_guest`), then
    perhaps a verb of saying; the line told of the guest in the third person goes back to the first ("he felt like
    he could" -> "I felt like I could"). None when it opens with no guest's name or leaves fewer than 3 words."""
    tokens = text.split()
    for n in range(min(NAME_WORDS, len(tokens) - 1), 0, -1):
        if not names_guest([t.strip(",:;.!?") for t in tokens[:n]]):
            continue
        rest = " ".join(tokens[n:])
        verb = _REPORTING.match(rest)
        if verb:
            rest = rest[verb.end():]
        if verb or re.match(r"(?:he|she)\b", rest, re.IGNORECASE):
            rest = _PRONOUN.sub(lambda m: _FIRST_PERSON.get(m.group(0).lower().replace("’", "'"), m.group(0)), rest)
        if len(words(rest)) < 3:
            return None
        return f"{' '.join(tokens[:n])}: {rest}"
    return None
