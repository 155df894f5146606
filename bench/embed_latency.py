"""Embedding latency per call size (not a test): torch, ONNX Runtime fp32 and what `auto` picks, same run.

    .venv/bin/python bench/embed_latency.py [--reps 25] [--sizes 1,2,4,6,8,16,64]

A lookup embeds few lines (a /quote query and up to three windows, an /ask question and its core); an
ingest embeds thousands. Which runtime is faster differs by call size and CPU, so both are timed on the
same real transcript sentences, interleaved, and the ratio to torch (the baseline: torch in the precision
`auto` chooses, bf16 where native) is printed per size, with the runtime `auto` resolves to on this CPU and
what that choice costs per size. The `hybrid` runtime sends calls of up to `LocalEmbedder.SMALL_CALL`
texts to ONNX and larger ones to OpenVINO (torch where OpenVINO cannot run): its column names the engine.
"""
from __future__ import annotations

import argparse
import platform
import statistics
import time

import numpy as np

from common import episode_file


def main() -> None:
    from ingest.embeddings import LocalEmbedder, cpu_has_amx, cpu_has_native_bf16, local_dtype, local_runtime
    from ingest.sentences import build_sentences
    from ingest.sources.files import load_file

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=25)
    ap.add_argument("--sizes", default="1,2,4,6,8,16,64")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    sentences = [s.text for s in build_sentences(load_file(episode_file(94)).cues)]

    dtype = local_dtype("auto")
    chosen = local_runtime("auto", dtype)
    torch_e = LocalEmbedder(dtype=dtype, runtime="torch")
    onnx_e = LocalEmbedder(dtype="fp32", runtime="onnx")
    auto_e = LocalEmbedder(dtype=dtype, runtime=chosen) if chosen not in ("torch", "onnx") else None
    systems = {f"torch {dtype}": torch_e, "onnx fp32": onnx_e}
    if auto_e is not None:
        systems[f"auto ({chosen}: bulk on {auto_e.bulk_engine})"] = auto_e
    for e in systems.values():
        e.embed_documents(["warm up", "the model and its kernels"] * 4)
    print(f"CPU {platform.processor() or platform.machine()}: native bf16 {cpu_has_native_bf16()}, AMX "
          f"{cpu_has_amx()}; auto = {dtype}, runtime {chosen}; {args.reps} calls per size, median ms\n")
    print("| texts per call | " + " | ".join(systems) + " | onnx / torch |")
    print("|---|" + "---|" * (len(systems) + 1))
    rng = np.random.default_rng(0)
    for n in sizes:
        times: dict[str, list[float]] = {name: [] for name in systems}
        for _ in range(args.reps):
            texts = [sentences[i] for i in rng.integers(0, len(sentences), n)]
            for name, e in systems.items():          # interleaved: every system sees the same load
                began = time.perf_counter()
                e.embed_documents(texts)
                times[name].append((time.perf_counter() - began) * 1000)
        med = {name: statistics.median(v) for name, v in times.items()}
        ratio = med["onnx fp32"] / med[f"torch {dtype}"]
        print(f"| {n} | " + " | ".join(f"{m:.1f}" for m in med.values()) + f" | {ratio:.2f} |")


if __name__ == "__main__":
    main()
