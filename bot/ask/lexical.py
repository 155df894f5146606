"""BM25 over transcript chunks, with stemming and fuzzy expansion of words the transcriber misspelled.

A listener types "Sutskever"; Whisper wrote "Sotskever". Query words absent from the vocabulary are
expanded to close spellings that are present, so rare names still hit.
"""
from __future__ import annotations

import bisect
import logging
import math
import re
from collections.abc import Sequence
from functools import lru_cache

import bm25s
import numpy as np
import Stemmer
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Hamming, Levenshtein

from bot.ask.british import american
from bot.ask.names import sound_key
from bot.numbers import number_forms

logging.getLogger("bm25s").setLevel(logging.WARNING)   # bm25s sets its own logger to DEBUG on import

_WORD = re.compile(r"(?u)\b\w\w+\b")
DOMINANT = 3                # a respelling is taken when it is this many times more used than the next
_ALPHA = re.compile(r"\b[^\W\d_]{3,}\b")      # words `spelling` may mend (3 letters: a swapped function word)
_STEMMER = Stemmer.Stemmer("english")
STOPWORDS = frozenset(bm25s.stopwords.STOPWORDS_EN) | {
    "yeah", "like", "know", "think", "just", "really", "thing", "things", "kind", "sort", "actually", "mean",
    "lot", "say", "said", "says", "talk", "talked", "talks", "talking", "discuss", "discussed", "mention",
    "mentioned", "episode", "podcast", "guest", "did", "does", "doe", "what", "why", "how", "who", "whom",
    "tell", "anything", "something", "he", "she", "his", "her", "they", "lex", "fridman", "host",
    "vs"}        # "versus" as listeners type it; the transcripts spell it out
# what is left of a contraction once its "'t" is split off ("wasn't" -> "wasn"): a function word, yet an episode may
# never say it (Kate Darling's never says "wasn't"), and then it counted as a rare word the episode lacks
# what "didn't" leaves as a word, and "can't"/"won't" typed without their apostrophe (chat's "cant", never the noun)
CONTRACTED = frozenset("didn doesn isn wasn weren aren hasn haven hadn couldn wouldn shouldn mustn needn shan ain cant "
                       "wont".split())


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _STEMMER.stemWord(word)


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


def stems(text: str) -> list[str]:
    return [_stem(w) for w in words(text)]


COMMON_WORD = 9_000        # pyspellchecker count from which a word is everyday English ("song", "park", "hall")


RARE_WORD = 600            # ... and at most this: a rare word ("apnea" 367, "phosphine" 50; "graphics" 1265)
DICTIONARY_WORD = 100      # ...and a word this common is in the dictionary, not a coinage ("firefox" 50)
TERM_WORD = 300            # ... and below this, a term or name rather than a listener's wording ("samplers" 50,
                           # "mypy" 0; "stimulant" 390, "footballer" 629)
EVERYDAY_NEW_COUNT = 2_000     # the count given to EVERYDAY_NEW_WORDS: everyday (not a rare word nor a term)


def _phrase(a: str, b: str) -> str:
    """Two words said in a row, as one query term (their stems, space-separated)."""
    return f"{_stem(a)} {_stem(b)}"


def stem_pairs(text: str) -> set[str]:
    """The stems of `text` and each two in a row (`_phrase`): what a query term can match in it."""
    said = stems(text)
    return set(said) | {f"{a} {b}" for a, b in zip(said, said[1:])}


HEARD_AFTER_RATIO = 50     # a surname heard otherwise after its first name: "eddington" / "Edmonds" (ratio 50)
MIN_UNKNOWN_LEN = 3        # a shorter word ("gp", "ok") is too short to tell a topic the library lacks
# How listeners write the world wars ("did lex mention his grandpa fighting in ww2"); Whisper writes "World War II".
# Where the library says "world war", it is no word said nowhere for the refusal rules to count (14 sets: one wrong
# refusal fewer, nothing else moved). It stays out of the lexical search: as the phrase "world war" it cost two
# top-1 hits across the library, as the words apart more (`bot.ask.shorthand`).
_WORLD_WAR = re.compile(r"ww(?:[12]|ii?|one|two)")


def english_count(word: str) -> int:
    """How common `word` is in English, by its commonest form: the list counts each form apart, and a plural or
    past tense of an everyday word is rare in it ("formats" 86, "format" 1373), and so is a comparative of one
    made from its "y" ("moodier" 50, "moody" 2197)."""
    counts = word_counts()
    n = counts.get(word, 0)
    for suffix in ("s", "es", "ed", "ing", "ly"):
        base = word[:-len(suffix)]
        if word.endswith(suffix) and len(base) >= 3:
            n = max(n, counts.get(base, 0), counts.get(base + "e", 0))
    base = _y_base(word)
    return max(n, counts.get(base, 0)) if base else n


def _y_base(word: str) -> str | None:
    """The word a form made from a final "y" comes from ("moodier", "tidied", "luckily": "moody", "tidy",
    "lucky"), if `word` is one."""
    for suffix in ("ier", "iest", "ied", "ies", "ily", "iness"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[:-len(suffix)] + "y"
    return None


_NUMBER = re.compile(r"\d+(?:st|nd|rd|th|s)?")


def is_number(word: str) -> bool:
    """A number as typed ("44", "44th", "1990s"): the transcript may write it in words, it names no term, and no
    other number is another spelling of it ("1980s" is a letter off "1990s")."""
    return bool(_NUMBER.fullmatch(word))


def _written_names(text: str, letters: int) -> set[str]:
    """The words of `text` written as names (lowercased): capitalised, `letters` long or more, and not opening a
    sentence."""
    return {m.group().lower() for m in re.finditer(rf"\b[A-Z][a-z]{{{letters - 1},}}", text)
            if text[:m.start()].strip(" \"'“(") and not text[:m.start()].rstrip().endswith((".", "?", "!"))}


def _overstemmed(word: str) -> bool:
    """The stemmer cut `word` down to another, everyday word ("mindfulness" -> "mind", "hopefulness" -> "hope"):
    a passage saying that word does not say this one."""
    stem = _stem(word)
    return len(stem) <= len(word) - 4 and english_count(stem) >= COMMON_WORD


def is_term(word: str) -> bool:
    """A word too rare in everyday English to be a paraphrase: a name, a product, a technical term. Not a dictionary
    word made of two everyday ones ("menswear", "offbeat", "teatime", rare in the list though they are: blind set
    15's paraphrases were refused for them); a product so made is in no dictionary ("blockchain", "neuralink")."""
    n = english_count(word)
    return n < TERM_WORD and not (n >= DICTIONARY_WORD and everyday_compound(word.lower()))


def everyday_compound(word: str) -> bool:
    """Two everyday words written as one ("offbeat": off + beat)."""
    return any(english_count(word[:i]) >= COMMON_WORD and english_count(word[i:]) >= COMMON_WORD
               for i in range(3, len(word) - 2))


# everyday words of today that pyspellchecker's list (counted from older text) lacks: without them "tech" and "app"
# were terms, so blind set 17's "the richest tech mogul" was refused as naming a term its episode never says.
# Generic words only: a product or a topic of its own ("bitcoin", "covid", "netflix") stays a term.
EVERYDAY_NEW_WORDS = ("tech", "app", "apps", "bio", "smartphone", "smartphones", "wifi", "selfie", "selfies", "emoji",
                      "emojis", "ebook", "ebooks", "influencer", "influencers", "chatbot", "chatbots", "livestream",
                      "vlog", "cyber", "podcasts", "startups", "texting", "memes")


@lru_cache(maxsize=1)
def word_counts() -> dict[str, int]:
    from spellchecker import SpellChecker

    counts = dict(SpellChecker(language="en", distance=1).word_frequency.dictionary)
    for w in EVERYDAY_NEW_WORDS:
        counts[w] = max(counts.get(w, 0), EVERYDAY_NEW_COUNT)
    return counts


@lru_cache(maxsize=1)
def _word_lists() -> tuple[frozenset[str], frozenset[str]]:
    counts = word_counts()
    return frozenset(counts), frozenset(w for w, c in counts.items() if c >= COMMON_WORD)


def english_words() -> frozenset[str]:
    """English words (pyspellchecker's frequency list, shipped in its wheel: offline), as a set."""
    return _word_lists()[0]


def common_words() -> frozenset[str]:
    """Everyday English words (the list's names, "keller", "barrett", are far rarer)."""
    return _word_lists()[1]


def _typo_cost(typed: str, word: str) -> int:
    """Edit cost of a typing slip: a missing, extra or swapped letter costs 2, a wrong letter 3
    ("loosing" is "losing" before it is "looking")."""
    cost = Levenshtein.distance(typed, word, weights=(2, 2, 3))
    swaps = OSA.distance(typed, word)
    if swaps < Levenshtein.distance(typed, word):      # swapping two neighbours saved an edit
        cost = min(cost, 2 * swaps)
    return cost


def close_to(word: str, known_words: list[str], cutoff: float = 85) -> bool:
    """`word` is one of `known_words` in a close spelling: a listener's "Sutskever" for the transcriber's
    "Sotskever" (ratio 89), "Sara" for "Sarah" (89). At 85, not "elman" for "Feldman" (83): a respelled
    "Ekman" asked in Lisa Feldman Barrett's episode is another name. One misheard letter, not the first, in a
    word of 4+ letters is enough too ("Tull" for the transcriber's "Thomas Tall", ratio 75), and so is the same
    sound (`_heard_alike`)."""
    if not known_words:
        return False
    if process.extractOne(word, known_words, scorer=fuzz.ratio, score_cutoff=cutoff) is not None:
        return True
    return any(one_letter_off(word, k) or _heard_alike(word, k) for k in known_words) \
        or sounds_like(word, known_words)


def _heard_alike(word: str, name: str) -> bool:
    """A listener's right spelling of a name the transcriber heard otherwise: the same sounds ("Niall" for the
    intro's "Neil" Ferguson), or for a three-letter name one letter, not the first ("Loh" for "Po Shen Lou"). No
    English word: "tips" is not Tim."""
    if word in english_words():
        return False
    if len(word) == len(name) == 3:
        return word[0] == name[0] and Hamming.distance(word, name) == 1
    key = sound_key(word)
    return key is not None and key == sound_key(name)


def sounds_like(word: str, known_words: list[str]) -> bool:
    """`word` (5+ letters) sounds like one of `known_words` and ends as it does: the listener's "Vinyals" for the
    intro's "Veniales" (episode 306) is its guest, when the library also has an intro's "Vinales" (episode 20) and
    the name cannot be respelled as one guest's."""
    key = sound_key(word) if len(word) >= 5 else None
    return key is not None and any(len(k) >= 5 and k[-1] == word[-1] and sound_key(k) == key for k in known_words)


def _name_before(question: str, word: str) -> str | None:
    """The word right before `word` in the question (lower case; 3+ letters, no stop word): the first name a surname
    follows ("sir arthur eddington", "sylvio micheli")."""
    before = re.search(rf"\b([A-Za-z]{{3,}})\s+{re.escape(word)}\b", question, re.IGNORECASE)
    first = before.group(1).lower() if before else None
    return None if first is None or first in STOPWORDS else first


def after_first_name(question: str, word: str, known_words: list[str]) -> bool:
    """`word` follows a first name of `known_words` (the scope's guest, as its title says them) in the question and
    starts as the word after that name does: the guest's surname as the listener spells it. Blind set 21's "sylvio
    micheli's example" in the episode whose transcript calls him "Silvio McCauley"."""
    first = _name_before(question, word) if known_words else None
    return first is not None and any(close_to(first, [known]) and following[:1] == word[:1].lower()
                                     for known, following in zip(known_words, known_words[1:]))


def one_letter_off(word: str, other: str) -> bool:
    """One letter of a 4+ letter word misheard, not the first: "tull" and "tall"."""
    return len(word) == len(other) >= 4 and word[0] == other[0] and Hamming.distance(word, other) == 1


_ENDINGS = ("est", "er", "ers", "ing", "ings", "ed", "es", "s", "ly")
# what a listener adds to a word to make one of their own: "schoolers", "reworking", "unselfconscious"
_SUFFIXES = _ENDINGS + ("ness", "ism", "ist", "ists", "ful", "less", "ment", "ish")
_PREFIXES = ("re", "un", "non", "over", "under", "self", "pre", "mis", "anti", "out", "co")    # "cofounder": "founder"


class LexicalIndex:
    """BM25 (bm25s) over a fixed list of documents plus document frequencies for term weighting."""

    def __init__(self, docs: list[str]):
        said = [words(d) for d in docs]                     # tokenised once: for BM25 and for the vocabulary
        tokenized = [[_stem(w) for w in ws] for ws in said]
        bm25 = bm25s.BM25()
        bm25.index(tokenized, show_progress=False)
        df: dict[str, int] = {}
        surface: set[str] = set()
        for ws, toks in zip(said, tokenized):
            for t in set(toks):
                df[t] = df.get(t, 0) + 1
            surface.update(ws)
        self._adopt(docs, bm25, df, sorted(surface))

    @classmethod
    def from_parts(cls, docs: Sequence[str], bm25: bm25s.BM25, df: dict[str, int],
                   surface: list[str]) -> LexicalIndex:
        """An index built before (`bot.ask.lexical_cache`): the same scores without tokenising `docs` again.
        `docs` may read its texts on first use (`bot.ask.retrieval.ChunkTexts`)."""
        index = cls.__new__(cls)
        index._adopt(docs, bm25, df, sorted(surface))
        return index

    def _adopt(self, docs: Sequence[str], bm25: bm25s.BM25, df: dict[str, int], surface: list[str]) -> None:
        self.n_docs = len(docs)
        self.docs = docs
        self.bm25 = bm25
        self.df = df
        self.surface = surface
        self.surface_set = frozenset(surface)
        self._splits: dict[str, tuple[str, str] | None] = {}
        self.phrases: dict[str, np.ndarray] = {}    # "star shade" (stems) -> the documents saying the two words in a row
        self._apart: set[str] = set()               # phrases no document says
        self._names: dict[tuple[str, str], bool] = {}  # (a, b) -> some document writes "A B", a name

    def has(self, term: str) -> bool:
        """A stem the library says, or a phrase `expand` found it says."""
        return term in self.df or term in self.phrases

    def idf(self, stem: str) -> float:
        df = self.df.get(stem, 0) or len(self.phrases.get(stem, ()))
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))

    def expand(self, query: str) -> list[str]:
        """Query stems plus in-vocabulary spellings of out-of-vocabulary words (names, misspellings)."""
        return list(dict.fromkeys(t for group in self.expand_words(query) for t in group))

    def expand_words(self, query: str) -> list[list[str]]:
        """`expand`, word by word: each of the query's words as its stem and the library's other spellings of it."""
        groups: list[list[str]] = []
        for w in words(query):
            groups.append(out := [])
            out.append(_stem(w))
            out += [_stem(n) for n in number_forms(w)]          # "ten days" finds "10 days"
            out += [_stem(us) for us in american(w)]           # "realise" finds "realize"
            if len(w) >= 5 and w not in self.surface_set and not is_number(w):
                completions = self.completions(w)
                out += [_stem(c) for c in completions]
                if completions:
                    continue                # "backprop" abbreviates "backpropagation"; it is no "backdrop"
                apart = self.split_said(w)
                if apart:                   # "starshade": the transcript says "star shade", a phrase (not "stars",
                    out.append(_phrase(*apart))     # nor "star" and "shade" anywhere: "PowerPlay" is no "play")
                    continue
                for cand, score, _ in process.extract(w, self.surface, scorer=fuzz.ratio, limit=3,
                                                      score_cutoff=80):
                    if cand[0] == w[0] or score >= 88:
                        out.append(_stem(cand))
        return groups

    def completions(self, w: str, limit: int = 2) -> list[str]:
        """Library words that `w` abbreviates by cutting their end ("backprop" -> "backpropagation",
        "neurosci" -> "neuroscience"): at least half the word and three letters short of it ("ruler" is
        not short for "rulers", nor "Frankl" for "Franklin"), the most used first."""
        lo = bisect.bisect_left(self.surface, w)
        hi = bisect.bisect_left(self.surface, w + "\uffff")
        found = [c for c in self.surface[lo:hi] if len(w) + 3 <= len(c) <= 2 * len(w)]
        return sorted(found, key=lambda c: -self.df.get(_stem(c), 0))[:limit]

    def spelling(self, w: str) -> str | None:
        """The library's spelling of a misspelled word ("nueral" -> "neural"): only for a lowercase word
        that is neither said in the library nor an English word ("shoppers", "feud", "tarot" are words the
        library happens not to say, and stay), and only when one close library word is used far more than
        any other as close (one slip, or two in long words; a swap of neighbours is one; in a word of four
        letters only a missing, extra or swapped letter: "chek" for "check")."""
        if not w.isalpha() or not w.islower() or w in self.surface_set or w in STOPWORDS or w in english_words():
            return None
        if len(w) == 3:              # "teh", "adn", "yuo": two neighbours swapped in a short function word
            swapped = {w[1] + w[0] + w[2], w[0] + w[2] + w[1]} & STOPWORDS
            return swapped.pop() if len(swapped) == 1 else None
        if len(w) < 4:
            return None
        completions = self.completions(w, limit=2) if len(w) >= 5 else []     # "chek" is no "chekhov"
        if completions:              # an abbreviation, spelled out for the embedder ("backprop" scores 0.19)
            first, *rest = completions
            dominant = not rest or self.df.get(_stem(first), 0) >= DOMINANT * self.df.get(_stem(rest[0]), 0)
            return first if dominant else None
        edits = 2 if len(w) >= 8 else 1
        found = process.extract(w, self.surface, scorer=OSA.distance, limit=20, score_cutoff=edits)
        if not found:
            return None
        costs = {c: _typo_cost(w, c) for c, _, _ in found}
        nearest = min(costs.values())
        if nearest > (4 if len(w) >= 8 else 3 if len(w) >= 5 else 2):   # two slips only when both are missing/extra/
            return None                                                  # swapped letters; in 4 letters only those
        used = sorted(((self.df.get(_stem(c), 0), c) for c, cost in costs.items() if cost == nearest), reverse=True)
        if len(used) > 1 and used[0][0] < DOMINANT * used[1][0]:
            return None             # "loosing": losing or looking? Not a guess worth making
        return used[0][1]

    def correct(self, text: str) -> str:
        """`text` with misspelled words in the library's spelling. Dense search is the one that needs it:
        MiniLM's cosine for "what did he say about nueral netwroks" is 0.29, spelled right 0.65. A
        capitalised word is a name the listener spelled on purpose, unless it only opens the sentence."""
        def fix(m: re.Match) -> str:
            word = m.group(0)
            typed = word.lower() if m.start() == 0 and word[1:].islower() else word
            return self.spelling(typed) or word
        return _ALPHA.sub(fix, text.lstrip())

    def unknown_words(self, query: str, known: str = "") -> list[str]:
        """Content words never said anywhere in the library, not even in a close spelling, nor a word of
        `known` (titles and guests) in a close spelling: the listener's "Sara" where the transcriber wrote
        "Sarah" names the guest. An English word's close spelling is only the transcriber's that English lacks
        (`spelt_otherwise`): "feud" is no slip for "feed"."""
        known_words = _WORD.findall(known.lower())
        english = english_words()
        return [w for w in words(query) if w not in self.surface_set and not is_number(w) and w not in CONTRACTED
                and len(w) >= MIN_UNKNOWN_LEN
                and _stem(w) not in self.df and not self._inflects(w)
                and not any(_stem(us) in self.df for us in american(w))     # "labourers": it says "laborers"
                and not (self.spelt_otherwise(w) if w in english else self._respelled(w))
                and not close_to(w, known_words) and not self.said_apart(w)
                and not after_first_name(query, w, known_words)
                and not (_WORLD_WAR.fullmatch(w) and self.said_together("world", "war"))
                and not self.heard_after_first_name(query, w, None)]

    def _respelled(self, w: str) -> bool:
        """`w` is how a listener might write a word the library says: the start of one ("backprop"), or one or two
        letters off it (two from 8 letters: "Sutskever" for "Sotskever"). Not any word `expand` reaches for
        recall: a name said nowhere ("Eurovision", "Duolingo", "kombucha") is not "erosion", "doling" or
        "Klobuchar" misspelt."""
        if len(w) < 5:
            return False            # as `expand`: too short to tell a slip from another word ("cbd", "asmr")
        return bool(self.completions(w)) or bool(self._close_spellings(w))

    def _close_spellings(self, w: str) -> list[str]:
        """Library words one letter off `w` (5+ letters; two from 8 letters) with the same first letter, among its
        three closest by ratio: what `_respelled` and `spelt_otherwise` count as the same word spelt otherwise."""
        slips = 2 if len(w) >= 8 else 1
        return [c for c, _, _ in process.extract(w, self.surface, scorer=fuzz.ratio, limit=3, score_cutoff=80)
                if c != w and Levenshtein.distance(w, c) <= slips and c[0] == w[0]]

    def _inflects(self, word: str) -> bool:
        """`word` is a library word with an ending the stemmer keeps ("proudest" for "proud", "moodier" for
        "moody"), or one a listener made of a library word (`derives`)."""
        for suffix in _ENDINGS:
            base = word[:-len(suffix)]
            if word.endswith(suffix) and len(base) >= 3 and {base, base + "e"} & self.surface_set:
                return True
        return _y_base(word) in self.surface_set or self.derives(word, None)

    def derives(self, word: str, mask: np.ndarray | None) -> bool:
        """`word` is a word said in the masked documents with an everyday prefix or ending added: a listener's
        own coinage ("schoolers": "school", "reworking": "working", "unselfconscious": "self conscious"), not
        a term the documents lack. The base keeps 4+ letters: "unix" is not "un" + "ix"."""
        for suffix in _SUFFIXES:
            base = word[:-len(suffix)]
            if word.endswith(suffix) and len(base) >= 4 and self._said_in([_stem(base), _stem(base + "e")], mask):
                return True
        return any(word.startswith(prefix) and len(word) - len(prefix) >= 4
                   and (self._said_in([_stem(word[len(prefix):])], mask) or self._split_said(word[len(prefix):], mask))
                   for prefix in _PREFIXES)

    def said_apart(self, word: str) -> bool:
        """`word` is said somewhere as two words ("power play" for "PowerPlay", "star shade" for "starshade")."""
        return self.split_said(word) is not None

    def split_said(self, word: str) -> tuple[str, str] | None:
        """The two words `word` is said as somewhere, one right after the other, or None (kept per word: the
        check may read the texts of every document saying both)."""
        if word not in self._splits:
            self._splits[word] = self._split(word)
        return self._splits[word]

    def _split(self, word: str) -> tuple[str, str] | None:
        for i in range(3, len(word) - 2):
            a, b = word[:i], word[i:]
            if self.said_together(a, b):
                return a, b
        return None

    def said_together(self, a: str, b: str) -> bool:
        """Some document says `a` and then `b` (library words); those documents become the phrase's (`_phrase`)."""
        key = _phrase(a, b)
        if key in self.phrases:
            return True
        if key in self._apart or a not in self.surface_set or b not in self.surface_set:
            return False
        both = np.flatnonzero(self.scores([_stem(a)]) * self.scores([_stem(b)]) > 0)
        together = re.compile(rf"\b{a}[\s-]+{b}\b", re.IGNORECASE)
        getattr(self.docs, "prefetch", lambda ids: None)(both)     # lazily read texts: together, not one by one
        saying = [int(d) for d in both if together.search(self.docs[int(d)])]
        if saying:
            self.phrases[key] = np.asarray(saying, dtype=np.int64)
        else:
            self._apart.add(key)
        return bool(saying)

    def written_as_name(self, a: str, b: str) -> bool:
        """Some document writes `a` and then `b` capitalised, as a name ("Steve Jobs"), in a sentence's middle."""
        key = (a, b)
        if key not in self._names:
            name = re.compile(rf"[^.?!]\s{re.escape(a.capitalize())}\s+{re.escape(b.capitalize())}\b")
            self._names[key] = self.said_together(a, b) and any(
                name.search(self.docs[int(d)]) for d in self.phrases[_phrase(a, b)])
        return self._names[key]

    def absent_rare_words(self, question: str, mask: np.ndarray, known: str = "") -> list[str]:
        """Rare words (4+ letters) of the question ("phosphine", "Navalny", "perl") said nowhere in the masked
        documents: what `unknown_words` tells of the library, told of one episode. In a large library nearly
        every rare word is said somewhere, so only the scope can tell it was not said here. Rare = at most
        RARE_WORD in pyspellchecker's counts (0 for words it lacks); a compound the transcript writes in two
        words ("star shade" for "starshade") or a word of the episode's title and guest, in a close spelling
        ("Sutskever" for the transcriber's "Sotskever"), is not absent."""
        counts = word_counts()
        known_words = _WORD.findall(known.lower())
        names = _written_names(question, 5)
        out = []
        for w in words(question):
            if len(w) < 4 or not w.isalpha() or w in CONTRACTED or counts.get(w, 0) > RARE_WORD \
                    or close_to(w, known_words) or after_first_name(question, w, known_words):
                continue
            if _overstemmed(w):         # "mindfulness" stems to "mind": only its own forms say it
                if not self._said_as_written(w, mask):
                    out.append(w)
                continue
            if self.said(w, mask) or self._split_said(w, mask) or self._said_in(
                    [_stem(c) for c in self.completions(w, limit=5)], mask):
                continue                # ...nor one the episode says in full ("nanotech": "nanotechnology")
            if w in names and self._said_in([_stem(c) for c in self.misheard(w)], mask):
                continue                # ...nor a name the transcriber wrote one letter off ("Viktor Frankl")
            if self._said_in([_stem(c) for c in self.spelt_otherwise(w)], mask):
                continue                # ...nor a word it wrote in a spelling English lacks ("RATATOUILLI")
            if w not in names and self.derives(w, mask):
                continue                # ...nor the listener's own word made of one said here ("schoolers")
            if self.heard_after_first_name(question, w, mask):
                continue                # ...nor a surname heard otherwise after its first name ("Arthur Edmonds")
            out.append(w)
        return out

    def heard_after_first_name(self, question: str, word: str, mask: np.ndarray | None) -> bool:
        """`word` is a surname the transcriber heard otherwise, after a first name it heard right: the question's
        "sir arthur eddington" where the episode says "Sir Arthur Edmonds" (blind set 18). The word before it in
        the question is said capitalised in the masked documents, followed by a capitalised word with the same first
        letter, no English word, loosely `word`'s spelling (ratio ≥ HEARD_AFTER_RATIO)."""
        first = _name_before(question, word)
        if first is None or not word[:1].isalpha():
            return False
        stem = _stem(first)
        if stem not in self.df:
            return False
        after = re.compile(rf"\b{re.escape(first.capitalize())}\s+({re.escape(word[0].upper())}[a-z]{{2,}})")
        english = english_words()
        for d in np.flatnonzero(self.scores([stem], mask) > 0):
            for m in after.finditer(self.docs[int(d)]):
                heard = m.group(1).lower()
                if heard not in english and fuzz.ratio(word, heard) >= HEARD_AFTER_RATIO:
                    return True
        return False

    def _said_as_written(self, word: str, mask: np.ndarray | None) -> bool:
        """A masked document says `word`, or a form of it that keeps all but its last suffix ("mindful" for
        "mindfulness"), as written: not merely a word of the same stem."""
        stem = _stem(word)
        cut = max((len(s) for s in _SUFFIXES if word.endswith(s) and len(word) - len(s) >= len(stem) + 2), default=0)
        core = word[:len(word) - cut]
        hits = self.scores([stem], mask) if stem in self.df else np.zeros(0)
        written = re.compile(rf"\b{re.escape(core)}", re.IGNORECASE)
        return any(written.search(self.docs[int(d)]) for d in np.flatnonzero(hits > 0))

    def absent_words(self, text: str, mask: np.ndarray, known: str = "") -> list[str]:
        """Words of `text` (3+ letters, stop words aside) said nowhere in the masked documents, in any spelling or
        form `said` reaches (a name written capitalised: `_name_said`), nor close to a word of `known` (the
        episode's title and guest)."""
        known_words = _WORD.findall(known.lower())
        names = _written_names(text, 3)
        return [w for w in dict.fromkeys(words(text)) if len(w) >= 3 and not is_number(w) and w not in CONTRACTED
                and not close_to(w, known_words)
                and not (self._name_said(w, mask) if w in names else self.said(w, mask))
                and not self.derives(w, mask)]

    def _name_said(self, name: str, mask: np.ndarray | None) -> bool:
        """A name is said in the masked documents as itself, or in a spelling of the transcriber's that English
        lacks ("Sotskever"), not as an everyday word a letter off it: Duncan Trussell's episode says "want", never
        "Watts" (blind set 15's "does he bring up Alan Watts?" was answered)."""
        own = _stem(name.lower())
        english = english_words()
        forms = [t for t in self.expand(name) if t == own or t in self.phrases or t not in english]
        return self._said_in(forms, mask)

    def spelt_otherwise(self, word: str) -> list[str]:
        """Library words that are the transcriber's spelling of `word` (5+ letters): one letter off (two from 8
        letters), the same first letter, and no English word themselves. Whisper wrote "Ratatouille" as
        "RATATOUILLI" (episode 91): the listener's right spelling is said nowhere, yet the episode talks about it.
        A word English has ("reactor" for "rector") is another word, not a spelling."""
        if len(word) < 5:
            return []
        english = english_words()
        return [c for c in self._close_spellings(word) if c not in english]

    def misheard(self, name: str) -> list[str]:
        """Library words one letter off a name (5+ letters), keeping its first and last letters: "victor" for
        "viktor", "frankel" for "frankl"; not "crime" for "crimea", which is another word."""
        return [c for c, _, _ in process.extract(name, self.surface, scorer=Levenshtein.distance, score_cutoff=1,
                                                 limit=5)
                if c != name and c[0] == name[0] and c[-1] == name[-1]]

    def _split_said(self, word: str, mask: np.ndarray | None) -> bool:
        """`word` is said as two words (3+ letters each) in the masked documents."""
        return any(self._said_in([_stem(word[:i])], mask) and self._said_in([_stem(word[i:])], mask)
                   for i in range(3, len(word) - 2))

    def said(self, word: str, mask: np.ndarray | None) -> bool:
        """`word` (or a compound or spelling `expand` gives it) is said in the masked documents."""
        return self._said_in(self.expand(word), mask)

    def _said_in(self, query_stems: list[str], mask: np.ndarray | None) -> bool:
        present = [t for t in query_stems if self.has(t)]
        return bool(present) and float(self.scores(present, mask).max(initial=0.0)) > 0.0

    def absent_names(self, question: str, mask: np.ndarray, known: str = "") -> list[str]:
        """Capitalised names in the question ("Webb", "Shkreli", "Netflix") said nowhere in the masked
        documents, not even in a close spelling: a question about them cannot be answered from there.

        Names close to a word of `known` (the episode's title and guest: "Sara" for "Sarah") and acronyms
        (transcribers spell "WWI" as "World War I") are not counted.
        """
        tokens = re.findall(r"(?u)\b\w[\w-]*\b", re.sub(r"['’]s\b", "", question))
        known_words = _WORD.findall(known.lower())
        out = []
        for i, name in enumerate(tokens):
            if not i or not name[:1].isupper() or name.isupper() or len(name) < 3 or name.lower() in STOPWORDS:
                continue
            if name in out or close_to(name.lower(), known_words, 80) \
                    or after_first_name(question, name.lower(), known_words):
                continue
            if not self._name_said(name, mask):
                misheard = [c for c in self.misheard(name.lower()) if c not in common_words()]    # not "wants"
                if len(name) >= 5 and self._said_in([_stem(c) for c in misheard], mask):
                    continue                 # "Viktor Frankl" where the transcriber wrote "Victor Frankel"
                out.append(name)
        return out

    def scores(self, query_stems: list[str], mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 of each document for the stems; a phrase (`expand`) counts as one term said once where it is."""
        if self.n_docs == 0:
            return np.zeros(0, dtype=np.float32)
        known = [t for t in query_stems if t in self.df]
        phrases = [t for t in query_stems if t in self.phrases]
        if not known and not phrases:
            return np.zeros(self.n_docs, dtype=np.float32)
        scores = np.asarray(self.bm25.get_scores(known), dtype=np.float32) if known \
            else np.zeros(self.n_docs, dtype=np.float32)
        for phrase in phrases:
            scores[self.phrases[phrase]] += self.idf(phrase)
        if mask is not None:
            scores = scores * mask
        return scores
