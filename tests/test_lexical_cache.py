"""The lexical index kept on disk: read back exactly, never stale, rebuilt when damaged, never half-visible."""
from __future__ import annotations

import logging

import bm25s
import numpy as np
import pytest

from bot import disk_cache
from bot.ask import lexical_cache
from bot.ask.lexical import LexicalIndex, stems

DOCS = ["Ilya Sotskever talks about deep learning and backpropagation",
        "the host reads an ad for a mattress company",
        "Guido talks about Python and the whitespace of its syntax",
        "power play is the idea behind the problem solver"]
ROWS = [("ep1", "g1", 0), ("ep1", "g1", 1), ("ep2", "g7", 0), ("ep2", "g7", 1)]
QUERIES = ["sutskever backpropagation", "python whitespace", "mattress ad", "power play problem"]


def load_or_build(folder, rows, docs) -> LexicalIndex:
    """What the retriever does: the saved index of these rows, else one built (and saved)."""
    return lexical_cache.load(folder, rows, docs) or lexical_cache.build(folder, rows, list(docs))


def _same(a: LexicalIndex, b: LexicalIndex) -> None:
    assert a.df == b.df and a.surface == b.surface and a.n_docs == b.n_docs and a.docs == b.docs
    for q in QUERIES:
        assert a.expand(q) == b.expand(q)
        assert np.allclose(a.scores(a.expand(q)), b.scores(b.expand(q)))
    assert a.correct("what about nueral netwroks") == b.correct("what about nueral netwroks")


def _no_build(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("the index was built again instead of read")

    monkeypatch.setattr(bm25s.BM25, "index", refuse)


def test_a_saved_index_is_read_back_with_the_same_scores_without_building(tmp_path, monkeypatch):
    built = load_or_build(tmp_path, ROWS, DOCS)
    [folder] = [p for p in tmp_path.iterdir()]
    assert folder.name == lexical_cache.cache_key(ROWS) and (folder / lexical_cache.LEXICON).is_file()
    _no_build(monkeypatch)
    read = load_or_build(tmp_path, ROWS, DOCS)
    _same(read, built)
    assert read.said_apart("powerplay")           # reads the documents it was given


def test_another_library_state_builds_its_own_index_and_drops_the_old_one(tmp_path):
    load_or_build(tmp_path, ROWS, DOCS)
    old = lexical_cache.cache_key(ROWS)
    reingested = [(e, "g8" if e == "ep2" else g, i) for e, g, i in ROWS]       # ep2 ingested again
    assert lexical_cache.cache_key(reingested) != old
    docs = DOCS[:2] + ["Guido talks about Java now", "nothing else"]
    index = load_or_build(tmp_path, reingested, docs)
    assert "java" in index.surface_set and "python" not in index.surface_set
    assert [p.name for p in tmp_path.iterdir()] == [lexical_cache.cache_key(reingested)]
    assert lexical_cache.cache_key(ROWS[:3]) != old and lexical_cache.cache_key(ROWS[::-1]) != old


@pytest.mark.parametrize("damage", ["truncated matrix", "garbage lexicon", "other size"])
def test_a_damaged_index_is_rebuilt_and_replaced(tmp_path, caplog, damage):
    built = load_or_build(tmp_path, ROWS, DOCS)
    folder = tmp_path / lexical_cache.cache_key(ROWS)
    if damage == "truncated matrix":
        matrix = folder / "bm25" / "data.csc.index.npy"
        matrix.write_bytes(matrix.read_bytes()[:40])
    elif damage == "garbage lexicon":
        (folder / lexical_cache.LEXICON).write_text("{not json")
    else:
        (folder / lexical_cache.LEXICON).write_text('{"n_docs": 3, "df": {}, "surface": []}')
    with caplog.at_level(logging.WARNING, logger="bot.disk_cache"):
        again = load_or_build(tmp_path, ROWS, DOCS)
    assert "unreadable" in caplog.text
    _same(again, built)
    assert (folder / lexical_cache.LEXICON).is_file()         # and saved whole again
    caplog.clear()
    load_or_build(tmp_path, ROWS, DOCS)
    assert "unreadable" not in caplog.text


def test_a_writer_that_fails_midway_leaves_nothing_visible(tmp_path, monkeypatch):
    def broken_save(self, save_dir, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bm25s.BM25, "save", broken_save)
    index = load_or_build(tmp_path, ROWS, DOCS)
    assert np.any(index.scores(stems("python whitespace")) > 0)       # the question is still answered
    assert list(tmp_path.iterdir()) == []                              # no folder, not even a temporary one


def test_a_folder_that_cannot_be_written_costs_only_the_time(tmp_path):
    blocked = tmp_path / "lexical"
    blocked.write_text("a file where the folder should be")
    index = load_or_build(blocked, ROWS, DOCS)
    assert index.n_docs == len(DOCS) and np.any(index.scores(stems("mattress")) > 0)


def test_a_dead_writers_leftovers_are_removed_but_not_a_live_one(tmp_path):
    import os
    import time

    dead, live = tmp_path / ".tmp-dead", tmp_path / ".tmp-live"
    dead.mkdir()
    live.mkdir()
    old = time.time() - 2 * disk_cache.STALE_TMP_SECONDS
    os.utime(dead, (old, old))
    load_or_build(tmp_path, ROWS, DOCS)
    assert not dead.exists() and live.exists()


def test_the_app_keeps_its_lexical_index_between_runs(hash_app, settings, hash_embedder, monkeypatch):
    """A second process (a new App on the same data) retrieves the same passages from the saved index."""
    from bot.app import App
    from ingest.pipeline import ingest_sources

    from conftest import lexicap

    ingest_sources([str(lexicap(49))], hash_app.ingestor, hash_app.settings)
    question = "what did he say about the theory of everything?"
    first = hash_app.ask.retrieve(question)
    assert (settings.podbot_data_dir / "lexical" / lexical_cache.cache_key(
        [(t.episode_id, t.gen, c.index) for t in hash_app.library.texts() for c in t.chunks])).is_dir()
    _no_build(monkeypatch)
    again = App(settings, embedder=hash_embedder, use_llm=False).ask.retrieve(question)
    assert [(e.episode_id, e.start, e.end) for e in again.evidence] == \
        [(e.episode_id, e.start, e.end) for e in first.evidence] and first.evidence


def test_with_the_index_cache_off_nothing_is_kept(tmp_path, hash_embedder):
    from bot.app import App
    from ingest.pipeline import ingest_sources
    from ingest.settings import Settings

    from conftest import lexicap

    settings = Settings(_env_file=None, podbot_data_dir=tmp_path / "data", podbot_index_cache=False)
    app = App(settings, embedder=hash_embedder, use_llm=False)
    ingest_sources([str(lexicap(49))], app.ingestor, app.settings)
    assert app.ask.retrieve("what did he say about the theory of everything?").evidence
    assert app.quotes.find("we need to be good at material science so we can have tiny electrodes").matches
    assert not (tmp_path / "data" / "lexical").exists() and not (tmp_path / "data" / "quotes").exists()


def test_only_the_bots_warm_up_works_out_every_episodes_framing(hash_app):
    """A one-shot question leaves the other episodes' framing (and sentences) unbuilt; the start-up warm-up
    builds them in the background."""
    from ingest.pipeline import ingest_sources

    from conftest import lexicap

    ingest_sources([str(lexicap(49)), str(lexicap(316))], hash_app.ingestor, hash_app.settings)
    hash_app.library.refresh(force=True)
    hash_app.ask.retrieve("what did he say about the theory of everything?", "episode_049_large")
    other = hash_app.library.text("episode_316_large")
    assert "framing" not in vars(other) and "sentences" not in vars(other)
    hash_app.ask.retriever.warm_framing().join()
    assert "framing" in vars(other)


def test_a_question_from_the_saved_index_reads_only_the_episodes_it_ranks(settings, hash_embedder):
    """A new process answers from the saved index reading the texts of the episodes it ranks only, and cites
    exactly what a process that read every episode cites."""
    from bot.app import App
    from ingest.pipeline import ingest_sources

    from conftest import lexicap

    first = App(settings, embedder=hash_embedder, use_llm=False)
    ingest_sources([str(lexicap(n)) for n in (49, 316, 1)], first.ingestor, first.settings)
    questions = [("what did he say about the theory of everything?", "episode_049_large"),
                 ("what does Chomsky think about nuclear war?", None), ("powerplay", "episode_316_large")]
    expected = [[(e.episode_id, e.start, e.end) for e in first.ask.retrieve(q, ep).evidence] for q, ep in questions]

    again = App(settings, embedder=hash_embedder, use_llm=False)
    got = [again.ask.retrieve(*questions[0])]
    assert set(again.library._texts) == {"episode_049_large"}
    got += [again.ask.retrieve(q, ep) for q, ep in questions[1:]]
    assert [[(e.episode_id, e.start, e.end) for e in r.evidence] for r in got] == expected and expected[0]


def test_a_row_of_an_episode_reingested_meanwhile_is_a_clear_error_not_another_chunk(hash_app):
    from bot.ask.retrieval import ChunkRows
    from ingest.errors import EpisodeNotFound
    from ingest.pipeline import ingest_sources

    from conftest import lexicap

    [res] = ingest_sources([str(lexicap(49))], hash_app.ingestor, hash_app.settings)
    hash_app.library.refresh(force=True)
    gen = hash_app.library.active[res.episode_id]
    rows = ChunkRows(hash_app.library, [(res.episode_id, gen, 0), (res.episode_id, gen, res.chunks)])
    assert rows[0][1].index == 0 and rows[0][1].text == hash_app.library.text(res.episode_id).chunks[0].text
    stale = ChunkRows(hash_app.library, [(res.episode_id, "an older generation", 0)])
    for got in (lambda: rows[1], lambda: stale[0]):         # more chunks than it has now; another generation
        with pytest.raises(EpisodeNotFound, match="changed while the question was being answered"):
            got()
