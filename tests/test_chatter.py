"""A question typed into Discord comes wrapped in chat; podbot answers the question, not the wrapping."""
import pytest

from bot.chatter import asked_part
from tests.conftest import CORE_EPISODES

ILYA = f"episode_{CORE_EPISODES[0]}_large"


@pytest.mark.parametrize("message, question", [
    ("hey podbot, why did that 1997 defeat hurt him so much personally? thx in advance",
     "why did that 1997 defeat hurt him so much personally?"),
    ("<@1122334455667788> @podbot which machine does Guido think could become aware? thanks! 🙏",
     "which machine does Guido think could become aware?"),
    ("Loved this episode!! quick question: why would academics never stay quiet about aliens? pls and ty",
     "Why would academics never stay quiet about aliens?"),
    ("ok so I was listening to this on the train and why did Kasparov move to New York?",
     "why did Kasparov move to New York?"),
    ("So I'm a grad student and this one stuck with me. did Kahneman talk about his feud with Gigerenzer?",
     "Did Kahneman talk about his feud with Gigerenzer?"),
    ("ngl this one got me thinking and which language gives you the most bang for the buck",
     "which language gives you the most bang for the buck"),
    ("just joined the server 👋 what's the most common type of exoplanet found so far? anyone remember?",
     "what's the most common type of exoplanet found so far?"),
    ("yo quick q the bit where she explains why sleep matters for memory I think it was in this episode but not sure",
     "the bit where she explains why sleep matters for memory"),
    ("hey, just finished this one on my run.\nhe had a great point about the hard problem, what was it exactly? :)",
     "he had a great point about the hard problem, what was it exactly?"),
])
def test_the_chat_around_a_question_is_taken_off(message, question):
    assert asked_part(message) == question


@pytest.mark.parametrize("question", [
    "morning routine of jocko?",                              # a greeting word that is the topic
    "yannis first ever standup set panic attack thank you thing",   # "thank you" as what was said
    "why did he quit his job at google and what was it like",
    "just finished the episode with Kotkin. what did he say about the purges?",   # the guest picks the episode
    "he had a nice comparison for the code, something with old media formats. how did it go?",
    "does tull think funding helps, or do you need some scarcity? he had a candy metaphor for it",
    "what does he think about the hey jude song",
    "ok",
])
def test_a_question_without_chat_is_left_as_typed(question):
    assert asked_part(question) == question


def test_a_wrapped_question_is_answered_as_the_bare_one(real_app):
    """Wrapped in chat, questions were refused: the bot's name, "thx" and emoji are words said nowhere, which
    the refusal rules read as the topic the library lacks (stop 36: 47 more wrong refusals over eight sets)."""
    from bot.ask.engine import AskEngine

    engine = AskEngine(real_app.library)
    bare = engine.answer("what does Ilya think about the brain and backpropagation?", ILYA)
    wrapped = engine.answer("hey podbot!! long time lurker, first time posting. what does Ilya think about the "
                            "brain and backpropagation? thx in advance 🙏", ILYA)
    assert not bare.abstained and not wrapped.abstained
    assert [c.start for c in wrapped.citations] == [c.start for c in bare.citations]
    assert wrapped.question == bare.question


@pytest.mark.parametrize("message, reply", [
    ("thanks!", "THANKED"), ("hey podbot, thank you so much 🙏", "THANKED"), ("good bot", "THANKED"),
    ("ok", "NOTED"), ("lol", "NOTED"), ("great episode!", "NOTED"),
    ("hi", "HELLO"), ("hey podbot", "HELLO"), ("help", "HELLO"), ("how does this work?", "HELLO"),
    ("what did he say?", None), ("thanks, and what about his dad?", None), ("ok so what about dogs", None),
    ("this episode was recorded where?", None), ("hey what did he say about dogs", None),
])
def test_a_message_that_is_only_chat_gets_a_word_back(message, reply):
    from bot import chatter

    assert chatter.small_talk(message) == (getattr(chatter, reply) if reply else None)


def test_thanks_after_an_answer_is_not_searched(real_app):
    """A short follow-up leans on the previous question, so "thanks!" in a thread was answered with that
    question's passages again; alone it was answered with passages that say "thank you"."""
    from bot.chatter import THANKED
    from bot.ask.engine import AskEngine

    engine = AskEngine(real_app.library)
    first = engine.answer("what does Ilya think about the brain and backpropagation?", ILYA)
    for history in ([first], None):
        thanks = engine.answer("thanks!", ILYA, history=history)
        assert thanks.answer == THANKED and thanks.citations == [] and thanks.abstained


@pytest.mark.parametrize("question", [
    "why did he say thank you", "what did he say about saying please", "the part where he says cheers",
    "the part where the robot says I love you", "what did he say when asked if anyone",
])
def test_chat_words_inside_the_question_stay(question):
    """Thanks, please and "I ..." close many a chat message, and are words of many a question too."""
    assert asked_part(question) == question


def test_markup_inside_a_remembered_line_stays():
    """Only the "@name" a message opens with addresses someone; "@everyone" or a `code span` inside a line is the
    line's (a /quote search for it found the wrong episode when they were taken out)."""
    line = "crowd shouted **@everyone** look: said `rm -rf /` ~~gone~~ @here"
    assert asked_part(line) == line
    assert asked_part("@podbot @mod what did he say about dogs? 👍🏽 thx") == "what did he say about dogs?"
