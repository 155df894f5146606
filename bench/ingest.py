"""Ingest benchmark (not a test): N Lexicap episodes into a fresh store, against pure embedding time.

    .venv/bin/python bench/ingest.py [--episodes 20] [--mode both|episodes|batch] [--no-child]
                                     [--dtype auto|bf16|fp32] [--precision-check 1000]

Two ways an ingest runs, both measured (--mode both): each file alone (what /ingest in Discord does, one
source at a time), and all N in one call, as `podbot ingest FOLDER` does, where episode N+1 is embedded
in a child process while episode N is written (`ingest.embed_ahead`; --no-child embeds in this process).

Per episode, the full ingest (parse, sentences, chunks, embed, Chroma write, commit) is timed, and the
same tile texts are embedded on their own through the same code path (`Ingestor._embed`) right before or
after it (the order alternates), so both figures see the same machine load. The chunk texts are embedded
too: what the ingest embedded before it embedded tiles (chunk vector = its tiles' mean), as a baseline. Reports wall and CPU time (CPU time is steadier when other jobs share
the cores), episodes/min, chunks/s, peak RSS, store size on disk, the ingest/embedding ratio (goal <= 1.15)
and a projection for the whole 319-episode corpus (goal <= 15 min). `--precision-check K` also compares
bf16 vs fp32 vectors on K real chunks (cosine, and top-10 agreement for the ask dev-set questions).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

from common import OUT, ROOT, lexicap_files, peak_rss_mb

CORPUS = 319


def dir_size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def pick(n: int) -> list[Path]:
    files = lexicap_files()
    step = max(1, len(files) // n)
    return files[::step][:n]


def fmt(x: float, digits: int = 1) -> str:
    return f"{x:,.{digits}f}"


def run_ingest(args) -> dict:
    from bot.app import App
    from ingest.embeddings import LocalEmbedder
    from ingest.settings import Settings

    files = pick(args.episodes)
    out = OUT / f"ingest-{args.episodes}"
    shutil.rmtree(out, ignore_errors=True)
    settings = Settings(_env_file=None, podbot_data_dir=out)

    began = time.perf_counter()
    embedder = LocalEmbedder(settings.podbot_embed_batch, dtype=None if args.dtype == "auto" else args.dtype,
                             workers=args.workers, runtime=args.runtime, cache_dir=settings.podbot_model_cache)
    if args.torch_threads:
        import torch

        torch.set_num_threads(args.torch_threads)
    load_s = time.perf_counter() - began
    embedder.embed_documents(["warm up the kernels"] * 8)
    app = App(settings, embedder=embedder, use_llm=False)
    ingestor = app.ingestor

    from ingest.embed_ahead import embed_in_place
    from ingest.sources.files import load_file

    def timed(fn, *a):
        w, c = time.perf_counter(), time.process_time()
        out = fn(*a)
        return out, time.perf_counter() - w, time.process_time() - c

    rows = []
    for i, path in enumerate(files):
        prepared = ingestor.prepare(load_file(path))          # the same tile texts the ingest will embed
        chunks, texts = prepared.chunks, prepared.to_embed
        ingest = lambda: ingestor.ingest(load_file(path))                     # noqa: E731  (as Discord does)
        embed = lambda: embed_in_place(embedder, texts)                       # noqa: E731
        whole = lambda: embed_in_place(embedder, [c.text for c in chunks])    # noqa: E731
        def ingest_then_settle():
            out = timed(ingest)
            began = time.perf_counter()
            ingestor.wait_settled()     # the index saved whole, in the background after each (`Ingestor.settle`):
            return out, time.perf_counter() - began     # not the listener's wait, nor on the next timing's CPU

        if i % 2:          # alternate the order, so neither side always runs on a warmer (or busier) machine
            (res, iw, ic), settle_wall = ingest_then_settle()
            _, ew, ec = timed(embed)
            _, cw, cc = timed(whole)
        else:
            _, cw, cc = timed(whole)
            _, ew, ec = timed(embed)
            (res, iw, ic), settle_wall = ingest_then_settle()
        if res.status == "failed":
            print(f"FAILED {path.name}: {res.message}", file=sys.stderr)
            continue
        assert res.chunks == len(chunks)
        rows.append({"episode": res.episode_id, "chunks": res.chunks, "tiles": len(texts), "ingest_wall": iw,
                     "ingest_cpu": ic, "embed_wall": ew, "embed_cpu": ec, "chunk_embed_wall": cw,
                     "chunk_embed_cpu": cc, "settle_wall": settle_wall})
        print(f"{res.episode_id}: {res.chunks} chunks ({len(texts)} tiles), ingest {iw:.2f}s, tiles alone "
              f"{ew:.2f}s, chunks alone {cw:.2f}s "
              f"(load {os.getloadavg()[0]:.1f})", file=sys.stderr, flush=True)

    n = len(rows)
    chunks = sum(r["chunks"] for r in rows)
    tot = {k: sum(r[k] for r in rows) for k in ("ingest_wall", "ingest_cpu", "embed_wall", "embed_cpu",
                                                "chunk_embed_wall", "chunk_embed_cpu", "tiles", "settle_wall")}
    per_ep = tot["ingest_wall"] / n
    return {
        "episodes": n, "chunks": chunks, "dtype": embedder.dtype, "model_load_s": load_s,
        "threads": __import__("torch").get_num_threads(), "batch": embedder.batch_size,
        "workers": embedder.workers, "bulk_engine": embedder.bulk_engine,
        "ingest_wall": tot["ingest_wall"], "embed_wall": tot["embed_wall"], "settle_wall": tot["settle_wall"],
        "ingest_cpu": tot["ingest_cpu"], "embed_cpu": tot["embed_cpu"],
        "episodes_per_min": 60 * n / tot["ingest_wall"], "chunks_per_s": chunks / tot["ingest_wall"],
        "chunks_per_cpu_s": chunks / tot["ingest_cpu"],
        "ratio_wall": tot["ingest_wall"] / tot["embed_wall"], "ratio_cpu": tot["ingest_cpu"] / tot["embed_cpu"],
        "tiles": tot["tiles"], "chunk_embed_wall": tot["chunk_embed_wall"],
        "tiles_vs_chunks_cpu": tot["embed_cpu"] / tot["chunk_embed_cpu"],
        "ratio_median_episode": statistics.median(r["ingest_wall"] / r["embed_wall"] for r in rows),
        "corpus_min_wall": CORPUS * per_ep / 60,
        # CPU-time projection: what the 2 cores would take with nobody else on them
        "corpus_min_cpu": CORPUS * tot["ingest_cpu"] / n / 60 / os.cpu_count(),
        "peak_rss_mb": peak_rss_mb(), "store_mb": dir_size_mb(out), "loadavg": os.getloadavg()[0],
    }


def run_batch(args, embedder=None) -> dict:
    """The CLI's way: all N files in one `ingest_sources` call into a fresh store (episode N+1 embedded in a
    child process while episode N is written), against embedding the same tiles in this process, measured
    right before and right after it. CPU time includes the embedding child's; its start-up (loading the model)
    is timed on its own, as the parent's model load is."""
    from bot.app import App
    from ingest.embeddings import LocalEmbedder
    from ingest.pipeline import ingest_sources
    from ingest.settings import Settings
    from ingest.sources.files import load_file

    files = pick(args.episodes)
    out = OUT / f"ingest-batch-{args.episodes}"
    shutil.rmtree(out, ignore_errors=True)
    settings = Settings(_env_file=None, podbot_data_dir=out, podbot_embed_process=not args.no_child)
    embedder = embedder or LocalEmbedder(settings.podbot_embed_batch,
                                         dtype=None if args.dtype == "auto" else args.dtype, workers=args.workers,
                                         runtime=args.runtime, cache_dir=settings.podbot_model_cache)
    embedder.embed_documents(["warm up the kernels"] * 8)
    embedder.embed_documents(["warm up the bulk engine"] * (embedder.SMALL_CALL + 1))
    app = App(settings, embedder=embedder, use_llm=False)
    per_episode = [app.ingestor.prepare(load_file(path)).to_embed for path in files]   # what the ingest embeds

    from ingest.embed_ahead import InChild, embed_in_place, embedding_stage

    def embed_all(by=embedder) -> tuple[float, float]:
        w, c = time.perf_counter(), time.process_time()
        for texts in per_episode:
            embed_in_place(by, texts)
        return time.perf_counter() - w, time.process_time() - c

    torch_wall = None
    if embedder.bulk_engine != "torch":     # the bulk engine before OpenVINO, as a baseline in the same run
        on_torch = LocalEmbedder(settings.podbot_embed_batch, dtype=embedder.dtype, workers=embedder.workers,
                                 runtime="torch")
        on_torch.embed_documents(["warm up the kernels"] * 64)
        torch_wall = embed_all(on_torch)[0]

    stage = embedding_stage(embedder, len(files), child=settings.podbot_embed_process)
    w = time.perf_counter()
    stage.submit(["warm up the kernels"] * 8).result()    # the child loads the model (as the parent did above)
    startup = time.perf_counter() - w
    pids = stage.pids() if isinstance(stage, InChild) else []

    def cpu_now() -> float:
        own = time.process_time()
        for pid in pids:        # the child's user + system time, from /proc (it is reaped only at the end)
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            own += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return own

    before = embed_all()
    w, c0 = time.perf_counter(), cpu_now()
    results = ingest_sources([str(p) for p in files], app.ingestor, settings, stage=stage)
    wall, cpu = time.perf_counter() - w, cpu_now() - c0
    stage.close()
    after = embed_all()
    failed = [r for r in results if r.status == "failed"]
    assert not failed, failed
    embed_wall, embed_cpu = (before[0] + after[0]) / 2, (before[1] + after[1]) / 2
    chunks = sum(r.chunks for r in results)
    return {"episodes": len(results), "chunks": chunks, "tiles": sum(map(len, per_episode)), "wall": wall,
            "cpu": cpu, "embed_wall": embed_wall, "embed_wall_before": before[0], "embed_wall_after": after[0],
            "embed_cpu": embed_cpu, "ratio_wall": wall / embed_wall, "ratio_cpu": cpu / embed_cpu,
            "chunks_per_s": chunks / wall, "child": bool(pids), "child_startup_s": startup,
            "bulk_engine": embedder.bulk_engine, "dtype": embedder.dtype, "torch_embed_wall": torch_wall,
            "corpus_min_wall": CORPUS * wall / len(results) / 60}


def precision_check(k: int) -> dict:
    """bf16 vs fp32 MiniLM on k real chunks: cosine of the vectors, top-10 agreement for real questions."""
    import numpy as np

    from ingest.chunking import chunk_sentences
    from ingest.embeddings import LocalEmbedder
    from ingest.sentences import build_sentences
    from ingest.sources.files import load_file

    texts: list[str] = []
    for path in lexicap_files()[::7]:
        t = load_file(path)
        texts += [c.text for c in chunk_sentences(t.meta.episode_id, build_sentences(t.cues))]
        if len(texts) >= k:
            break
    rng = np.random.default_rng(0)
    texts = [texts[i] for i in sorted(rng.choice(len(texts), min(k, len(texts)), replace=False))]
    questions = [json.loads(line)["question"] for line in
                 (ROOT / "bench" / "data" / "ask_dev.jsonl").read_text().splitlines() if line.strip()]
    out = {}
    for dtype in ("fp32", "bf16"):
        emb = LocalEmbedder(dtype=dtype, workers=1)
        t0 = time.process_time()
        docs = emb.embed_documents(texts)
        out[dtype + "_cpu_s"] = time.process_time() - t0
        out[dtype] = (docs, emb.embed_documents(questions))
    (d32, q32), (d16, q16) = out["fp32"], out["bf16"]
    cos = (d32 * d16).sum(1)
    top32 = np.argsort(-(q32 @ d32.T), axis=1)[:, :10]
    top16 = np.argsort(-(q16 @ d16.T), axis=1)[:, :10]
    agree = [len(set(a) & set(b)) / 10 for a, b in zip(top32, top16)]
    top1 = float(np.mean(top32[:, 0] == top16[:, 0]))
    return {"chunks": len(texts), "cos_mean": float(cos.mean()), "cos_min": float(cos.min()),
            "top10_overlap": float(np.mean(agree)), "top1_same": top1, "questions": len(questions),
            "speedup_cpu": out["fp32_cpu_s"] / out["bf16_cpu_s"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--episodes", type=int, default=20)
    ap.add_argument("--dtype", choices=["auto", "bf16", "fp32"], default="auto")
    ap.add_argument("--workers", type=int, default=None, help="parallel forward passes (default: CPUs)")
    ap.add_argument("--runtime", choices=["auto", "torch", "onnx", "hybrid"], default="auto",
                    help="the embedder's runtime (default: what podbot runs, PODBOT_EMBED_RUNTIME's default)")
    ap.add_argument("--torch-threads", type=int, default=0,
                    help="torch intra-op threads (default 1, set by the embedder); "
                         "`--dtype fp32 --workers 1 --torch-threads 2` is the pre-optimisation embedder")
    ap.add_argument("--precision-check", type=int, default=0, metavar="K")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--mode", choices=["both", "episodes", "batch"], default="both",
                    help="episodes: each file ingested alone; batch: all in one call, as `podbot ingest DIR` does")
    ap.add_argument("--no-child", action="store_true", help="batch mode: embed in this process")
    args = ap.parse_args()

    if args.mode == "batch":
        print_batch(run_batch(args))
        return 0
    r = run_ingest(args)
    threads = f" × {r['threads']} torch threads" if r["bulk_engine"] == "torch" else ""
    print(f"\n### Ingest benchmark: {r['episodes']} Lexicap episodes, {r['chunks']} chunks "
          f"(MiniLM {r['dtype']} on {r['bulk_engine']}, {r['workers']} workers{threads}, batch {r['batch']}, "
          f"load avg at end {r['loadavg']:.1f})\n")
    print("| figure | value |\n| --- | --- |")
    print(f"| episodes/min | {fmt(r['episodes_per_min'])} |")
    print(f"| chunks/s (wall) | {fmt(r['chunks_per_s'])} |")
    print(f"| chunks per CPU-second | {fmt(r['chunks_per_cpu_s'])} |")
    print(f"| ingest time (wall / CPU) | {fmt(r['ingest_wall'])} s / {fmt(r['ingest_cpu'])} s |")
    print(f"| pure embedding time, same {r['tiles']} tiles (wall / CPU) | {fmt(r['embed_wall'])} s / {fmt(r['embed_cpu'])} s |")
    print(f"| embedding the chunks instead (the pre-tile recipe; wall) | {fmt(r['chunk_embed_wall'])} s "
          f"(tiles ÷ chunks, CPU: {r['tiles_vs_chunks_cpu']:.2f}) |")
    print(f"| ingest ÷ embedding (wall / CPU; goal ≤ 1.15) | {r['ratio_wall']:.3f} / {r['ratio_cpu']:.3f} |")
    print(f"| median per-episode ratio (wall) | {r['ratio_median_episode']:.3f} |")
    print(f"| saving the vector index whole after each, in the background (not in the above; wall) | "
          f"{fmt(r['settle_wall'])} s |")
    print(f"| projected {CORPUS}-episode corpus (wall, this load) | {fmt(r['corpus_min_wall'])} min |")
    print(f"| projected corpus if both cores were ours (CPU time ÷ 2, ideal scaling) | {fmt(r['corpus_min_cpu'])} min |")
    print(f"| model load (not in the above) | {fmt(r['model_load_s'])} s |")
    print(f"| peak RSS | {fmt(r['peak_rss_mb'], 0)} MB |")
    print(f"| store size on disk | {fmt(r['store_mb'])} MB |")
    if args.precision_check:
        p = precision_check(args.precision_check)
        r["precision"] = p
        print(f"\n### bf16 vs fp32 MiniLM on {p['chunks']} real chunks\n")
        print("| figure | value |\n| --- | --- |")
        print(f"| cosine(bf16, fp32) mean / min | {p['cos_mean']:.5f} / {p['cos_min']:.5f} |")
        print(f"| top-10 overlap, {p['questions']} dev questions | {p['top10_overlap']:.3f} |")
        print(f"| same top-1 | {p['top1_same']:.3f} |")
        print(f"| bf16 speed-up (CPU time) | {p['speedup_cpu']:.2f}× |")
    if args.mode == "both":
        r["batch"] = run_batch(args)
        print_batch(r["batch"])
    if args.json:
        args.json.write_text(json.dumps(r, indent=2))
    return 0


def print_batch(b: dict) -> None:
    how = "embedding in a child process while writing" if b["child"] else "embedding in this process"
    print(f"\n### Batch ingest: {b['episodes']} episodes in one call ({how}), {b['chunks']} chunks, "
          f"{b['tiles']} tiles\n")
    print("| figure | value |\n| --- | --- |")
    print(f"| ingest time (wall / CPU incl. the child) | {fmt(b['wall'])} s / {fmt(b['cpu'])} s |")
    print(f"| pure embedding of the same tiles, before / after (wall; {b['bulk_engine']} {b['dtype']}) | "
          f"{fmt(b['embed_wall_before'])} s / {fmt(b['embed_wall_after'])} s |")
    if b["torch_embed_wall"]:
        print(f"| the same on torch {b['dtype']} (the bulk engine before OpenVINO; wall) | "
              f"{fmt(b['torch_embed_wall'])} s ({b['torch_embed_wall'] / b['embed_wall']:.2f}x) |")
    print(f"| ingest ÷ embedding (wall / CPU; goal ≤ 1.15) | {b['ratio_wall']:.3f} / {b['ratio_cpu']:.3f} |")
    print(f"| chunks/s (wall) | {fmt(b['chunks_per_s'])} |")
    if b["child"]:
        print(f"| the child's start-up (model load; not in the above, like the parent's) | "
              f"{fmt(b['child_startup_s'])} s |")
    print(f"| projected {CORPUS}-episode corpus (wall) | {fmt(b['corpus_min_wall'])} min |")


if __name__ == "__main__":
    sys.exit(main())
