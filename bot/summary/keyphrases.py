"""Keyphrases: what an episode (or one stretch of it) is about, in the transcript's own words.

Candidates are runs of content words inside a clause (1–3 words, plus "X of Y"), counted per sentence
with their most common spelling. They are scored TF-IDF style: frequency in the scope, times how rare
each word is across the library's other episodes (BM25 idf over episode vocabularies), so a podcast's
recurring small talk sinks and what is particular to this episode rises. For a chapter, a phrase also
has to be concentrated there rather than spread over the whole episode.
"""
from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from rapidfuzz import fuzz

from bot.summary.text import CLAUSE_BREAK, _WORD, is_content, stem

MAX_WORDS = 3
# A phrase does not end on a past participle ("impressed", "supervised"): those are verbs and adjectives.
_ENDS_BADLY = re.compile(r"[a-z]{3}ed$", re.IGNORECASE)
# Nor does it start on "based": that is the end of "X-based" said without its hyphen ("the U.N. based
# international order", "evidence based medicine").
_STARTS_BADLY = frozenset({"based"})
# Words that come before nouns: a single word seen after them often enough is a thing, not a verb.
_DETERMINERS = frozenset("the a an this that these those my your our their his her its of about any some no "
                         "every each such what which".split())
NOUN_SHARE = 0.2
# A phrase ending on an adjective and nearly always followed by another content word is a piece of longer ones:
# "declining mental" (said as "declining mental abilities" and "... health", so neither trigram outcounts it) is
# no topic. Only an adjective's ending: a run of content words goes on into verbs too ("the Large Hadron Collider
# found"), so being followed alone says nothing of a noun.
FRAGMENT_SHARE = 0.8
_ADJECTIVE = re.compile(r"[a-z]{3}(?:al|ic|ive|ous|ful|less|able|ible|ary)$")
# Said often in some conversations, and no topic: "Joe Rogan on comedy, shit and art" was a headline.
_EXPLETIVES = frozenset("""shit shits shitty shitting bullshit horseshit fuck fucks fucking fucked fucker fuckers
    motherfucker motherfuckers motherfucking damn damned goddamn dammit bitch bitches bitching crap crappy
    asshole assholes bastard bastards piss pissed wtf""".split())   # not "dick": Moby Dick, Philip K. Dick
# "will" is a noun after these ("free will", "ill will"), not the modal verb it is everywhere else
_WILL_NOUN = frozenset({"free", "ill"})
OTHER_EPISODES = 40          # library episodes sampled for document frequencies (bounded first-run cost)


@dataclass(slots=True)
class Phrase:
    key: tuple[str, ...]                     # stemmed words
    count: int = 0
    determined: int = 0                      # occurrences right after a determiner
    spellings: Counter = field(default_factory=Counter)
    sentences: list[int] = field(default_factory=list)
    continued: int = 0                       # occurrences followed by another content word
    named_on: int = 0                        # ...by a capitalised one ("Kim Jong" + "Un")

    @property
    def text(self) -> str:
        """The most common spelling; a lowercase one wins ties (sentence-initial capitals are noise)."""
        best = max(self.spellings.items(), key=lambda kv: (kv[1], kv[0].islower()))[0]
        return best

    @property
    def proper(self) -> bool:
        return any(ch.isupper() for ch in self.text)

    @property
    def fragment(self) -> bool:
        """Ends on an adjective that nearly always goes on to a noun ("declining mental [abilities]"), or is one
        word or a name that nearly always does ("Western [diplomats]", "Western [media]": a name's adjective)."""
        if self.continued < FRAGMENT_SHARE * self.count:
            return False
        if len(self.key) == 1:
            return not self.text.isupper()   # "DARPA [Challenge]" is still a name
        words = self.text.split()
        if self.named_on >= FRAGMENT_SHARE * self.count and all(w[:1].isupper() for w in words):
            return True                      # a name's first words: "Kim Jong [Un]", "Kim Jong [Il]"
        return bool(_ADJECTIVE.search(words[-1]))

    @property
    def nominal(self) -> bool:
        """Multi-word, a name, or a single word used as a noun often enough ("the protocol", not "prefer")."""
        if self.fragment:
            return False
        return len(self.key) > 1 or self.proper or self.determined >= NOUN_SHARE * self.count


class Candidate(NamedTuple):
    """One occurrence of a candidate phrase in a sentence."""
    key: tuple[str, ...]                     # stemmed words
    spelling: str
    determined: bool                         # right after a determiner
    continued: bool = False                  # another content word follows it
    named_on: bool = False                   # ...and that word is capitalised


def sentence_phrases(text: str) -> list[Candidate]:
    """Every candidate phrase in a sentence, repeats kept."""
    out: list[Candidate] = []
    for clause in CLAUSE_BREAK.split(text):
        words = _WORD.findall(clause)
        content = [is_content(w) and w.lower() not in _EXPLETIVES for w in words]
        for i in range(len(words) - 2, 0, -1):      # "Big Bang", "Large Hadron Collider": a name keeps its words
            if not content[i] and content[i + 1] and words[i][:1].isupper() and words[i + 1][:1].isupper() \
                    and len(words[i]) > 1:
                content[i] = True
        for i in range(1, len(words)):               # "free will" is no "Free" (Sam Harris on illusion,
            if words[i].lower() == "will" and words[i - 1].lower() in _WILL_NOUN:      # experience and free)
                content[i] = True
        run: list[str] = []
        run_start = 0
        for i, w in enumerate(words + [""]):
            if i < len(words) and content[i]:
                if not run:
                    run_start = i
                run.append(w)
                continue
            for n in range(1, MAX_WORDS + 1):
                for j in range(len(run) - n + 1):
                    gram = run[j:j + n]
                    if _ENDS_BADLY.search(gram[-1]) or gram[0].lower() in _STARTS_BADLY:
                        continue
                    if gram[0].lower() == "will":
                        continue            # the noun only after its word ("free will"), never alone or first
                    if n > 1 and len({g.lower() for g in gram}) < n:
                        continue            # "choo choo choo", "very very": sounds, not a topic
                    before = words[run_start + j - 1].lower() if run_start + j > 0 else ""
                    # a single word counts as a noun only when it is the whole noun group ("the protocol",
                    # not "a deep neural network" for "deep")
                    determined = before in _DETERMINERS and (n > 1 or len(run) == 1)
                    more = j + n < len(run)
                    out.append(Candidate(tuple(stem(g) for g in gram), " ".join(gram), determined,
                                         more, more and run[j + n][:1].isupper()))
            run = []
            # "theory of mind", "speed of light"
            if i < len(words) and words[i].lower() == "of" and 0 < i < len(words) - 1 \
                    and content[i - 1] and content[i + 1]:
                out.append(Candidate((stem(words[i - 1]), "of", stem(words[i + 1])),
                                     f"{words[i - 1]} of {words[i + 1]}", True))
    return out


def phrase_table(sentences: list[str]) -> dict[tuple[str, ...], Phrase]:
    table: dict[tuple[str, ...], Phrase] = {}
    for si, text in enumerate(sentences):
        for key, spelling, determined, continued, named_on in sentence_phrases(text):
            p = table.get(key)
            if p is None:
                p = table[key] = Phrase(key)
            p.count += 1
            p.determined += determined
            p.continued += continued
            p.named_on += named_on
            p.spellings[spelling] += 1
            if not p.sentences or p.sentences[-1] != si:
                p.sentences.append(si)
    return table


def word_counts(texts: Iterable[str]) -> Counter:
    """Stemmed content-word counts of an episode (its 'document' for the background model)."""
    counts: Counter = Counter()
    for text in texts:
        counts.update(stem(w) for w in _WORD.findall(text.lower()) if is_content(w))
    return counts


class CorpusStats:
    """How particular a word is to this episode: its rate here against its mean rate in other episodes.

    A log rate ratio with additive smoothing (`SMOOTH` per word) rather than a document frequency: long
    episodes mention almost everything once, so presence/absence over a few dozen episodes says little,
    while "neural" at 1 % of this episode's words against 0.05 % elsewhere says a lot. With no other
    episodes the background is empty and frequency alone (after stop words) decides.
    """

    SMOOTH = 2e-5

    def __init__(self, own: Counter, background: dict[str, float], n_others: int):
        self.own_total = max(1, sum(own.values()))
        self.own = own
        self.background = background
        self.n_others = n_others
        self._cache: dict[str, float] = {}

    @classmethod
    def build(cls, own: Counter, others: Iterable[Counter]) -> CorpusStats:
        background: Counter = Counter()
        n = 0
        for counts in others:
            total = sum(counts.values())
            if not total:
                continue
            n += 1
            for w, c in counts.items():
                background[w] += c / total
        mean = {w: v / n for w, v in background.items()} if n else {}
        return cls(own, mean, n)

    def idf(self, word: str) -> float:
        """Specificity of a word to this episode (≥ 0; 0 for "of" and words rarer here than elsewhere)."""
        if word == "of":
            return 0.0
        cached = self._cache.get(word)
        if cached is None:
            rate = self.own.get(word, 0) / self.own_total
            cached = max(0.0, math.log((rate + self.SMOOTH) / (self.background.get(word, 0.0) + self.SMOOTH)))
            self._cache[word] = cached
        return cached

    def phrase_idf(self, key: tuple[str, ...]) -> float:
        return sum(self.idf(w) for w in key)


def sample_others(episode_ids: Iterable[str], exclude: str, limit: int = OTHER_EPISODES) -> list[str]:
    """A stable, spread-out sample of other episodes (the same ids on every run)."""
    others = [e for e in episode_ids if e != exclude]
    others.sort(key=lambda e: hashlib.sha1(e.encode()).hexdigest())
    return others[:limit]


def overlaps(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Sharing a word, or a word and its clipped form ("math" and "mathematics"; not "star" and "start"), or one
    the other's initials ("RL", "reinforcement learning"), or one spelled two ways ("Jiu Jitsu", "Jujitsu")."""
    wa, wb = set(a) - {"of"}, set(b) - {"of"}
    return bool(wa & wb) or any(_clipped(x, y) or _clipped(y, x) for x in wa for y in wb) \
        or _initials(a, b) or _initials(b, a) or (len(a) != len(b) and _respelled("".join(a), "".join(b)))


def _initials(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    return len(short) == 1 and len(long) > 1 and short[0] == "".join(w[0] for w in long if w != "of")


def _respelled(a: str, b: str) -> bool:
    return min(len(a), len(b)) >= 6 and fuzz.ratio(a, b) >= RESPELLED


def _clipped(short: str, long: str) -> bool:
    return len(short) >= 4 and len(long) >= len(short) + 3 and long.startswith(short)


RESPELLED = 90               # two phrases this alike, spaces aside, are one topic spelled two ways (written as
                             # one word and as two: "neuron" and "neutron" are two words)
SUPER_SHARE = 0.6            # a longer phrase said this often stands for the shorter one ("Big Bang" for "Bang")


def _whole(p: Phrase, ranked: list[Phrase]) -> Phrase:
    """The longer phrase `p` is usually part of, if any: "Bang" is mostly "Big Bang", "Hadron Collider" the
    "Large Hadron Collider" (a common word such as "big" adds nothing to the score, so the part would win)."""
    n = len(p.key)
    wholes = [q for q in ranked if len(q.key) > n and q.count >= SUPER_SHARE * p.count
              and any(q.key[i:i + n] == p.key for i in range(len(q.key) - n + 1))]
    return max(wholes, key=lambda q: (q.count, len(q.key))) if wholes else p


def top_phrases(table: dict[tuple[str, ...], Phrase], score: Callable[[Phrase], float], k: int, *,
                min_count: int = 2, exclude: Iterable[tuple[str, ...]] = ()) -> list[Phrase]:
    """The k best phrases by `score`, no two sharing a word (no "network" beside "neural networks")."""
    ranked = sorted((p for p in table.values() if p.count >= min_count and p.nominal), key=score, reverse=True)
    chosen: list[Phrase] = []
    blocked = list(exclude)
    for p in ranked:
        if score(p) <= 0:
            break
        p = _whole(p, ranked)
        if any(overlaps(p.key, q) for q in blocked):
            continue
        chosen.append(p)
        blocked.append(p.key)
        if len(chosen) >= k:
            break
    return chosen


def episode_scorer(stats: CorpusStats) -> Callable[[Phrase], float]:
    """Frequent in the episode and rare elsewhere; longer phrases add their words' idf."""
    def score(p: Phrase) -> float:
        return (p.count ** 0.75) * stats.phrase_idf(p.key)
    return score


def scope_table(table: dict[tuple[str, ...], Phrase], lo: int, hi: int) -> dict[tuple[str, ...], Phrase]:
    """Counts of every phrase within sentences [lo, hi) (spellings shared with the episode table)."""
    out: dict[tuple[str, ...], Phrase] = {}
    for key, p in table.items():
        inside = [s for s in p.sentences if lo <= s < hi]
        if inside:
            n, total = len(inside), max(1, p.count)      # the episode's shares, scaled to the scope
            out[key] = Phrase(key, n, p.determined * n // total, p.spellings, inside, p.continued * n // total,
                              p.named_on * n // total)
    return out


def chapter_scorer(stats: CorpusStats, episode_table: dict[tuple[str, ...], Phrase],
                   span_share: float) -> Callable[[Phrase], float]:
    """c-TF-IDF for one chapter: frequent here, concentrated here (vs. its share of the episode), rare elsewhere.

    `span_share` is the chapter's share of the episode's sentences: a phrase spread evenly over the
    episode has concentration ~1 and gains nothing from being in this chapter.
    """
    def score(p: Phrase) -> float:
        total = episode_table[p.key].count
        concentration = (p.count / total) / max(span_share, 1e-6)
        return (p.count ** 0.75) * stats.phrase_idf(p.key) * min(3.0, concentration) ** 0.7
    return score
