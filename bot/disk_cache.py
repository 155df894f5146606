"""Folders of derived data kept under PODBOT_DATA_DIR between runs (indexes that take seconds to rebuild).

Each entry is a folder named by a digest of what it was derived from, so a stale entry is never read: new
inputs name another folder. An entry is written under a temporary name, flushed, and renamed into place whole,
so a reader finds a complete entry or none. One that cannot be read is removed and rebuilt by the caller; one
that cannot be written costs only the time it would have saved.
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
DONE = ".complete"              # written last inside an entry: its presence means the rest is there
STALE_TMP_SECONDS = 3600        # a temporary folder this old was left by a writer that died


def digest(*parts: str | bytes) -> str:
    """A short, stable name for an entry made from `parts`."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode())
        h.update(b"\x1e")
    return h.hexdigest()[:32]


def read(entry: Path, reader: Callable[[Path], T]) -> T | None:
    """`reader(entry)` when the entry is complete; None when absent, or when unreadable (then it is removed)."""
    if not (entry / DONE).is_file():
        return None
    try:
        return reader(entry)
    except Exception as exc:  # noqa: BLE001  (any damage to a cache entry means: build it again)
        log.warning("cache %s unreadable (%s): rebuilding it", entry, exc)
        shutil.rmtree(entry, ignore_errors=True)
        return None


def write(entry: Path, writer: Callable[[Path], None]) -> bool:
    """Write an entry through `writer(folder)` into a temporary folder, then rename it into place whole.
    False (and a warning) when it could not be written; another process writing the same entry first is fine."""
    tmp: Path | None = None
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=entry.parent))
        writer(tmp)
        (tmp / DONE).write_text("")
        for file in tmp.rglob("*"):
            if file.is_file():
                with open(file, "rb") as fh:
                    os.fsync(fh.fileno())
        try:
            tmp.rename(entry)
        except OSError:          # another process wrote the same entry first: theirs is as good
            if not (entry / DONE).is_file():
                raise
        return True
    except OSError as exc:
        log.warning("cache %s not written (%s): it is rebuilt at the next start", entry, exc)
        return False
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def prune(folder: Path, keep: Iterable[str]) -> None:
    """Remove every entry of `folder` but `keep`, and the temporary folders of writers that died."""
    keep = set(keep)
    now = time.time()
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.name in keep or not entry.is_dir():
            continue
        try:
            if entry.name.startswith(".tmp-") and now - entry.stat().st_mtime < STALE_TMP_SECONDS:
                continue                       # another process is writing it right now
        except OSError:
            continue
        shutil.rmtree(entry, ignore_errors=True)
