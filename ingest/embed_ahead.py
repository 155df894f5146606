"""Embedding one episode while the one before it is written: the ingest of many sources as a two-stage pipeline.

Why a child process: Chroma's embedded client holds the GIL for the whole of an upsert (measured: a Python
thread beside a 4,000-record upsert did not run for 1.9 s), and the local embedder's forward passes need the
GIL between operators, so a writer thread and embedding threads in one process take turns instead of running
side by side. The local MiniLM therefore runs in a child process for a batch ingest; this process parses,
checks and writes while the child embeds the next episode. Remote and test embedders embed in place.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import numpy as np

from ingest.embeddings import Embedder, LocalEmbedder

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]      # (done, total) texts embedded
EMBED_STEP = 128                           # texts per call: the progress bar's step
# A child step this late is stuck, not slow (a step takes ~1-3 s with AMX, ~10 s fp32 on AVX2; the first one also
# starts the child, ~5-10 s): the child is killed and the rest embedded here. A native deadlock (stop 42: OpenVINO's
# first Tensor.data read from two threads at once) otherwise held the ingest for good.
STEP_STALL_SECONDS = 300.0


def _batches(texts: list[str]) -> list[list[str]]:
    return [texts[lo:lo + EMBED_STEP] for lo in range(0, len(texts), EMBED_STEP)]


def _join(parts: list[np.ndarray], dim: int) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros((0, dim), dtype=np.float32)


def embed_in_place(embedder: Embedder, texts: list[str], progress: Progress | None = None) -> np.ndarray:
    """Embed `texts` here and now, in steps of EMBED_STEP (so a progress bar moves)."""
    parts, done = [], 0
    for batch in _batches(texts):
        parts.append(embedder.embed_documents(batch))
        done += len(batch)
        if progress:
            progress(done, len(texts))
    return _join(parts, embedder.dim)


class Pending:
    """Vectors on their way: `result()` waits for them (and reports progress as their steps arrive)."""

    def __init__(self, wait: Callable[[Progress | None], np.ndarray]):
        self._wait = wait

    def result(self, progress: Progress | None = None) -> np.ndarray:
        return self._wait(progress)


class InPlace:
    """Embeds when the vectors are asked for, in this process: the plain sequential ingest."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    def submit(self, texts: list[str]) -> Pending:
        return Pending(lambda progress: embed_in_place(self.embedder, texts, progress))

    def close(self) -> None:
        pass


# --- the child process ----------------------------------------------------------------------------------
_child_embedder: LocalEmbedder | None = None


def _child_start(params: dict, parent: int) -> None:
    """Runs first in the child: die with the parent (a kill -9 of an ingest must not leave a model-sized orphan
    behind; Linux only), then load the model once."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)          # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:          # the parent died before prctl took effect
        os._exit(0)
    global _child_embedder
    _child_embedder = LocalEmbedder(**params)


def _child_embed(texts: list[str]) -> np.ndarray:
    assert _child_embedder is not None
    return _child_embedder.embed_documents(texts)


class InChild:
    """The local MiniLM in one child process (same class, same parameters, so the same vectors); steps queue
    there in order. If the child cannot start or dies, the rest is embedded in this process (logged)."""

    def __init__(self, embedder: LocalEmbedder, stall_seconds: float = STEP_STALL_SECONDS):
        self.embedder = embedder
        self.stall_seconds = stall_seconds
        self.child_steps = 0            # steps the child embedded (the rest, if any, were embedded here)
        self._pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("spawn"), initializer=_child_start,
            initargs=(embedder.spawn_params(), os.getpid()))

    def pids(self) -> list[int]:
        """The child's process id (once it has started), for benches and tests that watch or kill it."""
        return list(self._pool._processes or {}) if self._pool is not None else []

    def submit(self, texts: list[str]) -> Pending:
        if self._pool is None:
            return InPlace(self.embedder).submit(texts)
        try:
            futures = [self._pool.submit(_child_embed, batch) for batch in _batches(texts)]
        except (BrokenProcessPool, RuntimeError, OSError) as exc:      # could not start, or already gone
            self._give_up(exc)
            return InPlace(self.embedder).submit(texts)
        return Pending(lambda progress: self._collect(texts, futures, progress))

    def _collect(self, texts: list[str], futures: list[Future], progress: Progress | None) -> np.ndarray:
        parts, done = [], 0
        for batch, future in zip(_batches(texts), futures):
            try:
                part = future.result(timeout=self.stall_seconds) if self._pool is not None else None
            except TimeoutError:
                self._kill_child()
                self._give_up(TimeoutError(f"no vectors for {self.stall_seconds:g} s"))
                part = None
            except (BrokenProcessPool, OSError) as exc:
                self._give_up(exc)
                part = None
            if part is None:
                part = self.embedder.embed_documents(batch)
            else:
                self.child_steps += 1
            parts.append(part)
            done += len(batch)
            if progress:
                progress(done, len(texts))
        return _join(parts, self.embedder.dim)

    def _kill_child(self) -> None:
        for pid in self.pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass                    # already gone

    def _give_up(self, exc: BaseException) -> None:
        if self._pool is not None:
            log.warning("the embedding process failed (%s: %s); embedding in this process instead",
                        type(exc).__name__, exc)
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


EmbeddingStage = InPlace | InChild


def embedding_stage(embedder: Embedder, episodes: int, *, child: bool = True) -> EmbeddingStage:
    """Where a batch ingest embeds: the local model in a child process when there are a few episodes to embed
    (the child loads the model again, ~5 s), anything else in place."""
    if child and episodes >= 3 and isinstance(embedder, LocalEmbedder):
        return InChild(embedder)
    return InPlace(embedder)
