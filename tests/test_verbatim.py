"""The verbatim index on a real Lexicap episode: same answers as the plain normalisation, compact offsets."""
from __future__ import annotations

import tracemalloc

from conftest import lexicap
from bot.verbatim import EpisodeIndex, normalize, normalize_with_map
from ingest.sentences import build_sentences
from ingest.sources.files import load_file


def test_episode_index_offsets_are_compact_and_exact():
    sentences = build_sentences(load_file(lexicap(94)).cues)
    tracemalloc.start()
    try:
        index = EpisodeIndex("episode_094_large", sentences)
        retained, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # text and norm take ~1 byte a character each; the offsets must not cost a list's ~36 more
    assert retained < 8 * len(index.text), retained / len(index.text)
    norm, offsets = normalize_with_map(index.text)
    assert index.norm == norm and list(index.map) == offsets
    assert len(index.map) == len(index.norm)

    quote = sentences[200].text + " " + sentences[201].text
    found = index.locate(quote.upper().replace(",", ""))
    assert found is not None and found.text == quote
    assert (found.first_sentence, found.last_sentence) == (200, 201)
    assert found.start == sentences[200].start and found.end == sentences[201].end


def test_normalize_with_map_still_returns_a_list():
    norm, where = normalize_with_map("Don't — Café!")
    assert (norm, where) == ("dont cafe", [0, 1, 2, 4, 8, 8, 9, 10, 11])
    assert isinstance(where, list) and normalize("Don't — Café!") == norm
