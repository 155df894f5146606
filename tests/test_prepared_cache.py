"""Each episode's tokenised sentences kept on disk for /quote: read back exactly, one entry per generation, never
stale, rebuilt when damaged."""
from __future__ import annotations

import logging

import numpy as np
import pytest

from bot.quotes import prepared_cache
from bot.quotes.engine import QuoteEngine
from bot.quotes.index import prepare_episode
from conftest import cache_entries, lexicap
from test_store import changed_copy

LINE = "anyone who doesn't worry about nuclear war doesn't have a gray cell functioning"


@pytest.fixture
def library(hash_app):
    from ingest.pipeline import ingest_sources

    results = ingest_sources([str(lexicap(316)), str(lexicap(49))], hash_app.ingestor, hash_app.settings)
    assert [r.status for r in results] == ["added", "added"]
    hash_app.library.refresh(force=True)
    return hash_app.library


def _refuse_preparing(monkeypatch) -> None:
    def refuse(text):
        raise AssertionError(f"{text.episode_id} was tokenised again instead of read")

    monkeypatch.setattr(prepared_cache, "prepare_episode", refuse)


def test_a_new_process_reads_every_episode_back_and_finds_the_same_line(library, tmp_path, monkeypatch):
    folder = tmp_path / "quotes"
    first = QuoteEngine(library, cache_dir=folder)
    found = first.find(LINE)
    assert found.matches and found.matches[0].episode_id == "episode_316_large"
    assert cache_entries(folder) == {prepared_cache.entry_name(t.episode_id, t.gen) for t in library.texts()}

    _refuse_preparing(monkeypatch)
    again = QuoteEngine(library, cache_dir=folder)
    assert again.find(LINE).matches == found.matches
    for text in library.texts():
        fresh, read = prepare_episode(text), again._prepared[(text.episode_id, text.gen)]
        assert read.norm == fresh.norm and read.vocab == fresh.vocab and read.surfaces == fresh.surfaces
        assert read.chunk_pos == fresh.chunk_pos and read.speakers == fresh.speakers
        for name in ("ptr", "terms", "seq_ptr", "seq", "chunk_first"):
            assert np.array_equal(getattr(read, name), getattr(fresh, name)) \
                and getattr(read, name).dtype == getattr(fresh, name).dtype


def test_a_reingested_episode_gets_a_new_entry_and_the_others_are_kept(library, hash_app, tmp_path, monkeypatch):
    from ingest.pipeline import ingest_sources

    folder = tmp_path / "quotes"
    QuoteEngine(library, cache_dir=folder).index()
    old = cache_entries(folder)
    src = lexicap(49)
    [res] = ingest_sources([str(changed_copy(src, tmp_path / src.name))], hash_app.ingestor, hash_app.settings)
    assert res.status == "replaced"
    library.refresh(force=True)

    prepared = []
    monkeypatch.setattr(prepared_cache, "prepare_episode",
                        lambda text: prepared.append(text.episode_id) or prepare_episode(text))
    engine = QuoteEngine(library, cache_dir=folder)
    assert engine.find(LINE).matches
    assert prepared == ["episode_049_large"]                   # only the changed episode is tokenised again
    now = cache_entries(folder)
    assert len(now) == 2 and len(now & old) == 1               # its old generation's entry is gone


@pytest.mark.parametrize("damage", ["truncated arrays", "garbage words", "other sentences"])
def test_a_damaged_entry_is_rebuilt(library, tmp_path, caplog, damage):
    folder = tmp_path / "quotes"
    found = QuoteEngine(library, cache_dir=folder).find(LINE)
    text = library.text("episode_316_large")
    entry = folder / prepared_cache.entry_name(text.episode_id, text.gen)
    if damage == "truncated arrays":
        arrays = entry / prepared_cache.ARRAYS
        arrays.write_bytes(arrays.read_bytes()[:100])
    elif damage == "garbage words":
        (entry / prepared_cache.WORDS).write_text("[1, 2")
    else:                                                      # another episode's entry under this name
        other = library.text("episode_049_large")
        other_entry = folder / prepared_cache.entry_name(other.episode_id, other.gen)
        (entry / prepared_cache.WORDS).write_bytes((other_entry / prepared_cache.WORDS).read_bytes())
    with caplog.at_level(logging.WARNING, logger="bot.disk_cache"):
        again = QuoteEngine(library, cache_dir=folder).find(LINE)
    assert "unreadable" in caplog.text
    assert again.matches == found.matches
    assert (entry / prepared_cache.WORDS).is_file() and (entry / ".complete").is_file()


def test_a_changed_tokeniser_never_reads_old_tokens(library, tmp_path, monkeypatch):
    folder = tmp_path / "quotes"
    QuoteEngine(library, cache_dir=folder).index()
    old = cache_entries(folder)
    prepared_cache._tokeniser.cache_clear()
    monkeypatch.setattr(prepared_cache, "_tokeniser", lambda: "another tokeniser")
    QuoteEngine(library, cache_dir=folder).index()
    assert cache_entries(folder).isdisjoint(old) and len(cache_entries(folder)) == 2


def test_the_app_keeps_quote_tokens_in_its_data_folder(library, hash_app, settings):
    hash_app.quotes.index()
    assert len(cache_entries(settings.podbot_data_dir / "quotes")) == 2
