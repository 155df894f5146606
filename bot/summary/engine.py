"""`/summary`: an episode digest with chapters, ideas, verbatim quotes and topics.

    engine = SummaryEngine(library, llm=ChatLLM-or-None, cache_dir=Path)
    summary = engine.summarize("94")            # any reference library.resolve_episode understands

Mode "llm" when a model is configured and answers; on `LLMUnavailable` the extractive digest is served
with a note (and kept only briefly, so the model is tried again soon). Summaries are cached per episode
generation: a second request for the same episode is a file read.
"""
from __future__ import annotations

import logging
import threading
from collections import Counter, OrderedDict
from pathlib import Path

from bot.llm import LLMUnavailable
from bot.models import Summary
from bot.summary.analysis import Analysis, analyze
from bot.summary.cache import SummaryCache, cache_key
from bot.summary.extractive import summarize_extractive
from bot.summary.keyphrases import word_counts
from bot.summary.llm_summary import LLMSummarizer
from ingest.errors import EpisodeNotFound

log = logging.getLogger(__name__)

FALLBACK_TTL = 600.0        # seconds a fallback (LLM failed) digest is served before the LLM is retried
ANALYSES_KEPT = 4


class SummaryEngine:
    def __init__(self, library, llm=None, cache_dir: Path | None = None, *, map_workers: int | None = None):
        self.library = library
        self.llm = llm
        self.cache = SummaryCache(cache_dir)
        self._summarizer = LLMSummarizer(llm, **({"workers": map_workers} if map_workers else {})) if llm else None
        self._analyses: OrderedDict[tuple[str, str], Analysis] = OrderedDict()
        self._lock = threading.Lock()
        self._episode_locks: dict[str, threading.Lock] = {}

    # --- the public call ---------------------------------------------------------------------------
    def summarize(self, episode: str, *, refresh: bool = False) -> Summary:
        """The digest of one episode (cached per committed generation unless `refresh`)."""
        meta = self.library.resolve_episode(episode)
        eid = meta.episode_id
        if not refresh:
            hit = self.cached(eid)
            if hit is not None:
                return hit
        with self._episode_lock(eid):
            gen = self.library.record(eid)["gen"]
            meta = self.library.meta(eid)
            key = cache_key(gen, meta)
            if not refresh:
                hit = self.cached(eid)          # another thread may have just written it
                if hit is not None:
                    return hit
            a = self.analysis(eid)
            summary = summarize_extractive(a)
            mode = "extractive"
            if self._summarizer is not None:
                try:
                    summary = self._summarizer.summarize(a, summary)
                    mode = "llm"
                except LLMUnavailable as exc:
                    log.warning("summary of %s: LLM unavailable (%s); serving the extractive digest", eid, exc.reason)
                    summary.note = f"LLM unavailable ({exc.reason}); showing an extractive digest of the transcript"
                    mode = "fallback"
            self.cache.put(eid, mode, key, summary)
            return summary

    def cached(self, episode_id: str) -> Summary | None:
        """The cached digest for the episode's current generation, without computing anything."""
        try:
            gen = self.library.record(episode_id)["gen"]
            meta = self.library.meta(episode_id)
        except (KeyError, EpisodeNotFound):
            return None
        key = cache_key(gen, meta)
        if self._summarizer is not None:
            return self.cache.get(episode_id, "llm", key) or \
                self.cache.get(episode_id, "fallback", key, max_age=FALLBACK_TTL)
        return self.cache.get(episode_id, "llm", key) or self.cache.get(episode_id, "extractive", key)

    # --- building blocks (also used by the benches) ------------------------------------------------
    def analysis(self, episode_id: str) -> Analysis:
        """The episode read for summarising, kept for the last few episodes (per generation)."""
        gen = self.library.record(episode_id)["gen"]
        with self._lock:
            found = self._analyses.get((episode_id, gen))
            if found is not None:
                self._analyses.move_to_end((episode_id, gen))
                return found
        a = analyze(self.library, episode_id, counts_for=self.word_counts)
        self.cache.put_counts(episode_id, gen, a.stats.own)
        with self._lock:
            self._analyses[(episode_id, gen)] = a
            while len(self._analyses) > ANALYSES_KEPT:
                self._analyses.popitem(last=False)
        return a

    def word_counts(self, episode_id: str, gen: str) -> Counter:
        """Content-word counts of another episode, for the keyphrase background (cached on disk)."""
        counts = self.cache.get_counts(episode_id, gen)
        if counts is None:
            chunks = self.library.store.load_chunks(episode_id, gen)
            counts = word_counts(c.text for c in chunks)
            self.cache.put_counts(episode_id, gen, counts)
        return counts

    def _episode_lock(self, episode_id: str) -> threading.Lock:
        with self._lock:
            return self._episode_locks.setdefault(episode_id, threading.Lock())
