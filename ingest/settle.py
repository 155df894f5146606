"""Saving an embedded store's vector indexes whole, log tail included, from a fresh process.

Chroma (1.5.9) keeps a collection's newest records in its log until about SYNC_THRESHOLD of them are in the
vector index, and every process that opens the store adds that tail to its own copy of the index in an order
of its own: the same corpus-wide question then found different nearest passages from run to run (one bench
question's best passage was missed by 3 of 40 fresh processes; 300 random queries gave 6 answer sets in 6
processes). Lowering the threshold makes Chroma save the index, but only in a process that has not loaded the
collection yet (a loaded one keeps the threshold it was loaded with), so the ingest's own process cannot do it:
a fresh one opens the store, lowers the threshold, reads each collection (which adds and saves the tail), and
puts the threshold back. Then every process that opens the store searches the same graph.
"""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

SYNC_THRESHOLD = 1000   # Chroma's default
SETTLE_THRESHOLD = 2    # the least Chroma takes
SETTLE_TIMEOUT = 600    # seconds; at 319 episodes it takes ~2 s


def settle_in_fresh_process(chroma_path: Path, collections: list[str]) -> None:
    """Save `collections`' vector indexes whole; raises what the fresh process raised."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool.submit(_settle, str(chroma_path), collections).result(timeout=SETTLE_TIMEOUT)


def _settle(chroma_path: str, collections: list[str]) -> None:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(path=chroma_path, settings=ChromaSettings(anonymized_telemetry=False))
    for name in collections:
        collection = client.get_collection(name, embedding_function=None)
        collection.modify(configuration={"hnsw": {"sync_threshold": SETTLE_THRESHOLD}})
        try:
            collection.count()          # loads the index and adds the log's tail to it: saved, past the threshold
        finally:
            collection.modify(configuration={"hnsw": {"sync_threshold": SYNC_THRESHOLD}})
