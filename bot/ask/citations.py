"""Where a citation starts and ends: the run of whole sentences around a retrieved chunk that answers.

The unit retrieved is a chunk (~90 words); the unit cited is the run of sentences inside it (plus the edges of its
neighbours) that best matches the question, kept between MIN_CITATION_SECONDS and MAX_CITATION_SECONDS; when the
best match is the host asking the question, the citation runs on into the answer.
"""
from __future__ import annotations

import re
from typing import Callable

import numpy as np

from ingest.models import Chunk, Sentence
from ingest.sentences import is_turn_tag

ANSWER_SECONDS = 50.0    # a question-led citation: the host's question and the answer that follows it
ANSWER_LEAD = 20.0       # ... and how much of the answer a window ending on the question takes in
ANSWER_MIN_SHARE = 0.3   # the question must carry this share of the window's best term weight
MAX_CITATION_SECONDS = 60.0
MIN_CITATION_SECONDS = 30.0     # short windows miss the answer's lead-in; 30 s keeps the median ≤ 45 s

# "…, right?", "You know?": a speaker checking they are followed, not a question the next sentences answer
TAG_QUESTION = re.compile(r"(?:^|[,;])\s*(?:right|you know|no|huh|yeah|yes|eh|okay|ok|correct|isn't it|is it not|"
                          r"don't you think|wouldn't you say|you see|see)\s*\?\s*$", re.I)


def asks(sentence: str) -> bool:
    """The sentence asks something its answer follows: a question, not a tag question. Taken for the host's
    question, the guest's "We got messed up thinking about religion post enlightenment, right?" moved a citation
    off the book it was asked for (blind set 10, s019); twelve sets at 52-91 episodes, top-1 +1 in the episode
    and +2 corpus-wide, top-5 -1 corpus-wide (blind 8's c045 had been cited right from a quoted "…, right?")."""
    s = sentence.rstrip()
    return s.endswith("?") and not TAG_QUESTION.search(s)


def trim_tags(window: list[Sentence]) -> list[Sentence]:
    """The window without speaker initials at its edges (a citation does not open or close on "TK")."""
    a, b = 0, len(window)
    while a < b - 1 and is_turn_tag(window[a].text):
        a += 1
    while b - 1 > a and is_turn_tag(window[b - 1].text):
        b -= 1
    return window[a:b]


def without_repeats(window: list[Sentence], shown: list[list[Sentence]]) -> list[Sentence]:
    """The window less the sentences a better-ranked citation already quotes (windows reach into their
    neighbours, so two nearby chunks could print the same sentence twice); the longer remaining side
    when a shown citation sits inside it, nothing when it is covered."""
    taken = {s.index for ss in shown for s in ss}
    if not taken.intersection(s.index for s in window):
        return window
    runs: list[list[Sentence]] = [[]]
    for s in window:
        if s.index in taken:
            runs.append([])
        else:
            runs[-1].append(s)
    return max(runs, key=lambda r: (r[-1].end - r[0].start) if r else -1.0)


def not_replayed(framing, window: list[Sentence]) -> list[Sentence]:
    """The window less the lines of a cold open that the conversation says again (cited there, in context)."""
    return [s for s in window if s.index not in framing.repeats]


def window(text, chunk: Chunk, weigh: Callable[[list[Sentence]], np.ndarray]) -> tuple[list[Sentence], list[Sentence]]:
    """The citation for `chunk` of the EpisodeText `text` and the wider context read with it: the best run of
    sentences by `weigh` (one weight per sentence of the pool it is given: the chunk and two sentences either
    side), touching the chunk, widened to MIN_CITATION_SECONDS and trimmed to MAX_CITATION_SECONDS."""
    first = chunk.first_sentence
    last = first + len(chunk.offsets) - 1
    lo, hi = max(0, first - 2), min(len(text.sentences) - 1, last + 2)
    pool = text.sentences[lo:hi + 1]
    weights = weigh(pool)
    core = list(range(first - lo, last - lo + 1))
    if weights.max(initial=0.0) <= 0.0:
        i, j = core[0], core[-1]
    else:
        best, i, j = -1e9, core[0], core[-1]
        penalty = 0.12 * float(weights.max())
        for a in range(len(pool)):
            total = 0.0
            for b in range(a, len(pool)):
                if pool[b].end - pool[a].start > MAX_CITATION_SECONDS and b > a:
                    break
                total += float(weights[b])
                value = total - penalty * (b - a)
                # the window must touch the retrieved chunk itself
                if b >= core[0] and a <= core[-1] and value > best:
                    best, i, j = value, a, b
    # widen short windows to ~10 s with the neighbours that carry the most weight
    while pool[j].end - pool[i].start < MIN_CITATION_SECONDS and (i > 0 or j < len(pool) - 1):
        left = weights[i - 1] if i > 0 else -1.0
        right = weights[j + 1] if j < len(pool) - 1 else -1.0
        if right >= left:
            j += 1
        else:
            i -= 1
    # and trim long ones (a whole chunk can run past a minute when speech is slow)
    while pool[j].end - pool[i].start > MAX_CITATION_SECONDS and j > i:
        if weights[j] <= weights[i]:
            j -= 1
        else:
            i += 1
    # Interviews: the passage that best matches a listener's question is often the host *asking* it;
    # the answer follows. Cite from that question forward (+3 points recall@5 on the dev set).
    top = float(weights[i:j + 1].max(initial=0.0))
    asked = [q for q in range(i, j + 1)
             if asks(pool[q].text) and float(weights[q]) >= ANSWER_MIN_SHARE * top]
    if asked:
        a = b = lo + asked[-1]
        framing = text.framing
        while b + 1 < len(text.sentences) and text.sentences[b + 1].end - text.sentences[a].start <= ANSWER_SECONDS \
                and (framing.excluded(a) or not framing.excluded(b + 1)):
            b += 1                       # the answer; not the sign-off or an ad read that follows a last question
        if b > a:
            return trim_tags(text.sentences[a:b + 1]), text.sentences[lo:max(hi, b) + 1]
    # A window that ends on a question ("…the idea of power play you described. Can you describe it?") stops
    # where the answer starts: it runs on into the answer's first ANSWER_LEAD seconds, and loses its start
    # if it must to stay within ANSWER_SECONDS, but not the sentences it was chosen for: then the run-on is
    # shorter (episode 175: widened to 30 s, "…anything too stiff snaps." ended on "Maybe it morphs, like
    # water, it changes, right?", and ran on 20 s, sliding off the line that answered).
    # So does one that stops a sentence short of it: the host's question runs over several sentences and only its
    # last asks ("Let me ask you about the Astro robot, which… looks awfully a lot like Cosmo. … What are your
    # thoughts about Amazon getting into this space?"; blind set 21's citation ended 3 s before the answer).
    # Twenty-five sets at 162 episodes: top-1 654 -> 656 of 970 in the episode, 469 -> 471 corpus-wide.
    q = lo + j
    if not asks(pool[j].text) and q + 1 < len(text.sentences) and asks(text.sentences[q + 1].text):
        q += 1
    if asks(text.sentences[q].text) and q + 1 < len(text.sentences) and not text.framing.excluded(q + 1):
        a, b = lo + i, q + 1
        while b + 1 < len(text.sentences) and text.sentences[b].end - text.sentences[q].end < ANSWER_LEAD \
                and not text.framing.excluded(b + 1):
            b += 1
        while a < q and text.sentences[b].end - text.sentences[a].start > ANSWER_SECONDS and weights[a - lo] <= 0:
            a += 1
        while b > q + 1 and text.sentences[b].end - text.sentences[a].start > ANSWER_SECONDS:
            b -= 1
        return trim_tags(text.sentences[a:b + 1]), text.sentences[min(lo, a):max(hi, b) + 1]
    return trim_tags(pool[i:j + 1]), pool
