"""Sentence rebuilding across cue boundaries, and sentence-aligned chunking (real Lexicap + small cases)."""
from __future__ import annotations

import re

import numpy as np
import pytest

from conftest import FIXTURES, lexicap
from ingest.chunking import MAX_WORDS as CHUNK_MAX_WORDS
from ingest.chunking import chunk_sentences, tile_bounds, tile_texts, wide_starts, wide_texts
from ingest.models import Cue
from ingest.sentences import MAX_WORDS, build_sentences, is_turn_tag
from ingest.sources.files import load_file


def words(text: str) -> list[str]:
    return text.split()


@pytest.fixture(scope="module")
def ep94():
    t = load_file(lexicap(94))
    return t, build_sentences(t.cues)


@pytest.fixture(scope="module")
def ep275():
    t = load_file(lexicap(275))
    return t, build_sentences(t.cues)


def check_invariants(cues: list[Cue], sentences) -> None:
    """Indices dense, times monotonic and inside the cues spanned, no word lost or invented."""
    assert [s.index for s in sentences] == list(range(len(sentences)))
    for s in sentences:
        assert s.text == s.text.strip() and s.text
        assert s.start <= s.end
    for a, b in zip(sentences, sentences[1:]):
        assert a.start <= b.start and a.end <= b.end + 1e-6
    lo, hi = min(c.start for c in cues), max(c.end for c in cues)
    assert all(lo - 0.01 <= s.start and s.end <= hi + 0.01 for s in sentences)


# --- real transcripts ----------------------------------------------------------------------------------
def test_lexicap_sentences_rebuilt_across_cues(ep94):
    t, sentences = ep94
    check_invariants(t.cues, sentences)
    assert words(" ".join(s.text for s in sentences)) == words(" ".join(c.text for c in t.cues))
    assert len(sentences) < len(t.cues)                    # cues are fragments, sentences join them
    first = sentences[0]
    # cue 1: "The following is a conversation with Ilya Sotskever," cue 2: "cofounder and chief scientist..."
    assert first.text.startswith("The following is a conversation with Ilya Sotskever, cofounder and chief")
    assert first.text.endswith(".")
    assert first.start == 0.0 and first.end > t.cues[1].start
    # most sentences end in punctuation (Whisper punctuates well); the rest are cut long ones
    ends = sum(s.text[-1] in ".?!…\"'”" for s in sentences)
    assert ends / len(sentences) > 0.9


def test_lexicap_sentence_times_within_their_cues(ep94):
    t, sentences = ep94
    # the cue containing the first word of a sentence brackets its start time
    joined, offsets, pos = [], [], 0
    for cue in t.cues:
        offsets.append(pos)
        joined.append(cue.text)
        pos += len(cue.text) + 1
    text = " ".join(joined)
    import bisect

    cursor = 0
    for s in sentences[:400]:
        at = text.index(s.text, cursor)
        cursor = at + len(s.text)
        first = bisect.bisect_right(offsets, at) - 1
        last = bisect.bisect_right(offsets, cursor - 1) - 1
        assert t.cues[first].start - 0.01 <= s.start <= t.cues[first].end + 0.01
        assert t.cues[last].start - 0.01 <= s.end <= t.cues[last].end + 0.01


def test_lexicap_275_unpunctuated_tail_and_whisper_loop(ep275):
    t, sentences = ep275
    check_invariants(t.cues, sentences)
    loop = "i have no enemies"
    assert sum(c.text == loop for c in t.cues) >= 20              # the hallucinated loop is really there
    text = " ".join(s.text for s in sentences)
    assert text.count(loop) <= 2                                  # ...and collapsed
    assert text.count(loop) >= 1                                  # without dropping the line itself
    assert max(len(words(s.text)) for s in sentences) <= MAX_WORDS
    # the unpunctuated second half is cut into readable pieces, not one giant "sentence"
    late = [s for s in sentences if s.start > 2400]
    assert len(late) > 100
    assert sum(len(words(s.text)) for s in late) / len(late) < MAX_WORDS


@pytest.mark.parametrize("number", [1, 18, 153, 241, 276])
def test_more_lexicap_episodes_keep_invariants(number):
    t = load_file(lexicap(number))
    sentences = build_sentences(t.cues)
    check_invariants(t.cues, sentences)
    assert max(len(words(s.text)) for s in sentences) <= MAX_WORDS


# --- small, exact cases ------------------------------------------------------------------------------
def test_sentence_spanning_three_cues_timed_by_interpolation():
    cues = [Cue(0.0, 2.0, "Today we will"), Cue(2.0, 4.0, "talk about sleep and"), Cue(4.0, 6.0, "dreams. Next")]
    s = build_sentences(cues)
    assert [x.text for x in s] == ["Today we will talk about sleep and dreams.", "Next"]
    assert s[0].start == 0.0 and 4.0 < s[0].end < 6.0
    assert 4.0 < s[1].start <= s[1].end == 6.0


@pytest.mark.parametrize("line", [
    "I spoke to Dr. Smith and Mr. Jones about it.",
    "We use tools, e.g. hammers, and rules, i.e. laws, every day.",
    "J. R. R. Tolkien wrote it in the U.S. long ago.",
    "It was St. Louis vs. Chicago that night.",
])
def test_abbreviations_and_initials_do_not_end_sentences(line):
    s = build_sentences([Cue(0.0, 5.0, line), Cue(5.0, 6.0, "Then another one.")])
    assert [x.text for x in s] == [line, "Then another one."]


@pytest.mark.parametrize("line", [
    "Michael I. Jordan and George R. R. Martin met.",
    "J. R. R. Tolkien served in the U. S. Army once.",
    "O.J. Simpson met Hunter S. Thompson and H.G. Wells.",
    "J. Edgar Hoover read L. Ron Hubbard and C. Wright Mills.",
    "It was No. 5 on the list, a.k.a. Grimes said.",
])
def test_initials_before_a_name_do_not_end_sentences(line):
    s = build_sentences([Cue(0.0, 5.0, line), Cue(5.0, 6.0, "Then another one.")])
    assert [x.text for x in s] == [line, "Then another one."]


@pytest.mark.parametrize("first,second", [
    ("That's what I call plan B.", "I think it works."),
    ("We need a vitamin D.", "But then we need sun too."),
    ("It holds for A and so is X.", "I think so."),
    ("We go from A to B.", "As long as you pay."),
    ("It started in World War I.", "Then it spread."),
    ("Is it true? The answer is no.", "It is not."),
    ("It's a...", "This is hard to say."),
])
def test_sentence_ending_in_a_single_letter_or_no_ends(first, second):
    s = build_sentences([Cue(0.0, 5.0, f"{first} {second}")])
    assert [x.text for x in s][-2:] == [first.split("? ")[-1], second]
    # the same across a cue edge, timed by the cue the new sentence starts in
    s = build_sentences([Cue(0.0, 5.0, first), Cue(5.0, 6.0, second)])
    assert s[-1].text == second and s[-1].start == 5.0


def test_lexicap_sentences_end_after_a_letter_but_keep_initials():
    s193 = [x.text for x in build_sentences(load_file(lexicap(193)).cues)]
    at = s193.index("We have reliably engineered point B.")
    assert s193[at - 1].endswith("to point B.") and s193[at + 1] == "That is the destination."
    s1 = [x.text for x in build_sentences(load_file(lexicap(1)).cues)]
    assert any("articulated by I.J. Good is obviously way back" in x for x in s1)
    assert "No, no." in " ".join(s1) and any(x.endswith("No, no.") for x in s1)


def test_a_sentence_may_open_with_an_amount_or_an_accented_capital():
    s = build_sentences([Cue(0, 3, "It would cost them $3 million."), Cue(3, 6, "$3 million equals one hour of sales."),
                         Cue(6, 8, "That's all. Émile said so. £5 is a lot.")])
    assert [x.text for x in s] == ["It would cost them $3 million.", "$3 million equals one hour of sales.",
                                   "That's all.", "Émile said so.", "£5 is a lot."]
    assert s[1].start == 3


def test_question_and_exclamation_end_sentences():
    s = build_sentences([Cue(0, 3, "Is it true? Yes! It is."), Cue(3, 4, "\"Quoted.\" Then more.")])
    assert [x.text for x in s] == ["Is it true?", "Yes!", "It is.", "\"Quoted.\"", "Then more."]


def test_unpunctuated_text_split_at_cue_edges():
    cues = [Cue(i * 2.0, i * 2.0 + 2.0, f"word{i}a word{i}b word{i}c word{i}d word{i}e") for i in range(40)]
    s = build_sentences(cues)
    assert len(s) > 1
    assert all(len(words(x.text)) <= MAX_WORDS for x in s)
    assert words(" ".join(x.text for x in s)) == words(" ".join(c.text for c in cues))
    # cuts fall on cue edges: every piece starts with a cue's first word
    assert all(re.fullmatch(r"word\d+a", words(x.text)[0]) for x in s)
    check_invariants(cues, s)


def test_unpunctuated_single_cue_cut_at_max_words():
    cue = Cue(0.0, 100.0, " ".join(f"w{i}" for i in range(203)))
    s = build_sentences([cue])
    assert all(len(words(x.text)) <= MAX_WORDS for x in s)
    assert words(" ".join(x.text for x in s)) == words(cue.text)
    check_invariants([cue], s)


def test_long_sentence_with_short_tail_stays_within_max_words():
    # 50 words with no cue edge or comma after word 28: the cut lands at MAX_WORDS, and the 2-word tail
    # must not be folded back into a 50-word piece
    text = " ".join(f"w{i}" for i in range(50)) + "."
    s = build_sentences([Cue(0.0, 20.0, text), Cue(20.0, 21.0, "Next sentence.")])
    assert all(len(words(x.text)) <= MAX_WORDS for x in s)
    assert words(" ".join(x.text for x in s)) == words(text + " Next sentence.")


def test_whisper_repeat_loop_collapsed():
    cues = [Cue(0, 2, "Real talk here.")] + [Cue(2 + i, 3 + i, "thank you") for i in range(30)]
    s = build_sentences(cues)
    assert " ".join(x.text for x in s).count("thank you") == 2


def test_speaker_change_splits_sentences():
    cues = [Cue(0, 2, "so what do you", "A"), Cue(2, 4, "think about that", "A"), Cue(4, 6, "I think it is", "B"),
            Cue(6, 8, "fine really", "B")]
    s = build_sentences(cues)
    assert [(x.text, x.speaker) for x in s] == [("so what do you think about that", "A"),
                                                ("I think it is fine really", "B")]
    assert s[1].start == 4.0


def test_whisper_speaker_initials_become_sentences_of_their_own():
    """Episode 65: Whisper wrote initials at turns ("SL. So let's talk…", "RL Currently, the pedestrians…")."""
    t = load_file(lexicap(65))
    s = build_sentences(t.cues)
    check_invariants(t.cues, s)
    texts = [x.text for x in s]
    tags = [x for x in texts if is_turn_tag(x)]
    assert len(tags) >= 30 and {"SL.", "RL", "IA", "TK", "MG"} <= set(tags)
    assert "Currently, the pedestrians are treated as things that cannot be hit, and they're not" in " ".join(texts)
    assert any(x.startswith("Currently, the pedestrians are treated") for x in texts)
    assert not [x for x in texts if re.match(r"(SL|RL|IA|TK|MG)\.? [A-Z]", x)]
    assert " ".join(texts).split() == " ".join(c.text for c in t.cues).split()      # every word kept, in order


@pytest.mark.parametrize("text, tags", [
    ("TK So what do you think? JG Well, I think so. TK And then? JG Then we stop.", ["TK", "JG", "TK", "JG"]),
    ("RL – I don't agree. LW. Why not? RL – Because. LW. Fine.", ["RL –", "LW.", "RL –", "LW."]),
    # said inside sentences too: words, not tags
    ("AI Safety matters. We build AI every day. AI Labs exist. The AI is here.", []),
    ("OK. So we start. OK, fine. OK So then. Is it OK with you?", []),
    ("TK So what do you think? I think so.", []),                  # once is not a habit
    ("BJÖRN I think Algol 60. TITLE So what came next? BJÖRN Simula. TITLE Why?", ["BJÖRN", "TITLE", "BJÖRN", "TITLE"]),
    ("NASA Ames is here. NASA Ames is there. We love NASA.", []),
    ("YEAH I THINK SO. YEAH WE DID. OK THEN.", []),                 # captions in capitals
])
def test_turn_tags_are_told_from_acronyms(text, tags):
    cues = [Cue(i * 2.0, i * 2.0 + 2, w) for i, w in enumerate(re.findall(r"\S+(?: \S+){0,3}", text))]
    s = build_sentences(cues)
    assert [x.text for x in s if is_turn_tag(x.text) and x.text not in ("OK.",)] == tags
    assert " ".join(x.text for x in s) == text


def test_fixture_speakers_and_abbreviations():
    t = load_file(FIXTURES / "speakers.srt")
    s = build_sentences(t.cues)
    assert [(x.speaker, x.text) for x in s] == [
        ("HOST", "Welcome back to the show."),
        ("HOST", "Today we talk with Dr. Smith about sleep, e.g. naps and dreams."),
        ("Dr. Smith", "Thanks for having me."),
        ("Dr. Smith", "J. R. R. Tolkien napped daily."),
        ("Dr. Smith", "Or so I have read."),
        ("HOST", "Fascinating."),
        ("HOST", "Let's start there."),
    ]
    check_invariants(t.cues, s)


def test_empty_and_blank_cues():
    assert build_sentences([]) == []
    assert build_sentences([Cue(0, 1, "   ")]) == []


# --- chunking ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("number", [94, 275])
def test_chunks_are_whole_sentences_and_preserve_the_transcript(number, ep94, ep275):
    t, sentences = ep94 if number == 94 else ep275
    chunks = chunk_sentences(t.meta.episode_id, sentences)
    assert [c.index for c in chunks] == list(range(len(chunks)))
    # the concatenation of chunk texts is the full transcript, exactly
    assert " ".join(c.text for c in chunks) == " ".join(s.text for s in sentences)
    # each chunk is a run of whole sentences; its sentences() give them back verbatim with their times
    rebuilt = [s for c in chunks for s in c.sentences()]
    assert rebuilt == sentences
    for c in chunks:
        n = len(words(c.text))
        assert n <= CHUNK_MAX_WORDS or len(c.offsets) == 1, (c.index, n)
        assert c.start == c.starts[0] and c.end == c.ends[-1]
        assert c.episode_id == t.meta.episode_id
    for a, b in zip(chunks, chunks[1:]):
        assert b.first_sentence == a.first_sentence + len(a.offsets)
        assert a.start <= b.start
    sizes = [len(words(c.text)) for c in chunks]
    assert 60 <= sum(sizes) / len(sizes) <= CHUNK_MAX_WORDS     # sized for MiniLM, not tiny


def test_chunk_longer_than_max_only_when_one_sentence_is():
    from ingest.models import Sentence

    long = Sentence(1, 5.0, 9.0, " ".join(["long"] * 200) + ".")
    sents = [Sentence(0, 0.0, 5.0, "Short start."), long, Sentence(2, 9.0, 10.0, "Short end.")]
    chunks = chunk_sentences("ep", sents)
    assert [c.text for c in chunks] == ["Short start.", long.text, "Short end."]
    assert [s for c in chunks for s in c.sentences()] == sents


def test_chunk_sentences_roundtrip_keeps_speakers():
    t = load_file(FIXTURES / "speakers.srt")
    sentences = build_sentences(t.cues)
    chunks = chunk_sentences("speakers", sentences, target_words=12, max_words=20)
    assert len(chunks) > 1
    assert [s for c in chunks for s in c.sentences()] == sentences
    assert all(len(words(c.text)) <= 20 for c in chunks)


@pytest.mark.parametrize("n", range(1, 40))
def test_tiles_cut_a_chunk_into_runs_of_two_to_four_sentences(n):
    bounds = tile_bounds(n)
    assert bounds[0][0] == 0 and bounds[-1][1] == n
    assert all(a == b for (_, a), (b, _) in zip(bounds, bounds[1:]))          # contiguous, no overlap
    assert all(2 <= b - a <= 4 for a, b in bounds) or n == 1


def test_tile_texts_are_the_chunk_verbatim(ep94):
    t, sentences = ep94
    for chunk in chunk_sentences(t.meta.episode_id, sentences)[:40]:
        texts = tile_texts(chunk)
        assert " ".join(texts) == chunk.text and len(texts) == len(tile_bounds(len(chunk.offsets)))


@pytest.mark.parametrize("n", range(0, 12))
def test_wide_passages_cover_every_chunk_in_pairs_side_by_side(n):
    """Two chunks each, one after the other; an odd episode's last pair overlaps the one before by a chunk."""
    starts = wide_starts(n)
    covered = [i for s in starts for i in range(s, min(n, s + 2))]
    assert sorted(set(covered)) == list(range(n))
    assert len(starts) == (n + 1) // 2 or n == 1
    assert all(b - a == 2 for a, b in zip(starts, starts[1:-1])) and starts == sorted(set(starts))
    assert len(covered) - len(set(covered)) == (n % 2 if n > 2 else 0)


def test_wide_texts_are_two_chunks_verbatim(ep94):
    t, sentences = ep94
    chunks = chunk_sentences(t.meta.episode_id, sentences)
    texts = wide_texts(chunks)
    assert len(texts) == len(wide_starts(len(chunks)))
    assert texts[0] == chunks[0].text + " " + chunks[1].text
    assert texts[-1] == chunks[-2].text + " " + chunks[-1].text
    assert " ".join(texts[:-1]) == " ".join(c.text for c in chunks[:2 * (len(texts) - 1)])


def test_a_chunk_vector_is_the_word_weighted_mean_of_its_tiles():
    from ingest.pipeline import pool_tiles

    tiles = np.asarray([[2.0, 0.0], [0.0, 1.0], [3.0, 4.0]])
    pooled = pool_tiles(tiles, [0, 0, 1], [3.0, 1.0, 5.0], 2)
    assert np.allclose(np.linalg.norm(pooled, axis=1), 1.0)
    assert np.allclose(pooled[0], np.asarray([3.0, 1.0]) / np.sqrt(10.0))   # unit tiles, weighted 3:1
    assert np.allclose(pooled[1], [0.6, 0.8])


def test_punctuated_long_sentences_are_cut_as_before():
    text = ("We spent a whole year building the first version of the product for the phone, and nobody used it, "
            "so we threw it away and started again with just the photos and that worked so much better than "
            "anything else we had tried, but the upload was slow and people hated waiting for the picture.")
    s = build_sentences([Cue(0.0, 30.0, text)])
    assert len(s) > 1 and all(a.text.endswith(",") for a in s[:-1])      # at its commas
    assert " ".join(x.text for x in s) == text
