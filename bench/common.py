"""Shared bench helpers: Lexicap paths, a reusable store of N episodes, latency percentiles, peak RSS."""
from __future__ import annotations

import hashlib
import os
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

LEXICAP = Path(os.environ.get("PODBOT_LEXICAP", ROOT.parent / "shared" / "lexicap"))
OUT = ROOT / "bench" / "out"


def lexicap_files() -> list[Path]:
    return sorted(LEXICAP.glob("episode_*_large.vtt"))


def episode_file(number: str | int) -> Path:
    return LEXICAP / f"episode_{int(number):03d}_large.vtt"


def episode_id(number: str | int) -> str:
    return f"episode_{int(number):03d}_large"


def pick_episodes(required: list[str], total: int) -> list[Path]:
    """The required episodes plus evenly spread distractors, `total` in all (deterministic)."""
    req = [episode_file(n) for n in required]
    rest = [p for p in lexicap_files() if p not in req and "275" not in p.name]
    need = max(0, total - len(req))
    step = max(1, len(rest) // max(1, need)) if need else 1
    return req + rest[::step][:need]


def build_app(name: str, files: list[Path], *, quiet: bool = False):
    """An App whose store under bench/out/NAME holds `files` (already-ingested ones are skipped; one stored before
    wide passages were gets only those embedded)."""
    from bot.app import App
    from ingest.pipeline import ingest_sources
    from ingest.settings import Settings

    app = App(Settings(_env_file=None, podbot_data_dir=OUT / name), use_llm=False)
    have = {m.episode_id for m, record in app.store.list_episodes() if record.get("wide")}
    todo = [str(f) for f in files if f.stem not in have]
    if todo:
        began = time.perf_counter()
        results = ingest_sources(todo, app.ingestor, app.settings)
        if not quiet:
            print(f"ingested {len(results)} episodes in {time.perf_counter() - began:.0f}s", file=sys.stderr)
    settled = OUT / name / ".settled"
    if not settled.exists():        # a store written before ingests saved their vector indexes whole
        app.store.settle(force=True)
        settled.touch()
    return app


def build_app_plus(name: str, files: list[Path], extra: list[str]):
    """The library `name` plus the episodes numbered `extra` (a blind set's own), in a store of its own
    (`NAME+070_140…`, started as a copy of NAME's so nothing already embedded is embedded again): NAME's
    library stays exactly what its figures were measured on."""
    if not extra:
        return build_app(name, files)
    plus = f"{name}+" + "_".join(extra)
    if len(plus) > 200:         # a file name has at most 255 bytes: a long list is named by its digest
        plus = f"{name}+{len(extra)}_" + hashlib.sha1("_".join(extra).encode()).hexdigest()[:12]
    if not (OUT / plus).exists() and (OUT / name).exists():
        shutil.copytree(OUT / name, OUT / plus)
    return build_app(plus, files + [episode_file(n) for n in extra])


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[idx]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
