"""The lexical index kept on disk beside the store, so a restart or a one-shot `podbot ask` reads it instead of
tokenising and indexing every chunk again (318 episodes: ~6.5 s to build, ~0.05 s to read).

A saved index is named by a digest of what it indexes: every chunk row in order (episode, ingest generation,
chunk) plus the format and the tokeniser (its stop words, the bm25s version). An episode ingested, re-ingested
or forgotten names another folder, so a stale index is never read. A folder is written under a temporary
name, flushed, and renamed into place whole: a reader finds a complete index or none. Anything unreadable is
rebuilt, and a cache that cannot be written costs only the time it would have saved.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

import bm25s

from bot.ask.lexical import STOPWORDS, LexicalIndex

log = logging.getLogger(__name__)

FORMAT = 1                      # bump when LexicalIndex's tokens or the saved layout change
LEXICON = "lexicon.json"        # written last: n_docs, document frequencies, the vocabulary as said
STALE_TMP_SECONDS = 3600        # a temporary folder this old was left by a writer that died


def cache_key(rows: list[tuple[str, str, int]]) -> str:
    """Digest of the indexed rows (episode id, ingest generation, chunk index), in order, and the tokeniser."""
    digest = hashlib.sha256(json.dumps([FORMAT, bm25s.__version__, sorted(STOPWORDS)]).encode())
    for episode_id, gen, index in rows:
        digest.update(f"{episode_id}\x1f{gen}\x1f{index}\x1e".encode())
    return digest.hexdigest()[:32]


def load_or_build(folder: Path | None, rows: list[tuple[str, str, int]], docs: list[str]) -> LexicalIndex:
    """The index of `docs` (one per row): read from `folder` when it holds this exact one, else built (and saved
    there, the other libraries' indexes removed). No folder: built in memory only."""
    if folder is None:
        return LexicalIndex(docs)
    key = cache_key(rows)
    found = _load(folder / key, docs)
    if found is not None:
        return found
    index = LexicalIndex(docs)
    try:
        _save(folder, key, index)
    except OSError as exc:
        log.warning("lexical index not saved in %s (%s): it is rebuilt at the next start", folder, exc)
    return index


def _load(path: Path, docs: list[str]) -> LexicalIndex | None:
    if not (path / LEXICON).is_file():
        return None
    try:
        lexicon = json.loads((path / LEXICON).read_text(encoding="utf-8"))
        if lexicon.get("format") != FORMAT or lexicon.get("n_docs") != len(docs):
            raise ValueError(f"holds {lexicon.get('n_docs')} documents, not {len(docs)}")
        bm25 = bm25s.BM25.load(str(path / "bm25"), show_progress=False)
        if bm25.scores.get("num_docs") != len(docs):
            raise ValueError("BM25 matrix of another size")
        return LexicalIndex.from_parts(docs, bm25, lexicon["df"], lexicon["surface"])
    except Exception as exc:  # noqa: BLE001  (any damage to a cache means: build it again)
        log.warning("lexical index in %s unreadable (%s): rebuilding it", path, exc)
        shutil.rmtree(path, ignore_errors=True)
        return None


def _save(folder: Path, key: str, index: LexicalIndex) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder))
    try:
        index.bm25.save(str(tmp / "bm25"), show_progress=False)
        lexicon = {"format": FORMAT, "n_docs": index.n_docs, "df": index.df, "surface": index.surface}
        (tmp / LEXICON).write_text(json.dumps(lexicon), encoding="utf-8")
        for file in tmp.rglob("*"):
            if file.is_file():
                with open(file, "rb") as fh:
                    os.fsync(fh.fileno())
        try:
            tmp.rename(folder / key)
        except OSError:          # another process saved the same index first: theirs is as good
            if not (folder / key / LEXICON).is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _prune(folder, keep=key)


def _prune(folder: Path, keep: str) -> None:
    """Remove the indexes of other library states, and temporary folders a dead writer left."""
    now = time.time()
    for entry in folder.iterdir():
        if entry.name == keep or not entry.is_dir():
            continue
        try:
            if entry.name.startswith(".tmp-") and now - entry.stat().st_mtime < STALE_TMP_SECONDS:
                continue                       # another process is writing it right now
        except OSError:
            continue
        shutil.rmtree(entry, ignore_errors=True)
