"""Sponsor reads, housekeeping and the show's framing: parts of an episode a digest should not quote.

Podcasts open with an introduction and sponsor reads ("Quick mention of our sponsors…", "use code…") and
close with thanks and calls to subscribe. These sentences are found by their wording (generic phrases, no
brand list), then runs of them are closed over short gaps: an ad read is several sentences, only some of
which name the sponsor or the code.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from bot.verbatim import COLD_OPEN_SECONDS, normalize
from ingest.models import Sentence

# "code LEXPODCAST." / "code LEX at checkout", not "code that…", "code base": programmers say code a lot
_PROMO_CODE = (r"\bcode\ (?!(?:base|bases|now|again|anymore|together|down|out|reviews?|names?|words?|here|there|"
               r"itself|too|first|all)\b)[a-z0-9]{3,}(?=\s*(?:$|[.!,;]|at\ checkout|to\ (?:get|save|receive)|"
               r"for\ (?:\d|a\ free|free)))")
_AD = re.compile(r"""(
    sponsor(?:s|ed|ing)?\b | brought\ to\ you\ by | \bpresented\ by | advertis |
    (?:minutes?\ of|any|no|the|these|our)\ ads\b | promo\ code | (?:use|enter)\ (?:the\ )?code\b |
    _PROMO_CODE | percent\ off | \d+\s?%\ off | free\ trial | sign\ up\ (?:at|for) |
    dot\ com\ slash | \.com/ | \bslash\ [a-z]+\b | app\ store | google\ play | download\ (?:it|the\ app) |
    in\ the\ description | support\ (?:this|the|our)\ (?:podcast|show|channel) | patreon |
    subscribe\ (?:on|to)\ | five\ stars | rate\ (?:it|us)\ on | review\ (?:it|us)\ on |
    follow\ (?:me|us|the\ show)\ on | connect\ with\ me\ on | apple\ podcasts | spotify |
    listener\ support | our\ (?:first|second|third)\ sponsor | \bad\ read | commercial\ break
)""".replace("_PROMO_CODE", _PROMO_CODE), re.VERBOSE)     # matched against lowercased text (re.I is 3x slower)
# What only a read says: the offer and the call to act. Between the introduction and the sign-off a run of
# `_AD` sentences is an ad read only with one of these in it; a guest talking about Spotify, advertising as a
# business or "the ads" is the conversation (lexicap: 1,061 such sentences in 198 of 319 episodes were taken for
# reads, and their passages weighed half at /ask: "the TV commercials for a diabetes shot" was never found).
_READ = re.compile(r"""(
    brought\ to\ you\ by | (?:episode|podcast|show)\ is\ sponsored\ by | (?:our|this\ episode's|today's|the\ show's)\ sponsors?\b |
    \bsponsors?\ (?:of\ )?(?:this|the|today's)\ (?:episode|podcast|show) | promo\ code | \b(?:use|enter)\ (?:the\ )?code\b |
    percent\ off | \d+\s?%\ off | free\ trial | dot\ com\ slash | \.com/ | sign\ up\ at |
    support\ (?:this|the|our)\ (?:podcast|show|channel) | \bad\ read | commercial\ break | word\ from\ our
)""", re.VERBOSE)     # matched against lowercased text

_INTRO = re.compile(r"""(
    the\ following\ is\ a\ conversation | welcome\ (?:back\ )?to\ (?:the\ )?[\w\s']{0,40}(?:podcast|show) |
    this\ is\ (?:the\ )?[\w\s']{0,40}podcast | (?:and\ )?(?:now,?\ )?here(?:'s|\ is)\ my\ conversation |
    (?:and\ )?\bnow,?\ (?:dear\ friends,?\ )?here(?:'s|\ is)\ | my\ guest\ (?:today\ )?is | today\ (?:i'm|we're)\ (?:talking|joined) |
    on\ this\ episode
)""", re.VERBOSE)     # matched against lowercased text (re.I is 3x slower)

_OUTRO = re.compile(r"""(
    thanks?\ (?:you\ )?for\ listening | leave\ you\ with | see\ you\ next\ time | until\ next\ time |
    that's\ (?:all|it)\ for\ (?:this|today) | catch\ you\ next
)""", re.VERBOSE)     # matched against lowercased text (re.I is 3x slower)

# The host thanking the guest just before the sign-off ("I'm honored you sat down with me", "thank you so much").
_THANKS = re.compile(r"\b(?:thank\ you|thanks|honou?red|an\ honou?r)\b")
THANKS_SECONDS = 90.0       # how far before the sign-off those thanks may start
LAST_THANKS_SECONDS = 30.0  # ... or before the end, in an episode with no sign-off ("Elon, thank you so much…")
GAP = 5                     # unmarked sentences between two marked ones that belong to the same read
INTRO_GAP = 8               # … within the introduction
INTRO_WINDOW = 8 * 60.0     # an introduction ends within this many seconds
OUTRO_WINDOW = 0.08         # the last share of the episode where a sign-off may start


@dataclass(slots=True)
class Framing:
    """Which sentences are sponsor reads/housekeeping, and where the introduction and sign-off are."""

    ad: list[bool]
    intro_end: int          # sentences [0, intro_end) are the show's introduction (0: none found)
    outro_start: int        # sentences [outro_start, n) are the sign-off (n: none found)
    intro_start: int = 0    # sentences [0, intro_start) are a cold open: a clip played before the introduction
    repeats: dict[int, int] = field(default_factory=dict)   # cold-open sentence -> the same words in the body

    def excluded(self, i: int) -> bool:
        """Not material for ideas, quotes or bullets (a cold open is a clip the episode plays again later)."""
        return self.ad[i] or i < self.intro_end or i >= self.outro_start

    def in_cold_open(self, i: int) -> bool:
        return i < self.intro_start


def about_framing(question: str) -> bool:
    """A question about the framing itself ("what was the promo code?", "who sponsors the show?")."""
    low = question.lower()
    return bool(_AD.search(low) or _INTRO.search(low) or _OUTRO.search(low))


def introduction_line(sentences: list[Sentence]) -> int | None:
    """Where the host introduces the guest ("The following is a conversation with …"), if within the
    first minutes: often after a cold open of the guest's best moment, so not always sentence 0."""
    for i, s in enumerate(sentences):
        if s.start > INTRO_WINDOW:
            break
        if _INTRO.search(s.text.lower()):
            return i
    return None


def _close_gaps(marks: list[bool], gap: int) -> list[bool]:
    out = list(marks)
    last = None
    for i, m in enumerate(marks):
        if m:
            if last is not None and 0 < i - last - 1 <= gap:
                for j in range(last + 1, i):
                    out[j] = True
            last = i
    return out


def find_framing(sentences: list[Sentence], duration: float) -> Framing:
    n = len(sentences)
    low = [s.text.lower() for s in sentences]
    ad = _close_gaps([bool(_AD.search(t)) for t in low], GAP)

    intro_start = intro_end = 0
    head = [i for i, s in enumerate(sentences) if s.start <= INTRO_WINDOW]
    intro_marks = [i for i in head if _INTRO.search(low[i])]
    if intro_marks and intro_marks[0] > 3 and sentences[intro_marks[0]].start <= COLD_OPEN_SECONDS:
        intro_start = intro_marks[0]         # "I hate affirmative action. …" then "The following is a conversation…"
    if intro_marks and (intro_marks[0] <= 3 or intro_start):
        # the introduction runs to its last framing line or sponsor read near the start
        last = max(intro_marks + [i for i in head if ad[i] and i <= max(intro_marks) + 2 * GAP])
        intro_end = last + 1
        # ad reads in an introduction run longer between mentions of the sponsor (a story, an offer)
        closed = _close_gaps(ad[:intro_end], INTRO_GAP)
        ad[:intro_end] = [c and not _INTRO.search(low[i]) or ad[i] for i, c in enumerate(closed)]

    outro_start = n
    tail_from = duration * (1 - OUTRO_WINDOW)
    for i in range(n - 1, -1, -1):
        s = sentences[i]
        if s.start < tail_from:
            break
        if _OUTRO.search(low[i]) or (ad[i] and i > n - 12):
            outro_start = i
    if outro_start < n:
        # the sign-off swallows the host's closing thanks right before it
        while outro_start > 0 and ad[outro_start - 1]:
            outro_start -= 1
        began, window = sentences[outro_start].start, THANKS_SECONDS
    else:       # no sign-off (the early episodes): the conversation simply ends with the thanks
        began, window = (sentences[-1].end if n else 0.0), LAST_THANKS_SECONDS
    # and the thanks to the guest that close the conversation, with the short replies between them
    for i in range(outro_start - 1, -1, -1):
        if began - sentences[i].start > window:
            break
        if _THANKS.search(low[i]):
            outro_start = i
    _keep_reads(ad, low, intro_end, outro_start)
    return Framing(ad, intro_end, outro_start, intro_start, _repeats(low, intro_start, intro_end))


def _keep_reads(ad: list[bool], low: list[str], intro_end: int, outro_start: int) -> None:
    """Unmark the runs of `ad` inside the conversation that no `_READ` line makes an ad read (in place)."""
    i = intro_end
    while i < outro_start:
        if not ad[i]:
            i += 1
            continue
        j = i
        while j < outro_start and ad[j]:
            j += 1
        if not any(_READ.search(low[k]) for k in range(i, j)):
            ad[i:j] = [False] * (j - i)
        i = j


def _repeats(low: list[str], intro_start: int, intro_end: int) -> dict[int, int]:
    """Where the body says each cold-open sentence again (same words, modulo case and punctuation; the
    transcriber may split the sentences differently there): the moment to cite, with its context."""
    if not intro_start:
        return {}
    body, starts = [], []
    at = 1
    for j in range(intro_end, len(low)):
        key = normalize(low[j])
        starts.append(at)
        body.append(key)
        at += len(key) + 1
    text = f" {' '.join(body)} "                  # spaces around: whole words only
    found: dict[int, int] = {}
    for i in range(intro_start):
        key = normalize(low[i])
        if len(key.split()) < 3:                  # "Yeah." is said everywhere
            continue
        pos = text.find(f" {key} ")
        if pos >= 0:
            found[i] = intro_end + bisect.bisect_right(starts, pos + 1) - 1
    return found
