"""The store against a real `chroma run` server on a free 127.0.0.1 port (started and stopped here).

Same behaviours as the embedded store (tests/test_store.py::store_behaviours), plus what only a server
can do: go away. Then the user must get one clear StoreUnavailable line — when opening the store and in
the middle of using it — and once the server is back, the very same Store object works again.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import HashEmbedder, lexicap
from ingest.chroma_server import ChromaServer, chroma_cli
from ingest.errors import StoreUnavailable
from ingest.pipeline import ingest_sources
from ingest.store import Store
from test_store import SMALL, assert_consistent, committed, make_store, store_behaviours

pytestmark = pytest.mark.slow

CHROMA = chroma_cli()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMA:
        pytest.skip("the `chroma` console script is not installed next to this Python")
    root = tmp_path_factory.mktemp("chroma_server")
    srv = ChromaServer(root / "db", root / "server.log")
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def test_store_behaviours_on_server(server, tmp_path):
    settings = server.settings(tmp_path / "data", podbot_collection_prefix="behaviours")
    store_behaviours(settings, tmp_path)
    store, _ = make_store(settings)
    assert "Chroma server 127.0.0.1" in store.where
    assert not (tmp_path / "data" / "chroma").exists()        # nothing embedded on disk when serving


def test_model_mismatch_on_server(server, tmp_path):
    from ingest.errors import StoreModelMismatch

    settings = server.settings(tmp_path, podbot_collection_prefix="mismatch")
    make_store(settings)
    with pytest.raises(StoreModelMismatch) as info:
        Store(settings, embed_model="all-MiniLM-L6-v2", embed_dim=384)
    assert "'test-hash'" in info.value.message and "\n" not in info.value.message


def test_two_processes_ingest_the_same_episode_through_the_server(server, tmp_path):
    """Two `podbot`-style processes at once (one shared data dir for the lock): one result, no duplicates."""
    settings = server.settings(tmp_path / "data", podbot_collection_prefix="twoproc")
    child = Path(__file__).with_name("_ingest_child.py")
    env = {**os.environ, "CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(server.port),
           "PODBOT_COLLECTION_PREFIX": "twoproc"}
    # _ingest_child builds Settings(_env_file=None, ...): the chroma host/port come from the env vars
    procs = [subprocess.Popen([sys.executable, str(child), str(tmp_path / "data"), str(lexicap(SMALL[0]))],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    statuses = sorted(line.split()[2] for out, _ in outs for line in out.splitlines()
                      if line.startswith("committed"))
    assert statuses == ["added", "unchanged"], outs
    store, _ = make_store(settings)
    assert list(committed(store)) == ["episode_316_large"]
    assert_consistent(store)


def test_start_on_a_running_server_starts_no_second_one(server):
    """A second `chroma run` on the same port cannot serve, and the first would outlive stop()."""
    proc = server.proc
    server.start()
    assert server.proc is proc and proc.poll() is None
    assert not [p for p in Path("/proc").glob("[0-9]*/cmdline")
                if _reads(p).count(f"--port\0{server.port}") and p.parent.name != str(proc.pid)]


def _reads(path: Path) -> str:
    try:
        return path.read_text(errors="ignore")
    except OSError:
        return ""


def test_server_down_then_back(server, tmp_path):
    settings = server.settings(tmp_path / "data", podbot_collection_prefix="outage")
    store, ingestor = make_store(settings)
    [res] = ingest_sources([str(lexicap(SMALL[2]))], ingestor, settings)
    assert res.status == "added"
    active = {e: r["gen"] for e, r in committed(store).items()}
    query = HashEmbedder().embed_query("what is consciousness")
    assert store.dense_search(query, 3, active)

    server.stop()
    try:
        # opening a store while the server is down
        began = time.monotonic()
        with pytest.raises(StoreUnavailable) as info:
            make_store(settings)
        msg = info.value.message
        assert "\n" not in msg and f"127.0.0.1:{server.port}" in msg and "unavailable" in msg
        assert "chroma run" in msg
        assert time.monotonic() - began < 30
        # ...and in the middle of using one: reads, searches and writes all say the same thing
        for call in (store.list_episodes, lambda: store.dense_search(query, 3, active), store.heartbeat,
                     lambda: store.get_episode(res.episode_id)):
            with pytest.raises(StoreUnavailable) as info:
                call()
            assert "\n" not in info.value.message and "unavailable" in info.value.message
        # an ingest reports the outage as a failed source, not a crash
        [failed] = ingest_sources([str(lexicap(SMALL[1]))], ingestor, settings)
        assert failed.status == "failed" and "unavailable" in failed.message
    finally:
        server.start()

    # the server is back on the same port and data: the same Store object works again, nothing was lost
    assert committed(store)[res.episode_id]["chunks"] == res.chunks
    assert store.dense_search(query, 3, active)
    [again] = ingest_sources([str(lexicap(SMALL[1]))], ingestor, settings)
    assert again.status == "added"
    assert_consistent(store)
