"""Each episode's tokenised sentences (`PreparedEpisode`) kept on disk (`bot.disk_cache`), one entry per committed
generation, so a restart or a one-shot `podbot quote` reads them instead of tokenising the whole library again
(318 episodes: ~8 s to prepare, ~1 s to read). An ingest adds one entry; the others stay valid.

An entry is named by a digest of the episode, its generation and the tokeniser's own source (`words`, `stems`,
`prepare_episode`), so a changed tokeniser never reads old tokens.
"""
from __future__ import annotations

import inspect
import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot import disk_cache
from bot.quotes import index as quote_index
from bot.quotes import text as quote_text
from bot.quotes.index import PreparedEpisode, prepare_episode

FORMAT = "prepared-v2"      # arrays + one string per line (v1 kept every string in JSON)
ARRAYS = "arrays.npz"
WORDS = "words.json"


@lru_cache(maxsize=1)
def _tokeniser() -> str:
    return disk_cache.digest(*(inspect.getsource(f) for f in (quote_text.words, quote_text.stems,
                                                               quote_index.prepare_episode, PreparedEpisode)))


def entry_name(episode_id: str, gen: str) -> str:
    return disk_cache.digest(FORMAT, _tokeniser(), episode_id, gen)


class PreparedCache:
    """`get(text)`: the episode's PreparedEpisode from `folder`, or prepared now (and saved there)."""

    def __init__(self, folder: Path | None):
        self.folder = folder

    def get(self, text) -> PreparedEpisode:
        if self.folder is None:
            return prepare_episode(text)
        entry = self.folder / entry_name(text.episode_id, text.gen)
        found = disk_cache.read(entry, lambda path: _read(path, text))
        if found is not None:
            return found
        prepared = prepare_episode(text)
        disk_cache.write(entry, lambda tmp: _write(tmp, prepared))
        return prepared

    def keep_only(self, texts) -> None:
        """Remove the entries of generations no longer in the library (replaced or forgotten episodes)."""
        if self.folder is not None:
            disk_cache.prune(self.folder, keep=[entry_name(t.episode_id, t.gen) for t in texts])


def _write(tmp: Path, p: PreparedEpisode) -> None:
    with open(tmp / ARRAYS, "wb") as fh:
        np.savez(fh, ptr=p.ptr, terms=p.terms, seq_ptr=p.seq_ptr, seq=p.seq, chunk_first=p.chunk_first,
                 surface_terms=np.fromiter(p.surfaces.values(), dtype=np.int32, count=len(p.surfaces)),
                 chunk_pos=np.asarray(list(p.chunk_pos.items()), dtype=np.int64).reshape(-1, 2))
    for name, strings in (("norm", p.norm), ("vocab", p.vocab), ("surfaces", list(p.surfaces))):
        (tmp / f"{name}.txt").write_text("\n".join(strings), encoding="utf-8")
    data = {"key": list(p.key), "counts": [len(p.norm), len(p.vocab), len(p.surfaces)],
            "speakers": p.speakers if any(p.speakers) else None}
    (tmp / WORDS).write_text(json.dumps(data), encoding="utf-8")


def _lines(path: Path, count: int) -> list[str]:
    """`count` strings written one per line (words and stems hold no line breaks); JSON would take ~8x as long
    to read back (0.8 s for a 318-episode library)."""
    lines = path.read_text(encoding="utf-8").split("\n") if count else []
    if len(lines) != count:
        raise ValueError(f"{path.name}: {len(lines)} lines, expected {count}")
    return lines


def _read(path: Path, text) -> PreparedEpisode:
    data = json.loads((path / WORDS).read_text(encoding="utf-8"))
    n_norm, n_vocab, n_surfaces = data["counts"]
    norm, vocab = _lines(path / "norm.txt", n_norm), _lines(path / "vocab.txt", n_vocab)
    surface_words = _lines(path / "surfaces.txt", n_surfaces)
    with np.load(path / ARRAYS, allow_pickle=False) as arrays:
        ptr, terms, seq_ptr, seq, chunk_first, surface_terms, chunk_pos = (arrays[k] for k in (
            "ptr", "terms", "seq_ptr", "seq", "chunk_first", "surface_terms", "chunk_pos"))
    n = text.sentence_count
    speakers = data["speakers"] if data["speakers"] is not None else [None] * n
    if tuple(data["key"]) != (text.episode_id, text.gen) or len(norm) != n or len(ptr) != n + 1 \
            or len(seq_ptr) != n + 1 or len(speakers) != n or int(ptr[-1]) != len(terms) \
            or int(seq_ptr[-1]) != len(seq) or len(chunk_first) != len(text.chunks) + 1 \
            or (len(seq) and int(seq.max()) >= len(vocab)) or len(surface_terms) != len(surface_words) \
            or (len(surface_terms) and int(surface_terms.max()) >= len(vocab)):
        raise ValueError("does not fit the episode's sentences")
    return PreparedEpisode(
        key=(text.episode_id, text.gen), norm=norm, vocab=vocab,
        surfaces=dict(zip(surface_words, surface_terms.tolist())), ptr=ptr.astype(np.int64),
        terms=terms.astype(np.int32), seq_ptr=seq_ptr.astype(np.int64), seq=seq.astype(np.int32),
        chunk_first=chunk_first.astype(np.int64), chunk_pos={int(c): int(i) for c, i in chunk_pos.tolist()},
        speakers=speakers)
