"""Each committed episode's chunks (its timed transcript) kept on disk (`bot.disk_cache`), so a new process reads
the library's texts from one small file per episode instead of from Chroma: at 318 episodes 0.9 s against ~5 s
(stop 29, machine A), most of what a one-shot `podbot quote` spent reading.

An entry is named by the episode and its generation. The generation is a digest of the chunks' words and times
(`ingest.pipeline.content_generation`), so an entry can only ever hold that content; a re-ingest that changes
the episode names another entry. Only a read that holds every chunk the episode record committed is written,
and an entry carries a checksum of its contents: a damaged one is removed and read from the store again.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from bot import disk_cache
from ingest.models import Chunk

FORMAT = "chunks-v1"
CHUNKS = "chunks.json"
CHECKSUM = "checksum"


def entry_name(episode_id: str, gen: str) -> str:
    return disk_cache.digest(FORMAT, episode_id, gen)


class TextCache:
    """`read` what the folder holds of some (episode, generation) pairs; `write` a complete read; `keep_only`."""

    def __init__(self, folder: Path | None):
        self.folder = folder

    def read(self, episodes: list[tuple[str, str, int | None]]) -> dict[str, list[Chunk]]:
        """(episode id, generation, committed chunk count) -> the chunks of those the folder holds."""
        if self.folder is None:
            return {}
        found: dict[str, list[Chunk]] = {}
        for eid, gen, count in episodes:
            chunks = disk_cache.read(self.folder / entry_name(eid, gen), lambda path: _read(path, eid, gen, count))
            if chunks is not None:
                found[eid] = chunks
        return found

    def write(self, episode_id: str, gen: str, count: int | None, chunks: list[Chunk]) -> None:
        """Keep a read that holds the `count` chunks the record committed (never a partial one: an episode
        re-ingested while it was being read can come back short)."""
        if self.folder is None or not chunks or count is None or len(chunks) != count:
            return
        entry = self.folder / entry_name(episode_id, gen)
        if not (entry / disk_cache.DONE).is_file():
            disk_cache.write(entry, lambda tmp: _write(tmp, episode_id, gen, chunks))

    def keep_only(self, episodes: list[tuple[str, str]]) -> None:
        """Remove the entries of generations no longer in the library (replaced or forgotten episodes)."""
        if self.folder is not None:
            disk_cache.prune(self.folder, keep=[entry_name(eid, gen) for eid, gen in episodes])


def _write(tmp: Path, episode_id: str, gen: str, chunks: list[Chunk]) -> None:
    rows = [[c.index, c.first_sentence, c.text, c.offsets, c.starts, c.ends, c.speakers] for c in chunks]
    payload = json.dumps({"key": [episode_id, gen], "chunks": rows}, separators=(",", ":")).encode()
    (tmp / CHUNKS).write_bytes(payload)
    (tmp / CHECKSUM).write_text(hashlib.blake2b(payload, digest_size=16).hexdigest())


def _read(path: Path, episode_id: str, gen: str, count: int | None) -> list[Chunk]:
    payload = (path / CHUNKS).read_bytes()
    if hashlib.blake2b(payload, digest_size=16).hexdigest() != (path / CHECKSUM).read_text().strip():
        raise ValueError("checksum does not match")
    data = json.loads(payload)
    if data["key"] != [episode_id, gen] or (count is not None and len(data["chunks"]) != count):
        raise ValueError("does not fit the episode record")
    chunks = [Chunk(episode_id=episode_id, index=i, first_sentence=first, text=text, offsets=offsets, starts=starts,
                    ends=ends, speakers=speakers) for i, first, text, offsets, starts, ends, speakers in data["chunks"]]
    if [c.index for c in chunks] != list(range(len(chunks))):
        raise ValueError("chunks out of order")
    return chunks
