"""/ask and /quote on YouTube-style auto-captions: the same episodes, questions and lines as bench/retrieval.py
and bench/quotes.py, once on the Whisper transcripts (punctuated, cased) and once on auto-caption copies of them,
in the same run.

    .venv/bin/python bench/captions.py [--episodes 40]

Many podcasts on YouTube have only auto-generated captions: lower case, no punctuation, short rolling lines.
The copies are made from the Whisper cues (`bench/data/captions_copy.py`), written as youtube-transcript-api
JSON with a yt-dlp-style sidecar title ("<guest as the intro spells it>: Lex Fridman Podcast #N"), as a video
ingested with its title would be, and stored under bench/out/captions_N. Gold times carry over unchanged.

A quote hit on captions is judged by time (the answer starts inside the gold span ±2 s): there are no sentences
to hold the gold one. The Whisper rows are judged the same way here, so the two columns compare.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quotes import SLACK, load_dev as load_quotes, run_podbot  # noqa: E402  (first: it puts the repo on sys.path)
from retrieval import evaluate, load_dev, systems  # noqa: E402
from common import OUT, ROOT, build_app, episode_id, pick_episodes  # noqa: E402

sys.path.insert(0, str(ROOT / "bench" / "data"))
from captions_copy import to_captions  # noqa: E402


def caption_library(files: list[Path], whisper_app, n: int):
    folder = OUT / f"captions_{n}_src"
    folder.mkdir(parents=True, exist_ok=True)
    for vtt in files:
        target = folder / f"{vtt.stem}.json"
        if target.exists():
            continue
        meta = whisper_app.library.meta(vtt.stem)
        number = int(vtt.stem.split("_")[1])
        title = f"{meta.guest}: Lex Fridman Podcast #{number}" if meta.guest else f"Lex Fridman Podcast #{number}"
        (folder / f"{vtt.stem}.info.json").write_text(json.dumps({"title": title}))
        target.write_text(json.dumps(to_captions(vtt)))
    return build_app(f"captions_{n}", sorted(folder.glob("episode_*_large.json")))


def quote_top1(app, items: list[dict], scoped: bool) -> tuple[float, list]:
    """Top-1 judged by time: the right episode, the answer starting inside the gold span ±SLACK."""
    hits, misses = 0, []
    for item in items:
        got = run_podbot(app, item["query"], item["episode"] if scoped else None)
        ok = bool(got) and got[0][0] == episode_id(item["episode"]) \
            and item["start"] - SLACK <= got[0][2] <= item["end"] + SLACK
        hits += ok
        if not ok:
            misses.append((item["id"], item["kind"], item["query"], f"{got[0][2]:.0f}s {got[0][1][:90]}" if got else "-"))
    return hits / len(items), misses


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--episodes", type=int, default=40)
    ap.add_argument("--misses", action="store_true", help="print the quote lines missed on captions")
    ap.add_argument("--only", choices=["ask", "quote"], help="run one task")
    args = ap.parse_args()
    dev = load_dev()
    answerable = [q for q in dev if q["gold"]]
    unanswerable = [q for q in dev if not q["gold"]]
    required = sorted({q["episode"] for q in dev if q["episode"]})
    files = pick_episodes(required, args.episodes)
    whisper = build_app(f"dev_{args.episodes}", files)
    whisper.library.refresh(force=True)
    captions = caption_library(files, whisper, args.episodes)
    captions.library.refresh(force=True)
    named = sum(1 for m in captions.library.episodes if m.guest)
    quotes = load_quotes()
    rows = []
    for name, app in (("Whisper", whisper), ("auto-captions", captions)):
        podbot, _, _, _ = systems(app)
        for scope in ("episode", "corpus") if args.only != "quote" else ():
            r = evaluate("podbot", podbot, answerable, unanswerable, True, scope)
            rows.append((name, f"/ask {scope}", f"recall@1 {r['recall@1']:.2f}, recall@5 {r['recall@5']:.2f}, "
                         f"median citation {r['median_cite_s']:.0f} s, abstains {r['abstain_unans']:.2f}, "
                         f"wrong abstentions {r['wrong_abstain']:.2f}, p95 {r['p95_ms']:.0f} ms"))
        app.quotes.warm().join()
        for scoped in (True, False) if args.only != "ask" else ():
            top1, misses = quote_top1(app, quotes, scoped)
            rows.append((name, f"/quote {'episode' if scoped else 'corpus'}", f"top-1 by time {top1:.2f}"))
            if args.misses and name == "auto-captions" and not scoped:
                for miss in misses:
                    print("  miss", *miss)
    print(f"\n{args.episodes} episodes; {len(answerable)} answerable + {len(unanswerable)} unanswerable questions, "
          f"{len(quotes)} quote lines; guests found for {named} of {len(captions.library.episodes)} caption copies\n")
    print("| transcript | task | figures |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
