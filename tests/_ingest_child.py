"""Subprocess helper for the kill -9 tests (tests/test_store.py, bench/kill9.py): not a test module.

    python tests/_ingest_child.py DATA_DIR [--small-batches] [--embedder hash|local] SOURCE...

Ingests SOURCEs into DATA_DIR with the real pipeline and store, printing `committed EPISODE_ID` (flushed)
as each one lands, so the parent can SIGKILL it at a chosen moment. `--small-batches` writes chunks to
Chroma 8 at a time, widening the window in which a kill leaves an episode half-staged.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir")
    parser.add_argument("sources", nargs="+")
    parser.add_argument("--small-batches", action="store_true")
    parser.add_argument("--embedder", choices=["hash", "local"], default="hash")
    args = parser.parse_args()

    from ingest.pipeline import Ingestor, ingest_sources
    from ingest.settings import Settings
    from ingest.store import Store

    if args.small_batches:
        def small(self, n):
            for lo in range(0, n, 8):
                yield slice(lo, min(n, lo + 8))
        Store._batches = small

    settings = Settings(_env_file=None, podbot_data_dir=Path(args.data_dir))
    if args.embedder == "hash":
        from conftest import HashEmbedder

        embedder = HashEmbedder()
    else:
        from ingest.embeddings import get_embedder

        embedder = get_embedder(settings)
    store = Store(settings, embed_model=embedder.name, embed_dim=embedder.dim)
    ingestor = Ingestor(settings, embedder, store)

    def on_result(ref, result) -> None:
        word = "committed" if result.status in ("added", "replaced", "unchanged") else "failed"
        print(f"{word} {result.episode_id} {result.status} {result.chunks}", flush=True)

    results = ingest_sources(args.sources, ingestor, settings, on_result=on_result)
    print("done", flush=True)
    return 1 if any(r.status == "failed" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
