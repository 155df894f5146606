"""kill -9 soak (not a test): N trials of "SIGKILL an ingest at a random moment, check, re-run, check".

    .venv/bin/python bench/kill9.py [--trials 10] [--seed 1] [--embedder hash|local]

Each trial ingests several Lexicap episodes in a child process (tests/_ingest_child.py, chunks written
8 at a time), kills it at a random moment after its first commit — or before it, with --anytime — then
checks that every visible episode is complete, that uncommitted leftovers never show up in search, and
that a re-run ends with exactly the chunks of an uninterrupted ingest (no duplicates, no losses).
"""
from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT

sys.path.insert(0, str(ROOT / "tests"))

from conftest import HashEmbedder  # noqa: E402
from test_store import (  # noqa: E402
    KILL_EPISODES,
    assert_consistent,
    committed,
    ingest_paths,
    kill_midway,
    lexicap,
    make_store,
    raw_chunk_ids,
)

from ingest.settings import Settings  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="kill9-", dir=ROOT / "bench" / "out"))
    try:
        clean = Settings(_env_file=None, podbot_data_dir=work / "clean")
        store, ingestor = make_store(clean)
        ingest_paths(ingestor, clean, [lexicap(n) for n in KILL_EPISODES])
        reference = {e: sorted(raw_chunk_ids(store, e)) for e in committed(store)}
        rows = []
        for trial in range(args.trials):
            data = work / f"t{trial}"
            began = time.perf_counter()
            kill_midway(data, KILL_EPISODES, rng)
            settings = Settings(_env_file=None, podbot_data_dir=data)
            store, ingestor = make_store(settings)
            visible = committed(store)
            for eid, rec in visible.items():
                assert len(store.load_chunks(eid, rec["gen"])) == rec["chunks"] == len(reference[eid]), eid
            leftovers = len(raw_chunk_ids(store)) - sum(r["chunks"] for r in visible.values())
            active = {e: r["gen"] for e, r in visible.items()}
            hits = store.dense_search(HashEmbedder().embed_query("neural networks and the brain"), 50, active)
            assert {h.episode_id for h in hits} <= set(visible)
            results = ingest_paths(ingestor, settings, [lexicap(n) for n in KILL_EPISODES])
            assert all(r.status in ("added", "unchanged") for r in results)
            assert {e: sorted(raw_chunk_ids(store, e)) for e in committed(store)} == reference
            assert_consistent(store)
            rows.append((trial, len(visible), leftovers, time.perf_counter() - began))
            print(f"trial {trial}: {len(visible)}/{len(KILL_EPISODES)} episodes committed at the kill, "
                  f"{leftovers} uncommitted chunks left behind -> re-run clean", flush=True)
        half = sum(1 for r in rows if r[2] > 0)
        print(f"\n{len(rows)} trials passed; {half} killed mid-write (uncommitted chunks present), "
              f"{len(rows) - half} between writes")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
