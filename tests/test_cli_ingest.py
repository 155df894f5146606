"""`podbot ingest`, `podbot episodes [--json]`, `podbot forget` through bot.cli.main, on a tmp data dir.

Most tests swap the embedder for the hashing one (patching bot.app's factory, so the CLI code runs as
is); `test_cli_with_the_real_model` runs the shipped MiniLM end to end once.
"""
from __future__ import annotations

import json
import shutil

import pytest

import bot.app
from bot.cli import main
from conftest import FIXTURES, HashEmbedder, lexicap
from ingest.settings import get_settings


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("PODBOT_DATA_DIR", str(data))
    for key in ("CHROMA_HOST", "PODBOT_EMBED_MODEL", "PODBOT_EMBED_BACKEND", "PODBOT_COLLECTION_PREFIX"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)                      # no stray .env from the checkout
    get_settings.cache_clear()
    yield data
    get_settings.cache_clear()


@pytest.fixture
def hashed(monkeypatch, data_dir):
    embedder = HashEmbedder()
    monkeypatch.setattr(bot.app, "get_embedder", lambda settings: embedder)
    monkeypatch.setattr(bot.app, "embedder_identity", lambda settings: (embedder.name, embedder.dim))
    return data_dir


def run(capsys, *argv: str) -> tuple[int, list[str], list[str]]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def episodes_json(capsys) -> list[dict]:
    code, out, _ = run(capsys, "episodes", "--json")
    assert code == 0
    return json.loads("\n".join(out))


def test_ingest_reports_each_source_and_fails_if_one_fails(hashed, tmp_path, capsys):
    broken = tmp_path / "broken.vtt"
    broken.write_text("WEBVTT\n\n00:00.000 -> 00:02.000\nmangled\n")
    good = [str(lexicap(316)), str(FIXTURES / "speakers.srt")]
    code, out, err = run(capsys, "ingest", "--quiet", good[0], str(broken), good[1], str(tmp_path / "nope.srt"))
    assert code == 1                                          # one source failed...
    assert len(out) == 2                                      # ...the others were still ingested
    assert out[0].startswith("added    episode_316_large: ") and " chunks, " in out[0]
    assert out[1].startswith("added    speakers: ")
    failed = [line for line in err if line.startswith("FAILED")]
    assert len(failed) == 2
    assert "broken.vtt" in failed[0] and "line 3" in failed[0]
    assert "nope.srt" in failed[1] and "no such file" in failed[1]
    assert err[-1] == "2 ingested, 2 failed"

    rows = episodes_json(capsys)
    assert [r["episode_id"] for r in rows] == ["episode_316_large", "speakers"]
    for r in rows:
        assert {"episode_id", "title", "source", "duration", "chunks"} <= set(r)
        assert r["chunks"] > 0 and r["duration"] > 0
    assert rows[0]["source"] == good[0] and rows[0]["title"].endswith("Noam Chomsky")

    # a clean re-run: everything unchanged, exit 0
    code, out, err = run(capsys, "ingest", "--quiet", *good)
    assert code == 0
    assert [line.split()[0] for line in out] == ["unchanged", "unchanged"]
    assert episodes_json(capsys) == rows


def test_ingest_folder_with_title_and_url_rules(hashed, tmp_path, capsys):
    folder = tmp_path / "feed"
    shutil.copytree(FIXTURES, folder)
    code, out, err = run(capsys, "ingest", "--quiet", str(folder))
    assert code == 0, err
    ids = {r["episode_id"] for r in episodes_json(capsys)}
    assert {"dQw4w9WgXcQ", "podbot_episode", "speakers", "voices", "plain", "yt_snippets"} <= ids
    # --title/--url apply to one source only
    code, _, err = run(capsys, "ingest", "--title", "X", str(FIXTURES / "plain.txt"), str(FIXTURES / "voices.vtt"))
    assert code == 2 and "single source" in err[-1]
    code, out, _ = run(capsys, "ingest", "--quiet", "--title", "Typed Notes", "--url", "https://example.org/n",
                       str(FIXTURES / "plain.txt"))
    assert code == 0 and out[0].startswith("unchanged plain: Typed Notes")
    row = next(r for r in episodes_json(capsys) if r["episode_id"] == "plain")
    assert row["title"] == "Typed Notes" and row["url"] == "https://example.org/n" and row["timed"] is False


def test_episodes_text_and_forget(hashed, capsys):
    code, out, _ = run(capsys, "episodes")
    assert code == 0 and out == ["no episodes yet: podbot ingest SOURCE"]
    assert run(capsys, "ingest", "--quiet", str(lexicap(316)), str(lexicap(49)))[0] == 0
    code, out, _ = run(capsys, "episodes")
    assert len(out) == 2 and "episode_049_large" in out[0] and "chunks" in out[0]

    code, out, _ = run(capsys, "forget", "episode_049_large")
    assert code == 0 and out[0].startswith("forgot episode_049_large")
    assert [r["episode_id"] for r in episodes_json(capsys)] == ["episode_316_large"]
    code, _, err = run(capsys, "forget", "zzzz-qqqq-nothing-like-it")
    assert code == 1 and err[-1].startswith("podbot: no episode matches")


def test_store_built_by_another_model_is_one_clear_line(hashed, capsys, monkeypatch):
    assert run(capsys, "ingest", "--quiet", str(lexicap(316)))[0] == 0
    monkeypatch.undo()                                     # back to the configured MiniLM
    monkeypatch.setenv("PODBOT_DATA_DIR", str(hashed))
    monkeypatch.chdir(hashed.parent)
    get_settings.cache_clear()
    code, out, err = run(capsys, "episodes", "--json")
    assert code == 1 and out == []
    assert len(err) == 1 and "built with embedding model 'test-hash'" in err[0] and err[0].startswith("podbot: ")


def test_unreachable_chroma_server_is_one_clear_line(data_dir, capsys, monkeypatch):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]                       # nothing listens here
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(port))
    get_settings.cache_clear()
    code, out, err = run(capsys, "episodes")
    assert code == 1
    assert len(err) == 1 and f"127.0.0.1:{port} is unavailable" in err[0] and "chroma run" in err[0]


@pytest.mark.slow
def test_cli_with_the_real_model(data_dir, capsys):
    code, out, err = run(capsys, "ingest", "--quiet", str(lexicap(316)))
    assert code == 0, err
    assert out[0].startswith("added    episode_316_large")
    rows = episodes_json(capsys)
    assert rows[0]["episode_id"] == "episode_316_large" and rows[0]["chunks"] > 40
    from bot.app import App

    app = App(use_llm=False)
    assert app.store.embed_model == "all-MiniLM-L6-v2" and app.store.embed_dim == 384
    record = app.store.get_episode("episode_316_large")[1]
    active = {"episode_316_large": record["gen"]}
    hits = app.store.dense_search(app.embedder.embed_query("Noam Chomsky on language and linguistics"), 5, active)
    assert len(hits) == 5 and hits[0].similarity > 0.3
