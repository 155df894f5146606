"""The pure renderers: limits, clean splitting, verbatim quotes, escaping, footers."""
from __future__ import annotations

import re

import discord
from botkit import DANGEROUS, FakeSummaries, citation, long_text, unescape

from bot.discord import render
from bot.models import Answer, QuoteMatch, QuoteResult
from ingest.models import EpisodeMeta


def words(text: str) -> list[str]:
    return text.split()


def test_split_text_prefers_paragraphs_then_sentences():
    text = long_text(9000)
    parts = render.split_text(text, 4000)
    assert len(parts) >= 3
    assert all(len(p) <= 4000 for p in parts)
    assert words(" ".join(parts)) == words(text)                       # nothing lost, nothing added
    assert all(p.rstrip()[-1] in ".!?" for p in parts)                 # cuts at sentence ends at worst


def test_split_text_falls_back_to_words_and_hard_cuts():
    one_sentence = " ".join(["word"] * 3000)                            # 14999 chars, no punctuation
    parts = render.split_text(one_sentence, 1000)
    assert all(len(p) <= 1000 for p in parts) and words(" ".join(parts)) == words(one_sentence)
    blob = "x" * 2500
    assert render.split_text(blob, 1000) == ["x" * 1000, "x" * 1000, "x" * 500]
    assert render.split_text("   ", 10) == []


def test_block_quote_keeps_words_and_defuses_mentions():
    quoted = render.block_quote("a *bold* claim by @everyone and <@123>\n# not a heading")
    assert all(line.startswith(">") for line in quoted.splitlines())
    assert "@everyone" not in quoted and "<@123>" not in quoted
    assert unescape("\n".join(line[2:] for line in quoted.splitlines())) == \
        "a *bold* claim by @everyone and <@123>\n# not a heading"


def test_timestamp_links_have_no_preview_and_reject_odd_urls():
    assert render.timestamp(65, "https://youtu.be/abc?t=65") == "[1:05](<https://youtu.be/abc?t=65>)"
    assert render.timestamp(3725, None) == "`1:02:05`"
    assert render.timestamp(5, "javascript:alert(1)") == "`0:05`"
    assert render.timestamp(5, "https://x.example/a b") == "`0:05`"


def test_long_answer_with_many_citations_fits_every_limit():
    cites = [citation(long_text(1500), start=60.0 * i) for i in range(12)]
    answer = Answer(question="q" * 400, answer=long_text(14000), abstained=False, mode="llm", citations=cites,
                    note="n" * 3000, scope="rockets")
    messages = render.render_answer(answer)
    assert len(messages) >= 4
    for m in messages:
        assert render.limit_problems(m) == []
    first = messages[0].embeds[0]
    assert len(first.title) == 256 and first.title.endswith("…")
    assert messages[-1].embeds[-1].footer.text.startswith("Mode: LLM")
    assert "Episode: rockets" in messages[-1].embeds[-1].footer.text
    sources = "\n".join(e.description for m in messages for e in m.embeds if e.colour == render.SOURCES_COLOUR)
    assert [int(n) for n in re.findall(r"\*\*\[(\d+)\]\*\*", sources)] == list(range(1, 13))
    quoted = " ".join(line[2:] for line in sources.splitlines() if line.startswith("> "))
    assert words(unescape(quoted)) == words(" ".join(c.text for c in cites))   # verbatim, in order


def test_parse_turns_reads_back_a_rendered_answer():
    answer = Answer(question="What about @everyone?", answer=long_text(6000), abstained=False,
                    mode="extractive", citations=[citation()], scope="rockets")
    embeds = [e for m in render.render_answer(answer) for e in m.embeds]
    [(q, a, scope)] = render.parse_turns(embeds)
    assert q == "What about @everyone?"
    assert words(a) == words(answer.answer)
    assert scope == "rockets"


def test_quotes_render_verbatim_block_quotes():
    result = QuoteResult(query="shouted", matches=[QuoteMatch(
        episode_id="rockets", title="Rockets_and *Rivers*", start=14.5, end=22, text=DANGEROUS,
        url="https://podcast.example/rockets#t=14", speaker="Ada")])
    [message] = render.render_quotes(result)
    desc = message.embeds[0].description
    assert "*Rockets\\_and \\*Rivers\\**" in desc
    assert "[0:14](<https://podcast.example/rockets#t=14>)" in desc
    quote_lines = [line[2:] for line in desc.splitlines() if line.startswith("> ")]
    assert unescape(" ".join(quote_lines)) == DANGEROUS
    empty = render.render_quotes(QuoteResult(query="zzz", matches=[]))
    assert "couldn't find" in empty[0].embeds[0].description
    assert "closest in meaning" not in empty[0].embeds[0].description


def test_no_quote_but_a_line_close_in_meaning_is_shown_as_that_not_as_the_quote():
    near = QuoteMatch(episode_id="rockets", title="Rockets and Rivers", start=14.5, end=22, text=DANGEROUS,
                      url="https://podcast.example/rockets#t=14", score=0.63)
    [message] = render.render_quotes(QuoteResult(query="rivers scream at night", nearest=near))
    desc = message.embeds[0].description
    assert desc.startswith("I couldn't find those words") and "closest in meaning — not those words" in desc
    assert unescape(" ".join(line[2:] for line in desc.splitlines() if line.startswith("> "))) == DANGEROUS
    assert "[0:14](<https://podcast.example/rockets#t=14>)" in desc
    assert message.embeds[0].footer.text.startswith("No verbatim match")
    huge = near.model_copy(update={"text": "word " * 1000})
    [message] = render.render_quotes(QuoteResult(query="x", nearest=huge))
    assert "closest in meaning" not in message.embeds[0].description      # whole or not at all: never cut


def test_summary_pages_each_fit_and_are_numbered():
    summary = FakeSummaries().summarize("rockets")
    pages = render.summary_pages(summary)
    assert len(pages) >= 3
    for n, page in enumerate(pages, start=1):
        assert render.limit_problems(render.Outgoing(embeds=[page])) == []
        assert f"Page {n}/{len(pages)}" in page.footer.text
        assert page.footer.text.startswith("Mode: extractive")
    text = "\n".join(p.description for p in pages)
    assert text.count("Chapter ") == 12 and "**Patience beats thrust.**" in text


def test_episode_pages_and_choice_names():
    metas = [EpisodeMeta(episode_id=f"ep-{i:03d}", title=f"Episode {i} " + "long title " * 20, source="x",
                         duration=3600 + i, guest="Guest Person") for i in range(23)]
    pages = render.episode_pages(metas)
    assert len(pages) == 3 and pages[0].description.count("`ep-") == 10
    assert pages[0].title == "Episodes in the library (23)"
    name = render.episode_choice_name(metas[0])
    assert len(name) <= 100 and name.endswith("(ep-000)")
    assert render.episode_pages([])[0].description.startswith("No episodes yet")


def test_pack_embeds_respects_6000_and_10():
    embeds = [discord.Embed(description="x" * 2500) for _ in range(5)] + \
             [discord.Embed(description="y") for _ in range(15)]
    messages = render.pack_embeds(embeds)
    assert all(render.limit_problems(m) == [] for m in messages)
    assert sum(len(m.embeds) for m in messages) == 20


def test_notice_is_short_and_safe():
    text = render.notice("@everyone " + "z" * 5000)
    assert len(text) <= 2000 and text.startswith("@\u200beveryone")


def test_extractive_answer_shows_its_passages_once_as_block_quotes():
    c1, c2 = citation(), citation("Rivers are slower teachers.", start=22.5)
    body = f"Here is what was said in Rockets and Rivers:\n[1] (0:14–0:22) “{c1.text}”"
    answer = Answer(question="q?", answer=body, abstained=False, mode="extractive", citations=[c1, c2])
    [message] = render.render_answer(answer)
    main, sources = message.embeds
    lead, block = main.description.split("\n\n")
    assert lead == "Here is what was said in Rockets and Rivers:"
    head, quote = block.split("\n", 1)
    assert head == "**[1]** *Rockets and Rivers* · [0:14](<https://podcast.example/rockets#t=14>)"
    assert unescape(quote[2:]) == DANGEROUS
    assert sources.description.splitlines() == [
        "**[1]** *Rockets and Rivers* · [0:14](<https://podcast.example/rockets#t=14>)",
        "**[2]** *Rockets and Rivers* · [0:22](<https://podcast.example/rockets#t=22>)"]

    # anything not in that exact shape is shown as the engine wrote it, with full sources
    odd = answer.model_copy(update={"answer": body.replace("“", '"')})
    [message] = render.render_answer(odd)
    assert message.embeds[0].description.startswith("Here is what was said")
    assert "> " in message.embeds[1].description


def test_a_loose_match_says_so():
    """A match just over the bar is verbatim but may not be the listener's line (most lines of other episodes that
    pass score there): the footer asks them to check it; a close match does not."""
    from bot.quotes.scoring import LOOSE, THRESHOLD

    def footer_for(score):
        match = QuoteMatch(episode_id="rockets", title="Rockets and Rivers", start=14.5, end=22, text=DANGEROUS,
                           score=score)
        [message] = render.render_quotes(QuoteResult(query="rivers", matches=[match]))
        return message.embeds[-1].footer.text

    assert footer_for((THRESHOLD + LOOSE) / 2) == ("Verbatim from the transcript · "
                                                   "a loose match: check it is the line you mean")
    assert footer_for(0.9) == "Verbatim from the transcript"


def test_a_quoted_passage_keeps_its_number_in_the_sources_when_one_before_it_is_not_quoted():
    """Corpus-wide, the citations are in ranked order, not score order (the tile re-rank): the second may be too
    weak to quote while the third is quoted. The answer's "[3]" must name the third source, in the text, the JSON
    and Discord's block quotes alike (it had been renumbered "[2]", which named another episode's passage)."""
    from bot.ask.extractive import compose

    cites = [citation("First, the best.", start=10.0), citation("Second, too weak.", start=60.0),
             citation("Third, close enough.", start=120.0)]
    body = compose(cites, [0.10, 0.05, 0.09])
    assert body.splitlines()[1:] == ["[1] (0:10–0:17) “First, the best.”", "[3] (2:00–2:07) “Third, close enough.”"]
    answer = Answer(question="q?", answer=body, abstained=False, mode="extractive", citations=cites)
    [message] = render.render_answer(answer)
    blocks = message.embeds[0].description.split("\n\n")[1:]
    assert [b.split("\n", 1)[0][:7] for b in blocks] == ["**[1]**", "**[3]**"]
    assert "Third, close enough." in blocks[1]
