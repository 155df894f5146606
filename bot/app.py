"""The composition root: settings -> embedder/store -> library -> engines, each built once, lazily.

The CLI and the Discord bot both hold one App; tests build one with a fake LLM or a tmp data dir.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

from ingest.embeddings import Embedder, embedder_identity, get_embedder
from ingest.pipeline import Ingestor
from ingest.settings import Settings, get_settings
from ingest.store import Store


class App:
    def __init__(self, settings: Settings | None = None, *, embedder: Embedder | None = None, llm=None,
                 use_llm: bool = True):
        self.settings = settings or get_settings()
        self._embedder = embedder
        self._llm = llm
        self._use_llm = use_llm
        self._lock = threading.RLock()

    @cached_property
    def embedder(self) -> Embedder:
        return self._embedder or get_embedder(self.settings)

    @contextmanager
    def prefetch_embedder(self) -> Iterator[threading.Thread | None]:
        """Open the embedding model in the background while the caller reads the library: a one-shot `podbot ask`
        or `quote` builds its indexes (~2 s) before its first embedding, and opening the model (~0.5 s) need not
        wait for them. Yields the thread (None when the embedder cannot even be built: the first real call will
        say why) and joins it on the way out, so the process never exits with the model half open (an empty
        library answers at once)."""
        try:
            embedder = self.embedder
        except Exception:           # noqa: BLE001 - e.g. a misconfigured API embedder: the call will say so
            yield None
            return

        def warm() -> None:
            try:
                getattr(embedder, "warm", lambda: None)()
            except Exception:       # noqa: BLE001 - the question's own embedding call says what went wrong
                pass

        thread = threading.Thread(target=warm, name="embedder-prefetch", daemon=True)
        thread.start()
        try:
            yield thread
        finally:
            thread.join()

    @cached_property
    def store(self) -> Store:
        identity = None if self._embedder else embedder_identity(self.settings)
        name, dim = identity or (self.embedder.name, self.embedder.dim)
        return Store(self.settings, embed_model=name, embed_dim=dim)

    @cached_property
    def ingestor(self) -> Ingestor:
        return Ingestor(self.settings, self.embedder, self.store)

    @cached_property
    def library(self):
        from bot.library import Library

        return Library(self.settings, embedder_factory=lambda: self.embedder, store=self.store,
                       text_cache=self._index_cache("texts"))

    @cached_property
    def llm(self):
        """A ChatLLM when a key or base URL is configured (or one was injected), else None."""
        if not self._use_llm:
            return None
        if self._llm is not None:
            return self._llm
        from bot.llm import ChatLLM

        return ChatLLM.from_settings(self.settings)

    @cached_property
    def ask(self):
        from bot.ask.engine import AskEngine

        return AskEngine(self.library, llm=self.llm, digest=lambda episode_id: self.summaries.summarize(episode_id),
                         cache_dir=self._index_cache("lexical"))

    @cached_property
    def quotes(self):
        from bot.quotes.engine import QuoteEngine

        return QuoteEngine(self.library, cache_dir=self._index_cache("quotes"))

    def _index_cache(self, name: str) -> Path | None:
        """Where an engine keeps its index between runs (`bot.disk_cache`); None when PODBOT_INDEX_CACHE is off."""
        return self.settings.podbot_data_dir / name if self.settings.podbot_index_cache else None

    @cached_property
    def summaries(self):
        from bot.summary.engine import SummaryEngine

        return SummaryEngine(self.library, llm=self.llm, cache_dir=self.settings.podbot_data_dir / "summaries")
