"""Where a question places its moment ("near the end", "in the last 20 minutes"): parsed, taken out of the
question, and used as a prior on where the passage lies."""
import pytest

from bot.ask.position import LATE, VERY_EARLY, where_in


@pytest.mark.parametrize("question,rest,span", [
    ("near the end she names some psych concept", "she names some psych concept", (700.0, 1000.0)),
    ("toward the end, does brian think messaging made him closer?", "does brian think messaging made him closer?",
     (700.0, 1000.0)),
    ("At the end, what book does he recommend?", "what book does he recommend?", (700.0, 1000.0)),
    ("at the very start of the episode, the quote", "the quote", (0.0, 120.0)),
    ("halfway through, a story about his dad", "a story about his dad", (300.0, 700.0)),
    ("a story about his dad halfway through the podcast", "a story about his dad", (300.0, 700.0)),
    ("late in the conversation he cries", "he cries", (700.0, 1000.0)),
    ("in the last 2 minutes what book", "what book", (880.0, 1000.0)),
    ("in the first 10 minutes of the podcast, who does he thank?", "who does he thank?", (0.0, 600.0)),
    ("right at the end is he optimistic about young researchers?", "is he optimistic about young researchers?",
     (700.0, 1000.0)),
    ("in the last few minutes what does he recommend?", "what does he recommend?", (700.0, 1000.0)),
    # a time, remembered roughly: MOMENT_SPREAD (10 minutes) either side
    ("around 40 minutes in, the bit about lobsters", "the bit about lobsters", (1800.0, 3000.0)),
    ("about an hour in he talks about his dad, what did he say?", "he talks about his dad, what did he say?",
     (3000.0, 4200.0)),
    ("an hour and a half into the episode what did he say about god", "what did he say about god", (4800.0, 6000.0)),
    ("around the hour mark he mentions a book, which one?", "he mentions a book, which one?", (3000.0, 4200.0)),
    ("around the 1 hour 20 minute mark he talks about chess", "he talks about chess", (4200.0, 5400.0)),
    ("what did he say about lobsters at like 5 minutes in?", "what did he say about lobsters?", (0.0, 900.0)),
    ("what did he say at 45:00?", "what did he say?", (2100.0, 3300.0)),
    ("about half an hour in he mentions mccain, what was that about", "he mentions mccain, what was that about",
     (1200.0, 2400.0)),
])
def test_a_place_in_the_episode_is_read_and_taken_out_of_the_question(question, rest, span):
    where = where_in(question)
    assert where is not None and where.question == rest and where.span(1000.0) == pytest.approx(span)


@pytest.mark.parametrize("question", [
    "what happened at the end of the war?",             # the end of something else
    "what did he say at the start of his career?",
    "two spoken numbers that sound the same at the end?",   # a bare "at the end" only opens a question
    "the movie has a twist right at the end, which one?",
    "what is the end goal of AGI?",
    "in the middle of the night, does he dream?",
    "what happened in the first 10 minutes of the race?",
    "what is near the endless void he describes?",
    "why did he quit halfway through his phd?",
    "he spent about 10 minutes in the sauna, why?",      # durations are no moments
    "around 12 minutes in the sauna what happens",
    "about 10 minutes of exercise a day is enough?",
    "how long is the episode, about 2 hours?",
])
def test_other_ends_and_starts_place_nothing(question):
    assert where_in(question) is None


def test_shares_of_the_episode():
    assert where_in("near the very end, a book").share == (0.85, 1.0) and where_in("near the end, a book").share == LATE
    assert where_in("towards the very beginning he mentions").share == VERY_EARLY



def test_a_short_clock_time_may_mean_hours():
    """"at like 1:15" is 1 min 15 s, or, in an episode long enough, 1 h 15 min: both places are favoured."""
    where = where_in("at like 1:15 he says something about dogs")
    assert where.question == "he says something about dogs"
    assert where.spans(7200.0) == [(0.0, 675.0), (3900.0, 5100.0)]
    assert where.spans(1800.0) == [(0.0, 675.0)]                 # a 30-minute episode has no 1:15:00
    assert where_in("around 12:30, the bit about dogs").spans(7200.0) == [(150.0, 1350.0)]
