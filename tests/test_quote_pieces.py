"""Auto-captions: text with no sentences is quoted as the run of words the query lines up with, at its own
moment, verbatim; text with sentences keeps them whole; a digest of captions says why it quotes nothing."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bot.quotes import pieces
from bot.verbatim import verify_quote
from conftest import lexicap
from ingest.models import Sentence

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench" / "data"))
from captions_copy import to_captions  # noqa: E402


def _pieces() -> list[Sentence]:
    return [Sentence(0, 10.0, 20.0, "into debt and the fat cell was born brilliant idea where is the fat cell for"),
            Sentence(1, 20.0, 26.0, "sleep where is that sort of banking chip for sleep")]


def test_pieces_are_told_from_sentences():
    assert pieces.unpunctuated(_pieces())
    assert not pieces.unpunctuated([Sentence(0, 0.0, 2.0, "Where is the fat cell for sleep?")])
    assert not pieces.unpunctuated([Sentence(0, 0.0, 2.0, "He said, \"no.\""), *_pieces()])
    assert not pieces.unpunctuated([Sentence(0, 0.0, 9.0, "and that was the part of a long sentence, cut at its comma,")])


def test_the_run_the_query_lines_up_with_across_two_pieces():
    run = pieces.line_in(_pieces(), "where's the fat cell for sleep")
    assert run.text == "where is the fat cell for sleep"
    assert run.before == "into debt and the fat cell was born brilliant idea"
    assert run.after == "where is that sort of banking chip for sleep"
    first = _pieces()[0]
    assert run.start == pytest.approx(10.0 + 10.0 * first.text.index("where is the fat") / len(first.text), abs=0.01)
    assert 20.0 < run.end < 26.0                  # "sleep" opens the second piece


def test_a_query_of_a_few_words_keeps_the_pieces():
    assert pieces.line_in(_pieces(), "fat cell") is None


@pytest.fixture
def captions_app(hash_app, tmp_path):
    from ingest.pipeline import ingest_sources

    path = tmp_path / "episode_210_large.json"
    path.write_text(json.dumps(to_captions(lexicap(210))))
    [result] = ingest_sources([str(path)], hash_app.ingestor, hash_app.settings)
    assert result.status == "added"
    return hash_app


def test_a_line_in_auto_captions_is_quoted_as_its_words_at_its_moment(captions_app):
    result = captions_app.quotes.find("where's the fat cell for sleep")
    top = result.matches[0]
    assert top.text == "where is the fat cell for sleep"
    assert 519.62 - 2 <= top.start <= 522.02                 # the Whisper transcript's "Where is the fat cell…?"
    assert top.url is None and top.end > top.start
    text = captions_app.library.text(top.episode_id)
    for m in result.matches:                                 # every printed text is the transcript's own words
        for printed in (m.text, m.context_before, m.context_after):
            assert not printed or verify_quote(text, printed) is not None, printed
    assert top.context_before.endswith("brilliant idea")


def test_a_whisper_sentence_stays_whole(hash_app):
    from ingest.pipeline import ingest_sources

    ingest_sources([str(lexicap(210))], hash_app.ingestor, hash_app.settings)
    top = hash_app.quotes.find("where's the fat cell for sleep").matches[0]
    assert top.text == "Where is the fat cell for sleep?"


def test_a_digest_of_auto_captions_says_why_it_quotes_nothing(captions_app):
    from bot.summary.extractive import CAPTIONS_NOTE

    digest = captions_app.summaries.summarize("episode_210_large")
    assert digest.quotes == [] and digest.note == CAPTIONS_NOTE
    assert digest.at_a_glance and digest.chapters                 # the rest of the digest is there
    text = captions_app.library.text("episode_210_large")
    assert all(verify_quote(text, line) is not None for line in digest.at_a_glance)


def test_a_digest_of_a_whisper_transcript_has_quotes_and_no_such_note(hash_app):
    from ingest.pipeline import ingest_sources

    ingest_sources([str(lexicap(210))], hash_app.ingestor, hash_app.settings)
    digest = hash_app.summaries.summarize("episode_210_large")
    assert digest.quotes and digest.note is None
