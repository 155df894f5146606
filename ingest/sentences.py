"""Rebuild whole sentences from caption cues, with the time each one is spoken.

Cues (Whisper segments, YouTube captions) break mid-sentence, so sentences are found in the joined
text of all cues and timed by interpolating inside the cue where they begin and end. Text without
punctuation (auto-captions, damaged Whisper output) is cut into readable pieces at cue edges and commas.
"""
from __future__ import annotations

import bisect
import re

from ingest.models import Cue, Sentence

MAX_WORDS = 48          # longer "sentences" are cut (unpunctuated captions would otherwise be one sentence)
TARGET_WORDS = 28
_REPEAT_LIMIT = 2       # Whisper sometimes loops on one line; keep at most this many identical cues in a row

# a sentence ends before a capital, a digit or an amount ("…would cost them $3 million. $3 million equals one
# hour of vaccine sales.": the second is the line a listener quotes)
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9¿¡$£€À-ÖØ-Þ])")
_ABBREV = {"mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "jr", "sr", "vol", "fig", "e.g", "i.e",
           "u.s", "u.k", "approx", "inc", "ltd", "co", "mt", "gen", "col", "lt", "sgt", "rev", "ph.d", "a.k.a"}
# Initials ("J.", "O.J.", "a.m.") are told from a sentence that ends in a letter ("plan B.", "vitamin D.") by
# the word after them: an initial is followed by another initial or a name, a sentence end by a new
# sentence. Capitalised words that open sentences far more often than they are surnames or given names:
_STARTERS = frozenset("""
    i i'm i've i'd i'll a an the and but so or nor yet because cause if then than that that's this these
    those there there's here here's it it's its we we're we've we'll you you're you've you'll he he's
    she she's they they're they've they'll my our your his her their me us them him what what's why how
    when where who whose which whether yes yeah yep no nope not okay ok oh ah uh um well now right sure
    like just also actually basically honestly obviously unfortunately fortunately essentially clearly
    certainly definitely probably maybe perhaps hopefully interestingly coincidentally literally really
    exactly absolutely sometimes anyway however again all any every each some many most much more one two
    three both either neither do does did don't doesn't didn't is isn't are aren't was wasn't were be
    been being have has had can can't could couldn't would wouldn't should will won't might must let's
    let in on at of for to from with without by as after before while since until although though even
    especially otherwise instead thank thanks hey hi hello wow please look see say think go get imagine
    other another first second next last today tomorrow yesterday everything everyone everybody nothing
    something someone somebody anything anyone people whatever wherever whoever
""".split())
_NO_BEFORE_NUMBER = re.compile(r"\s+[\"'“‘(\[]?\d")          # "No. 5" abbreviates number; "No. I think" ends
_INITIALS = re.compile(r"(?:[A-Za-z]\.)*[A-Za-z]")              # "J", "O.J", "a.m" (before the final period)
_NEXT_WORD = re.compile(r"[.!?…\"'”’)\]]*\s+[\"'“‘(\[]?([^\s\"'“”‘’()\[\]]+(?:['’][^\s\"'“”‘’()]+)?)")
# Whisper, trained on transcripts that name their speakers, sometimes writes initials or a name in capitals
# where the speaker changes ("SL. So let's talk…", "RL Currently, the pedestrians…", "BJÖRN I think Algol 60")
# — different ones for the same person, so they are no speaker labels. 23 of Lexicap's 319 episodes carry
# them. A tag: a word in capitals opening a turn (text start or after a sentence end), before a capital or a
# dash, at least TAG_MIN times, and at least TAG_SHARE of the times it is written at all ("AI", "US" and "OK"
# are said inside sentences too).
_CAPS = "A-ZÀ-ÖØ-Þ"
_TAG_AT_TURN = re.compile(rf"(?:^|[.!?…][\"'”’)\]]*\s+)([{_CAPS}]{{2,12}})\.?(?:\s+[–—-])?(?=\s+[{_CAPS}–—-])")
_CAPITALS = re.compile(rf"\b[{_CAPS}]{{2,12}}\b")
_TAG_SENTENCE = re.compile(rf"[{_CAPS}]{{2,12}}\.?(?:\s+[–—-])?")
TAG_MIN = 2
TAG_SHARE = 0.75


def _dedupe_loops(cues: list[Cue]) -> list[Cue]:
    out: list[Cue] = []
    run = 0
    for cue in cues:
        if out and cue.text == out[-1].text:
            run += 1
            if run >= _REPEAT_LIMIT:
                continue
        else:
            run = 0
        out.append(cue)
    return out


class _Timeline:
    """Maps a character offset in the joined cue text to seconds."""

    def __init__(self, cues: list[Cue]):
        self.offsets: list[int] = []
        parts, pos = [], 0
        for cue in cues:
            self.offsets.append(pos)
            parts.append(cue.text)
            pos += len(cue.text) + 1
        self.text = " ".join(parts)
        self.cues = cues

    def cue_at(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.offsets, offset) - 1)

    def time_at(self, offset: int) -> float:
        i = self.cue_at(offset)
        cue = self.cues[i]
        frac = min(1.0, max(0.0, (offset - self.offsets[i]) / max(1, len(cue.text))))
        return cue.start + (cue.end - cue.start) * frac


def _is_abbreviation(text: str, end: int) -> bool:
    """True when the period ending at `end` closes an abbreviation or an initial, not a sentence."""
    if text[end - 1] != ".":
        return False
    start = text.rfind(" ", 0, end) + 1
    raw = text[start:end].rstrip(".")
    token = raw.lower()
    if token in _ABBREV:
        return True
    if token == "no":
        return bool(_NO_BEFORE_NUMBER.match(text, end))
    if _INITIALS.fullmatch(raw) and not (len(raw) == 1 and raw.islower()):
        return _opens_a_name(text, end)
    return False


def _opens_a_name(text: str, end: int) -> bool:
    """Whether the word after an initial's period continues a name ("R. R. Tolkien", "I. Jordan")
    rather than starting a sentence ("plan B. I think", "vitamin D. But then")."""
    match = _NEXT_WORD.match(text, end)
    if not match:
        return False
    word = match.group(1)
    if _INITIALS.fullmatch(word.rstrip(".")) and word.endswith(".") and word[0].isupper():
        return True                                           # another initial: "J. R. R.", "U. S."
    bare = word.rstrip(".,;:!?…").replace("’", "'")
    return bare[:1].isupper() and bare.lower() not in _STARTERS and not bare.isdigit()


def is_turn_tag(text: str) -> bool:
    """A sentence that is only a speaker tag (how `build_sentences` leaves one: on its own, so no quote,
    bullet or keyphrase opens with it). Judged by shape: any one word in capitals ("OK.") passes too."""
    return bool(_TAG_SENTENCE.fullmatch(text.strip()))


def _turn_tags(text: str) -> list[tuple[int, int]]:
    """(start, end) of each turn tag in the joined transcript text (see _TAG_AT_TURN)."""
    found = [(m.group(1), m.start(1), m.end()) for m in _TAG_AT_TURN.finditer(text)]
    if not found or sum(map(str.isupper, text)) > 0.5 * sum(map(str.isalpha, text)):
        return []                           # captions in capitals: every word is written that way
    at_turn: dict[str, int] = {}
    for tag, _, _ in found:
        at_turn[tag] = at_turn.get(tag, 0) + 1
    written: dict[str, int] = {}
    for m in _CAPITALS.finditer(text):
        if m.group() in at_turn:
            written[m.group()] = written.get(m.group(), 0) + 1
    tags = {t for t, n in at_turn.items() if n >= TAG_MIN and n >= TAG_SHARE * written[t]}
    return [(a, b) for tag, a, b in found if tag in tags]


def _sentence_spans(tl: _Timeline) -> list[tuple[int, int]]:
    text = tl.text
    cuts = {0, len(text)}
    for a, b in _turn_tags(text):           # a tag is a sentence of its own
        cuts.update((a, b))
    for match in _END.finditer(text):
        if not _is_abbreviation(text, match.start() + 1 if match.group().startswith(".") else match.end()):
            cuts.add(match.end())
    # A change of speaker always ends a sentence.
    for i in range(1, len(tl.cues)):
        if tl.cues[i].speaker != tl.cues[i - 1].speaker or tl.cues[i].turn:
            cuts.add(tl.offsets[i] - 1)
    ordered = sorted(cuts)
    spans = []
    for a, b in zip(ordered, ordered[1:]):
        while a < b and text[a] == " ":
            a += 1
        if a < b:
            spans.extend(_split_long(tl, a, b))
    return spans


def _split_long(tl: _Timeline, a: int, b: int) -> list[tuple[int, int]]:
    """Cut an over-long span at cue edges or clause punctuation near TARGET_WORDS."""
    text = tl.text
    if text.count(" ", a, b) < MAX_WORDS:
        return [(a, b)]
    cue_edges = set(tl.offsets[tl.cue_at(a) + 1: tl.cue_at(b) + 1])
    pieces, start, words = [], a, 0
    pos = a
    while pos < b:
        nxt = text.find(" ", pos, b)
        if nxt == -1:
            break
        words += 1
        at_edge = (nxt + 1) in cue_edges or text[nxt - 1] in ",;:"
        if (words >= TARGET_WORDS and at_edge) or words >= MAX_WORDS:
            pieces.append((start, nxt))
            start, words = nxt + 1, 0
        pos = nxt + 1
    if start < b:
        # fold a tiny tail into the previous piece, unless that would pass MAX_WORDS
        if pieces and text.count(" ", start, b) < 6 and text.count(" ", pieces[-1][0], b) < MAX_WORDS:
            pieces[-1] = (pieces[-1][0], b)
        else:
            pieces.append((start, b))
    return pieces


def build_sentences(cues: list[Cue]) -> list[Sentence]:
    """Whole sentences, in order, each with start/end seconds (positions for untimed text)."""
    cues = _dedupe_loops([c for c in cues if c.text.strip()])
    if not cues:
        return []
    tl = _Timeline(cues)
    sentences = []
    for a, b in _sentence_spans(tl):
        body = tl.text[a:b].strip()
        if not body:
            continue
        start, end = tl.time_at(a), tl.time_at(b)
        sentences.append(Sentence(len(sentences), round(start, 2), round(max(end, start), 2), body,
                                  tl.cues[tl.cue_at(a)].speaker))
    return sentences
