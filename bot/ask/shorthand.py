"""What listeners type in short that the transcript says in full: units after a number ("27km", "5 mins"),
chat shorthand ("any book recs?", "that convo with his dad") and contractions typed without their apostrophe
("whats his take", "doesnt he"); and chat's asides ("ngl", "tbh"), which it does not say at all. Whisper writes
"27 kilometer", "recommendations";
left short, the question's word is said nowhere, BM25 cannot find it, MiniLM reads it poorly, and the refusal
rules count it as a word the library lacks ("why does the collider have to be 27km around?" was refused as
"two words said nowhere").
"""
from __future__ import annotations

import re
from collections.abc import Callable

_UNITS = {
    "km": "kilometers", "kms": "kilometers", "kg": "kilograms", "kgs": "kilograms", "lb": "pounds",
    "lbs": "pounds", "mph": "miles per hour", "kph": "kilometers per hour", "ft": "feet", "cm": "centimeters",
    "mm": "millimeters", "hr": "hours", "hrs": "hours", "min": "minutes", "mins": "minutes", "sec": "seconds",
    "secs": "seconds", "yr": "years", "yrs": "years", "gb": "gigabytes", "tb": "terabytes", "mb": "megabytes",
    "ghz": "gigahertz", "mhz": "megahertz", "bn": "billion", "mil": "million", "yo": "years old",
}
_AMOUNT = re.compile(rf"\b(\d+(?:[.,]\d+)?)\s?({'|'.join(_UNITS)})\b", re.IGNORECASE)

_CHAT = {
    "rec": "recommendation", "recs": "recommendations", "convo": "conversation", "convos": "conversations",
    "pic": "picture", "pics": "pictures", "vid": "video", "vids": "videos", "uni": "university",
    "prof": "professor", "profs": "professors", "gf": "girlfriend", "bf": "boyfriend", "bday": "birthday",
    "fav": "favorite", "fave": "favorite", "favs": "favorites", "faves": "favorites", "ppl": "people",
    "govt": "government", "dept": "department", "cuz": "because", "tho": "though",
    "abt": "about", "rn": "right now", "irl": "in real life", "info": "information",
    "stats": "statistics", "philo": "philosophy", "psych": "psychology", "econ": "economics", "chem": "chemistry",
    # places as chat abbreviates them; the transcripts say them out. Not "WWI": MiniLM knows it, and "World War I"
    # in BM25 is every passage about a war (dev a106 fell from first to second)
    "nyc": "New York City", "sf": "San Francisco",
    # family as chat (and British English) says it; the transcripts say "grandmother", "mom"
    "gran": "grandmother", "granny": "grandmother", "nan": "grandmother", "nana": "grandmother",
    "grandad": "grandfather", "mum": "mom", "mums": "moms",
    "sis": "sister",
}
# contractions as chat types them; every one is said with its apostrophe in the transcripts. Not "cant", "wont",
# "ill", "its", "id", "lets", "hell", "shell", "wed": words of their own (though no refusal rule counts "cant" and
# "wont" as words said nowhere: `lexical.CONTRACTED`).
_CONTRACTIONS = {
    **{f"{w}s": f"{w}'s" for w in ("what", "who", "where", "how", "that", "there", "here", "he", "she")},
    **{f"{w}nt": f"{w}n't" for w in ("is", "was", "are", "were", "do", "does", "did", "has", "have", "had", "could",
                                     "would", "should", "need", "must", "might", "ai")},
    "dont": "don't", "didnt": "didn't", "doesnt": "doesn't", "wouldnt": "wouldn't", "couldnt": "couldn't",
    "im": "I'm", "ive": "I've", "youre": "you're", "theyre": "they're", "youve": "you've", "theyve": "they've",
    "weve": "we've", "youd": "you'd", "theyd": "they'd", "itll": "it'll", "youll": "you'll",
    "theyll": "they'll", "shouldve": "should've", "wouldve": "would've", "couldve": "could've",
}
_CONTRACTION = re.compile(rf"\b(?:{'|'.join(_CONTRACTIONS)})\b", re.IGNORECASE)
# chat's asides: how the listener feels about asking, or how they want it put ("eli5"), never what they ask. Said
# nowhere in the transcripts, left in they are words the library lacks, which the refusal rules count against the
# question: "ngl the sicily mob story was wild lol, what happened to anya's boss in the end?" was refused ("a term
# said nowhere": "ngl")
_ASIDES = ("ngl", "tbh", "tbf", "imo", "imho", "idk", "iirc", "afaik", "btw", "fyi", "fwiw", "lol", "lmao", "lmfao",
           "rofl", "omg", "omfg", "smh", "ikr", "jk", "ofc", "istg", "bruh", "eli5")
_ASIDE = re.compile(rf"\b(?:{'|'.join(_ASIDES)})\b", re.IGNORECASE)
SPOKEN_SHARE = 0.2      # shorthand said this often, against the full word, is spoken too ("stats"): it stays
_WORD = re.compile(r"\b[A-Za-z]{2,6}\b")


def _telling(words: str) -> str:
    """The word of a written-out form that tells how often the library says it: the longest, the last of equals
    ("right now": "right", where "now" is a stop word the library counts as said nowhere)."""
    return max(reversed(words.split()), key=len)


def spelled_out(text: str, used: Callable[[str], int]) -> str:
    """`text` with units after numbers and chat shorthand written out in full. Shorthand the library says as
    often as SPOKEN_SHARE of the full word (`used`: how many passages say a word) stays as typed: there the
    transcript's own word is the better match."""
    text = _AMOUNT.sub(lambda m: f"{m.group(1)} {_UNITS[m.group(2).lower()]}", text)

    def full(m: re.Match) -> str:
        word = m.group(0)
        long = _CHAT.get(word.lower())
        return long if long and used(word.lower()) < SPOKEN_SHARE * used(_telling(long)) else word
    return _WORD.sub(full, text)


def with_apostrophes(text: str) -> str:
    """`text` with contractions typed without their apostrophe written with it ("whats" -> "what's"): left bare,
    "whats" and "doesnt" are words said nowhere, which the refusal rules count against the question."""
    return _CONTRACTION.sub(lambda m: _CONTRACTIONS[m.group(0).lower()], text)


def without_asides(text: str, used: Callable[[str], int]) -> str:
    """`text` without the chat asides ("ngl", "tbh", "lol") the library never says (`used`: how many passages say a
    word); one it does say ("IMO", the maths olympiad) stays."""
    out = _ASIDE.sub(lambda m: "" if not used(m.group(0).lower()) else m.group(0), text)
    return re.sub(r"\s+([,.!?;:])", r"\1", " ".join(out.split())).lstrip(",.;: ") if out != text else text
