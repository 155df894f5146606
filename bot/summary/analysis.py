"""One episode read once for summarising: sentences with features, framing, keyphrases, chapters.

Everything the extractive digest and the LLM prompts need is computed here from what the store already
holds (the timed transcript and the chunk vectors), so nothing is embedded again at summary time.
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from bot.framing import Framing
from bot.summary.chapters import ChapterSpan, plan_chapters
from bot.summary.keyphrases import CorpusStats, Phrase, phrase_table, sample_others, word_counts
from bot.summary.text import SentenceFeatures, episode_features, stem, tokens
from ingest.models import EpisodeMeta, Sentence
from ingest.sentences import is_turn_tag

log = logging.getLogger(__name__)


@dataclass
class Analysis:
    text: object                        # bot.library.EpisodeText
    meta: EpisodeMeta
    duration: float
    sentences: list[Sentence]
    features: list[SentenceFeatures]
    framing: Framing
    vectors: np.ndarray                 # chunk embeddings, chunk order
    sentence_chunk: np.ndarray          # sentence position -> chunk position
    table: dict[tuple[str, ...], Phrase]
    stats: CorpusStats
    chapters: list[ChapterSpan] = field(default_factory=list)

    @property
    def episode_id(self) -> str:
        return self.meta.episode_id

    def link(self, seconds: float) -> str | None:
        return self.meta.link(seconds)

    def usable(self, i: int) -> bool:
        """A sentence that may become a bullet, an idea or a quote (not an ad, intro or sign-off)."""
        return not self.framing.excluded(i)

    def chapter_of(self, i: int) -> int:
        for ci, span in enumerate(self.chapters):
            if span.lo <= i < span.hi:
                return ci
        return len(self.chapters) - 1


def analyze(library, episode_id: str, *, counts_for: Callable[[str, str], Counter]) -> Analysis:
    """Prepare one committed episode; `counts_for(eid, gen)` gives another episode's word counts (cached)."""
    text = library.text(episode_id)
    meta = text.meta
    sentences = text.sentences
    vectors = library.vectors(episode_id)
    if len(vectors) != len(text.chunks):
        log.warning("episode %s: %d vectors for %d chunks; segmenting without them", episode_id, len(vectors),
                    len(text.chunks))
        vectors = np.zeros((len(text.chunks), 1), dtype=np.float32)
    duration = text.duration
    framing = text.framing
    features = episode_features([s.text for s in sentences])
    # ads, the sign-off and speaker initials Whisper wrote at a turn ("TK", "SL.") do not count towards what
    # the episode is about (brand names and initials are not topics)
    counted = [s.text if not framing.ad[i] and i < framing.outro_start and not is_turn_tag(s.text) else ""
               for i, s in enumerate(sentences)]
    table = phrase_table(counted)
    guest = {stem(w) for w in tokens(meta.guest or "")}
    if guest:               # in their own episode the guest's name says nothing about a stretch of it
        table = {key: p for key, p in table.items() if not set(key) <= guest}
    own = word_counts(counted)
    others = []
    for other in sample_others(library.active, episode_id):
        try:
            others.append(counts_for(other, library.active[other]))
        except Exception as exc:  # a vanished or unreadable episode only weakens the background
            log.warning("no word counts for %s: %s", other, exc)
    stats = CorpusStats.build(own, others)
    chunk_starts = np.asarray([c.start for c in text.chunks], dtype=np.float64)
    intro_end = sentences[framing.intro_end].start if 0 < framing.intro_end < len(sentences) else None
    chapters = plan_chapters(meta, sentences, chunk_starts, vectors, duration, intro_end)
    return Analysis(text, meta, duration, sentences, features, framing, vectors, text.sentence_chunk, table,
                    stats, chapters)

