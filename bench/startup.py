"""One-shot commands from a cold process: `podbot ask` and `podbot quote`, each in a fresh process, with the
index cache off (every run rebuilds the lexical index and tokenises every sentence: the baseline), cold (the
first run, which also writes the cache) and warm (every later run), interleaved, in the same run.

    .venv/bin/python bench/startup.py                  # the 40-episode dev library (bench/out/dev_40)
    .venv/bin/python bench/startup.py --episodes 319   # the scale store bench/scale.py built

Prints the median wall-clock seconds and peak RSS per command and mode, and the ratio against the baseline.
The store is only read; the cache folders (`lexical/`, `quotes/`, `texts/` in the data dir) are removed before each cold
run and left warm at the end.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import OUT, ROOT, build_app, pick_episodes  # noqa: E402

COMMANDS = {
    "ask (named guest)": ["ask", "what did Ilya say about the Hessian free optimizer?"],
    "ask (all episodes)": ["ask", "why does caffeine keep you awake even hours later?"],
    "quote": ["quote", "the early bird gets the worm but the second mouse gets the cheese"],
}
CACHES = ("lexical", "quotes", "texts")


def child(args: list[str]) -> None:
    """Runs in the measured process: the CLI, then its peak RSS on stderr."""
    from bot.cli import main

    code = main(args)
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            print(f"PEAK_RSS_MB {int(line.split()[1]) / 1024:.0f}", file=sys.stderr)
    sys.exit(code)


def run_once(data: Path, argv: list[str], cache: bool) -> tuple[float, float]:
    env = {**os.environ, "PODBOT_DATA_DIR": str(data), "PODBOT_INDEX_CACHE": "true" if cache else "false",
           "HF_HUB_OFFLINE": "1"}
    env.pop("OPENAI_API_KEY", None)          # extractive: the LLM is not what is measured
    env.pop("OPENAI_BASE_URL", None)
    began = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--child", json.dumps(argv)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"{argv[0]} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    rss = next((float(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK_RSS_MB")), 0.0)
    return seconds, rss


def library(n: int) -> Path:
    if n >= 319:
        data = OUT / "scale_319_embedded"
        if not (data / "chroma").exists():
            raise SystemExit("no 319-episode store: run bench/scale.py first (it builds bench/out/scale_319_embedded)")
        return data
    required = sorted({json.loads(line)["episode"] for line in (ROOT / "bench" / "data" / "ask_dev.jsonl")
                       .read_text().splitlines() if line.strip() and json.loads(line).get("episode")})
    build_app(f"dev_{n}", pick_episodes(required, n))
    return OUT / f"dev_{n}"


def clear(data: Path) -> None:
    for name in CACHES:
        shutil.rmtree(data / name, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--episodes", type=int, default=40)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(json.loads(args.child))
        return
    data = library(args.episodes)
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for _ in range(args.repeats):
        for name, argv in COMMANDS.items():
            results.setdefault((name, "off"), []).append(run_once(data, argv, cache=False))
            clear(data)
            results.setdefault((name, "cold"), []).append(run_once(data, argv, cache=True))
            results.setdefault((name, "warm"), []).append(run_once(data, argv, cache=True))
    for argv in COMMANDS.values():          # every cache written, for its size
        run_once(data, argv, cache=True)
    sizes = {name: sum(f.stat().st_size for f in (data / name).rglob("*") if f.is_file()) / 2**20
             for name in CACHES if (data / name).exists()}
    load = os.getloadavg()
    print(f"\n{args.episodes} episodes ({data.name}), median of {args.repeats} fresh processes per cell, interleaved; "
          f"cache on disk: " + ", ".join(f"{k} {v:.0f} MB" for k, v in sizes.items()))
    print("\n| command | cache off (baseline) s | cold (writes it) s | warm s | warm / off | peak RSS off / warm MB |")
    print("|---|---|---|---|---|---|")
    for name in COMMANDS:
        med = {mode: statistics.median(s for s, _ in results[(name, mode)]) for mode in ("off", "cold", "warm")}
        rss = {mode: statistics.median(r for _, r in results[(name, mode)]) for mode in ("off", "warm")}
        print(f"| {name} | {med['off']:.2f} | {med['cold']:.2f} | {med['warm']:.2f} | {med['warm'] / med['off']:.2f} | "
              f"{rss['off']:.0f} / {rss['warm']:.0f} |")
    print(f"\nload average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
