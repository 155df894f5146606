"""Prompts for the LLM digest: one map prompt per chapter, one reduce prompt for the episode."""
from __future__ import annotations

from langchain_core.messages import HumanMessage, SystemMessage

MAP_SYSTEM = """You write one chapter of a digest of a podcast episode, for people deciding what to listen to \
and for listeners who want to remember it. You get the machine transcript of one chapter (names may be \
misspelled; "[…]" marks skipped passages).

Return:
- title: a specific chapter title of at most 8 words (what is discussed, not "Discussion" or "Chapter 3").
- summary: 2-3 plain sentences on what is said and argued in this chapter.
- bullets: 3 to 5 key points, each one sentence of at most 25 words.
- ideas: up to 2 ideas worth remembering from this chapter, each a short title and a 1-2 sentence explanation.
- quotes: up to 2 short, striking, self-contained sentences COPIED EXACTLY, word for word, from the \
transcript. Never edit, merge, shorten or invent a quote; return none rather than a paraphrase.

Use only what the transcript says. Do not guess who is speaking."""

MAP_HUMAN = """Episode: {title}
Chapter {number} of {total} ({start}–{end}){creator}

Transcript:
{excerpt}"""

REDUCE_SYSTEM = """You combine chapter notes of one podcast episode into the episode's digest.

Return:
- headline: one line (at most 20 words) saying what the episode is really about.
- at_a_glance: 3 to 5 bullets giving the gist of the whole episode.
- ideas: exactly 5 ideas worth remembering, each with a short title, a 1-2 sentence explanation, and the \
number of the chapter it comes from.
- quotes: 5 quotes chosen from the candidate quotes below, COPIED EXACTLY as given (they are verbatim \
transcript text), each with its chapter number. Prefer short, striking, self-contained ones; never edit one.
- topics: 5 to 8 short topic phrases.

Use only the notes. Do not guess who is speaking."""

REDUCE_HUMAN = """Episode: {title}{guest}

Chapter notes:
{notes}

Candidate quotes (verbatim):
{quotes}"""


def map_messages(**fields) -> list:
    return [SystemMessage(MAP_SYSTEM), HumanMessage(MAP_HUMAN.format(**fields))]


def reduce_messages(**fields) -> list:
    return [SystemMessage(REDUCE_SYSTEM), HumanMessage(REDUCE_HUMAN.format(**fields))]
