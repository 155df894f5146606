"""Which episodes' guests a question names by what they are rather than who: "the Instagram founder", "the rabbi",
"the MIT fusion guy".

Listeners remember a guest the way the host introduced them ("… a conversation with Kevin Systrom, cofounder and
long time CEO of Instagram"). Such a question names no guest, and across a library of hours of talk its other
words rarely find the episode; the introduction, which says who the guest is, ranks at half weight as framing. So a
role the question gives ("the" + a few words + a word for a person) picks the episodes whose introduction says most
of its words, when it picks few. A role is often someone the guest talked about ("…when someone says the iphone guy
blew up at his staff"), so those episodes are only tried first: the engine falls back to the whole library when they
do not answer.
"""
from __future__ import annotations

import math
import re
import threading

from bot.ask.guests import without_possessive
from bot.ask.lexical import STOPWORDS, is_number
from bot.framing import INTRO_WINDOW, introduction_line

MAX_ROLE_EPISODES = 3       # a role more introductions share ("the neuroscientist", "the writer") names no one
TOPIC_SAID = 0.5            # share of a topic's words (by weight) the introduction must say
DESCRIPTION_SENTENCES = 3   # the introduction's line and the next two: who the guest is, before the sponsors
# words for a person a role ends on; any "-ist" word too ("the futurist", "the biochemist")
PEOPLE = frozenset("""
guy gal dude lady man woman person fella founder cofounder co-founder creator ceo cto inventor author writer
professor prof comedian rapper engineer philosopher champ champion expert investor researcher entrepreneur director
astronaut athlete coach fighter grandmaster doctor surgeon chef farmer rabbi priest monk designer programmer developer
billionaire climber runner swimmer analyst historian musician mathematician physician magician statistician
podcaster hacker journalist reporter novelist poet pioneer diplomat veteran pilot producer filmmaker actor actress
singer drummer economist lawyer coder biologist guest
""".split())     # not the boss, the president, the host: people guests talk about more often than they are
# "the MIT fusion guy": MIT and fusion; "the Harvard guest": Harvard
GENERIC = frozenset("guy gal dude lady man woman person fella guest".split())
_NOT_PEOPLE = frozenset("list exist assist twist wrist insist persist resist consist gist mist fist playlist checklist "
                        "whist".split())
# "the most gifted young rapper", "the first guitarist": someone described, not a guest's role
_DESCRIBING = frozenset("most best greatest worst biggest top only other same next last first second".split())
# the up to four words after each "the", overlapping: "the bit about the X" reads "the X" too
_THE = re.compile(r"\bthe\s+(?=((?:[^\W\d_][\w’'-]*\s*){1,4}))", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _is_person(word: str) -> bool:
    return word in PEOPLE or (word.endswith("ist") and len(word) >= 6 and word not in _NOT_PEOPLE)


def roles(question: str) -> list[list[str]]:
    """The roles a question gives, each as its telling words: "the MIT fusion guy" -> ["mit", "fusion"], "the
    Instagram co-founder" -> ["instagram", "co-founder"]. Not a phrase with a function word in it ("the AGI as a
    CEO") nor one of generic words alone ("the guy")."""
    out = []
    for m in _THE.finditer(question):
        following = [without_possessive(w.lower()) for w in m.group(1).split()]
        head = next((i for i, w in enumerate(following) if _is_person(w)), None)
        if head is None or any(w in STOPWORDS or w in _DESCRIBING for w in following[:head]):
            continue
        telling = [w for w in following[:head + 1] if w not in GENERIC]
        if telling:
            out.append(telling)
    return out


# "the AlphaGo episode", "the episode about the history of neural networks": an episode named by what it is about
_EPISODE = r"(?:episode|ep|interview|conversation|podcast|pod)"
_TOPIC_BEFORE = re.compile(rf"\bthe\s+((?:[^\W\d_][\w’'-]*\s+){{1,3}}){_EPISODE}\b", re.IGNORECASE)
_TOPIC_AFTER = re.compile(rf"\b{_EPISODE}\s+(?:about|on)\s+([^,.;:!?()]+)", re.IGNORECASE)
_NOT_TOPIC = frozenset("whole entire latest recent new newest old older earlier later other same podcast lex fridman "
                       "long short full".split())
MAX_TOPIC_WORDS = 5


def topics(question: str) -> list[list[str]]:
    """The topics a question names an episode by, each as its telling words: "in the AlphaGo episode, …" ->
    [["alphago"]], "the episode about the history of neural networks" -> [["history", "neural", "networks"]]. Not
    "the latest episode" nor "the first one"."""
    out = []
    for pattern in (_TOPIC_BEFORE, _TOPIC_AFTER):
        for m in pattern.finditer(question):
            said = [without_possessive(w.lower()) for w in _WORD.findall(m.group(1).lower())][:MAX_TOPIC_WORDS]
            telling = [w for w in said if w not in STOPWORDS and w not in _DESCRIBING and w not in _NOT_TOPIC
                       and w not in GENERIC and not _is_person(w) and not is_number(w)]
            if telling and (pattern is _TOPIC_AFTER or not any(w in STOPWORDS for w in said)):
                out.append(telling)
    return out


def _forms(word: str) -> set[str]:
    """How an introduction may say a role's word: "founder" as "cofounder" or "co-founder", plurals."""
    base = word[3:] if word.startswith("co-") else word[2:] if word.startswith("co") and word[2:] in PEOPLE else word
    forms = {word, word + "s", base, f"co{base}", f"co-{base}"} if word in PEOPLE else {word, word + "s"}
    return {f for f in forms if len(f) >= 2}


class GuestRoles:
    """Each episode's introduction (who the guest is) as words, rebuilt for the episodes whose text changed."""

    def __init__(self, library):
        self.library = library
        self._lock = threading.Lock()
        self._words: dict[str, tuple[str, frozenset[str]]] = {}    # episode -> (generation, its introduction's words)
        self._version = -1

    def named(self, question: str) -> list[str]:
        """Episodes whose introduction says most of a role the question gives, each word weighed by how few
        introductions say it, when at most MAX_ROLE_EPISODES do: "the Java creator" is James Gosling, "the founder
        and lead designer behind the Java programming language", before the many a "creator of" introduces."""
        asked = [(telling, False) for telling in roles(question)] + [(telling, True) for telling in topics(question)]
        if not asked:
            return []
        intros = self._introductions()
        out: set[str] = set()
        for telling, topic in asked:
            saying = {w: {eid for eid, words in intros.items() if _forms(w) & words} for w in telling}
            weight = {w: math.log((1 + len(intros)) / max(1, len(eids))) for w, eids in saying.items()}
            said = {eid: sum(weight[w] for w in telling if eid in saying[w]) for eid in intros}
            best = max(said.values(), default=0.0)
            top = [eid for eid, n in said.items() if n == best]
            # a topic is told in the listener's words, not the introduction's: it picks an episode only where
            # the introduction says most of it, its rarest word among them ("the history of neural networks", not
            # just "history"; "that free AI course" is not Guido van Rossum's, whose early intro ends "This
            # conversation is part of MIT course on artificial general intelligence and the AI podcast")
            rarest = max(telling, key=lambda w: weight[w])
            enough = not topic or (best >= TOPIC_SAID * sum(weight.values())
                                   and all(eid in saying[rarest] for eid in top))
            if best > 0 and len(top) <= MAX_ROLE_EPISODES and enough:
                out.update(top)
        return sorted(out) if len(out) <= MAX_ROLE_EPISODES else []

    def _introductions(self) -> dict[str, frozenset[str]]:
        with self._lock:
            version = self.library.version
            if self._version != version:
                kept = {}
                for meta in self.library.episodes:
                    text = self.library.text(meta.episode_id)
                    old = self._words.get(meta.episode_id)
                    kept[meta.episode_id] = old if old and old[0] == text.gen else (text.gen, _introduced(text))
                self._words, self._version = kept, version
            return {eid: words for eid, (_, words) in self._words.items() if words}


def _introduced(text) -> frozenset[str]:
    """The words of the episode's introduction line and the next sentences ("The following is a conversation with
    Ray Kurzweil, author, inventor, and futurist, …"); none when it has no recognisable introduction."""
    sentences = [s for c in text.chunks if c.start < INTRO_WINDOW for s in c.sentences()]
    first = introduction_line(sentences)
    if first is None:
        return frozenset()
    said = " ".join(s.text for s in sentences[first:first + DESCRIPTION_SENTENCES]).lower()
    return frozenset(w for w in _WORD.findall(said) if w not in STOPWORDS)
