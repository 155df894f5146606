"""Topic segmentation without labels: join two different episodes and see whether a chapter starts at the seam.

For each pair (A, B) of Lexicap episodes, a stretch from the middle of A is followed by a stretch from the
middle of B (B's cues shifted in time; the seam falls at a random 30–70 % of the joined length, so that
evenly spaced chapters cannot find it by luck), the joined transcript is ingested into a scratch store with the
real MiniLM embedder, and podbot's chapter planner runs on it as on any episode. A pair counts as found
when the chapter boundary nearest the seam is within 60 s of it. Middles are used (not whole episodes) so
that B's spoken introduction ("The following is a conversation with…") cannot give the seam away.

Two baselines with the same number of chapters: "random" boundaries (expected hit rate
1 - (1 - 2·60 s / duration) ** boundaries) and "even" boundaries (equal-length chapters).

    .venv/bin/python bench/segmentation.py [--pairs 12] [--minutes 50] [--seed 5] [--data DIR]
"""
from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bot.app import App  # noqa: E402
from bot.summary.chapters import target_length  # noqa: E402
from bot.summary.engine import SummaryEngine  # noqa: E402
from ingest.errors import PodbotError  # noqa: E402
from ingest.models import Cue, EpisodeMeta, Transcript  # noqa: E402
from ingest.settings import Settings  # noqa: E402
from ingest.sources.files import load_file  # noqa: E402

LEXICAP = Path(os.environ.get("PODBOT_LEXICAP", ROOT.parent / "shared" / "lexicap"))
TOLERANCE = 60.0
DAMAGED = {"275"}          # loses punctuation and loops (see the Lexicap README)


def last_cue_seconds(path: Path) -> float:
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - 2000))
        tail = fh.read().decode("utf-8", "ignore")
    times = re.findall(r"-->\s*((?:\d+:)?\d+:\d+\.\d+)", tail)
    if not times:
        return 0.0
    value = 0.0
    for part in times[-1].split(":"):
        value = value * 60 + float(part)
    return value


def middle(cues: list[Cue], seconds: float) -> list[Cue]:
    total = cues[-1].end
    lo = max(0.0, total / 2 - seconds / 2)
    hi = lo + seconds
    return [c for c in cues if c.start >= lo and c.end <= hi]


def joined(a: Path, b: Path, seconds: float, share: float) -> tuple[Transcript, float]:
    first = middle(load_file(a).cues, seconds * share)
    second = middle(load_file(b).cues, seconds * (1 - share))
    shift_a = first[0].start
    cues = [Cue(c.start - shift_a, c.end - shift_a, c.text) for c in first]
    seam = cues[-1].end + 1.0
    shift_b = seam - second[0].start
    cues += [Cue(c.start + shift_b, c.end + shift_b, c.text) for c in second]
    na, nb = a.stem.split("_")[1], b.stem.split("_")[1]
    meta = EpisodeMeta(episode_id=f"seam-{na}-{nb}", title=f"seam {na}+{nb}", source="bench/segmentation",
                       caption_kind="file", duration=cues[-1].end)
    return Transcript(meta=meta, cues=cues), seam


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=int, default=12)
    ap.add_argument("--minutes", type=float, default=50.0, help="minutes of the joined transcript")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--data", type=Path, default=ROOT / "bench" / "out" / "segmentation_store")
    args = ap.parse_args()

    seconds = args.minutes * 60
    files = sorted(LEXICAP.glob("episode_*_large.vtt"))
    usable = [f for f in files if f.stem.split("_")[1] not in DAMAGED and last_cue_seconds(f) >= 1.5 * seconds]
    rng = random.Random(args.seed)
    rng.shuffle(usable)
    picked = []
    for f in usable:                        # a few Lexicap files are damaged beyond parsing: skip them
        try:
            load_file(f)
        except PodbotError as exc:
            print(f"  skipped {f.name}: {exc.message}", file=sys.stderr)
            continue
        picked.append(f)
        if len(picked) == 2 * args.pairs:
            break
    pairs = [(a, b, rng.uniform(0.3, 0.7)) for a, b in zip(picked[::2], picked[1::2])]

    app = App(Settings(_env_file=None, podbot_data_dir=args.data), use_llm=False)
    engine = SummaryEngine(app.library, llm=None, cache_dir=None)
    rows = []
    began = time.perf_counter()
    for a, b, share in pairs:
        transcript, seam = joined(a, b, seconds, share)
        result = app.ingestor.ingest(transcript)
        app.library.refresh(force=True)
        chapters = engine.analysis(result.episode_id).chapters
        bounds = [c.start for c in chapters[1:]]
        nearest = min(bounds, key=lambda t: abs(t - seam)) if bounds else 0.0
        duration = transcript.meta.duration
        even = [duration * k / len(chapters) for k in range(1, len(chapters))]
        even_error = min((abs(t - seam) for t in even), default=duration)
        rows.append({"pair": transcript.meta.title, "duration": duration, "seam": seam, "chapters": len(chapters),
                     "nearest": nearest, "error": abs(nearest - seam), "even_hit": even_error <= TOLERANCE,
                     "chance": 1 - (1 - 2 * TOLERANCE / duration) ** max(0, len(bounds))})
        print(f"  {transcript.meta.title}: seam {seam:.0f}s, nearest boundary {nearest:.0f}s "
              f"({abs(nearest - seam):.0f}s off), {len(chapters)} chapters", file=sys.stderr, flush=True)

    hits = sum(r["error"] <= TOLERANCE for r in rows)
    print(f"\n## Segmentation: seam between two joined episodes (±{TOLERANCE:.0f} s)\n")
    print(f"{len(rows)} pairs, {args.minutes:.0f} min joined from the middles of two episodes "
          f"(target chapter length {target_length(seconds) / 60:.0f} min), real MiniLM chunk vectors, "
          f"{time.perf_counter() - began:.0f} s in all.\n")
    print("| pair | seam | nearest boundary | error (s) | chapters | found |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['pair']} | {r['seam']:.0f} | {r['nearest']:.0f} | {r['error']:.0f} | {r['chapters']} | "
              f"{'yes' if r['error'] <= TOLERANCE else 'no'} |")
    chance = statistics.mean(r["chance"] for r in rows)
    even = sum(r["even_hit"] for r in rows)
    print(f"\n**Boundary accuracy: {hits}/{len(rows)} = {hits / len(rows):.0%}** "
          f"(median error {statistics.median(r['error'] for r in rows):.0f} s). Baselines with as many chapters: "
          f"random boundaries ≈ {chance:.0%}, evenly spaced {even}/{len(rows)} = {even / len(rows):.0%}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
