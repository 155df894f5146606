"""Faults and hostile input, end to end through the App: a broken LLM server, huge or junk transcripts,
enormous questions, and Discord markdown/mention injection through the CLI's JSON output.

Chroma server loss and kill -9 of an ingest are covered in test_chroma_server.py / test_store.py; the
engine-level LLM 429/timeout/malformed cases in test_ask.py. Here the LLM is configured the way a user
configures it (settings -> App), and every case must end in an answer or a clear refusal, in bounded time,
with nothing already stored lost.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import time

import pytest

from bot.app import App
from conftest import lexicap
from ingest.errors import CorruptTranscript
from ingest.pipeline import ingest_sources, load_transcript, resolve_source
from ingest.settings import Settings
from tests.openai_stub import OpenAIStub

LLM_TIMEOUT = 1.0
LLM_RETRIES = 1
QUESTION = "What did Ilya say about James Martens and the Hessian free optimizer?"
MARKDOWN = ("**@everyone** look: said `rm -rf /` ~~gone~~ ||spoiler|| [click me](https://evil.example) "
            "> quoted # heading __under__ @here")
INJECTION = "<@123> and <@&456> and <#789> " + MARKDOWN     # <...> are cue tags in WebVTT: only .txt keeps them


@pytest.fixture
def stub():
    s = OpenAIStub()
    yield s
    s.close()


def fingerprint(app: App, episode_id: str) -> tuple:
    """What a reader sees of one episode: its generation, chunk count and every chunk's text."""
    meta, record = app.store.get_episode(episode_id)
    chunks = app.store.load_chunks(episode_id, record["gen"])
    digest = hashlib.sha1("\x00".join(c.text for c in chunks).encode()).hexdigest()
    return record["gen"], record["chunks"], len(chunks), digest, meta.title


@pytest.fixture
def good_app(hash_app):
    """hash_app with Lexicap 094 ingested (the episode that must survive everything below)."""
    [result] = ingest_sources([str(lexicap(94))], hash_app.ingestor, hash_app.settings)
    assert result.status == "added", result
    hash_app.library.refresh(force=True)
    return hash_app


def llm_app(settings: Settings, embedder, stub: OpenAIStub) -> App:
    configured = Settings(_env_file=None, podbot_data_dir=settings.podbot_data_dir, openai_base_url=stub.base_url,
                          openai_api_key="test-key", podbot_chat_model="stub-model",
                          podbot_llm_timeout=LLM_TIMEOUT, podbot_llm_retries=LLM_RETRIES)
    return App(configured, embedder=embedder)


FAULTS = {
    "hang": {"hang": 3 * LLM_TIMEOUT + 2, "json": {"found": True, "answer": "too late [1]"}},
    "500": {"status": 500, "body": "internal server error"},
    "garbage": {"content": "<html>502 Bad Gateway</html> definitely not JSON {"},
}


# --- LLM server faults --------------------------------------------------------------------------------
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_ask_through_app_survives_llm_fault(good_app, hash_embedder, stub, fault):
    app = llm_app(good_app.settings, hash_embedder, stub)
    assert app.llm is not None
    stub.queue(*[FAULTS[fault]] * 20)

    began = time.perf_counter()
    answer = app.ask.answer(QUESTION, "94")
    elapsed = time.perf_counter() - began

    assert stub.requests, "the LLM was never asked (question abstained before the model?)"
    assert elapsed < 3 * LLM_TIMEOUT, f"{fault}: answer took {elapsed:.1f}s"
    assert answer.mode == "extractive" and not answer.abstained and answer.citations
    assert answer.note and "unavailable" in answer.note
    text = app.library.text("episode_094_large")
    full = " ".join(s.text for s in text.sentences)
    assert all(c.text in full for c in answer.citations)          # fallback passages are verbatim


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_summary_through_app_survives_llm_fault(good_app, hash_embedder, stub, fault):
    app = llm_app(good_app.settings, hash_embedder, stub)
    stub.queue(*[FAULTS[fault]] * 200)

    began = time.perf_counter()
    summary = app.summaries.summarize("94")
    elapsed = time.perf_counter() - began

    assert stub.requests
    # the map step runs chapters in parallel; a dead model must still not cost more than a few timeouts
    assert elapsed < 3 * LLM_TIMEOUT * (LLM_RETRIES + 1) + 5, f"{fault}: summary took {elapsed:.1f}s"
    assert summary.note and "LLM unavailable" in summary.note
    assert summary.chapters and summary.headline


def test_summary_stops_asking_a_dead_llm_after_the_first_failure(good_app, hash_embedder, stub):
    from bot.summary.llm_summary import MAP_WORKERS

    app = llm_app(good_app.settings, hash_embedder, stub)
    stub.queue(*[FAULTS["hang"]] * 200)
    summary = app.summaries.summarize("94")
    assert summary.note and "LLM unavailable" in summary.note
    # at most the chapters already in flight when the first one gave up, each with its retries
    asked = len(stub.requests)
    assert asked <= MAP_WORKERS * (LLM_RETRIES + 1), asked
    time.sleep(3 * LLM_TIMEOUT)         # in-flight calls end; none of them retries or starts a queued chapter
    assert len(stub.requests) <= MAP_WORKERS * (LLM_RETRIES + 1), (asked, len(stub.requests))


# --- hostile transcripts ------------------------------------------------------------------------------
def test_ten_megabyte_single_line_txt_is_refused_clearly(good_app, tmp_path):
    before = fingerprint(good_app, "episode_094_large")
    words = b"alpha beta gamma delta epsilon zeta eta theta iota kappa "
    big = tmp_path / "huge.txt"
    big.write_bytes(words * (10 * 2**20 // len(words)))
    assert big.stat().st_size > 9.9 * 2**20 and b"\n" not in big.read_bytes()

    began = time.perf_counter()
    [result] = ingest_sources([str(big)], good_app.ingestor, good_app.settings)
    elapsed = time.perf_counter() - began

    assert elapsed < 60
    assert result.status == "failed" and "huge.txt" in result.message and "split it" in result.message
    good_app.library.refresh(force=True)
    assert "huge" not in good_app.library.active
    assert fingerprint(good_app, "episode_094_large") == before
    found = good_app.ask.retrieve(QUESTION, "94")                  # the good episode is still searchable
    assert found.evidence and all(e.episode_id == "episode_094_large" for e in found.evidence)


def test_ten_megabyte_single_line_vtt_is_refused_clearly(good_app, tmp_path):
    before = fingerprint(good_app, "episode_094_large")
    big = tmp_path / "huge.vtt"
    big.write_bytes(b"WEBVTT 00:00.000 --> 00:05.000 " + b"la " * (10 * 2**20 // 3))

    [result] = ingest_sources([str(big)], good_app.ingestor, good_app.settings)

    assert result.status == "failed"
    assert "huge.vtt" in result.message and len(result.message) < 300           # one clear line, not 10 MB
    with pytest.raises(CorruptTranscript):
        load_transcript(resolve_source(str(big))[0], good_app.settings)
    assert fingerprint(good_app, "episode_094_large") == before


@pytest.mark.parametrize("content", [
    pytest.param(lambda: os.urandom(200_000), id="random"),
    pytest.param(lambda: b"WEBVTT\n\n" + os.urandom(200_000), id="header-then-random"),
    pytest.param(lambda: bytes(range(256)) * 1000, id="all-bytes"),
    pytest.param(lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 5000, id="png"),
])
def test_binary_junk_named_vtt_is_corrupt_transcript(good_app, tmp_path, content):
    before = fingerprint(good_app, "episode_094_large")
    junk = tmp_path / "episode_999.vtt"
    junk.write_bytes(content())

    with pytest.raises(CorruptTranscript) as err:
        load_transcript(resolve_source(str(junk))[0], good_app.settings)
    assert "episode_999.vtt" in err.value.message and len(err.value.message) < 300
    [result] = ingest_sources([str(junk)], good_app.ingestor, good_app.settings)
    assert result.status == "failed" and result.message == err.value.message
    assert fingerprint(good_app, "episode_094_large") == before
    assert [m.episode_id for m, _ in good_app.store.list_episodes()] == ["episode_094_large"]


# --- enormous questions -------------------------------------------------------------------------------
def _fifty_k(seed: str) -> str:
    words = (seed + " ").split()
    text = " ".join(words[i % len(words)] for i in range(12_000))
    return text[:50_000]


@pytest.mark.parametrize("question", [
    pytest.param(_fifty_k("what did Ilya say about deep learning and the Hessian free optimizer"), id="words"),
    pytest.param("x" * 50_000, id="one-word"),
    pytest.param(("?!. " * 12_500), id="punctuation"),
])
def test_fifty_thousand_character_question(good_app, question):
    assert len(question) == 50_000
    good_app.ask.retrieve("warm up")                                # index builds are not the question's cost
    good_app.quotes.index()

    began = time.perf_counter()
    answer = good_app.ask.answer(question)
    ask_s = time.perf_counter() - began
    assert ask_s < 3.0, f"ask took {ask_s:.1f}s"
    assert answer.answer
    if question.strip("?!. "):
        assert answer.note and "2000" in answer.note
    assert len(answer.question) <= 50_000

    began = time.perf_counter()
    result = good_app.quotes.find(question)
    quote_s = time.perf_counter() - began
    assert quote_s < 5.0, f"quote took {quote_s:.1f}s"
    assert all(len(m.text) < 2_000 for m in result.matches)        # whole transcript sentences, not the query


# --- Discord markdown / mention injection through the CLI's JSON ---------------------------------------
@pytest.fixture
def injected_app(hash_app, tmp_path, monkeypatch):
    """Two injected episodes: a .txt keeping mentions and markdown, a .vtt with markdown (its <...> are tags)."""
    txt = tmp_path / "injection.txt"
    txt.write_text("Today we talk about the history of the bicycle and its pedals.\n"
                   f"The bicycle crowd shouted {INJECTION}\n"
                   "The first bicycles had no pedals and were pushed by the feet.\n", encoding="utf-8")
    vtt = tmp_path / "markdown.vtt"
    vtt.write_text("WEBVTT\n\n"
                   "00:00.000 --> 00:06.000\nToday we talk about the history of the unicycle and its wheel.\n\n"
                   f"00:06.000 --> 00:12.000\nThe unicycle crowd yelled {MARKDOWN}\n\n"
                   "00:12.000 --> 00:18.000\nThe first unicycles were made from old penny farthings.\n",
                   encoding="utf-8")
    results = ingest_sources([str(txt), str(vtt)], hash_app.ingestor, hash_app.settings)
    assert [r.status for r in results] == ["added", "added"], results
    hash_app.library.refresh(force=True)
    # the CLI builds its own App from the environment; give it this store and the same (hashing) embedder
    settings, embedder = hash_app.settings, hash_app.embedder
    factory = lambda *a, **kw: App(settings, embedder=embedder, use_llm=False)  # noqa: E731
    monkeypatch.setattr("bot.cli.ask_cmd.App", factory)
    monkeypatch.setattr("bot.cli.quote_cmd.App", factory)
    return hash_app


def _full_text(app, episode_id: str) -> str:
    return " ".join(s.text for s in app.library.text(episode_id).sentences)


def test_injection_is_stored_verbatim(injected_app):
    assert INJECTION in _full_text(injected_app, "injection")
    assert MARKDOWN in _full_text(injected_app, "markdown")


def test_cli_ask_json_keeps_injection_verbatim(injected_app, capsys):
    from bot.cli import main

    question = f"What did the bicycle crowd shout? {INJECTION}"
    assert main(["ask", question, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert not out["abstained"] and out["citations"]
    full = _full_text(injected_app, "injection")
    assert all(c["text"] in full for c in out["citations"] if c["episode_id"] == "injection")
    assert any(INJECTION in c["text"] for c in out["citations"])   # printed verbatim (JSON is not Discord)


def test_cli_ask_jsonl_with_injection_in_question(injected_app, monkeypatch, capsys):
    from bot.cli import main

    lines = [{"question": INJECTION, "episode": None},
             {"question": f"unicycle wheel {MARKDOWN}", "episode": "markdown"},
             {"question": INJECTION, "episode": INJECTION}]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(json.dumps(x) for x in lines) + "\n"))
    assert main(["ask", "--jsonl"]) == 0
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(out) == 3
    assert all({"answer", "abstained", "mode", "citations"} <= set(o) for o in out)
    assert not out[1]["abstained"] and any(MARKDOWN in c["text"] for c in out[1]["citations"])
    assert out[2]["abstained"] and "error" in out[2]               # unknown episode: a clear message


@pytest.mark.parametrize("episode, needle", [("injection", INJECTION), ("markdown", MARKDOWN)])
def test_cli_quote_json_keeps_injection_verbatim(injected_app, capsys, episode, needle):
    from bot.cli import main

    assert main(["quote", f"crowd shouted {needle}", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["matches"]
    best = out["matches"][0]
    assert best["episode_id"] == episode
    assert needle in best["text"] and best["text"] in _full_text(injected_app, episode)
