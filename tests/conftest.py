"""Shared fixtures: real Lexicap transcripts, a real embedded store, and a fast hashing embedder."""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from ingest.settings import Settings  # noqa: E402

LEXICAP = Path(os.environ.get("PODBOT_LEXICAP", Path(__file__).resolve().parents[2] / "shared" / "lexicap"))
FIXTURES = Path(__file__).parent / "fixtures"
# Episodes every engine test can rely on (the session store ingests these with the real MiniLM).
CORE_EPISODES = ("094", "001", "018")


def lexicap(number: int | str) -> Path:
    path = LEXICAP / f"episode_{int(number):03d}_large.vtt"
    if not path.exists():
        pytest.skip(f"Lexicap transcript {path} not available")
    return path


def cache_entries(folder) -> set[str]:
    """The complete entries of a `bot.disk_cache` folder (not its temporary ones)."""
    return {p.name for p in folder.iterdir() if not p.name.startswith(".")}


class HashEmbedder:
    """Deterministic bag-of-words vectors: fast, lexical, good enough for store/pipeline tests."""

    name = "test-hash"
    dim = 64

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
                out[row, h % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


@pytest.fixture
def hash_embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(_env_file=None, podbot_data_dir=tmp_path / "data")


@pytest.fixture
def hash_app(settings, hash_embedder):
    """An App on a fresh tmp store with the hashing embedder and no LLM."""
    from bot.app import App

    return App(settings, embedder=hash_embedder, use_llm=False)


@pytest.fixture(scope="session")
def real_app(tmp_path_factory):
    """An App with the real local MiniLM and a store holding CORE_EPISODES (ingested once per session)."""
    from bot.app import App
    from ingest.pipeline import ingest_sources

    data = tmp_path_factory.mktemp("real_store")
    app = App(Settings(_env_file=None, podbot_data_dir=data), use_llm=False)
    sources = [str(lexicap(n)) for n in CORE_EPISODES]
    results = ingest_sources(sources, app.ingestor, app.settings)
    assert all(r.status == "added" for r in results), results
    return app
