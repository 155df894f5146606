"""Saving an embedded store's vector indexes whole, log tail included, from a fresh process.

Chroma (1.5.9) keeps a collection's newest records in its log until about SYNC_THRESHOLD of them are in the
vector index, and every process that opens the store adds that tail to its own copy of the index, each copy a
graph of its own: the same corpus-wide question then found different nearest passages from run to run (one bench
question's best passage was missed by 3 of 40 fresh processes; 300 random queries gave 6 answer sets in 6
processes). Lowering the threshold makes Chroma save the index, but only in a process that has not loaded the
collection yet (a loaded one keeps the threshold it was loaded with), so the ingest's own process cannot do it:
a fresh one opens the store, lowers the threshold, reads each collection (which adds and saves the tail), and
puts the threshold back. Then every process that opens the store searches the same graph.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SYNC_THRESHOLD = 1000   # Chroma's default
SETTLE_THRESHOLD = 1    # a tail of one record is saved too
SETTLE_TIMEOUT = 600    # seconds; ~1 s at 103 episodes, most of it the fresh process starting

# Run as `python -c` with only chromadb: the fresh process re-imports nothing of the caller (as a spawned
# multiprocessing child would re-run its main script, which may be stdin or a REPL).
_SCRIPT = f"""
import sys
import chromadb
from chromadb.config import Settings
client = chromadb.PersistentClient(path=sys.argv[1], settings=Settings(anonymized_telemetry=False))
for name in sys.argv[2:]:
    collection = client.get_collection(name, embedding_function=None)
    collection.modify(configuration={{"hnsw": {{"sync_threshold": {SETTLE_THRESHOLD}}}}})
    try:
        collection.count()      # loads the index and adds the log's tail to it: saved, past the threshold
    finally:
        collection.modify(configuration={{"hnsw": {{"sync_threshold": {SYNC_THRESHOLD}}}}})
"""


def settle_in_fresh_process(chroma_path: Path, collections: list[str]) -> None:
    """Save `collections`' vector indexes whole; raises RuntimeError with the fresh process's last words."""
    done = subprocess.run([sys.executable, "-c", _SCRIPT, str(chroma_path), *collections], capture_output=True,
                          text=True, timeout=SETTLE_TIMEOUT)
    if done.returncode:
        last = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        raise RuntimeError(f"the process saving the vector indexes failed: {last[:200]}")
