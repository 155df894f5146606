"""Which episodes' guests a question names, however the listener or the transcriber spelt the name.

Listeners write "Sutskever" where the intro says "Sotskever", "Matt" for Matthew, "Lanear" for Lanier; a first
name many guests share names none of them, and a name that is also an everyday word ("Song", "Will") counts only
written as a name.
"""
from __future__ import annotations

import re
from typing import Callable

import jellyfish
from rapidfuzz import fuzz, process

from bot.ask.lexical import (RARE_WORD, STOPWORDS, close_to, common_words, english_words, one_letter_off,
                             word_counts, words)
from bot.ask.names import short_forms, sound_key
from bot.saying import SAYING

NAME_TOKEN = re.compile(r"[^\W\d_][\w'’]*")
NAME_GOES_ON = 70          # a next capitalised word this close to the guest's own name words is that name
LOOSE_NAME = 70           # a spelling this close to a guest's name is theirs where their episode says it too
MAX_NAMED = 3             # a name shared by more guests than this does not pick their episodes (one guest's
#                           four episodes are one guest: "Manolis", "Malice")
# Words of an intro's name that are a rank or office, not the person ("Lord Martin Rees", "Rabbi David Wolpe").
HONORIFICS = frozenset({"lord", "lady", "sir", "dame", "commander", "lieutenant", "captain", "general", "colonel",
                        "major", "admiral", "bishop", "rabbi", "father", "professor", "doctor", "president"})


def without_possessive(word: str) -> str:
    return re.sub(r"['’]s?$", "", word)


_ASKING = frozenset("did does do would will has had".split())


def _speaking(tokens: list[str], i: int) -> bool:
    """tokens[i] is who a question asks about, however it is written: "what did silver reply when…" (chat is
    lower-case; a name that is also an everyday word is otherwise taken only capitalised)."""
    return 0 < i < len(tokens) - 1 and tokens[i - 1].lower() in _ASKING and tokens[i + 1].lower() in SAYING


_NEIGHBOURS = re.compile(r"\b([A-Za-z]{2,})(?= ([a-z]{2,})\b)")


def _same_onset(word: str, other: str) -> bool:
    """Two spellings that start alike, in letters or in sound ("carpathy" / "karpathy")."""
    return word[0] == other[0] or jellyfish.metaphone(word)[:1] == jellyfish.metaphone(other)[:1]


class GuestNames:
    """Each word of a guest's name (and short forms of first names) -> that guest's episodes, rebuilt when the
    library changes; `said_in(word, episode)` and `library_says(word)` read the transcripts (the lexical index)."""

    def __init__(self, library, said_in: Callable[[str, str], bool], library_says: Callable[[str], bool],
                 written_as_name: Callable[[str, str], bool] = lambda a, b: False):
        self.library = library
        self._said_in = said_in
        self._library_says = library_says
        self._written_as_name_pair = written_as_name
        self._names: dict[str, set[str]] = {}
        self._spellings: list[str] = []
        self._sounds: dict[str, list[str]] = {}
        self._names_version = -1
        self._guest_of: dict[str, str] = {}      # episode -> its guest's name, as the intro spells it

    def named(self, question: str) -> list[str]:
        """Episodes whose guest the question names ("what did Kasparov say about ..."), by a distinctive
        part of the name (a first name shared by more than MAX_NAMED guests, such as "Michael", is not one).
        Close spellings count: listeners write "Sutskever", the transcript's intro says "Sotskever". A name
        that is also an everyday word ("Song", "Park", "Hall") counts only written as a name: capitalised,
        not inside another name ("the Eurovision Song Contest" is not Dawn Song) and, opening the question,
        followed by the rest of the name ("Will MacAskill", not "Will AI replace us?")."""
        out: set[str] = set()
        tokens = NAME_TOKEN.findall(question)
        for i, token in enumerate(tokens):
            w = without_possessive(token.lower())
            if len(w) < 3 or w in STOPWORDS:
                continue
            episodes = self.episodes_of(w)
            if not episodes or self._people(episodes) > MAX_NAMED:
                continue
            if w in common_words() and not self._written_as_name(tokens, i, episodes) \
                    and not _speaking(tokens, i):
                continue
            if self._name_goes_on_otherwise(tokens, i, episodes) or self._name_began_otherwise(tokens, i, episodes):
                continue                     # "Jordan Peterson" is not Jordan Ellenberg, "Uncle Sam" no guest Sam
            for j in (i - 1, i + 1):         # ...and where Jordan Peterson is a guest, only he is
                beside = self.episodes_of(without_possessive(tokens[j].lower())) if 0 <= j < len(tokens) else None
                if beside and beside & episodes:
                    episodes = episodes & beside
            out |= episodes
        return sorted(out) if self._people(out) <= MAX_NAMED else []

    def _people(self, episodes: set[str]) -> int:
        """How many guests the episodes have: Manolis Kellis' four episodes are one (until stop 46, a name with
        more than MAX_NAMED episodes named nobody, so "Does Manolis think…" was asked of the whole library)."""
        self._table()
        return len({self._guest_of.get(e, e) for e in episodes})

    def _name_goes_on_otherwise(self, tokens: list[str], i: int, episodes: set[str]) -> bool:
        """The word after tokens[i] continues the name, and it is not (a spelling of) those guests' own: a
        listener's "Sara Seeger" is Sarah Seager (ratio 83), "Jordan Peterson" is nobody here. Capitalised, the
        next word is a name's; in chat's lower case, when the transcripts write the two as a name: "steve jobs"
        (blind set 16: it picked the guests named Steve), not "steve explains"."""
        if i + 1 >= len(tokens) or without_possessive(tokens[i]) != tokens[i]:
            return False                     # "Schmidhuber's PowerPlay": the name ended with the possessive
        nxt = without_possessive(tokens[i + 1].lower())
        if len(nxt) < 3 or nxt in STOPWORDS or nxt in SAYING or (self.episodes_of(nxt) or set()) & episodes:
            return False
        if not (tokens[i][:1].isupper() and tokens[i + 1][:1].isupper()) \
                and not self._written_as_name_pair(tokens[i].lower(), nxt):
            return False
        return not self._their_name(nxt, episodes)

    def _name_began_otherwise(self, tokens: list[str], i: int, episodes: set[str]) -> bool:
        """The word before tokens[i] begins another name, one the transcripts write ("Uncle Sam": at 319 episodes
        "where did the Uncle Sam poster come from?" was asked of the guests named Sam), not a title or those
        guests' own name."""
        if i == 0:
            return False
        prev = tokens[i - 1].lower()
        if len(prev) < 3 or prev in STOPWORDS or prev in HONORIFICS or prev in _ASKING or prev in SAYING \
                or (self.episodes_of(prev) or set()) & episodes \
                or not self._written_as_name_pair(prev, without_possessive(tokens[i].lower())):
            return False
        return not self._their_name(prev, episodes)

    def _their_name(self, word: str, episodes: set[str]) -> bool:
        """`word` is (a spelling of) a word of those episodes' guests' names."""
        own = [x for e in episodes for x in words(self.library.meta(e).guest or "")]
        return close_to(word, own, cutoff=NAME_GOES_ON)

    def _written_as_name(self, tokens: list[str], i: int, episodes: set[str]) -> bool:
        def same_guest(j: int) -> bool:
            return bool((self.episodes_of(without_possessive(tokens[j].lower())) or set()) & episodes)

        if not tokens[i][:1].isupper():
            return False
        if i == 0:
            return len(tokens) > 1 and tokens[1][:1].isupper() and same_guest(1)
        for j in (i - 1, i + 1):
            if 0 < j < len(tokens) and tokens[j][:1].isupper() and not same_guest(j):
                return False                 # a capitalised neighbour that is not this guest's: another name
        return True

    def by_ear(self, m: re.Match) -> str:
        """A guest's name as the library spells it, for a word written by ear that the library never says and
        English does not have: "Lanear" for Jaron Lanier (the same sounds and first and last letters, two letters
        off; one guest's name only). Left alone, MiniLM and BM25 read "Lanear" as "linear", and the refusal rules as
        a name the episode never says (blind set 7). Not "Tuomas" for Tommaso Poggio: the last letters differ (the
        transcript wrote Tuomas Sandholm "Thomas", so the listener's right spelling is said nowhere). A guest's name
        with an "s" and no apostrophe is the possessive ("carls take"), not a slip for "cars"."""
        token = m.group(0)
        word = without_possessive(token)
        w = word.lower()
        names, _ = self._table()
        if w in names or self._library_says(w) or w in english_words():
            return token
        if w[-1] == "s" and w[:-1] in names and len(w) >= 4:
            return word[:-1] + "'s" + token[len(word):]     # "carls take on AA": Carl's, not "cars"
        if len(w) < 5:
            return token
        key = sound_key(w)
        alike = {n for n in self._sounds.get(key, ()) if len(n) >= 5 and n[-1] == w[-1]} if key else set()
        if len(alike) != 1:
            return token
        name = next(iter(alike))
        return (name.capitalize() if word[:1].isupper() else name) + token[len(word):]

    def joined(self, text: str) -> str:
        """`text` with a guest's name that a phone's autocorrect split in two put back ("why does suss kind say…":
        Susskind): two neighbouring words that together spell a word of a guest's name, when neither alone is
        one."""
        names, _ = self._table()
        out, last = [], 0
        for m in _NEIGHBOURS.finditer(text):          # overlapping pairs: "did suss kind say"
            a, b = m.group(1), m.group(2)
            if m.start() >= last and (a + b).lower() in names and a.lower() not in names and b.lower() not in names:
                out.append(text[last:m.start()] + a + b.lower())
                last = m.start() + len(a) + 1 + len(b)
        return "".join(out) + text[last:]

    def is_name(self, text: str) -> bool:
        """Every word of `text` is part of some guest's name (in any close spelling): "Ilya Sutskever",
        not "Guido's favorite author"."""
        ws = words(text)
        return bool(ws) and all(self.episodes_of(w) for w in ws)

    def episodes_of(self, word: str) -> set[str] | None:
        """The episodes of the guests whose name holds `word`, or a short form of it ("Matt" for Matthew), or a
        close spelling of it (5+ letters), or, for a word that is no everyday English, a spelling that sounds the
        same and is one letter off ("Tull" for the intro's "Tall") or that the guest's episode says ("Jocko" for
        the intro's "Jaco"), or a looser spelling the guest's episode says ("Ferrucci" for the intro's "Feroci")."""
        names, spellings = self._table()
        episodes = names.get(word)
        near: list[tuple] = []            # the guests' name words closest to `word` (5+ letters), by ratio
        if episodes is None and len(word) >= 5 and spellings:
            near = process.extract(word, spellings, scorer=fuzz.ratio, score_cutoff=LOOSE_NAME, limit=5)
            # "Frankl" is not "Frank"; "Bryan" is not "Ryan" (ratio 89), however close the letters: a name
            # misheard keeps its first sound ("Carpathy" for Karpathy), and "Brian" is found by ear below
            hit = next((h for h in near if h[1] >= 85 and _same_onset(word, h[0])), None)
            if hit and not (word.startswith(hit[0]) or hit[0].startswith(word)):
                episodes = names[hit[0]]
                key = sound_key(word)
                if key and key == sound_key(hit[0]):   # ...and its other spellings by ear: the intros of
                    # Vinyals' two episodes wrote "Ariel Vinales" and "Oriel Veniales"
                    episodes = episodes | {e for name in self._sounds.get(key, ()) for e in names[name]}
        if episodes is None and word_counts().get(word, 0) <= RARE_WORD:
            key = sound_key(word)
            alike = self._sounds.get(key, ()) if key else ()
            misheard = {e for name in alike if one_letter_off(word, name) for e in names[name]}
            if misheard:      # one letter, the same sounds: "Tull" for the intro's "Thomas Tall"
                return misheard
            heard = {e for name in alike for e in names[name]}
            if heard:         # ...or where that guest's episode says it so too ("Jocko"), not "Merck" for a Mark
                episodes = {e for e in heard if self._said_in(word, e)} or None
            if episodes is None and near and word not in english_words():
                # ...or a looser spelling of the name, where that guest's episode says the listener's one: the intro
                # wrote "David Feroci", the conversation and the listener "Ferrucci" (ratio 71)
                loose = {e for name, _, _ in near[:3] if name[0] == word[0] for e in names[name]}
                episodes = {e for e in loose if self._said_in(word, e)} or None
        return episodes

    def _table(self) -> tuple[dict[str, set[str]], list[str]]:
        """Each word of a guest's name (and each short form of a first name) -> the episodes of guests carrying
        it, and their sound keys (rebuilt when episodes change)."""
        version = self.library.version
        if self._names_version != version:
            names: dict[str, set[str]] = {}
            for meta in self.library.episodes:
                for w in words(meta.guest or ""):
                    if len(w) >= 3 and w not in HONORIFICS:
                        for form in (w, *short_forms(w)):
                            names.setdefault(form, set()).add(meta.episode_id)
            sounds: dict[str, list[str]] = {}
            for w in names:
                key = sound_key(w)
                if key:
                    sounds.setdefault(key, []).append(w)
            self._guest_of = {m.episode_id: " ".join(words(m.guest or "")) or m.episode_id
                              for m in self.library.episodes}
            self._names, self._spellings, self._sounds, self._names_version = names, list(names), sounds, version
        return self._names, self._spellings
