"""The episodes' chunks kept on disk between runs: read back exactly, never a partial read, never stale, rebuilt
when damaged."""
from __future__ import annotations

import logging

import pytest

from bot import text_cache
from bot.library import Library
from conftest import cache_entries, lexicap
from test_store import changed_copy


@pytest.fixture
def ingested(hash_app):
    from ingest.pipeline import ingest_sources

    results = ingest_sources([str(lexicap(316)), str(lexicap(49))], hash_app.ingestor, hash_app.settings)
    assert [r.status for r in results] == ["added", "added"]
    return hash_app


def _library(app, folder) -> Library:
    return Library(app.settings, embedder_factory=lambda: app.embedder, store=app.store, text_cache=folder)


def _refuse_store_reads(monkeypatch, store) -> None:
    def refuse(episodes):
        raise AssertionError(f"{episodes} read from the store instead of the cache")

    monkeypatch.setattr(store, "load_chunks_of", refuse)


def test_a_new_process_reads_every_text_back_exactly(ingested, tmp_path, monkeypatch):
    folder = tmp_path / "texts"
    first = {t.episode_id: t for t in _library(ingested, folder).texts()}
    assert cache_entries(folder) == {text_cache.entry_name(e, t.gen) for e, t in first.items()}

    _refuse_store_reads(monkeypatch, ingested.store)
    again = _library(ingested, folder)
    for text in again.texts():
        assert text.gen == first[text.episode_id].gen
        assert text.chunks == first[text.episode_id].chunks            # every field of every chunk
        assert [s.text for s in text.sentences] == [s.text for s in first[text.episode_id].sentences]
    assert _library(ingested, folder).text("episode_049_large").chunks == first["episode_049_large"].chunks


def test_a_short_read_is_never_kept(ingested, tmp_path, monkeypatch):
    """An episode re-ingested while it is read can come back with fewer chunks than its record committed."""
    folder = tmp_path / "texts"
    store = ingested.store
    real = store.load_chunks_of
    monkeypatch.setattr(store, "load_chunks_of", lambda episodes: {e: c[:-1] for e, c in real(episodes).items()})
    _library(ingested, folder).texts()
    assert not folder.exists() or not cache_entries(folder)
    monkeypatch.setattr(store, "load_chunks_of", real)
    full = _library(ingested, folder).texts()
    assert len(cache_entries(folder)) == 2
    assert all(len(t.chunks) == ingested.library.record(t.episode_id)["chunks"] for t in full)


@pytest.mark.parametrize("damage", ["flipped byte", "truncated", "another episode's entry"])
def test_a_damaged_entry_is_read_from_the_store_again(ingested, tmp_path, caplog, damage):
    folder = tmp_path / "texts"
    library = _library(ingested, folder)
    want = library.text("episode_316_large")
    library.text("episode_049_large")
    entry = folder / text_cache.entry_name("episode_316_large", want.gen)
    payload = entry / text_cache.CHUNKS
    if damage == "flipped byte":
        data = bytearray(payload.read_bytes())
        data[len(data) // 2] ^= 0x01
        payload.write_bytes(bytes(data))
    elif damage == "truncated":
        payload.write_bytes(payload.read_bytes()[:1000])
    else:
        other = folder / text_cache.entry_name("episode_049_large", library.text("episode_049_large").gen)
        for name in (text_cache.CHUNKS, text_cache.CHECKSUM):
            (entry / name).write_bytes((other / name).read_bytes())
    with caplog.at_level(logging.WARNING, logger="bot.disk_cache"):
        got = _library(ingested, folder).text("episode_316_large")
    assert "unreadable" in caplog.text
    assert got.chunks == want.chunks
    assert (entry / ".complete").is_file()                      # written again from the store's copy
    assert _library(ingested, folder).text("episode_316_large").chunks == want.chunks


def test_a_reingested_episode_gets_a_new_entry_and_the_old_one_goes(ingested, tmp_path):
    from ingest.pipeline import ingest_sources

    folder = tmp_path / "texts"
    _library(ingested, folder).texts()
    old = cache_entries(folder)
    src = lexicap(49)
    [res] = ingest_sources([str(changed_copy(src, tmp_path / src.name))], ingested.ingestor, ingested.settings)
    assert res.status == "replaced"
    library = _library(ingested, folder)
    changed = library.text("episode_049_large")
    assert text_cache.entry_name("episode_049_large", changed.gen) not in old
    assert len(changed.chunks) == library.record("episode_049_large")["chunks"]   # the cut transcript, not the old
    library.texts()
    now = cache_entries(folder)
    assert len(now) == 2 and len(now & old) == 1
    assert text_cache.entry_name("episode_049_large", changed.gen) in now


def test_a_folder_that_cannot_be_written_costs_nothing_but_time(ingested, tmp_path, caplog):
    blocked = tmp_path / "texts"
    blocked.write_text("a file where the folder would be")
    with caplog.at_level(logging.WARNING, logger="bot.disk_cache"):
        texts = _library(ingested, blocked).texts()
    assert [len(t.chunks) for t in texts] == [ingested.library.record(t.episode_id)["chunks"] for t in texts]
    assert "not written" in caplog.text


def test_the_app_keeps_texts_in_its_data_folder_unless_told_not_to(ingested, settings, hash_embedder):
    from bot.app import App

    ingested.library.texts()
    assert len(cache_entries(settings.podbot_data_dir / "texts")) == 2
    off = settings.model_copy(update={"podbot_index_cache": False, "podbot_data_dir": settings.podbot_data_dir})
    assert App(off, embedder=hash_embedder, use_llm=False).library._text_cache.folder is None
