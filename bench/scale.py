"""Scale benchmark: ingest N Lexicap episodes into a fresh store, then time every query path at that size.

    python bench/scale.py [--episodes 319] [--server]

The store lives in bench/out/scale_{N}_{embedded|server} and is reused when a previous run completed its
ingest (figures from that run are re-printed, marked "reused"). The ingest runs in a child process so its
peak RSS (VmHWM) is its own; queries run in this process after it, with the real MiniLM and no LLM:

* /ask retrieval p50/p95, episode-scoped and corpus-wide (bench/data/ask_dev.jsonl questions),
* quote lookup p50/p95, corpus-wide (bench/data/quote_dev.jsonl queries),
* cached /summary p95 (5 episodes summarised once, then cached calls timed),
* RSS after start-up (engines warm) and after 1,000 mixed queries (ask / quote / cached summary).

With --server a `chroma run` is started on a free 127.0.0.1 port over the store directory and stopped at
the end; its RSS is reported as well. Prints a markdown table.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from common import OUT, ROOT, episode_id, percentile, pick_episodes
from retrieval import overlaps
from ingest.chroma_server import ChromaServer  # noqa: E402  (common puts the repo on sys.path)

ASK_DEV = ROOT / "bench" / "data" / "ask_dev.jsonl"
QUOTE_DEV = ROOT / "bench" / "data" / "quote_dev.jsonl"
SUMMARISED = 5
CACHED_CALLS = 100
MIXED = 1000


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def required_episodes() -> list[str]:
    eps = {q["episode"] for q in load(ASK_DEV) if q.get("episode")}
    eps |= {q["episode"] for q in load(QUOTE_DEV) if q.get("episode")}
    return sorted(eps)


def proc_status(pid: int | str = "self") -> dict[str, float]:
    """VmRSS / VmHWM of a process in MB.

    Read from any live thread: `chroma run`'s launcher thread exits once the server runs, and a leader
    thread that has exited shows no Vm* lines in /proc/PID/status (the process lives on in its threads).
    """
    tasks = [Path(f"/proc/{pid}/status")]
    try:
        tasks += sorted(Path(f"/proc/{pid}/task").glob("*/status"))
    except OSError:
        pass
    for status in tasks:
        out = {}
        try:
            for line in status.read_text().splitlines():
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    out[key] = int(value.split()[0]) / 1024
        except OSError:
            continue
        if out:
            return out
    return {}


def tree_rss_mb(pid: int) -> float:
    """RSS of a process and its children (any of its threads may be a child's parent)."""
    total = proc_status(pid).get("VmRSS", 0.0)
    kids: set[str] = set()
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            kids.update(children.read_text().split())
        except OSError:
            continue
    return total + sum(tree_rss_mb(int(k)) for k in kids)


def dir_size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def make_settings(folder: Path, port: int | None):
    from ingest.settings import Settings

    extra = {"chroma_host": "127.0.0.1", "chroma_port": port} if port else {}
    return Settings(_env_file=None, podbot_data_dir=folder, **extra)


# --- phase 1: ingest (child process) -------------------------------------------------------------------
def ingest_phase(folder: Path, n: int, port: int | None) -> None:
    from bot.app import App
    from ingest.pipeline import ingest_sources

    files = pick_episodes(required_episodes(), n)
    app = App(make_settings(folder, port), use_llm=False)
    have = {m.episode_id for m, _ in app.store.list_episodes()}
    todo = [str(f) for f in files if f.stem not in have]
    began = time.perf_counter()
    done = [0]

    def on_result(ref, result):
        done[0] += 1
        print(f"  [{done[0]}/{len(todo)}] {result.status} {result.episode_id} {result.chunks} chunks "
              f"({time.perf_counter() - began:.0f}s)", file=sys.stderr, flush=True)

    results = ingest_sources(todo, app.ingestor, app.settings, on_result=on_result)
    wall = time.perf_counter() - began
    failed = [r for r in results if r.status == "failed"]
    print(json.dumps({"episodes": len(results), "already": len(have), "failed": [r.message for r in failed],
                      "chunks": sum(r.chunks for r in results), "wall_s": wall,
                      "peak_rss_mb": proc_status().get("VmHWM", 0.0),
                      # the embedding child (ingest.embed_ahead), reaped when the ingest returned
                      "embed_child_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))


def run_ingest(folder: Path, n: int, server: ChromaServer | None) -> dict:
    marker = folder / "ingest.json"
    if marker.exists():
        figures = json.loads(marker.read_text())
        if figures.get("complete"):
            figures["reused"] = True
            return figures
    cmd = [sys.executable, __file__, "--episodes", str(n), "--phase", "ingest", "--folder", str(folder)]
    if server:
        cmd += ["--port", str(server.port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    server_peak = 0.0
    while proc.poll() is None:
        if server:
            server_peak = max(server_peak, tree_rss_mb(server.proc.pid))
        time.sleep(1.0)
    out = proc.stdout.read()
    if proc.returncode != 0:
        raise SystemExit(f"scale: ingest phase failed with exit code {proc.returncode}")
    figures = json.loads(out.strip().splitlines()[-1])
    figures["server_peak_rss_mb"] = server_peak or None
    figures["store_mb"] = dir_size_mb(folder / ("server" if server else "chroma"))
    figures["complete"] = not figures["failed"]
    figures["date"] = date.today().isoformat()
    marker.write_text(json.dumps(figures, indent=2))
    return figures


# --- phase 2: queries (this process) -------------------------------------------------------------------
def timed(fn, *args, **kw) -> tuple[float, object]:
    began = time.perf_counter()
    out = fn(*args, **kw)
    return (time.perf_counter() - began) * 1000, out


def recall_at(runs: list[tuple[float, object]], questions: list[dict]) -> tuple[float, float, int]:
    """(recall@1, recall@5, n) over the answerable questions: how the ranking holds up as the library grows
    (a hit is a citation of the right episode overlapping a gold span, as in bench/retrieval.py)."""
    ranks = []
    for (_, retrieval), q in zip(runs, questions):
        if not q["gold"]:
            continue
        eid = episode_id(q["episode"])
        ranks.append(next((i for i, e in enumerate(retrieval.evidence)
                           if e.episode_id == eid and overlaps(e.start, e.end, q["gold"])), None))
    n = len(ranks)
    return sum(r == 0 for r in ranks) / n, sum(r is not None and r < 5 for r in ranks) / n, n


def refusals(should_abstain, runs: list[tuple[float, object]], questions: list[dict]) -> tuple[int, int, int, int]:
    """(unanswerables refused, unanswerables, answerables refused, answerables) for questions asked in their
    episode: whether "not found" holds up as the library grows (its signals were fitted at 40 episodes)."""
    said = [should_abstain(retrieval) for (_, retrieval) in runs]
    unans = [a for a, q in zip(said, questions) if not q["gold"]]
    ans = [a for a, q in zip(said, questions) if q["gold"]]
    return sum(unans), len(unans), sum(ans), len(ans)


def ann_recall(app, questions: list[str], k: int = 40) -> tuple[int, float, float]:
    """(ef_search, mean, worst question): the share of the exact k nearest committed chunks that the store's
    HNSW search returns. Only the running setting can be measured: a Chroma process keeps the ef_search its
    index was loaded with, so a comparison needs one run per setting (README: 100 vs 400 at 318 episodes)."""
    import numpy as np

    store, active = app.library.store, app.library.active
    ids, parts, live = [], [], []           # every stored chunk, committed or not
    while True:
        got = store.chunks.get(include=["embeddings", "metadatas"], limit=5000, offset=len(ids))
        if not got["ids"]:
            break
        ids += got["ids"]
        parts.append(np.asarray(got["embeddings"], dtype=np.float32))
        live += [active.get(m["episode_id"]) == m["gen"] for m in got["metadatas"]]
    vectors = np.concatenate(parts)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    shares = []
    for question in questions:
        v = app.library.embedder.embed_query(question)
        sims = np.where(live, vectors @ v, -9.0)
        kth = -float(np.partition(-sims, k - 1)[k - 1])
        hits = store.dense_search(v, k, active)
        # a tie with the k-th (a sponsor read repeated word for word in many episodes) counts as found
        shares.append(sum(h.similarity >= kth - 1e-5 for h in hits) / k)
    ef = store.client.get_collection(store.chunks.name).configuration["hnsw"]["ef_search"]
    return ef, sum(shares) / len(shares), min(shares)


def query_phase(folder: Path, port: int | None) -> dict:
    from bot.app import App

    began = time.perf_counter()
    app = App(make_settings(folder, port), use_llm=False)
    app.library.refresh(force=True)
    ask, quotes, summaries = app.ask, app.quotes, app.summaries
    ask.warm().join()                                      # as the bot does at start-up
    ask.answer("warm up the retriever please")
    quotes.warm().join()
    quotes.find("warm up the quote index")
    startup_s = time.perf_counter() - began
    rss_start = proc_status()["VmRSS"]
    have = set(app.library.active)

    asks = [q for q in load(ASK_DEV) if q.get("episode") and episode_id(q["episode"]) in have]
    scoped_runs = [timed(ask.retrieve, q["question"], episode_id(q["episode"])) for q in asks]
    corpus_runs = [timed(ask.retrieve, q["question"], None) for q in asks]
    scoped, corpus = [ms for ms, _ in scoped_runs], [ms for ms, _ in corpus_runs]
    recall = {"episode": recall_at(scoped_runs, asks), "corpus": recall_at(corpus_runs, asks)}
    refused = refusals(ask.should_abstain, scoped_runs, asks)
    qdev = [q for q in load(QUOTE_DEV)]
    quote_ms = [timed(quotes.find, q["query"])[0] for q in qdev]

    eps = sorted({episode_id(q["episode"]) for q in asks})[:SUMMARISED]
    began = time.perf_counter()
    for e in eps:
        summaries.summarize(e)
    first_summary_s = (time.perf_counter() - began) / max(1, len(eps))
    cached = [timed(summaries.summarize, eps[i % len(eps)])[0] for i in range(CACHED_CALLS)]

    rss_warm = proc_status()["VmRSS"]
    mixed_ms = []
    for i in range(MIXED):
        kind = i % 3
        if kind == 0:
            q = asks[i % len(asks)]
            ms, _ = timed(ask.answer, q["question"], episode_id(q["episode"]) if i % 2 else None)
        elif kind == 1:
            ms, _ = timed(quotes.find, qdev[i % len(qdev)]["query"])
        else:
            ms, _ = timed(summaries.summarize, eps[i % len(eps)])
        mixed_ms.append(ms)
    rss_after = proc_status()["VmRSS"]
    ann = ann_recall(app, [q["question"] for q in asks])
    return {"ann_recall": ann, "recall": recall, "refused": refused, "startup_s": startup_s, "rss_start_mb": rss_start, "rss_warm_mb": rss_warm, "rss_after_mb": rss_after,
            "ask_scoped": scoped, "ask_corpus": corpus, "quote": quote_ms, "summary_cached": cached,
            "summary_first_s": first_summary_s, "mixed": mixed_ms, "n_episodes": len(have),
            "peak_rss_query_mb": proc_status()["VmHWM"]}


def report(n: int, mode: str, ing: dict, q: dict, server_rss: float | None) -> str:
    p = percentile
    chunks_s = ing["chunks"] / ing["wall_s"] if ing["wall_s"] else float("nan")
    lines = [
        f"### podbot at scale: {q['n_episodes']} episodes, {mode} Chroma — {ing.get('date', date.today())}, "
        f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        "",
        "| measure | value | goal |",
        "|---|---|---|",
        f"| ingest wall time | {ing['wall_s']:.0f} s ({ing['episodes']} new episodes"
        f"{', reused store' if ing.get('reused') else ''}) | ≤ 15 min (319 ep.) |",
        f"| ingest throughput | {chunks_s:.1f} chunks/s ({ing['chunks']} chunks) | |",
        f"| ingest peak RSS (VmHWM) | {ing['peak_rss_mb']:.0f} MB"
        + (f" + embedding child {ing['embed_child_peak_rss_mb']:.0f} MB" if ing.get("embed_child_peak_rss_mb") else "")
        + " | ≤ 3 GB |",
    ]
    if ing.get("server_peak_rss_mb"):
        lines.append(f"| chroma server peak RSS during ingest | {ing['server_peak_rss_mb']:.0f} MB | |")
    lines += [
        f"| store size on disk | {ing['store_mb']:.0f} MB | |",
        f"| /ask retrieval, episode-scoped p50 / p95 | {p(q['ask_scoped'], 50):.0f} / {p(q['ask_scoped'], 95):.0f} ms "
        f"(n={len(q['ask_scoped'])}) | p95 ≤ 100 ms |",
        f"| /ask retrieval, corpus-wide p50 / p95 | {p(q['ask_corpus'], 50):.0f} / {p(q['ask_corpus'], 95):.0f} ms "
        f"(n={len(q['ask_corpus'])}) | p95 ≤ 100 ms |",
        *(f"| /ask recall@1 / recall@5, {scope} (dev questions, n={n}) | {r1:.2f} / {r5:.2f} | "
          f"(40 episodes: bench/retrieval.py) |" for scope, (r1, r5, n) in q["recall"].items()),
        "| /ask \"not found\" in the episode: unanswerables refused / answerables refused | "
        "{} of {} / {} of {} | most / almost none |".format(*q["refused"]),
        f"| quote lookup, corpus-wide p50 / p95 | {p(q['quote'], 50):.0f} / {p(q['quote'], 95):.0f} ms "
        f"(n={len(q['quote'])}) | ≤ 50 ms |",
        f"| /summary first (uncached) mean | {q['summary_first_s']:.1f} s | |",
        f"| /summary cached p50 / p95 | {p(q['summary_cached'], 50):.1f} / {p(q['summary_cached'], 95):.1f} ms "
        f"(n={len(q['summary_cached'])}) | p95 ≤ 200 ms |",
        f"| mixed queries p50 / p95 / max | {p(q['mixed'], 50):.0f} / {p(q['mixed'], 95):.0f} / "
        f"{max(q['mixed']):.0f} ms (n={len(q['mixed'])}) | |",
        f"| start-up to engines warm | {q['startup_s']:.1f} s | |",
        f"| RSS after start-up (engines warm) | {q['rss_start_mb']:.0f} MB | |",
        f"| RSS after timing runs + 5 summaries | {q['rss_warm_mb']:.0f} MB | |",
        f"| RSS after 1,000 mixed queries | {q['rss_after_mb']:.0f} MB "
        f"({q['rss_after_mb'] - q['rss_warm_mb']:+.0f} MB) | no unexplained growth |",
    ]
    if server_rss:
        lines.append(f"| chroma server RSS after queries | {server_rss:.0f} MB | |")
    ef, mean, worst = q["ann_recall"]
    lines.append(f"| exact 40 nearest chunks returned by HNSW (ef_search {ef}) | mean {mean:.3f}, "
                 f"worst question {worst:.3f} | |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--episodes", type=int, default=319)
    ap.add_argument("--server", action="store_true", help="run against a `chroma run` on 127.0.0.1")
    ap.add_argument("--phase", choices=["all", "ingest"], default="all", help=argparse.SUPPRESS)
    ap.add_argument("--folder", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase == "ingest":
        ingest_phase(Path(args.folder), args.episodes, args.port)
        return
    mode = "server" if args.server else "embedded"
    folder = OUT / f"scale_{args.episodes}_{mode}"
    folder.mkdir(parents=True, exist_ok=True)
    if args.server:
        server = ChromaServer(folder / "server", folder / "chroma-server.log")
        try:
            server.start(timeout=60)      # here, for a clean error; `with` below then only stops it
        except RuntimeError as exc:
            raise SystemExit(f"scale: {exc}") from None
        with server:
            ing = run_ingest(folder, args.episodes, server)
            q = query_phase(folder, server.port)
            server_rss = tree_rss_mb(server.proc.pid)
    else:
        ing = run_ingest(folder, args.episodes, None)
        q = query_phase(folder, None)
        server_rss = None
    table = report(args.episodes, mode, ing, q, server_rss)
    (folder / "result.md").write_text(table + "\n")
    raw = {k: v for k, v in q.items()}
    (folder / "result.json").write_text(json.dumps({"ingest": ing, "query": raw}))
    print("\n" + table)


if __name__ == "__main__":
    main()
