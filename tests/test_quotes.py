"""/quote on real Lexicap transcripts: half-remembered lines in, verbatim sentences and their moment out.

The real-store tests use the session `real_app` (episodes 094, 001, 018 with the real MiniLM); the index
rebuild test uses its own small hashing-embedder store. Expected times are the podbot sentence starts
of those transcripts; a match is right when its text holds the expected words and it starts within 2 s.
"""
from __future__ import annotations

import io
import json

import pytest

from bot.quotes.text import as_told_by, parse_query, words
from bot.verbatim import verify_quote
from ingest.errors import EpisodeNotFound
from conftest import lexicap

pytestmark = pytest.mark.slow

E001, E018, E094 = "episode_001_large", "episode_018_large", "episode_094_large"

# (kind, query, episode, words that must be in the matched text, sentence start in seconds)
HALF_REMEMBERED = [
    ("paraphrase", "deep learning is still being massively underrated", E094,
     "massively underestimating deep learning", 1971.36),
    ("paraphrase", "if you buy a Tesla now you are buying an asset that gains value", E018,
     "appreciating asset", 916.42),
    ("fragment", "unwise to bet against deep learning", E094, "unwise to bet against deep learning", 3004.18),
    ("fragment", "everything we love about civilization is a product of intelligence", E001,
     "product of intelligence", 4328.44),
    ("wrong_word", "the magic of deep learning is that it improves with data", E018,
     "magic of deep learning is that it gets better with data", 618.22),
    ("wrong_word", "most of the information processing going on in your brain right now is unconscious", E001,
     "information processing happening in your brain right now is not conscious", 688.44),
    ("swapped_order", "memorizing large databases, multiplying large numbers fast and playing chess", E001,
     "multiplying large numbers fast, memorizing large databases", 1662.36),
    ("swapped_order", "that people were driving cars is going to seem like a mad thing in the future", E018,
     "mad thing in the future that people were driving cars", 1584.14),
    ("misspelling", "a conversation with Ilya Sutskever, cofounder and chief scientist of OpenAI", E094,
     "conversation with Ilya Sotskever, cofounder and chief scientist of OpenAI", 0.0),
    ("misspelling", "neural netwrok systems are very sensitve to adversarial exmaples", E018,
     "very sensitive to minor disturbances to these adversarial examples", 1623.02),
]

NEVER_SAID = [
    "I learned to bake sourdough bread during the lockdown",
    "my grandmother taught me how to knit sweaters",
    "the best pizza in the world is in Naples",
    "my cat knocked over the Christmas tree again",
    "the recipe calls for two cups of flour and a pinch of salt",
    "she moved to Paris to become a painter",
]


def assert_verbatim(app, result) -> None:
    """Every printed text (quote and context) is cut from its episode's transcript."""
    for m in result.matches:
        text = app.library.text(m.episode_id)
        assert verify_quote(text, m.text) is not None, m.text
        for ctx in (m.context_before, m.context_after):
            assert not ctx or verify_quote(text, ctx) is not None, ctx
        assert 0.0 <= m.score <= 1.0
        assert m.start <= m.end


def is_right(match, episode: str, expected: str, start: float) -> bool:
    from bot.verbatim import normalize

    return (match.episode_id == episode and normalize(expected) in normalize(match.text)
            and abs(match.start - start) <= 2.0)


# --- the engine on real transcripts -----------------------------------------------------------------
@pytest.mark.parametrize("kind,query,episode,expected,start", HALF_REMEMBERED,
                         ids=[f"{k}:{q[:30]}" for k, q, *_ in HALF_REMEMBERED])
def test_half_remembered_line_finds_the_true_sentence(real_app, kind, query, episode, expected, start):
    result = real_app.quotes.find(query)
    assert result.matches, f"{kind}: nothing found for {query!r}"
    assert_verbatim(real_app, result)
    top = result.matches[0]
    assert is_right(top, episode, expected, start), (kind, top.episode_id, top.start, top.text)
    assert top.title and top.url is None          # local VTT files carry no video link
    assert top.speaker is None                    # Lexicap has no speaker labels: never a guess
    assert top.context_before or top.context_after
    assert len(result.matches) <= 4


def test_a_line_remembered_across_two_sentences_gives_both(real_app):
    result = real_app.quotes.find("you get the other one for free, it's pretty likely that if we get one our "
                                  "machine learning is good enough to get the other")
    top = result.matches[0]
    assert top.text == ("So you're going to get the other for free. I think it's pretty likely that yes, if we "
                        "can get one, our machine learning is probably that good that we can get the other.")
    assert top.start == pytest.approx(1638.4, abs=0.5) and top.end == pytest.approx(1647.32, abs=0.5)
    assert_verbatim(real_app, result)


def test_one_sentence_is_not_padded_into_two(real_app):
    top = real_app.quotes.find("So you're going to get the other for free.").matches[0]
    assert top.text == "So you're going to get the other for free."


def test_misspelled_names_map_to_the_transcript_spelling(real_app):
    index = real_app.quotes.index()
    inverse = {tid: stem for stem, tid in index.vocab.items()}
    (term,) = index.query_terms(["sutskiver"])
    assert "sotskev" in {inverse[t][:7] for t in term.alts}
    assert all(inverse[t][0] == "s" for t in term.alts)          # no "corrections" to other initials


def test_context_is_the_neighbouring_sentences(real_app):
    top = real_app.quotes.find("the magic of deep learning is that it gets better with data").matches[0]
    text = real_app.library.text(top.episode_id)
    pos = next(i for i, s in enumerate(text.sentences) if s.start == top.start)
    assert top.context_before == text.sentences[pos - 1].text
    assert top.context_after == text.sentences[pos + 1].text


@pytest.mark.parametrize("query", NEVER_SAID)
def test_a_line_never_said_is_not_found(real_app, query):
    result = real_app.quotes.find(query, suggest=True)
    assert result.matches == [], [(m.score, m.text) for m in result.matches]
    assert not result.found
    if result.nearest is not None:                    # offered as the closest line, and still verbatim
        assert verify_quote(real_app.library.text(result.nearest.episode_id), result.nearest.text) is not None


@pytest.mark.parametrize(("query", "once"), [
    ("Where do you think it could have come from?", "Do you think that's an emergent thing that just comes from"),
    ("I think it, in a sense, it really depends.", "I think a lot of it really does depend on your def"),
    ("So let me just to begin, let me ask a question.", "So let me ask sort of a profound question"),
    ("I don't think you need to defend them.", "I don't think we need to be that defensive."),
])
def test_a_line_of_everyday_words_whose_meaning_is_elsewhere_is_not_found(real_app, monkeypatch, query, once):
    """Lines of other episodes, all common words: the words reach the threshold in a sentence that means something
    else. Read for meaning, that sentence is far off (`SENSE_VETO`), and so is the next by words: nothing found.
    Without the veto each returned the sentence shown."""
    from bot.quotes import scoring

    assert real_app.quotes.find(query).matches == []
    monkeypatch.setattr(scoring, "SENSE_VETO", -1.0)
    unvetoed = real_app.quotes.find(query).matches
    assert unvetoed and once in unvetoed[0].text


def test_a_word_the_library_never_says_keeps_a_line_close_in_meaning_from_being_found(real_app):
    """"consciousness is the cilantro of physics": no episode says "cilantro", and the sentence nearest in
    meaning is not that line (it scored 0.65 on meaning before). A line remembered with one such wrong word
    is still found: its other words carry it."""
    assert real_app.quotes.find("consciousness is the cilantro of physics", E001).matches == []
    wrong = real_app.quotes.find("the magic of deep learning is that it gets better with cilantro", E018)
    assert wrong.matches and is_right(wrong.matches[0], E018, "magic of deep learning", 618.22)


@pytest.mark.parametrize(("query", "start"), [
    ("the whole artificial intelligence thing actually working blows my mind", 1817.88),
    ("training a very deep net from scratch without any pretraining was the moment everything clicked", 213.62),
])
def test_a_paraphrase_too_loose_to_match_is_offered_as_the_nearest_line(real_app, query, start):
    """Few shared words, so no match (MiniLM cannot tell such paraphrases from lines never said); asked to
    suggest, the engine offers the line nearest in meaning — the right one — apart from the matches."""
    plain = real_app.quotes.find(query, "094")
    assert plain.matches == [] and plain.nearest is None                  # only when asked for
    result = real_app.quotes.find(query, "094", suggest=True)
    assert result.matches == [] and result.nearest is not None
    near = result.nearest
    assert (near.episode_id, near.start) == (E094, start)
    assert verify_quote(real_app.library.text(E094), near.text) is not None
    assert result.public()["nearest"]["start"] == start and result.public()["matches"] == []


def test_the_nearest_line_reuses_the_search_and_embeds_only_the_best_tiles(real_app, monkeypatch):
    """The suggestion ranks the nearest chunks' stored tile vectors and embeds only the best tiles' sentences,
    with the query vector and the chunks the search already found: one extra model call, a few sentences."""
    from bot.quotes.engine import NEAREST_TILES

    embedder = real_app.library.embedder
    calls: list[tuple[str, int]] = []
    for name in ("embed_query", "embed_documents"):
        original = getattr(embedder, name)

        def spy(arg, _original=original, _name=name):
            calls.append((_name, 1 if isinstance(arg, str) else len(arg)))
            return _original(arg)
        monkeypatch.setattr(embedder, name, spy)
    result = real_app.quotes.find("the whole artificial intelligence thing actually working blows my mind", "094",
                                  suggest=True)
    assert result.matches == [] and result.nearest is not None and result.nearest.start == 1817.88
    assert [n for n, _ in calls] == ["embed_documents", "embed_documents"]    # the search's batch, the sentences'
    assert calls[1][1] <= 4 * NEAREST_TILES                                    # tiles hold 2-4 sentences


HORSE = "driving a car will be like riding a horse in the future"     # Musk, 018: "...about as useful as a horse"


def test_a_paraphrase_whose_nearest_passage_stands_alone_is_matched_there(real_app, monkeypatch):
    """Few shared words, but one chunk of the library is far nearer the query than any other: the line there
    nearest in meaning and words is the match. Here the three-episode test library is treated as the size the
    margin was set on (its own small size asks for more, next test)."""
    from bot.quotes import engine

    monkeypatch.setattr(engine, "PEAK_CHUNKS", real_app.quotes.index().chunks)
    for scope in (None, "018"):
        result = real_app.quotes.find(HORSE, scope)
        assert result.matches, scope
        top = result.matches[0]
        assert (top.episode_id, top.start) == (E018, 186.92) and "about as useful as a horse" in top.text
        assert top.score >= 0.55                                        # a match, at least at the bar
        assert_verbatim(real_app, result)
    assert real_app.quotes.find(HORSE, "094").matches == []          # that spot is not in this episode
    for line in NEVER_SAID:                                           # near ties: still nothing
        assert real_app.quotes.find(line).matches == [], line
    # found by meaning alone, in another guest's episode than the one the listener named: not that line
    assert real_app.quotes.find(f"Ilya Sutskever: {HORSE}").matches == []
    assert real_app.quotes.find(f"Elon Musk: {HORSE}").matches[0].start == 186.92


def test_a_small_library_asks_a_wider_margin_of_its_nearest_passage(real_app):
    """Three episodes leave wide gaps between nearest chunks by chance (lines of other episodes stood up to 0.20
    ahead): the horse line's 0.18 is not enough there, though it would be in a library of 10,000 chunks."""
    from bot.quotes.engine import PEAK_CHUNKS, PEAK_MARGIN, peak_margin

    assert real_app.quotes.find(HORSE).matches == []
    assert peak_margin(real_app.quotes.index().chunks) > 0.2
    sizes = [50, 500, 5000, PEAK_CHUNKS, 10 * PEAK_CHUNKS]
    margins = [peak_margin(n) for n in sizes]
    assert margins == sorted(margins, reverse=True) and margins[-2] == margins[-1] == PEAK_MARGIN


def test_scoped_to_an_episode(real_app):
    query = "the magic of deep learning is that it gets better with data"
    result = real_app.quotes.find(query, episode="018")
    assert result.scope == E018 and result.matches
    assert all(m.episode_id == E018 for m in result.matches)
    assert_verbatim(real_app, result)
    # the same line scoped to an episode where it was not said: nothing from elsewhere leaks in
    elsewhere = real_app.quotes.find(query, episode=E094)
    assert all(m.episode_id == E094 for m in elsewhere.matches)
    assert not any("gets better with data" in m.text for m in elsewhere.matches)


def test_an_episode_named_in_the_query_is_its_scope(real_app):
    """"in episode 94, ..." scopes the search like --episode, and those words are not searched for."""
    result = real_app.quotes.find("in episode 94, unwise to bet against deep learning")
    assert result.scope == E094 and result.matches and {m.episode_id for m in result.matches} == {E094}
    assert result.matches[0].score >= real_app.quotes.find("unwise to bet against deep learning", "94").matches[0].score
    assert real_app.quotes.find("episode 999: unwise to bet against deep learning").scope is None


def test_scope_by_guest_name(real_app):
    result = real_app.quotes.find("unwise to bet against deep learning", episode="Ilya Sotskever")
    assert result.scope == E094 and result.matches[0].start == pytest.approx(3004.18, abs=2)


def test_unknown_episode_is_an_error(real_app):
    with pytest.raises(EpisodeNotFound):
        real_app.quotes.find("anything at all", episode="qwxyzzy")


def test_alternatives_are_distinct_places_best_first(real_app):
    result = real_app.quotes.find("deep learning")
    assert result.matches and len(result.matches) <= 4
    scores = [m.score for m in result.matches]
    spans = [(m.episode_id, m.start) for m in result.matches]
    assert len(set(spans)) == len(spans)
    assert scores[0] == max(scores)
    assert_verbatim(real_app, result)


def test_limit_and_empty_query(real_app):
    assert len(real_app.quotes.find("deep learning", limit=1).matches) <= 1
    assert real_app.quotes.find("   ").matches == []
    assert real_app.quotes.find("?!").matches == []


@pytest.mark.parametrize("query", ["the", "I think so", "you know what I mean"])
def test_a_query_of_only_function_words_names_no_line(real_app, query):
    """"the" matched "These are the ideas." at score 1.0: words every sentence says pick out no line."""
    assert real_app.quotes.find(query).matches == []
    assert real_app.quotes.find("the Hessian free optimizer").matches                  # one real word is enough


def test_attribution_prefix_is_not_searched_as_words(real_app):
    result = real_app.quotes.find("Ilya Sutskever: it's unwise to bet against deep learning")
    assert is_right(result.matches[0], E094, "unwise to bet against deep learning", 3004.18)


def test_a_line_told_of_its_guest_is_searched_as_the_guest_said_it(real_app):
    """"kyle vogt said he felt like he could allways hit the undo buton": the guest's name typed before the line
    with no colon, the line in the third person. As typed it matches nothing (the name and "he" are no words of the
    line); read as "Ilya Sutskever: Backpropogation I thought would work" it is found. The reply shows what was
    typed."""
    typed = "ilya sutskever said backpropogation he thought would work"
    assert real_app.quotes.find(typed, retold=True).matches == []          # as typed, no second reading
    result = real_app.quotes.find(typed)
    assert is_right(result.matches[0], E094, "Backpropagation I thought would work", 308.0)
    assert result.query == typed


@pytest.mark.parametrize("typed,told", [
    ("kyle vogt said he felt like he could allways hit the undo buton if he had to",
     "kyle vogt: I felt like I could allways hit the undo buton if I had to"),
    ("chomsky google translater is worth having like a buldozer", "chomsky: google translater is worth having like a buldozer"),
    ("lisa feldman barret she says her brain budgets energy", "lisa feldman barret: I says my brain budgets energy"),
    ("kyle vogt said he’d always hit the undo button", "kyle vogt: I'd always hit the undo button"),   # a phone's ’
    ("the meaning of life is love", None),                      # no guest's name opens it
    ("kyle vogt said hi", None),                                # too little left to search
])
def test_as_told_by(typed, told):
    guests = {"kyle", "vogt", "chomsky", "lisa", "feldman", "barret"}
    assert as_told_by(typed, lambda ws: all(w.lower() in guests for w in ws)) == told


def test_a_line_wrapped_in_chat_is_found_as_the_bare_line(real_app):
    """Wrapped in Discord chat, 73 of the bench sets' 170 lines (paraphrases aside) were missed: the search looked
    for a line holding "hey", "lurker" and "thx" too. The reply still shows what was typed."""
    typed = "hey all, long time lurker! Ilya said it's unwise to bet against deep learning lol thx 🙏"
    result = real_app.quotes.find(typed)
    assert is_right(result.matches[0], E094, "unwise to bet against deep learning", 3004.18)
    assert result.query == typed


def test_a_word_the_transcript_says_in_two_is_matched_as_those_two(real_app):
    """Blind set 5's "walking a tightrope for 50 years" is the transcript's "walk on a tight rope": a word the
    library never says, said somewhere as two words in a row, is searched as those words. One said nowhere
    ("chagnon") or whose halves are never said together ("keyrun") stays as typed."""
    from bot.quotes.scoring import LOOSE

    index = real_app.quotes.index()
    assert index.split_compounds(["better", "keyword", "handout", "chagnon", "keyrun", "backpropagation"]) == \
        ["better", "key", "word", "hand", "out", "chagnon", "keyrun", "backpropagation"]
    match = real_app.quotes.find("better is a keyword").matches[0]
    assert is_right(match, E001, "better is a key word", 1837.24) and match.score > LOOSE


# --- query parsing ---------------------------------------------------------------------------------
@pytest.mark.parametrize("raw,text,who", [
    ("what was that line about betting against deep learning?", "betting against deep learning", None),
    ('"time is the currency of life"', "time is the currency of life", None),
    ("Kasparow: it was the first match I ever lost, period", "it was the first match I ever lost, period",
     "Kasparow"),
    ("who said the why is hopeless", "the why is hopeless", None),
    ("what’s that quote where he says the why is hopeless", "the why is hopeless", None),
    ("when did Ilya say that it is unwise to bet against deep learning",
     "it is unwise to bet against deep learning", "Ilya"),
    ("they said it best", "they said it best", None),          # a real line may open with "they said"
    ("Kasparov said something about chess being a game of imagination", "chess being a game of imagination",
     "Kasparov"),
    ("Elon Musk says something like: cost per ton to orbit", "cost per ton to orbit", "Elon Musk"),
    ("Einstein said that God does not play dice", "Einstein said that God does not play dice", None),
    ("deep learning", "deep learning", None),
    ("betrand russel quote about walking a tightrope", "walking a tightrope", "betrand russel"),   # lowercase name
    ("carlin's line about the news losing value like a car", "the news losing value like a car", "carlin"),
    ("the famous quote about walking a tightrope", "walking a tightrope", None),
])
def test_parse_query(raw, text, who):
    parts = parse_query(raw)
    assert parts.text == text and parts.attribution == who


def test_words_match_the_verbatim_normalisation():
    from bot.verbatim import normalize

    line = "Don't say “Café-au-lait” — it's 100% Sotskever's!"
    assert " ".join(words(line)) == normalize(line)


def test_a_long_query_is_cut_to_its_opening_words():
    from bot.quotes.text import QUERY_MAX_CHARS, QUERY_MAX_WORDS

    remembered = " ".join(f"word{i}" for i in range(5000))
    parts = parse_query("Ilya: " + remembered)
    assert parts.attribution == "Ilya"
    assert len(parts.text) <= QUERY_MAX_CHARS and len(parts.text.split()) <= QUERY_MAX_WORDS
    assert remembered.startswith(parts.text + " ") and len(parts.text.split()) >= 20
    long_word = "x" * 20_000
    assert parse_query(long_word).text == long_word[:QUERY_MAX_CHARS]


def test_a_pasted_passage_finds_its_opening_line_promptly(hash_app):
    import time

    from ingest.pipeline import ingest_sources

    assert ingest_sources([str(lexicap(316))], hash_app.ingestor, hash_app.settings)[0].status == "added"
    sentences = hash_app.library.text("episode_316_large").sentences
    first = 100
    passage = " ".join(s.text for s in sentences[first:])[:20_000]
    assert len(passage) == 20_000
    hash_app.quotes.find("warm up the index")
    began = time.perf_counter()
    result = hash_app.quotes.find(passage)
    took = time.perf_counter() - began
    assert result.query == passage                              # the reply still shows what was typed
    assert result.matches, "a verbatim paste must find where it starts"
    top = result.matches[0]
    assert top.episode_id == "episode_316_large"
    assert sentences[first].start <= top.start <= sentences[first + 3].start
    assert_verbatim(hash_app, result)
    assert took < 5.0, took


# --- the index follows the library -----------------------------------------------------------------
def test_index_rebuilds_when_an_episode_is_added_or_forgotten(hash_app, monkeypatch):
    import bot.library
    from ingest.pipeline import ingest_sources

    monkeypatch.setattr(bot.library, "REFRESH_SECONDS", 0.0)
    assert ingest_sources([str(lexicap(316))], hash_app.ingestor, hash_app.settings)[0].status == "added"
    engine = hash_app.quotes
    chomsky = engine.find("anyone who doesn't worry about nuclear war doesn't have a gray cell functioning")
    assert chomsky.matches and chomsky.matches[0].episode_id == "episode_316_large"
    assert chomsky.matches[0].start == pytest.approx(1115.0, abs=2)
    assert_verbatim(hash_app, chomsky)

    line = "we need to be good at material science so we can have tiny electrodes that last a long time"
    assert engine.find(line).matches == []
    before = engine.index().version

    assert ingest_sources([str(lexicap(49))], hash_app.ingestor, hash_app.settings)[0].status == "added"
    found = engine.find(line)
    assert engine.index().version != before
    assert found.matches and found.matches[0].episode_id == "episode_049_large"
    assert found.matches[0].start == pytest.approx(1407.52, abs=2)
    assert_verbatim(hash_app, found)

    hash_app.store.forget("episode_049_large")
    assert engine.find(line).matches == []
    assert "episode_049_large" not in engine.index().by_id
    assert engine.find("gray cell functioning").matches          # the other episode is still there


def test_empty_library_finds_nothing_and_says_why(hash_app):
    from bot.cli.quote_cmd import render
    from bot.discord.render import render_quotes

    for episode in (None, "94"):                     # not "no episode numbered 94": there are none at all
        result = hash_app.quotes.find("anything at all", episode, suggest=True)
        assert result.matches == [] and result.nearest is None
        assert result.note.startswith("No episodes have been added yet")
        assert result.public() == {"matches": [], "note": result.note}
    assert render(result) == result.note
    assert render_quotes(result)[0].embeds[0].description == result.note
    with pytest.raises(EpisodeNotFound, match="No episodes have been added yet"):     # /summary 94, /ask in 94
        hash_app.library.resolve_episode("94")


# --- CLI ----------------------------------------------------------------------------------------------
@pytest.fixture
def real_env(real_app, monkeypatch):
    from ingest.settings import get_settings

    monkeypatch.setenv("PODBOT_DATA_DIR", str(real_app.settings.podbot_data_dir))
    get_settings.cache_clear()
    yield real_app
    get_settings.cache_clear()


def test_cli_quote_json(real_env, capsys):
    from bot.cli import main

    assert main(["quote", "the magic of deep learning is that it improves with data", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["matches"]
    top = out["matches"][0]
    assert {"episode_id", "title", "start", "end", "text", "context", "score", "url"} <= set(top)
    assert top["episode_id"] == E018 and abs(top["start"] - 618.22) <= 2
    assert "gets better with data" in top["text"] and top["text"] in top["context"]
    text = real_env.library.text(E018)
    assert all(verify_quote(text, m["text"]) for m in out["matches"] if m["episode_id"] == E018)


def test_cli_quote_human(real_env, capsys):
    from bot.cli import main

    assert main(["quote", "unwise to bet against deep learning", "--episode", "094"]) == 0
    out = capsys.readouterr().out
    assert "unwise to bet against deep learning" in out and "[50:04]" in out and E094 in out
    assert main(["quote", "my grandmother taught me how to knit sweaters"]) == 0
    assert "No line close to that was found." in capsys.readouterr().out
    assert main(["quote", "the whole artificial intelligence thing actually working blows my mind", "-e", "94"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("No line close to that was found.\nThe line closest in meaning (not those words")
    assert "I find it unbelievable that this whole AI stuff with neural networks works." in out and "[30:17]" in out


def test_cli_quote_jsonl(real_env, capsys, monkeypatch):
    from bot.cli import main

    lines = [
        {"query": "the magic of deep learning is that it improves with data", "episode": None},
        {"query": "unwise to bet against deep learning", "episode": "094"},
        {"query": "my grandmother taught me how to knit sweaters", "episode": None},
        {"query": "anything", "episode": "qwxyzzy"},
    ]
    stdin = "\n".join(json.dumps(x) for x in lines) + "\nnot json\n\n" + json.dumps({"episode": "094"}) + "\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert main(["quote", "--jsonl"]) == 0
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(out) == 6
    assert out[0]["matches"][0]["episode_id"] == E018
    assert abs(out[1]["matches"][0]["start"] - 3004.18) <= 2
    assert out[2] == {"matches": []}
    for bad in out[3:]:
        assert bad["matches"] == [] and bad["error"]


def test_cli_quote_needs_text(real_env, capsys):
    from bot.cli import main

    assert main(["quote"]) == 2
    assert "TEXT" in capsys.readouterr().err


def test_the_cli_labels_a_loose_match():
    from bot.cli.quote_cmd import render
    from bot.models import QuoteMatch, QuoteResult
    from bot.quotes.scoring import LOOSE

    def shown(score):
        return render(QuoteResult(query="q", matches=[QuoteMatch(episode_id="e", title="T", start=1, end=2,
                                                                 text="Words.", score=score)]))

    assert "· loose match (check it is the line you mean) 0.6" in shown(LOOSE - 0.05)
    assert "· match 0.90" in shown(0.9) and "loose" not in shown(0.9)


def test_a_larger_search_asks_more_of_a_line(real_app, monkeypatch):
    """Among eight times the sentences more lines come close to a line never said by chance: the bar rises with the
    sentences searched (at 318 episodes 4 of 32 never-said lines had passed at 0.55-0.58), not for one episode."""
    from bot.quotes import scoring

    assert scoring.threshold(1_500) == scoring.threshold(scoring.THRESHOLD_SENTENCES) == scoring.THRESHOLD
    assert scoring.threshold(461_324) == pytest.approx(0.60, abs=0.002)
    loose, close = "the nicest part of deep learning is simply that it does work", "Tesla cars will drive themselves soon"
    found = {q: real_app.quotes.find(q).matches for q in (loose, close)}
    assert found[loose][0].score < 0.74 < found[close][0].score           # both found in a library this size
    monkeypatch.setattr(scoring, "THRESHOLD_SENTENCES", 1)                 # ... the same library, as if it were huge
    assert not real_app.quotes.find(loose).matches
    assert real_app.quotes.find(close).matches[0].text == found[close][0].text


def test_when_every_window_read_is_off_in_meaning_the_next_unread_one_is_no_match(real_app, monkeypatch):
    """"I'm a huge fan of the Beatles" at 318 episodes: nine "I'm a huge fan of …" lines were read and vetoed by
    meaning, and the tenth, never read, was the answer ("…Jordan Peterson, who I'm a huge fan of…")."""
    from bot.quotes import scoring
    from bot.quotes.engine import SENSE_ROUNDS, QuoteEngine

    read: list[int] = []

    def off_in_meaning(self, scorer, query, windows, vectors=None):
        read.append(len(windows))
        for w in windows:
            w.sense = 0.0

    monkeypatch.setattr(scoring, "THRESHOLD", 0.2)          # many windows by words, as in a large library
    monkeypatch.setattr(QuoteEngine, "_read_sense", off_in_meaning)
    result = real_app.quotes.find("I'm a huge fan of the Beatles")
    assert len(read) == 1 + SENSE_ROUNDS and result.matches == []


def test_an_episode_forgotten_while_the_index_reads_leaves_the_others(hash_app, monkeypatch):
    """The index reads every text in one go; when one episode is forgotten mid-read (another process's /forget),
    the others are read one by one and the episode is simply left out."""
    from bot.quotes.engine import QuoteEngine
    from ingest.pipeline import ingest_sources

    ingest_sources([str(lexicap(n)) for n in (316, 49)], hash_app.ingestor, hash_app.settings)
    library = hash_app.library
    library.refresh(force=True)
    real_text = library.text

    def forgotten(*_):
        raise EpisodeNotFound("no episode 'episode_049_large' in the library")

    monkeypatch.setattr(library, "texts", forgotten)
    monkeypatch.setattr(library, "text", lambda eid: forgotten() if eid == "episode_049_large" else real_text(eid))
    index = QuoteEngine(library).index()
    assert list(index.by_id) == ["episode_316_large"]


def test_warm_builds_the_index_now_and_the_verbatim_indexes_in_the_background(hash_app):
    from ingest.pipeline import ingest_sources

    ingest_sources([str(lexicap(316)), str(lexicap(49))], hash_app.ingestor, hash_app.settings)
    engine = hash_app.quotes
    thread = engine.warm()
    assert engine._index is not None and engine._index.version == hash_app.library.version   # ready to answer
    assert thread.daemon and thread.name == "quote-verbatim-warm"
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert all(getattr(t, "_verbatim_index", None) is not None for t in engine.index().texts)

