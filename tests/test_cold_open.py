"""Cold opens: an episode that opens with a clip of its best moment, then the introduction, then the
conversation that says those lines again (49 of the 319 Lexicap episodes). The clip is framing: quoted,
cited and timed where the conversation says it, and the show's own pick of what to quote."""
from __future__ import annotations

import pytest

from bot.app import App
from bot.framing import about_framing, find_framing
from bot.summary.engine import SummaryEngine
from bot.verbatim import normalize, verify_quote
from conftest import HashEmbedder, lexicap
from ingest.pipeline import ingest_sources
from ingest.settings import Settings
from ingest.sentences import build_sentences
from ingest.sources.files import load_file

REES = "episode_305_large"       # Martin Rees: a 29 s cold open ("There's no reason to think that the ocean…")
OCEAN = "There's no reason to think that the ocean ends just beyond your horizon."


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = App(Settings(_env_file=None, podbot_data_dir=tmp_path_factory.mktemp("cold_open")),
              embedder=HashEmbedder(), use_llm=False)
    [result] = ingest_sources([str(lexicap(305))], app.ingestor, app.settings)
    assert result.status == "added"
    return app


@pytest.fixture(scope="module")
def text(app):
    return app.library.text(REES)


def test_the_cold_open_and_the_introduction_are_framing(text):
    f, sentences = text.framing, text.sentences
    assert f.intro_start == 5 and sentences[0].text.lower().startswith("no reason to think that the ocean")
    assert sentences[f.intro_start].text.startswith("The following is a conversation with Lord Martin Rees")
    assert sentences[f.intro_end - 1].text == "And now, dear friends, here's Martin Rees."
    assert all(f.excluded(i) for i in range(f.intro_end)) and not f.excluded(f.intro_end)
    # every line of the clip is found again in the conversation, by its words
    assert sorted(f.repeats) == list(range(5))
    for clip, said in f.repeats.items():
        assert said >= f.intro_end
        assert normalize(sentences[clip].text) in normalize(" ".join(s.text for s in sentences[said:said + 2]))


def test_an_introduction_at_the_start_has_no_cold_open():
    sentences = build_sentences(load_file(lexicap(94)).cues)
    f = find_framing(sentences, sentences[-1].end)
    assert f.intro_start == 0 and f.repeats == {} and f.intro_end > 0
    assert not any(f.in_cold_open(i) for i in range(len(sentences)))


def test_code_in_conversation_is_not_a_sponsor_read():
    """"code that…", "code base" were read as promo codes: 78 sentences of episode 048's talk about
    programming were excluded from its digest as an ad."""
    from bot.framing import _AD
    for said in ("But as far as what is some big piece of code that I've done, absolutely not.",
                 "The code base was a mess.", "I write code for a living, and code and math go together."):
        assert not _AD.search(said.lower()), said
    for ad in ("Go to example.com and use code LEXPODCAST.", "Get 20% off with code LEX at checkout.",
               "Enter code malice20 for 20% off your first order."):
        assert _AD.search(ad.lower()), ad
    assert not about_framing("what does he say about the code base?")


def test_a_line_of_the_clip_is_quoted_where_the_conversation_says_it(app, text):
    intro_ends = text.sentences[text.framing.intro_end].start
    found = verify_quote(text, OCEAN)
    assert found is not None and found.start > intro_ends
    # /quote: one match for that moment, in the conversation, with its context
    result = app.quotes.find("no reason to think the ocean ends just beyond your horizon")
    assert result.matches
    top = result.matches[0]
    assert top.start == pytest.approx(found.start) and top.context_before
    assert OCEAN.lower().rstrip(".") in top.text.lower()
    assert all(m.start > intro_ends for m in result.matches if "ocean ends" in m.text.lower())


def test_ask_cites_the_conversation_not_the_clip(app, text):
    from bot.ask.engine import AskEngine

    clip_ends = text.sentences[text.framing.intro_start].start
    r = AskEngine(app.library).retriever.retrieve("is there any reason to think the ocean ends beyond our horizon?",
                                                  [REES], k=10)
    assert len(r.evidence) == 10
    assert any("ocean ends just beyond" in e.text for e in r.evidence)
    assert all(e.start >= clip_ends for e in r.evidence)


def test_the_digest_quotes_the_clip_first_and_introduces_from_the_introduction(app, text, tmp_path):
    s = SummaryEngine(app.library, cache_dir=tmp_path / "cache").summarize(REES)
    first = s.quotes[0]
    assert first.text.startswith(OCEAN) and len(first.text.split()) > 20       # the clip's lines, run together
    assert first.start > text.sentences[text.framing.intro_end].start           # where the conversation says it
    assert verify_quote(text, first.text).start == first.start
    assert len(s.quotes) == 5 and sum("ocean ends" in q.text for q in s.quotes) == 1
    intro = s.chapters[0]
    assert intro.title == "Introduction"
    assert intro.summary.startswith("The following is a conversation with Lord Martin Rees")
    assert not any("ocean" in b for b in intro.bullets)


def test_an_introduction_ends_at_the_hand_over_not_at_a_later_here_is():
    """"And, you know, here's a proof…" (7 min into episode 050) read as "now, here's…" and stretched the
    introduction over the first seven minutes of the conversation."""
    sentences = build_sentences(load_file(lexicap(50)).cues)
    f = find_framing(sentences, sentences[-1].end)
    assert sentences[f.intro_end - 1].text == "And now, here's my conversation with Michael Kearns."


def test_talk_about_spotify_and_advertising_is_the_conversation_not_an_ad_read():
    """Episode 029 (Gustav Söderström) is about Spotify: 100 of its sentences were taken for ad reads ("spotify",
    "advertis" are read words), left out of its digest and weighed half at /ask."""
    sentences = build_sentences(load_file(lexicap(29)).cues)
    f = find_framing(sentences, sentences[-1].end)
    body = range(f.intro_end, f.outro_start)
    spotify = [i for i in body if "spotify" in sentences[i].text.lower()]
    assert len(spotify) > 50
    assert not any(f.excluded(i) for i in spotify)
    assert any(f.ad[i] for i in range(f.intro_end))              # the introduction's own reads stay reads


def test_a_mid_roll_read_is_still_a_read():
    from ingest.models import Cue

    talk = [f"So the next thing I wanted to ask about is the history of idea number {n}." for n in range(40)]
    read = ["Quick break to thank our sponsor.", "This episode is brought to you by Example.",
            "Go to example.com slash pod and get 20% off your first box.", "Now, back to the conversation."]
    advertising = ["The whole business runs on advertising, and the ads are everywhere.", "Spotify sells ads too."]
    lines = talk[:20] + read + talk[20:30] + advertising + talk[30:]
    sentences = build_sentences([Cue(10.0 * i, 10.0 * i + 9, line) for i, line in enumerate(lines)])
    f = find_framing(sentences, sentences[-1].end)
    texts = [s.text for s in sentences]
    assert f.ad[texts.index(read[1])] and f.ad[texts.index(read[2])]
    assert not f.ad[texts.index(advertising[0])] and not f.ad[texts.index(advertising[1])]
    assert not f.ad[texts.index("So the next thing I wanted to ask about is the history of idea number 25.")]
