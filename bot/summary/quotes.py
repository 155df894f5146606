"""Words worth saving: quotable transcript sentences, and the verbatim repair of proposed quotes.

A quotable sentence is short, complete and self-contained (no "And that's why…", no filler, not a
question), says something general or vivid, and is on the episode's subject. Its speaker is the
transcript's own label when there is one and None otherwise — never a guess.

Quotes proposed by a language model go through `repair`: kept when `verify_quote` finds them verbatim,
replaced by the nearest transcript sentence when one is close enough, dropped otherwise.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.models import SummaryQuote
from bot.summary.analysis import Analysis
from bot.summary.scoring import centrality, similarity
from bot.verbatim import normalize, verify_quote

MIN_WORDS, MAX_WORDS = 6, 30
REPLACE_SCORE = 82.0        # nearest-sentence similarity (0-100) needed to stand in for a paraphrase

_VIVID = frozenset("""
never always everything nothing everyone everybody nobody forever impossible inevitable beautiful beauty
ugly truth lie lies love hate fear afraid death die dying dead life alive meaning purpose happiness happy
joy suffering pain hope hopeless dream dreams power powerful freedom free war peace god soul human humanity
humans universe world civilization future past greatest best worst most fundamental profound wisdom wise
courage brave genius stupid dangerous danger magic mystery mysterious miracle simple simplicity hard
hardest struggle fight failure fail succeed success greatness meaningless absurd real reality consciousness
mind intelligence curiosity kindness cruelty evil good truth honest honesty lonely alone together trust
surprise surprised surprising massive massively incredible amazing remarkable extraordinary underestimate
underestimating overestimate wrong obvious fascinating terrifying scary exciting brilliant ridiculous
important deeply entire infinite secret ultimately greatest biggest terrible wonderful proud humble
""".split())
_STANCE = re.compile(r"\b(?:i think|i believe|i'm convinced|i'm sure|i've (?:stopped|never|always|learned)|"
                     r"my (?:view|belief|hope|fear)|the (?:truth|reality|problem|answer) is)\b", re.IGNORECASE)
_GENERAL = re.compile(r"""\b(?:
    (?:is|are|was)\ (?:the|a|an|not|never|always|what|how|just|all|about|everything|nothing) |
    the\ (?:most|best|only|greatest|hardest|biggest|key|secret|real|whole|point) |
    (?:you|we)\ (?:have\ to|must|should|can't|cannot|need\ to|will\ never) |
    if\ you | every | all\ of | there\ is\ no | there's\ no | nothing\ is | everything\ is
)\b""", re.IGNORECASE | re.VERBOSE)


@dataclass(slots=True)
class QuoteCandidate:
    index: int
    score: float


def _brevity(words: int) -> float:
    if 9 <= words <= 20:
        return 1.0
    if words < 9:
        return 0.75
    return max(0.4, 1.0 - (words - 20) * 0.05)


def quotable(a: Analysis) -> list[QuoteCandidate]:
    """Every sentence that could be a quote, with a 0..1 quotability score, best first."""
    idx = []
    for i, f in enumerate(a.features):
        if not a.usable(i) or not (MIN_WORDS <= f.words <= MAX_WORDS) or not f.complete or f.question \
                or f.dangling or f.initials or f.clause_open or f.fillers or f.hedges or f.restarts or f.listy \
                or f.addressed or f.meta \
                or f.content_ratio < 0.25 or len(f.keys) < 2:
            continue
        idx.append(i)
    if not idx:
        return []
    topical = centrality(a, idx, 0, len(a.sentences), chapter=False)
    out: list[QuoteCandidate] = []
    seen: set[str] = set()
    for j, i in enumerate(idx):
        text = a.sentences[i].text
        key = normalize(text)
        if key in seen:
            continue
        seen.add(key)
        words = [w.lower().strip(".,!?;:'\"") for w in text.split()]
        vivid = min(2, sum(w in _VIVID for w in words)) / 2
        rhetoric = min(2, len(_GENERAL.findall(text)) + len(_STANCE.findall(text))) / 2
        score = 0.25 * vivid + 0.25 * rhetoric + 0.3 * float(topical[j]) + 0.2 * _brevity(a.features[i].words)
        out.append(QuoteCandidate(i, score))
    out.sort(key=lambda c: -c.score)
    return out


HIGHLIGHT_WORDS = (12, 60)  # the cold open's lines quoted as one passage: at least / at most this many words


def _opens_passage(f) -> bool:
    return f.complete and not (f.question or f.dangling or f.initials or f.restarts
                               or f.fillers or f.hedges)


def highlight(a: Analysis) -> tuple[int, int] | None:
    """The lines the episode chose for its cold open, where the conversation says them: the show's own pick
    of its most striking moment ("I hate affirmative action. I don't just disagree with it. …"), quoted
    as one passage (sentences [first, last]) from its first statement up to HIGHLIGHT_WORDS[1] words."""
    said = sorted(set(a.framing.repeats.values()))
    runs: list[list[int]] = []
    for i in said:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    best: tuple[int, int] | None = None
    best_words = 0
    for run in runs:
        run = [i for i in run if a.usable(i)]
        while run and not _opens_passage(a.features[run[0]]):
            run = run[1:]                           # the host's question, a fragment, a line leaning on another
        taken, words = [], 0
        for i in run:
            f = a.features[i]
            if taken and (i != taken[-1] + 1 or words + f.words > HIGHLIGHT_WORDS[1]) or f.question:
                break
            taken.append(i)
            words += f.words
        if taken and HIGHLIGHT_WORDS[0] <= words <= HIGHLIGHT_WORDS[1] and words > best_words:
            best, best_words = (taken[0], taken[-1]), words
    return best


def pick_quotes(a: Analysis, k: int = 5, *, avoid: set[int] = frozenset()) -> list[int]:
    """k quotable sentences spread over the episode (one per chapter while chapters last)."""
    cands = [c for c in quotable(a) if c.index not in avoid]
    per_chapter = 1 if len(a.chapters) >= k else 2
    picked: list[int] = []
    used: dict[int, int] = {}
    for relax in (False, True):
        for c in cands:
            if len(picked) >= k:
                break
            if c.index in picked:
                continue
            ch = a.chapter_of(c.index)
            if not relax and used.get(ch, 0) >= per_chapter:
                continue
            if any(similarity(a, c.index, p) > 0.5 for p in picked):
                continue
            picked.append(c.index)
            used[ch] = used.get(ch, 0) + 1
    return sorted(picked)


def to_summary_quote(a: Analysis, first: int, last: int | None = None) -> SummaryQuote | None:
    """Sentences [first, last] as a checked quote: the verbatim check is run even on our own picks."""
    last = first if last is None else last
    text = " ".join(s.text for s in a.sentences[first:last + 1])
    found = verify_quote(a.text, text)
    if found is None:
        return None
    return SummaryQuote(text=found.text, start=found.start, end=found.end, url=a.link(found.start),
                        speaker=found.speaker or None)


class QuoteRepair:
    """Checks proposed quotes against the transcript (one per episode, normalised sentences kept)."""

    def __init__(self, a: Analysis):
        self.a = a
        self.norm = [normalize(s.text) for s in a.sentences]
        self.pairs = [f"{x} {y}" for x, y in zip(self.norm, self.norm[1:])]

    @staticmethod
    def _score(q: str, c: str, **_) -> float:
        return 0.5 * fuzz.token_set_ratio(q, c) + 0.5 * fuzz.ratio(q, c)

    def nearest(self, text: str) -> tuple[int, int, float] | None:
        """(first, last, score) of the sentence or sentence pair closest to `text`."""
        target = normalize(text)
        if len(target) < 3:
            return None
        best = process.extractOne(target, self.norm, scorer=self._score)
        pair = process.extractOne(target, self.pairs, scorer=self._score) if self.pairs else None
        candidates = []
        if best:
            candidates.append((best[2], best[2], best[1]))
        if pair:
            candidates.append((pair[2], pair[2] + 1, pair[1]))
        if not candidates:
            return None
        return max(candidates, key=lambda c: (c[2], -(c[1] - c[0])))

    def repair(self, text: str, *, min_score: float = REPLACE_SCORE) -> tuple[SummaryQuote | None, str]:
        """(quote, how): how is "verbatim", "replaced" or "dropped"."""
        found = verify_quote(self.a.text, text)
        if found is not None and len(found.text.split()) >= 3:
            return SummaryQuote(text=found.text, start=found.start, end=found.end, url=self.a.link(found.start),
                                speaker=found.speaker or None), "verbatim"
        near = self.nearest(text)
        if near is None or near[2] < min_score:
            return None, "dropped"
        quote = to_summary_quote(self.a, near[0], near[1])
        return (quote, "replaced") if quote is not None else (None, "dropped")
