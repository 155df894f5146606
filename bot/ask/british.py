"""A listener's British spelling, as the (American) transcripts write the word: "realise" -> "realize",
"favourite colour" -> "favorite color", "centre", "catalogue", "travelled", "paediatric", "defence".

Whisper writes American English, so a British spelling is often said nowhere in an episode: "did he realise the
programme's behaviour was wrong" was refused inside Donald Knuth's episode as naming a word it never says. The
candidates are only added beside the word as typed (`LexicalIndex.expand_words`); one the library does not say
("promize" for "promise") weighs nothing.
"""
from __future__ import annotations

import re

_WORDS = {
    "programme": "program", "programmes": "programs", "maths": "math", "aluminium": "aluminum", "grey": "gray",
    "tyre": "tire", "tyres": "tires", "plough": "plow", "cheque": "check", "sceptic": "skeptic",
    "sceptics": "skeptics", "sceptical": "skeptical", "scepticism": "skepticism", "mould": "mold", "kerb": "curb",
    "whilst": "while", "amongst": "among", "learnt": "learned", "spelt": "spelled", "dreamt": "dreamed",
    "burnt": "burned", "defence": "defense", "offence": "offense", "licence": "license", "pretence": "pretense",
    "manoeuvre": "maneuver", "oestrogen": "estrogen", "foetus": "fetus", "storey": "story", "pyjamas": "pajamas",
}
_RULES = (
    (re.compile(r"(?<=[a-z]{2})is(e|es|ed|ing|ation|ations|er|ers)$"), r"iz\1"),       # realise, organisation
    (re.compile(r"(?<=[a-z]{2}[^aeo])our(s|ed|ing|ite|ites|able|ably|ful|less|er|ers|hood|hoods)?$"), r"or\1"),  # colour, labourers
    (re.compile(r"(?<=[a-z]{2})([tb])re(s|d)?$"), r"\1er\2"),                          # centre, fibre
    (re.compile(r"(?<=[a-z]{4})ogue(s)?$"), r"og\1"),                                  # catalogue, dialogue
    (re.compile(r"(?<=[a-z]{3}[ea])ll(ed|ing|er|ers)$"), r"l\1"),                      # travelled, modelling
    (re.compile(r"(?<=[^aeiou])ae(?=[a-z]{3})"), "e"),                                 # paediatric, anaemia
)


def american(word: str) -> list[str]:
    """The American spellings of a British-spelt `word` (lower case), or [] for any other word."""
    if word in _WORDS:
        return [_WORDS[word]]
    if len(word) < 6:
        return []
    out = []
    for pattern, repl in _RULES:
        us = pattern.sub(repl, word)
        if us != word:
            out.append(us)
    return out
