"""Time and peak memory of the extractive `/summary` on the longest Lexicap episodes, cold and cached.

The episodes are ingested once (real MiniLM) into a scratch store; then each digest is built in a fresh
process (so its peak RSS is its own, not the ingest's): load the transcript and chunk vectors from the
store, analyse, write the digest, cache it; then the cached digest is read back by the same engine and
by a new one (as another process would). Goals: ≤ 20 s for a 3-hour episode on this 2-core machine,
≤ 0.2 s cached.

    .venv/bin/python bench/summary.py [--episodes 3] [--data DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

LEXICAP = Path(os.environ.get("PODBOT_LEXICAP", ROOT.parent / "shared" / "lexicap"))


def last_cue_seconds(path: Path) -> float:
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - 2000))
        tail = fh.read().decode("utf-8", "ignore")
    times = re.findall(r"-->\s*((?:\d+:)?\d+:\d+\.\d+)", tail)
    value = 0.0
    for part in (times[-1].split(":") if times else []):
        value = value * 60 + float(part)
    return value


def rss_mb() -> float:
    """Peak resident memory of this process image (VmHWM; ru_maxrss would include the parent's before exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(data: Path, episode_id: str) -> dict:
    """Runs in a child process: one cold digest and two cached reads."""
    from bot.app import App
    from bot.summary.engine import SummaryEngine
    from ingest.settings import Settings

    app = App(Settings(_env_file=None, podbot_data_dir=data), use_llm=False)
    app.library.refresh(force=True)
    base_rss = rss_mb()
    with tempfile.TemporaryDirectory() as cache:
        engine = SummaryEngine(app.library, llm=None, cache_dir=Path(cache))
        began = time.perf_counter()
        summary = engine.summarize(episode_id)
        cold = time.perf_counter() - began
        peak = rss_mb()
        began = time.perf_counter()
        engine.summarize(episode_id)
        cached = time.perf_counter() - began
        other = SummaryEngine(app.library, llm=None, cache_dir=Path(cache))
        began = time.perf_counter()
        again = other.summarize(episode_id)
        cached_new = time.perf_counter() - began
        assert again == summary
    a = engine.analysis(episode_id)
    return {"episode_id": episode_id, "duration": a.duration, "sentences": len(a.sentences),
            "chunks": len(a.vectors), "chapters": len(summary.chapters), "cold": cold, "cached": cached,
            "cached_new_engine": cached_new, "base_rss": base_rss, "peak_rss": peak}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--episodes", type=int, default=3)
    ap.add_argument("--data", type=Path, default=ROOT / "bench" / "out" / "summary_store")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.data, args.one)))
        return 0

    from bot.app import App
    from ingest.pipeline import ingest_sources
    from ingest.settings import Settings

    files = sorted(LEXICAP.glob("episode_*_large.vtt"), key=last_cue_seconds, reverse=True)[:args.episodes]
    app = App(Settings(_env_file=None, podbot_data_dir=args.data), use_llm=False)
    began = time.perf_counter()
    results = ingest_sources([str(f) for f in files], app.ingestor, app.settings)
    print(f"ingest: {', '.join(f'{r.episode_id} {r.status}' for r in results)} "
          f"({time.perf_counter() - began:.0f} s)", file=sys.stderr, flush=True)

    rows = []
    for r in results:
        out = subprocess.run([sys.executable, __file__, "--data", str(args.data), "--one", r.episode_id],
                             capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"  {r.episode_id}: {rows[-1]['cold']:.1f} s", file=sys.stderr, flush=True)

    print("\n## Extractive /summary on the longest Lexicap episodes\n")
    print(f"{os.cpu_count()} cores; each digest in a fresh process with an empty summary cache "
          "(the store holds these episodes only).\n")
    print("| episode | length | sentences | chunks | chapters | digest (cold) | s per hour | cached | "
          "cached, new engine | peak RSS | RSS before |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        hours = r["duration"] / 3600
        print(f"| {r['episode_id']} | {hours:.2f} h | {r['sentences']} | {r['chunks']} | {r['chapters']} | "
              f"{r['cold']:.2f} s | {r['cold'] / hours:.2f} | {r['cached'] * 1000:.1f} ms | "
              f"{r['cached_new_engine'] * 1000:.1f} ms | {r['peak_rss']:.0f} MB | {r['base_rss']:.0f} MB |")
    worst_per_hour = max(r["cold"] / (r["duration"] / 3600) for r in rows)
    worst_cached = max(max(r["cached"], r["cached_new_engine"]) for r in rows)
    print(f"\nGoals: 3-hour episode ≤ 20 s → at the slowest rate measured, {3 * worst_per_hour:.1f} s "
          f"({'met' if 3 * worst_per_hour <= 20 else 'MISSED'}); cached ≤ 0.2 s → worst "
          f"{worst_cached * 1000:.1f} ms ({'met' if worst_cached <= 0.2 else 'MISSED'}).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
