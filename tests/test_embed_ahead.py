"""A batch ingest embeds episode N+1 (in a child process, for the local model) while it writes episode N:
the same store as one episode at a time, results in source order, a dead child costs nothing, and a killed
ingest takes its child with it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import lexicap
from ingest import pipeline
from ingest.embed_ahead import InChild, InPlace, embed_in_place, embedding_stage
from ingest.pipeline import Ingestor, ingest_sources
from ingest.settings import Settings
from ingest.store import Store
from test_store import SMALL, assert_consistent, committed, make_store

HERE = Path(__file__).resolve().parent


def _store_contents(store: Store) -> dict[str, tuple[str, np.ndarray, list[str]]]:
    out = {}
    for eid, record in committed(store).items():
        out[eid] = (record["gen"], store.load_vectors(eid, record["gen"]),
                    [c.text for c in store.load_chunks(eid, record["gen"])])
    return out


def _stages(monkeypatch) -> list:
    made = []

    def spy(*args, **kwargs):
        made.append(embedding_stage(*args, **kwargs))
        return made[-1]
    monkeypatch.setattr(pipeline, "embedding_stage", spy)
    return made


def test_a_batch_ingest_embeds_in_a_child_and_stores_what_one_at_a_time_stores(real_app, tmp_path, monkeypatch):
    embedder = real_app.embedder             # the real MiniLM, already loaded
    paths = [str(lexicap(n)) for n in SMALL]
    stages = _stages(monkeypatch)
    batch_settings = Settings(_env_file=None, podbot_data_dir=tmp_path / "batch")
    batch_store = Store(batch_settings, embed_model=embedder.name, embed_dim=embedder.dim)
    results = ingest_sources(paths, Ingestor(batch_settings, embedder, batch_store), batch_settings)
    assert [r.status for r in results] == ["added"] * 3
    assert isinstance(stages[0], InChild) and stages[0].child_steps > 0     # vectors came from the child

    alone_settings = Settings(_env_file=None, podbot_data_dir=tmp_path / "alone")
    alone_store = Store(alone_settings, embed_model=embedder.name, embed_dim=embedder.dim)
    alone = Ingestor(alone_settings, embedder, alone_store)
    for path in paths:
        ingest_sources([path], alone, alone_settings)
    assert isinstance(stages[-1], InPlace)
    batch, single = _store_contents(batch_store), _store_contents(alone_store)
    assert batch.keys() == single.keys() == {r.episode_id for r in results}
    for eid in batch:
        assert batch[eid][0] == single[eid][0] and batch[eid][2] == single[eid][2]     # same generation, text
        assert np.allclose(batch[eid][1], single[eid][1], atol=1e-6)                   # same vectors
    assert_consistent(batch_store)


def test_a_batch_ingest_never_loads_the_model_in_the_parent(tmp_path):
    """The child embeds everything, so the parent's model (~0.9 GB, ~5 s to load) stays unloaded; it loads on
    first use, and then embeds what the child did."""
    from ingest.embeddings import LocalEmbedder

    embedder = LocalEmbedder()
    settings = Settings(_env_file=None, podbot_data_dir=tmp_path / "lazy")
    store = Store(settings, embed_model=embedder.name, embed_dim=embedder.dim)
    results = ingest_sources([str(lexicap(n)) for n in SMALL], Ingestor(settings, embedder, store), settings)
    assert [r.status for r in results] == ["added"] * 3
    assert embedder._model is None                               # never loaded here
    eid = results[0].episode_id
    chunks = store.load_chunks(eid, committed(store)[eid]["gen"])
    tiles = embedder.embed_documents([chunks[0].text])           # loads now
    assert embedder._model is not None and tiles.shape == (1, embedder.dim)
    assert_consistent(store)


def test_a_dead_embedding_child_is_replaced_by_embedding_in_place(real_app):
    embedder = real_app.embedder
    texts = [f"sentence number {i} about the weather in spring" for i in range(300)]
    stage = InChild(embedder)
    try:
        first = stage.submit(texts[:10]).result()           # the child is up and answering
        [pid] = stage.pids()
        pending = stage.submit(texts)
        os.kill(pid, signal.SIGKILL)
        got = pending.result()
        later = stage.submit(texts[:10]).result()           # and the stage keeps working, in place
    finally:
        stage.close()
    assert np.allclose(got, embed_in_place(embedder, texts), atol=1e-6)
    assert np.allclose(first, later, atol=1e-6)


def test_a_stuck_embedding_child_is_killed_and_its_steps_embedded_in_place(real_app):
    """A child that sends no vectors for `stall_seconds` is stuck, not slow (a native deadlock once held an ingest for
    good): it is killed, and its steps, and the later ones, are embedded in this process. Here the child cannot even
    have loaded the model in 50 ms."""
    embedder = real_app.embedder
    texts = [f"sentence number {i} about the weather in spring" for i in range(300)]
    stage = InChild(embedder, stall_seconds=0.05)
    try:
        pending = stage.submit(texts)
        [pid] = stage.pids()
        got = pending.result()
        assert stage.child_steps == 0 and stage.pids() == []
        later = stage.submit(texts[:10]).result()
    finally:
        stage.close()
    assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    assert np.allclose(got, embed_in_place(embedder, texts), atol=1e-6)
    assert np.allclose(later, embed_in_place(embedder, texts[:10]), atol=1e-6)


def test_results_come_in_source_order_with_failures_between(hash_app, tmp_path):
    bad = tmp_path / "broken.vtt"
    bad.write_text("WEBVTT\n\n00:00:01.000 --> garbage\nhello\n")
    sources = [str(lexicap(SMALL[0])), str(tmp_path / "missing.vtt"), str(lexicap(SMALL[1])), str(bad),
               str(lexicap(SMALL[2])), str(lexicap(SMALL[0]))]
    seen = []
    results = ingest_sources(sources, hash_app.ingestor, hash_app.settings,
                             on_result=lambda ref, result: seen.append((str(ref), result.status)))
    assert [r.status for r in results] == ["added", "failed", "added", "failed", "added", "unchanged"]
    assert [s for s, _ in seen] == sources and [st for _, st in seen] == [r.status for r in results]
    assert "missing.vtt" in results[1].message and "broken.vtt" in results[3].message
    assert_consistent(hash_app.store)


def test_the_same_episode_twice_in_one_batch_is_written_once(settings):
    store, ingestor = make_store(settings)
    path = str(lexicap(SMALL[1]))
    results = ingest_sources([path, path, path], ingestor, settings)
    assert [r.status for r in results] == ["added", "unchanged", "unchanged"]
    assert_consistent(store)


def test_remote_and_test_embedders_embed_in_place(hash_embedder):
    assert isinstance(embedding_stage(hash_embedder, 10), InPlace)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(x) for x in task.read_text().split()]
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_killed_batch_ingest_takes_its_embedding_child_with_it(tmp_path, real_app):
    sources = [str(lexicap(n)) for n in (*SMALL, 94)]
    cmd = [sys.executable, str(HERE / "_ingest_child.py"), str(tmp_path / "data"), "--embedder", "local", *sources]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = proc.stdout.readline()                       # the first episode is in: the child is embedding
        assert line.startswith("committed"), line
        kids = _children(proc.pid)
        assert kids, "no embedding child"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and [k for k in kids if _alive(k)]:
            time.sleep(0.1)
        assert not [k for k in kids if _alive(k)]
    finally:
        proc.kill()
        proc.wait(10)
    # what the killed run committed is whole, and a re-run completes it
    settings = Settings(_env_file=None, podbot_data_dir=tmp_path / "data")
    store = Store(settings, embed_model=real_app.embedder.name, embed_dim=real_app.embedder.dim)
    assert 1 <= len(committed(store)) < len(sources)
    assert_consistent(store)
    results = ingest_sources(sources, Ingestor(settings, real_app.embedder, store), settings)
    assert results[0].status == "unchanged" and all(r.status in ("added", "unchanged") for r in results)
    assert len(committed(store)) == len(sources)
    assert_consistent(store)


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid)


def _state(pid: int) -> str:
    try:
        return next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                    if line.startswith("State:")).lower()
    except (OSError, StopIteration):
        return "zombie"

