"""Disk cache for summaries (and the word counts the keyphrase background needs), per episode.

A summary is stored under its episode and mode with a key naming the summariser version, the episode's
committed generation and a fingerprint of its metadata: a re-ingest (new generation) or a changed
description (new creator chapters) misses, and the next summary overwrites the stale file. Files are
written to a temporary name and moved into place (os.replace), so a reader never sees half a file.
Without a directory the cache lives in memory only.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from pydantic import ValidationError

from bot.models import Summary
from ingest.models import EpisodeMeta

log = logging.getLogger(__name__)

def _code_version() -> str:
    """A digest's version is the code that wrote it: a hash of the summariser's sources (and the framing and
    verbatim modules it reads through), so an upgraded podbot never serves a digest its old code cached."""
    here = Path(__file__).resolve().parent
    files = sorted(here.glob("*.py")) + [here.parent / "framing.py", here.parent / "verbatim.py"]
    h = hashlib.sha1()
    for f in files:
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return "sum-" + h.hexdigest()[:10]


SUMMARY_VERSION = _code_version()


def meta_fingerprint(meta: EpisodeMeta) -> str:
    data = json.dumps([meta.title, meta.url, meta.description, meta.chapters, meta.guest, meta.timed],
                      ensure_ascii=False, default=str)
    return hashlib.sha1(data.encode()).hexdigest()[:12]


def cache_key(gen: str, meta: EpisodeMeta) -> str:
    return f"{SUMMARY_VERSION}:{gen}:{meta_fingerprint(meta)}"


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:120]


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class SummaryCache:
    def __init__(self, root: Path | None):
        self.root = Path(root) if root else None
        self._memory: dict[tuple[str, str], tuple[str, float, str]] = {}
        self._lock = threading.Lock()

    # --- summaries -------------------------------------------------------------------------------
    def _path(self, episode_id: str, mode: str) -> Path:
        assert self.root is not None
        return self.root / f"{_safe(episode_id)}.{mode}.json"

    def get(self, episode_id: str, mode: str, key: str, *, max_age: float | None = None) -> Summary | None:
        """The cached summary for this key, or None (missing, stale, too old or unreadable)."""
        raw: str | None = None
        if self.root is None:
            entry = self._memory.get((episode_id, mode))
            if entry and entry[0] == key:
                raw, created = entry[2], entry[1]
            else:
                return None
            record = {"key": key, "created": created, "summary": json.loads(raw)}
        else:
            try:
                record = json.loads(self._path(episode_id, mode).read_text(encoding="utf-8"))
            except FileNotFoundError:
                return None
            except (OSError, json.JSONDecodeError) as exc:
                log.warning("unreadable summary cache for %s (%s): ignored", episode_id, exc)
                return None
        if record.get("key") != key:
            return None
        if max_age is not None and time.time() - float(record.get("created", 0)) > max_age:
            return None
        try:
            return Summary.model_validate(record["summary"])
        except (KeyError, ValidationError) as exc:
            log.warning("summary cache for %s does not validate (%s): ignored", episode_id, exc)
            return None

    def put(self, episode_id: str, mode: str, key: str, summary: Summary) -> None:
        created = time.time()
        if self.root is None:
            with self._lock:
                self._memory[(episode_id, mode)] = (key, created, summary.model_dump_json())
            return
        record = {"key": key, "created": created, "summary": summary.model_dump(mode="json")}
        try:
            write_atomic(self._path(episode_id, mode), json.dumps(record, ensure_ascii=False))
        except OSError as exc:          # a read-only or full disk costs speed, not the answer
            log.warning("could not cache the summary of %s: %s", episode_id, exc)

    # --- word counts (keyphrase background) --------------------------------------------------------
    def _counts_path(self, episode_id: str, gen: str) -> Path:
        assert self.root is not None
        return self.root / "words" / f"{_safe(episode_id)}@{_safe(gen)}.json"

    def get_counts(self, episode_id: str, gen: str) -> Counter | None:
        if self.root is None:
            entry = self._memory.get((episode_id, f"words@{gen}"))
            return Counter(json.loads(entry[2])) if entry else None
        try:
            return Counter(json.loads(self._counts_path(episode_id, gen).read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError):
            return None

    def put_counts(self, episode_id: str, gen: str, counts: Counter) -> None:
        text = json.dumps(dict(counts), ensure_ascii=False, separators=(",", ":"))
        if self.root is None:
            with self._lock:
                self._memory[(episode_id, f"words@{gen}")] = (gen, time.time(), text)
            return
        path = self._counts_path(episode_id, gen)
        try:
            write_atomic(path, text)
            for old in path.parent.glob(f"{_safe(episode_id)}@*.json"):     # earlier generations
                if old != path:
                    old.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not cache word counts of %s: %s", episode_id, exc)
