"""The local MiniLM under OpenVINO, for an ingest's bulk calls (`LocalEmbedder`: more than SMALL_CALL texts).

Measured on this project's 2-core AMX machine, 2,029 tiles and 498 wide passages of five Lexicap episodes in
steps of 128 texts, as an ingest makes them: torch bf16 9.9 s, OpenVINO bf16 7.3 s (1.35x; tiles 1.4x, wide
passages 1.2x); fp32 forced, ONNX Runtime 30.1 s, OpenVINO 23.6 s (1.28x). Cosine to torch's vectors >= 0.9999,
so the recorded model name stays and stores built either way mix safely. It compiles the ONNX export
`ingest.onnx_minilm` keeps in the model cache (~0.3 s), so an ingest child whose cache holds the export never
imports torch. A lookup's few lines stay on ONNX Runtime, which the README's figures were measured with.
"""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from ingest.onnx_minilm import INPUTS, exported


class OpenVinoMiniLM:
    """One compiled model with a stream per worker; `forward` is thread-safe (an infer request per thread) and
    releases the GIL while it runs, so the embedder's workers run in parallel as they do on torch."""

    def __init__(self, model_dir: Path, cache_dir: Path, dtype: str, workers: int):
        import openvino as ov

        path = exported(model_dir, cache_dir)
        core = ov.Core()
        self.compiled = core.compile_model(core.read_model(str(path)), "CPU", {
            "INFERENCE_PRECISION_HINT": "bf16" if dtype == "bf16" else "f32",
            "NUM_STREAMS": workers, "INFERENCE_NUM_THREADS": workers,
            # no thread pinned to a core: a parent writing to Chroma shares the cores with an ingest child
            "ENABLE_CPU_PINNING": False})
        self._local = threading.local()
        # One pass now, from this thread alone: the first `Tensor.data` a process reads initialises a C++ static
        # under the GIL, and two workers reaching it at once deadlocked, both waiting in __cxa_guard_acquire (a
        # fresh process compiling and then inferring from two threads at once: 3 hangs in 30; after this pass 0 in
        # 760). It is what hung an ingest child, and stop 41's test run.
        ids = np.array([[101, 102]], dtype=np.int64)
        self.forward({"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)})

    def forward(self, features: dict) -> np.ndarray:
        request = getattr(self._local, "request", None)
        if request is None:
            request = self._local.request = self.compiled.create_infer_request()
        request.infer({name: np.asarray(features[name], dtype=np.int64) for name in INPUTS})
        return request.get_output_tensor(0).data.copy()
