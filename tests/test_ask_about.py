"""Questions about an episode itself ("who's the guest?", "what is this episode about?") on real transcripts."""
from __future__ import annotations

import pytest

from bot.ask.about import classify
from bot.ask.engine import AskEngine
from bot.verbatim import verify_quote

EP = "episode_094_large"


@pytest.mark.parametrize("question,kind,name", [
    ("who is the guest?", "guest", None),
    ("Who's on this episode?", "guest", None),
    ("so who is Lex talking to in this one?", "guest", None),
    ("who was this interview with", "guest", None),
    ("Who is Ilya Sutskever?", "guest", "Ilya Sutskever"),
    ("what is this episode about?", "overview", None),
    ("What's the Elon Musk episode about?", "overview", None),
    ("what did they talk about?", "overview", None),
    ("summarize this episode", "overview", None),
    ("give me a tl;dr", "overview", None),
    ("what are the main topics?", "overview", None),
    ("summarize episode 94", "overview", None),
    ("what's #94 about?", "overview", None),
    ("hey, who was on episode 94?", "guest", None),
    ("what are the key takeaways from the Ilya episode?", "overview", None),
    ("episode 94", "overview", None),                  # a bare reference: what is it?
    ("tell me about #94", "overview", None),
])
def test_questions_about_the_episode_are_recognised(question, kind, name):
    asked = classify(question)
    assert asked is not None and asked.kind == kind and asked.name == name


@pytest.mark.parametrize("question", [
    "what did they talk about regarding backpropagation?",
    "what does Ilya think the main topics in AI research should be",
    "who does he consider the most gifted young rapper?",
    "what is deep learning about, according to Ilya?",
    "how did he summarize his argument against symbolic AI?",
    "who was Guido's favorite Dutch author growing up?",
    "what did he say about 10 minutes of exercise?",             # a duration, not a moment
    "what was said about working 16 hours a day",
    "is the answer at 45:00 right?",
    "what about episode 94?",                          # a follow-up: the last question, in that episode
    "in episode 94, what did he say about the Hessian free optimizer?",
])
def test_questions_about_the_content_are_left_to_retrieval(question):
    assert classify(question) is None


@pytest.mark.parametrize("question,at", [
    ("what did he say at 45:00?", 2700), ("what is at 1:02:10", 3730), ("what did Elon say at 3m20s", 200),
    ("what were they talking about around minute 30?", 1800), ("what happens around 12 minutes in?", 720),
    ("what did they discuss at 1 hour 5 minutes?", 3900), ("what did he say at around the 20 minute mark", 1200),
    ("what were they discussing about an hour in?", 3600), ("what's said around the hour mark", 3600),
])
def test_a_moment_named_in_the_question(question, at):
    asked = classify(question)
    assert asked is not None and asked.kind == "moment" and asked.at == at


def assert_verbatim(library, answer):
    for c in answer.citations:
        found = verify_quote(library.text(c.episode_id), c.text)
        assert found is not None and found.text == c.text, c.text
        assert abs(found.start - c.start) < 0.01


def test_who_is_the_guest_cites_the_hosts_introduction(real_app):
    answer = real_app.ask.answer("who's the guest?", episode="94")
    assert not answer.abstained and answer.scope == EP
    [c] = answer.citations
    assert c.text.startswith("The following is a conversation with Ilya") and c.start < 1.0
    assert 10 <= c.end - c.start <= 60
    assert "OpenAI" in c.text                     # what the intro says about him, not just his name
    assert "Sotskever" in answer.answer
    assert_verbatim(real_app.library, answer)


def test_who_is_a_guest_by_name_across_all_episodes(real_app):
    answer = real_app.ask.answer("Who is Ilya Sutskever?")        # the transcript spells it "Sotskever"
    assert answer.citations[0].episode_id == EP
    assert answer.citations[0].text.startswith("The following is a conversation with Ilya")


@pytest.mark.parametrize("question", ["who is James Martens?", "who is Ilya's favourite researcher?",
                                      "who is the most underrated person in deep learning?"])
def test_who_is_someone_else_is_a_question_for_retrieval(real_app, question):
    """'Who is X?' about anyone but a guest is answered from the conversation, not the introduction."""
    answer = real_app.ask.answer(question, episode=EP)
    assert not answer.answer.startswith("The guest")
    assert answer.abstained or answer.citations[0].start > 60


def test_what_is_this_episode_about_walks_the_chapters(real_app):
    answer = real_app.ask.answer("what is this episode about?", episode=EP)
    digest = real_app.summaries.summarize(EP)
    assert not answer.abstained and answer.mode == "extractive" and answer.scope == EP
    assert len(answer.citations) >= 5
    starts = [c.start for c in answer.citations]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)      # one passage per chapter
    for chapter in digest.chapters[1:]:
        assert chapter.title in answer.answer
    for c in answer.citations:                     # each passage lies inside a chapter of the digest
        assert any(ch.start - 0.5 <= c.start < ch.end for ch in digest.chapters)
        assert c.end - c.start <= 60
    assert_verbatim(real_app.library, answer)


@pytest.mark.parametrize("question", ["summarize episode 94", "who was on episode #94?", "episode 94"])
def test_the_episode_can_be_named_in_the_question(real_app, question):
    answer = real_app.ask.answer(question)
    assert answer.scope == EP and not answer.abstained
    assert all(c.episode_id == EP for c in answer.citations)


def test_what_about_another_episode_asks_the_last_question_there(real_app):
    first = real_app.ask.answer("what did he say about the Hessian free optimizer?", episode="18")
    again = real_app.ask.answer("what about episode 94?", history=[first])
    assert again.scope == EP and not again.abstained
    assert any(c.start < 250.46 and c.end > 203.8 for c in again.citations)   # the Martens / Hessian-free passage


def test_what_was_said_at_a_moment(real_app):
    answer = real_app.ask.answer("what were they talking about around minute 30?", episode="94")
    [c] = answer.citations
    assert not answer.abstained and c.episode_id == EP
    assert c.start <= 1800 < c.end and 1800 - c.start <= 20 and c.end - c.start <= 60
    assert_verbatim(real_app.library, answer)
    long_sentences = real_app.ask.answer("what did he say at 45:00?", episode="94")
    assert long_sentences.citations[0].end - long_sentences.citations[0].start <= 60
    late = real_app.ask.answer("what did he say at 3:05:00?", episode="94")
    assert late.abstained and "long" in late.answer and not late.citations


def test_a_time_asked_with_a_topic_is_where_to_look_not_what_to_cite(real_app):
    """"what did he say about reasoning around the 1 hour mark?" asks about reasoning, near 1:00:00 (the listener's
    memory of the time is rough): retrieval favours passages 50-70 minutes in, instead of citing 1:00:00 itself or
    the episode's best passage on reasoning anywhere (43:37)."""
    plain = real_app.ask.answer("what did he say about reasoning?", episode="94")
    hinted = real_app.ask.answer("what did he say about reasoning around the 1 hour mark?", episode="94")
    assert not (3000 <= plain.citations[0].start <= 4200)
    top = hinted.citations[0]
    assert not hinted.abstained and not hinted.answer.startswith("At ") and 3000 <= top.start <= 4200
    assert "reason" in top.text.lower()
    assert_verbatim(real_app.library, hinted)
    named = real_app.ask.answer("what did Ilya say at 45:00?")     # the guest's name is no topic: that moment
    assert named.answer.startswith("At 45:00") and named.citations[0].start <= 2700 < named.citations[0].end


def test_overview_needs_one_episode(real_app):
    """Asked across every episode without naming one, 'what is this episode about?' is not guessed."""
    answer = real_app.ask.answer("what is this episode about?")
    assert answer.abstained and answer.answer.startswith("Which episode do you mean?") and not answer.citations
    assert real_app.ask.answer("who is the guest?").answer.startswith("Which episode")
    engine = AskEngine(real_app.library)            # no digest wired: plain retrieval answers instead
    scoped = engine.answer("what is this episode about?", episode=EP)
    assert "Topics:" not in scoped.answer


def test_with_one_episode_in_the_library_that_is_the_one(hash_app):
    from conftest import lexicap
    from ingest.pipeline import ingest_sources

    [result] = ingest_sources([str(lexicap(18))], hash_app.ingestor, hash_app.settings)
    answer = hash_app.ask.answer("who is the guest?")
    assert not answer.abstained and answer.scope == result.episode_id
    assert answer.citations[0].start < 60
    assert_verbatim(hash_app.library, answer)
