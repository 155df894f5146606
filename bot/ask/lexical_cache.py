"""The lexical index kept on disk (`bot.disk_cache`), so a restart or a one-shot `podbot ask` reads it instead of
tokenising and indexing every chunk again (318 episodes: ~6.5 s to build, ~0.05 s to read).

An entry is named by a digest of every chunk row in order (episode, ingest generation, chunk) and of the
tokeniser (its stop words, the bm25s version, the format): an episode ingested, re-ingested or forgotten names
another entry, so a stale index is never read.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import bm25s

from bot import disk_cache
from bot.ask.lexical import STOPWORDS, LexicalIndex

FORMAT = 1                      # bump when LexicalIndex's tokens or the saved layout change
LEXICON = "lexicon.json"        # n_docs, document frequencies, the vocabulary as said


def cache_key(rows: list[tuple[str, str, int]]) -> str:
    """Digest of the indexed rows (episode id, ingest generation, chunk index), in order, and the tokeniser."""
    return disk_cache.digest(json.dumps([FORMAT, bm25s.__version__, sorted(STOPWORDS)]),
                             "".join(f"{e}\x1f{g}\x1f{i}\x1d" for e, g, i in rows))


def load(folder: Path | None, rows: list[tuple[str, str, int]], docs: Sequence[str]) -> LexicalIndex | None:
    """The saved index of these rows, or None. `docs` may read its texts lazily: only `said_apart` reads any."""
    if folder is None:
        return None
    return disk_cache.read(folder / cache_key(rows), lambda entry: _read(entry, docs))


def build(folder: Path | None, rows: list[tuple[str, str, int]], docs: list[str]) -> LexicalIndex:
    """Index `docs` now, and save the index in `folder` (removing those of other library states)."""
    index = LexicalIndex(docs)
    if folder is not None:
        key = cache_key(rows)
        if disk_cache.write(folder / key, lambda tmp: _write(tmp, index)):
            disk_cache.prune(folder, keep=[key])
    return index


def _read(entry: Path, docs: Sequence[str]) -> LexicalIndex:
    lexicon = json.loads((entry / LEXICON).read_text(encoding="utf-8"))
    bm25 = bm25s.BM25.load(str(entry / "bm25"), show_progress=False)
    if lexicon.get("n_docs") != len(docs) or bm25.scores.get("num_docs") != len(docs):
        raise ValueError(f"holds {lexicon.get('n_docs')} documents, not {len(docs)}")
    return LexicalIndex.from_parts(docs, bm25, lexicon["df"], lexicon["surface"])


def _write(tmp: Path, index: LexicalIndex) -> None:
    index.bm25.save(str(tmp / "bm25"), show_progress=False)
    lexicon = {"n_docs": index.n_docs, "df": index.df, "surface": index.surface}
    (tmp / LEXICON).write_text(json.dumps(lexicon), encoding="utf-8")
