"""Quote-finding bench: podbot's /quote against plain dense chunk search, in the same run.

    .venv/bin/python bench/quotes.py                  # 40 Lexicap episodes (ingested once under bench/out/)
    .venv/bin/python bench/quotes.py --episodes 319   # the whole back catalogue, for scale

Reads bench/data/quote_dev.jsonl (id, episode "094", query, kind, text, start, end). A top-1 hit is the
right sentence (the answer holds the gold sentence, as normalised text) starting inside the gold span
±2 s; "line within answer" also accepts a two-sentence answer whose *second* sentence is the gold one.
Also runs lines never said (podbot must find nothing). Prints top-1 / top-4 accuracy, verbatim rate,
p50/p95 latency per lookup for both systems, then a markdown table.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, build_app, build_app_plus, episode_id, lexicap_files, pick_episodes  # noqa: E402  (puts the repo on sys.path, sets HF offline)

from bot.app import App  # noqa: E402
from bot.verbatim import normalize, verify_quote  # noqa: E402

DEV = ROOT / "bench" / "data" / "quote_dev.jsonl"
SLACK = 2.0


def prepare(n: int, required: list[str]) -> App:
    """The shared dev library of N episodes (bench/out/dev_N, also used by bench/retrieval.py)."""
    app = build_app(f"dev_{n}", pick_episodes(required, n) if n < 319 else lexicap_files())
    app.library.refresh(force=True)
    return app


def load_dev(path: Path = DEV) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# Lines never said in any of the 319 episodes, for the "not close enough" side. Drafts dropped after
# reading the nearest hits because they turned out to be (nearly) said: "every programmer should learn
# Haskell first" (132), "neural networks are just glorified lookup tables" (142), "my favorite football
# team is the Green Bay Packers" (136: "...believe that the Green Bay Packers is the best football team")
# and "the universe is a simulation run by teenagers" (321: "...it's the teenager that makes the video game").
NEVER_SAID = [
    "I learned to bake sourdough bread during the lockdown",
    "the recipe calls for two cups of flour and a pinch of salt", "she moved to Paris to become a painter",
    "I never trust a man who doesn't like dogs", "Python will be replaced by Rust within five years",
    "quantum computers will break all encryption by next year", "my grandmother taught me how to knit sweaters",
    "we should colonize Venus before Mars", "hip hop died when streaming services took over",
    "I drink five cups of green tea every morning", "the Roman empire fell because of lead pipes",
    "the best pizza in the world is in Naples",
    "exoplanets are boring compared to black holes", "Kasparov should have retired after losing to the computer",
    "my cat knocked over the Christmas tree again", "the secret to happiness is low expectations",
    "Wu-Tang would never have happened without Brooklyn", "I've been running marathons since I was twelve",
    "the trumpet is the hardest instrument to master", "you can't trust any study with fewer than a thousand people",
]


# --- judging ----------------------------------------------------------------------------------------
def right(item: dict, episode: str, text: str, start: float, end: float) -> bool:
    """Strict: same episode, the answer holds the gold sentence, and it starts inside the gold span ±2 s."""
    if episode != episode_id(item["episode"]) or not _holds(item, text):
        return False
    return item["start"] - SLACK <= start <= item["end"] + SLACK


def within(item: dict, episode: str, text: str, start: float, end: float) -> bool:
    """Lenient: the gold sentence is inside the answer (e.g. the 2nd of a two-sentence quote) at its time."""
    if episode != episode_id(item["episode"]) or not _holds(item, text):
        return False
    return start <= item["end"] + SLACK and item["start"] - SLACK <= end


def _holds(item: dict, text: str) -> bool:
    gold, got = normalize(item["text"]), normalize(text)
    return gold in got or (len(got) >= 20 and got in gold)


# --- the two systems --------------------------------------------------------------------------------
Answer = tuple  # (episode_id, text, start, end)


def run_podbot(app: App, query: str, episode: str | None) -> list[Answer]:
    result = app.quotes.find(query, episode=episode)
    return [(m.episode_id, m.text, m.start, m.end) for m in result.matches]


def run_dense(app: App, query: str, episode: str | None) -> list[Answer]:
    """Baseline: the nearest chunks; each answers with its sentence sharing most words with the query."""
    lib = app.library
    lib.refresh()
    ids = [lib.resolve_episode(episode).episode_id] if episode else None
    hits = lib.store.dense_search(lib.embedder.embed_query(query), 4, lib.active, ids)
    words = set(normalize(query).split())
    out = []
    for hit in hits:
        chunk = lib.text(hit.episode_id).chunks[hit.index]
        best = max(chunk.sentences(), key=lambda s: len(words & set(normalize(s.text).split())))
        out.append((hit.episode_id, best.text, best.start, best.end))
    return out


def evaluate(app: App, items: list[dict], system, scoped: bool, never_said: list[str] = NEVER_SAID) -> dict:
    top1 = top1_within = top4 = shown = verbatim = 0
    times: list[float] = []
    cpu: list[float] = []
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for item in items:
        began, began_cpu = time.perf_counter(), time.process_time()
        got = system(app, item["query"], item["episode"] if scoped else None)
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
        for eid, text, *_ in got:
            shown += 1
            verbatim += verify_quote(app.library.text(eid), text) is not None
        ok1 = bool(got) and right(item, *got[0])
        top1 += ok1
        top1_within += bool(got) and within(item, *got[0])
        top4 += any(right(item, *g) for g in got[:4])
        per_kind[item["kind"]][0] += ok1
        per_kind[item["kind"]][1] += 1
        if not ok1:
            misses.append((item["id"], item["kind"], item["query"],
                           f"{got[0][2]:.1f}s {got[0][1][:100]}" if got else "(nothing found)"))
    never_found = 0
    if system is run_podbot and not scoped:
        for query in never_said:
            began, began_cpu = time.perf_counter(), time.process_time()
            never_found += bool(system(app, query, None))
            times.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
    n = len(items)
    return {"top1": top1 / n, "top1_within": top1_within / n, "top4": top4 / n,
            "verbatim": verbatim / max(1, shown), "p50": _pct(times, 50), "p95": _pct(times, 95),
            "cpu50": _pct(cpu, 50), "cpu95": _pct(cpu, 95),
            "false_finds": f"{never_found}/{len(never_said)}" if system is run_podbot and not scoped else "—",
            "kinds": {k: f"{a}/{b}" for k, (a, b) in sorted(per_kind.items())}, "misses": misses,
            "lookups": len(times)}


def nearest_report(app: App, items: list[dict], never_said: list[str]) -> str:
    """What a listener is offered when nothing matches: the labelled line nearest in meaning (`suggest`).
    Counted apart from top-1 (it is no match), for the queries podbot found nothing for: the gold line itself,
    or the gold line inside the context shown around it. Not timed: it reruns the lookup."""
    unmatched = right_line = in_context = 0
    for item in items:
        result = app.quotes.find(item["query"], suggest=True)
        if result.matches:
            continue
        unmatched += 1
        near = result.nearest
        if near is None:
            continue
        right_line += within(item, near.episode_id, near.text, near.start, near.end)
        shown = " ".join([near.context_before, near.text, near.context_after])
        in_context += near.episode_id == episode_id(item["episode"]) and _holds(item, shown)
    offered = sum(app.quotes.find(q, suggest=True).nearest is not None for q in never_said)
    return (f"nothing matched {unmatched}/{len(items)}: nearest line offered is the line {right_line}, "
            f"shows it with its context {in_context}; offered for {offered}/{len(never_said)} never-said lines")


def other_lines(app: App, n: int, seed: int = 11) -> list[str]:
    """n lines (8-25 words, past the first five minutes) of Lexicap episodes outside the library: real podcast
    speech, on the library's kind of topics, that it never says: a harder "never said" side than written lines."""
    import random

    from ingest.sentences import build_sentences
    from ingest.sources.files import load_file

    have = {m.episode_id for m in app.library.episodes}
    rng = random.Random(seed)
    others = [p for p in lexicap_files() if p.stem not in have]
    rng.shuffle(others)
    per = max(1, -(-n // 50))
    lines: list[str] = []
    for path in others[:50]:
        pool = [s.text for s in build_sentences(load_file(path).cues) if 8 <= len(s.text.split()) <= 25 and s.start > 300]
        lines += rng.sample(pool, min(per, len(pool)))
    return lines[:n]


def others_report(app: App, lines: list[str]) -> str:
    """How many lines of other episodes podbot claims to have found (a line the library says word for word, such
    as the show's sign-off, is a right find and not counted)."""
    false = 0
    for line in lines:
        matches = app.quotes.find(line).matches
        false += bool(matches) and verify_quote(app.library.text(matches[0].episode_id), line) is None
    return f"lines of other episodes found {false}/{len(lines)}"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q / 100 * len(ordered) + 0.5)) - 1))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=40, help="library size (≥ 40; 319 = all)")
    parser.add_argument("--scoped", action="store_true", help="also run every query scoped to its episode")
    parser.add_argument("--queries", type=Path, default=DEV,
                        help="query file (bench/data/quote_heldout.jsonl: 30 lines written after the tuning, "
                             "on six distractor episodes)")
    parser.add_argument("--never", type=Path, help="lines never said, one per line, instead of the built-in 20 "
                        "(e.g. bench/data/quote_blind2_never.txt)")
    parser.add_argument("--misses", action="store_true", help="list the queries each system got wrong")
    parser.add_argument("--others", type=int, default=0, metavar="N",
                        help="also ask N lines of Lexicap episodes outside the library (podbot must find none)")
    parser.add_argument("--chatty", action="store_true", help="ask every line wrapped in chat, as Discord "
                        "messages come (bench/data/chat_wrappers.json; the never-said lines stay bare)")
    parser.add_argument("--torch-threads", type=int, default=1,
                        help="torch intra-op threads for the query embedding (0: torch default; 1: no "
                             "spin-waiting on a busy 2-core box, where 2 threads measured ~1 s per call)")
    args = parser.parse_args(argv)

    if args.torch_threads != 1:      # 1 is what the embedder sets itself; importing torch for nothing would add
        import torch                  # ~300 MB to the RSS reported below where lookups run on ONNX

        if args.torch_threads > 0:
            torch.set_num_threads(args.torch_threads)
    items = load_dev(args.queries)
    if args.chatty:
        import zlib

        from retrieval import with_chat
        items = [{**i, "query": with_chat(i["query"], zlib.crc32(i["id"].encode()))} for i in items]
    never_said = NEVER_SAID
    if args.never:
        never_said = [line.strip() for line in args.never.read_text(encoding="utf-8").splitlines() if line.strip()]
    n, required = max(40, args.episodes), sorted({i["episode"] for i in load_dev()})
    app = prepare(n, required)                                # the dev library
    have = {m.episode_id for m in app.library.episodes}
    missing = sorted({i["episode"] for i in items if episode_id(i["episode"]) not in have})
    if missing:        # e.g. the blind set's own episodes: the dev library plus those, in a store of its own
        app = build_app_plus(f"dev_{n}", pick_episodes(required, n), missing)
        app.library.refresh(force=True)
    lib = app.library

    began = time.perf_counter()
    app.quotes.warm().join()                                  # index + verbatim indexes, once per library
    index = app.quotes.index()
    lib.embedder.embed_query("warm up")
    app.quotes.find("warm up the model and the store")
    sentences = index.n
    print(f"{len(lib.episodes)} episodes, {sentences} sentences; index + model ready in "
          f"{time.perf_counter() - began:.1f}s; {len(items)} queries + {len(never_said)} never said; "
          f"torch threads {args.torch_threads}", file=sys.stderr)

    rows = []
    for scoped in ([False, True] if args.scoped else [False]):
        for name, system in (("podbot /quote", run_podbot), ("dense chunk baseline", run_dense)):
            r = evaluate(app, items, system, scoped, never_said)
            label = name + (" (scoped)" if scoped else "")
            rows.append((label, r))
            print(f"{label}: top-1 {r['top1']:.3f} (line within answer {r['top1_within']:.3f})  top-4 "
                  f"{r['top4']:.3f}  verbatim {r['verbatim']:.3f}  p50 {r['p50']:.1f} ms  p95 {r['p95']:.1f} ms"
                  f"  (cpu p50 {r['cpu50']:.1f} p95 {r['cpu95']:.1f})"
                  f"  false finds {r['false_finds']}  by kind {r['kinds']}")
            if args.misses:
                for miss in r["misses"]:
                    print("   miss", *miss, sep=" | ")
            if system is run_podbot and not scoped:
                print(f"   {nearest_report(app, items, never_said)}")
                if args.others:
                    print(f"   {others_report(app, other_lines(app, args.others))}")

    print(f"\n{len(lib.episodes)} episodes ({sentences} sentences), {len(items)} queries from {args.queries.name}"
          f" + {len(never_said)} never-said lines (podbot latency covers both)\n")
    print("| system | top-1 | top-1, line within answer | top-4 | verbatim | never-said found | p50 ms | p95 ms "
          "| CPU p50 ms | CPU p95 ms |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, r in rows:
        print(f"| {label} | {r['top1']:.3f} | {r['top1_within']:.3f} | {r['top4']:.3f} | {r['verbatim']:.3f} | "
              f"{r['false_finds']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['cpu50']:.1f} | {r['cpu95']:.1f} |")
    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nmax RSS {rss:.0f} MB; load average {load} on {os.cpu_count()} CPUs (wall-clock latency includes "
          "waiting for a CPU; CPU time is this process's own work)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
