"""The LLM digest: map over chapters, then reduce, with typed (structured) output and a bounded prompt size.

- Map: one call per chapter with that chapter's transcript, cut to a word budget (the whole episode gets
  at most `TOTAL_WORDS` words of transcript, never more than `CHAPTER_WORDS` per call; over budget, the
  chapter's most central sentences are kept in order and the gaps marked "[…]"). Calls run a few at a time.
- Reduce: one call with the chapter notes and candidate quotes (already checked against the transcript).
- Every quote the model returns is repaired (quotes.QuoteRepair): verbatim ones stay, close paraphrases
  become the nearest transcript sentence, the rest are dropped. Ideas are pinned to the transcript
  sentence that best matches them within their chapter. Missing pieces are filled from the extractive
  digest, so the counts hold whatever the model returns.
Any `LLMUnavailable` propagates; the engine then serves the extractive digest with a note.
"""
from __future__ import annotations

import logging
import math
import threading
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

from pydantic import BaseModel, Field

from bot.llm import LLMUnavailable
from bot.models import Chapter, Idea, Summary, SummaryQuote
from bot.summary.analysis import Analysis
from bot.summary.chapters import ChapterSpan
from bot.summary.extractive import N_IDEAS, N_QUOTES
from bot.summary.prompts import map_messages, reduce_messages
from bot.summary.quotes import QuoteRepair, highlight, pick_quotes, to_summary_quote
from bot.summary.scoring import GENERIC_WEIGHT, centrality
from bot.summary.text import content_keys
from bot.timefmt import clock
from bot.verbatim import normalize

log = logging.getLogger(__name__)

TOTAL_WORDS = 24_000        # transcript words sent over all map calls (~32k tokens)
CHAPTER_WORDS = 4_000       # … and at most this many in one call
MIN_CHAPTER_WORDS = 600
MAP_WORKERS = 4
EXTRA_QUOTE_CANDIDATES = 8  # extractive quote candidates offered to the reduce step


class IdeaNote(BaseModel):
    title: str = Field(description="a short title")
    explanation: str = Field(description="1-2 sentences")


class ChapterNotes(BaseModel):
    """Notes on one chapter of a podcast episode."""

    title: str = Field(description="specific chapter title, at most 8 words")
    summary: str = Field(description="2-3 sentences")
    bullets: list[str] = Field(description="3 to 5 key points")
    ideas: list[IdeaNote] = Field(description="up to 2 ideas worth remembering")
    quotes: list[str] = Field(description="up to 2 quotes copied exactly from the transcript")


class DigestIdea(BaseModel):
    title: str
    explanation: str
    chapter: int = Field(description="number of the chapter it comes from")


class DigestQuote(BaseModel):
    text: str = Field(description="copied exactly from the candidate quotes")
    chapter: int


class EpisodeDigest(BaseModel):
    """The digest of a whole podcast episode."""

    headline: str
    at_a_glance: list[str] = Field(description="3 to 5 bullets")
    ideas: list[DigestIdea] = Field(description="exactly 5 ideas")
    quotes: list[DigestQuote] = Field(description="5 quotes from the candidates")
    topics: list[str] = Field(description="5 to 8 topic phrases")


def chapter_budget(n_chapters: int) -> int:
    return int(min(CHAPTER_WORDS, max(MIN_CHAPTER_WORDS, TOTAL_WORDS / max(1, n_chapters))))


def excerpt(a: Analysis, span: ChapterSpan, budget: int) -> str:
    """The chapter's transcript (sponsor reads left out), cut to `budget` words, with time marks."""
    idx = [i for i in range(span.lo, span.hi) if not a.framing.ad[i]]
    words = sum(a.features[i].words for i in idx)
    if words > budget and idx:
        cent = centrality(a, idx, span.lo, span.hi, chapter=True)
        keep: set[int] = set()
        used = 0
        for j in sorted(range(len(idx)), key=lambda j: -cent[j]):
            w = a.features[idx[j]].words
            if used + w > budget:
                continue
            keep.add(idx[j])
            used += w
        idx = sorted(keep)
    lines: list[str] = []
    prev_i, prev_chunk = None, None
    for i in idx:
        chunk = int(a.sentence_chunk[i])
        s = a.sentences[i]
        if prev_i is not None and i != prev_i + 1:
            lines.append("[…]")
            prev_chunk = None
        if chunk != prev_chunk:
            lines.append(f"[{clock(s.start)}] {s.text}")
        else:
            lines[-1] += " " + s.text
        prev_i, prev_chunk = i, chunk
    return "\n".join(lines)


def locate(a: Analysis, text: str, span: ChapterSpan | None) -> int:
    """The sentence of `span` (or of the episode) sharing the most particular words with `text`."""
    keys = set(content_keys(text))
    lo, hi = (span.lo, span.hi) if span else (0, len(a.sentences))
    best, best_score = None, 0.0
    for i in range(lo, hi):
        if not a.usable(i):
            continue
        shared = keys & set(a.features[i].keys)
        score = sum(a.stats.idf(k) + GENERIC_WEIGHT for k in shared) / math.sqrt(len(a.features[i].keys) + 2)
        if score > best_score:
            best, best_score = i, score
    if best is None:
        best = next((i for i in range(lo, hi) if a.usable(i)), lo)
    return min(best, len(a.sentences) - 1)


def _same(x: str, y: str) -> bool:
    return normalize(x) == normalize(y)


class LLMSummarizer:
    """Map/reduce over one analysed episode with a ChatLLM (bot.llm)."""

    def __init__(self, llm, *, workers: int = MAP_WORKERS):
        self.llm = llm
        self.workers = workers

    def _map_one(self, a: Analysis, number: int, span: ChapterSpan, budget: int,
                 dead: threading.Event) -> ChapterNotes:
        creator = f", titled by the creator: {span.title}" if span.title else ""
        messages = map_messages(title=a.meta.title, number=number, total=len(a.chapters), start=clock(span.start),
                                end=clock(span.end), creator=creator, excerpt=excerpt(a, span, budget))
        try:
            return self.llm.structured(ChapterNotes, messages, cancel=dead)
        except LLMUnavailable:
            dead.set()          # siblings stop retrying and queued chapters never reach the model
            raise

    def map_chapters(self, a: Analysis) -> list[ChapterNotes]:
        budget = chapter_budget(len(a.chapters))
        jobs = list(enumerate(a.chapters, 1))
        dead = threading.Event()
        if self.workers <= 1 or len(jobs) == 1:
            return [self._map_one(a, n, span, budget, dead) for n, span in jobs]
        pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="summary-map")
        try:
            futures = [pool.submit(self._map_one, a, n, span, budget, dead) for n, span in jobs]
            wait(futures, return_when=FIRST_EXCEPTION)
            return [f.result() for f in futures]     # the first LLMUnavailable propagates
        finally:
            # a dead LLM must not be asked about every remaining chapter before the fallback
            pool.shutdown(wait=False, cancel_futures=True)

    def summarize(self, a: Analysis, base: Summary) -> Summary:
        """An LLM digest of `a`; `base` (the extractive digest) fills whatever the model leaves out."""
        repair = QuoteRepair(a)
        notes = self.map_chapters(a)

        candidates: list[tuple[SummaryQuote, int]] = []

        def add_candidate(q: SummaryQuote | None, chapter: int) -> None:
            if q is not None and not any(_same(q.text, c.text) for c, _ in candidates):
                candidates.append((q, chapter))

        hl = highlight(a)
        pinned = to_summary_quote(a, *hl) if hl else None       # the cold open's lines: the show's own pick
        add_candidate(pinned, a.chapter_of(hl[0]) + 1 if hl else 0)
        dropped = 0
        for number, note in enumerate(notes, 1):
            for text in note.quotes[:3]:
                q, how = repair.repair(text)
                dropped += how == "dropped"
                add_candidate(q, number)
        for i in pick_quotes(a, EXTRA_QUOTE_CANDIDATES):
            q, _ = repair.repair(a.sentences[i].text)
            add_candidate(q, a.chapter_of(i) + 1)

        digest_notes = "\n\n".join(
            f"{n}. {clock(span.start)}–{clock(span.end)} {span.title or note.title}\n{note.summary}\n"
            + "\n".join(f"- {b}" for b in note.bullets[:5])
            + "".join(f"\n* idea: {i.title}: {i.explanation}" for i in note.ideas[:2])
            for n, (span, note) in enumerate(zip(a.chapters, notes), 1))
        quote_lines = "\n".join(f"- (chapter {ch}) {q.text}" for q, ch in candidates) or "(none)"
        guest = f"\nGuest: {a.meta.guest}" if a.meta.guest else ""
        digest = self.llm.structured(EpisodeDigest, reduce_messages(title=a.meta.title, guest=guest,
                                                                    notes=digest_notes, quotes=quote_lines))

        # quotes: repaired, deduplicated, topped up from the extractive picks
        quotes: list[SummaryQuote] = [pinned] if pinned else []
        for dq in digest.quotes:
            q, how = repair.repair(dq.text)
            dropped += how == "dropped"
            if q is not None and not any(_same(q.text, x.text) for x in quotes):
                quotes.append(q)
            if len(quotes) >= N_QUOTES:
                break
        for q in base.quotes:
            if len(quotes) >= N_QUOTES:
                break
            if not any(_same(q.text, x.text) for x in quotes):
                quotes.append(q)
        if dropped:
            log.info("summary %s: dropped %d proposed quote(s) not found in the transcript", a.episode_id, dropped)

        # ideas: pinned to their best-matching sentence
        ideas: list[Idea] = []
        for di in digest.ideas[:N_IDEAS]:
            if not di.title.strip() or not di.explanation.strip():
                continue
            span = a.chapters[di.chapter - 1] if 1 <= di.chapter <= len(a.chapters) else None
            i = locate(a, f"{di.title} {di.explanation}", span)
            s = a.sentences[i]
            ideas.append(Idea(title=di.title.strip(), explanation=di.explanation.strip(), start=s.start, end=s.end,
                              url=a.link(s.start)))
        for idea in base.ideas:
            if len(ideas) >= N_IDEAS:
                break
            if not any(abs(idea.start - x.start) < 1 for x in ideas):
                ideas.append(idea)
        ideas.sort(key=lambda x: x.start)

        chapters: list[Chapter] = []
        for span, note, fallback in zip(a.chapters, notes, base.chapters):
            bullets = [b.strip() for b in note.bullets if b.strip()][:5]
            if len(bullets) < 3:
                bullets += [b for b in fallback.bullets if b not in bullets][:3 - len(bullets)]
            title = span.title or ("Introduction" if span.source == "intro" else note.title.strip()) or fallback.title
            chapters.append(Chapter(start=span.start, end=span.end, title=title,
                                    summary=note.summary.strip() or fallback.summary, bullets=bullets,
                                    url=a.link(span.start)))

        glance = [b.strip() for b in digest.at_a_glance if b.strip()][:5]
        if len(glance) < 3:
            glance += [b for b in base.at_a_glance if b not in glance][:3 - len(glance)]
        topics = [t.strip() for t in digest.topics if t.strip()][:8] or base.topics
        return Summary(episode_id=a.episode_id, title=a.meta.title, headline=digest.headline.strip() or base.headline,
                       at_a_glance=glance, ideas=ideas, quotes=quotes, chapters=chapters, topics=topics, mode="llm",
                       url=a.link(0))
