"""Pure renderers: engine results -> Discord messages that stay inside every Discord limit.

Nothing here does I/O. Each function takes a typed result (`Answer`, `QuoteResult`, `Summary`, episodes)
and returns `Outgoing` messages (or one-embed pages for the paginator). discord.py does not check
Discord's limits client-side, so every piece of text is measured and split here:

- long prose is split at paragraph, then line, then sentence, then word boundaries (never mid-word
  unless a single "word" is longer than a whole embed);
- verbatim transcript text is shown as `> ` block quotes with `[mm:ss](<url>)` links (the angle
  brackets suppress link previews); the words themselves are never changed: Discord markdown is
  escaped with backslashes and mentions are defused with a zero-width space, nothing else;
- embeds are packed into messages so that no message carries more than 10 embeds or 6000 characters.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import discord

from bot.models import Answer, Citation, QuoteMatch, QuoteResult, Summary
from bot.quotes.scoring import LOOSE
from bot.timefmt import clock
from ingest.models import EpisodeMeta

# --- Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits) ---
CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELD_COUNT_LIMIT = 25
FOOTER_LIMIT = 2048
AUTHOR_LIMIT = 256
EMBED_TOTAL_LIMIT = 6000          # per message, summed over all of its embeds
EMBEDS_PER_MESSAGE = 10
THREAD_NAME_LIMIT = 100
CHOICE_LIMIT = 100                # autocomplete choice name and value

# What we aim for when we build descriptions ourselves: below the hard limit, so a title and a footer
# always fit next to a full description within one message's 6000.
DESCRIPTION_BUDGET = 4000
EPISODES_PER_PAGE = 10

ANSWER_COLOUR = discord.Colour.blurple()
ABSTAIN_COLOUR = discord.Colour.greyple()
SOURCES_COLOUR = discord.Colour.dark_grey()
QUOTE_COLOUR = discord.Colour.gold()
SUMMARY_COLOUR = discord.Colour.teal()
LIST_COLOUR = discord.Colour.blurple()
ERROR_COLOUR = discord.Colour.red()

SOURCES_TITLE = "Sources"
MODE_LABELS = {"extractive": "extractive (transcript passages)", "llm": "LLM (grounded in the transcript)"}


@dataclass
class Outgoing:
    """One message to send: optional content plus up to 10 embeds."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)

    def kwargs(self) -> dict:
        out: dict = {"embeds": self.embeds}
        if self.content:
            out["content"] = self.content
        return out


# --------------------------------------------------------------------------------------------------
# Escaping
# --------------------------------------------------------------------------------------------------
_MENTION = re.compile(r"@(?=everyone|here|[!&]?\d)", re.IGNORECASE)
_SAFE_URL = re.compile(r"^https?://[^\s<>()\[\]]+$")


def escape_mentions(text: str) -> str:
    """Defuse @everyone, @here, <@id>, <@!id> and <@&id> with a zero-width space after the `@`.

    Belt and braces: every message is also sent with AllowedMentions.none(), so nothing would ping anyway;
    this also keeps the text from *looking* like a ping.
    """
    return _MENTION.sub("@\u200b", text)


def escape_text(text: str) -> str:
    """Transcript or metadata text shown literally: markdown escaped, mentions defused, words unchanged."""
    return escape_mentions(discord.utils.escape_markdown(text))


def prose(text: str, mode: str) -> str:
    """Engine prose: an LLM may use markdown on purpose; extractive text is transcript text, shown literally."""
    return escape_mentions(text) if mode == "llm" else escape_text(text)


def truncate(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def safe_url(url: str | None) -> str | None:
    return url if url and _SAFE_URL.match(url) else None


def timestamp(seconds: float, url: str | None) -> str:
    """`[mm:ss](<url>)`: a clickable time that opens the episode there, without a link preview."""
    label = clock(seconds)
    link = safe_url(url)
    return f"[{label}](<{link}>)" if link else f"`{label}`"


def block_quote(text: str) -> str:
    """A verbatim passage as a Discord block quote (every line prefixed, so nothing escapes the quote)."""
    lines = escape_text(text).splitlines() or [""]
    return "\n".join(f"> {line}" if line.strip() else ">" for line in lines)


# --------------------------------------------------------------------------------------------------
# Splitting
# --------------------------------------------------------------------------------------------------
_LEVELS = [
    re.compile(r"(\n[ \t]*\n\s*)"),                     # paragraphs
    re.compile(r"(\n)"),                                # lines
    re.compile(r"((?<=[.!?…])[\"'”’)\]]*\s+)"),         # sentences
    re.compile(r"(\s+)"),                               # words
]


def split_text(text: str, limit: int) -> list[str]:
    """Split `text` into pieces of at most `limit` characters at the most natural boundary available.

    Joining the pieces with whitespace gives back the text (only whitespace at the cut points is dropped).
    """
    text = text.strip()
    if not text:
        return []
    return [piece for piece in _split(text, limit, 0) if piece]


def _split(text: str, limit: int, level: int) -> list[str]:
    if len(text) <= limit:
        return [text]
    if level >= len(_LEVELS):
        return [text[i:i + limit] for i in range(0, len(text), limit)]
    parts = _LEVELS[level].split(text)           # [piece, sep, piece, sep, ..., piece]
    out: list[str] = []
    current = ""
    for i in range(0, len(parts), 2):
        piece = parts[i]
        sep = parts[i - 1] if i > 0 else ""
        if not piece:
            continue
        candidate = f"{current}{sep}{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            out.append(current.strip())
        if len(piece) <= limit:
            current = piece
        else:
            pieces = _split(piece, limit, level + 1)
            out.extend(p.strip() for p in pieces[:-1])
            current = pieces[-1]
    if current.strip():
        out.append(current.strip())
    return out


def pack_blocks(blocks: Iterable[str], limit: int = DESCRIPTION_BUDGET, sep: str = "\n\n",
                max_blocks: int | None = None) -> list[str]:
    """Greedily pack whole blocks into descriptions of at most `limit` characters.

    A block longer than `limit` is split on its own (a block quote's pieces each stay block quotes).
    """
    pieces = [piece for block in blocks for piece in _fit_block(block, limit)]
    return _greedy(pieces, limit, sep, max_blocks)


def _greedy(pieces: Iterable[str], limit: int, sep: str, max_items: int | None = None) -> list[str]:
    out: list[str] = []
    current: list[str] = []
    size = 0
    for piece in pieces:
        extra = len(piece) + (len(sep) if current else 0)
        if current and (size + extra > limit or (max_items and len(current) >= max_items)):
            out.append(sep.join(current))
            current, size, extra = [], 0, len(piece)
        current.append(piece)
        size += extra
    if current:
        out.append(sep.join(current))
    return out


def _fit_block(block: str, limit: int) -> list[str]:
    if len(block) <= limit:
        return [block]
    runs: list[tuple[bool, list[str]]] = []          # consecutive quoted / plain lines
    for line in block.split("\n"):
        quoted = line.startswith(">")
        if runs and runs[-1][0] == quoted:
            runs[-1][1].append(line)
        else:
            runs.append((quoted, [line]))
    pieces: list[str] = []
    for quoted, lines in runs:
        if not quoted:
            pieces.extend(split_text("\n".join(lines), limit))
            continue
        body = "\n".join(ln[2:] if ln.startswith("> ") else ln[1:] for ln in lines)
        for part in split_text(body, limit - 2):
            pieces.append("\n".join(f"> {ln}" if ln.strip() else ">" for ln in part.split("\n")))
    return _greedy(pieces, limit, "\n")


def pack_embeds(embeds: Sequence[discord.Embed]) -> list[Outgoing]:
    """Put embeds into as few messages as possible: at most 10 and 6000 characters per message."""
    out: list[Outgoing] = []
    current: list[discord.Embed] = []
    size = 0
    for embed in embeds:
        n = len(embed)
        if current and (size + n > EMBED_TOTAL_LIMIT or len(current) >= EMBEDS_PER_MESSAGE):
            out.append(Outgoing(embeds=current))
            current, size = [], 0
        current.append(embed)
        size += n
    if current:
        out.append(Outgoing(embeds=current))
    return out


def footer(*parts: str | None) -> str:
    return truncate(" · ".join(p for p in parts if p), FOOTER_LIMIT)


def mode_label(mode: str) -> str:
    return f"Mode: {MODE_LABELS.get(mode, mode)}"


# --------------------------------------------------------------------------------------------------
# Answers
# --------------------------------------------------------------------------------------------------
def citation_block(n: int, c: Citation | QuoteMatch) -> str:
    head = f"**[{n}]** *{escape_text(truncate(c.title, 200))}* · {timestamp(c.start, c.url)}"
    if c.speaker:
        head += f" · {escape_text(truncate(c.speaker, 80))}"
    return f"{head}\n{block_quote(c.text)}"


_PASSAGE_LINE = re.compile(r"^\[(\d+)\] \(([^)]*)\) “(.*)”$")


def extractive_body(answer: Answer) -> str | None:
    """An extractive answer ("lead line" + "[n] (time) “passage”" lines) with each passage as a block quote
    under a numbered, linked header; None when the text is not in that shape (then it is shown as is)."""
    lines = answer.answer.strip().split("\n")
    if answer.mode != "extractive" or len(lines) < 2 or not answer.citations:
        return None
    blocks = [escape_text(lines[0])] if lines[0].strip() else []
    for line in lines[1:]:
        match = _PASSAGE_LINE.match(line.strip())
        if not match:
            return None
        n = int(match.group(1))
        if not 1 <= n <= len(answer.citations) or answer.citations[n - 1].text != match.group(3):
            return None
        blocks.append(citation_block(n, answer.citations[n - 1]))
    return "\n\n".join(blocks)


def source_line(n: int, c: Citation) -> str:
    line = f"**[{n}]** *{escape_text(truncate(c.title, 200))}* · {timestamp(c.start, c.url)}"
    return line + (f" · {escape_text(truncate(c.speaker, 80))}" if c.speaker else "")


def render_answer(answer: Answer) -> list[Outgoing]:
    """An answer embed (split if long), a numbered "Sources" embed, the mode in the last footer.

    Passages quoted in an extractive answer are shown once, as block quotes in the answer, and the
    sources list then only links them; otherwise the sources carry the verbatim passages.
    """
    quoted = extractive_body(answer)
    body = quoted or prose(answer.answer.strip(), answer.mode) or "*(no answer)*"
    colour = ABSTAIN_COLOUR if answer.abstained else ANSWER_COLOUR
    parts = pack_blocks(body.split("\n\n")) if quoted else split_text(body, DESCRIPTION_BUDGET)
    title = truncate(escape_mentions(answer.question), TITLE_LIMIT) or "Answer"
    embeds = [discord.Embed(title=title if i == 0 else None, description=part, colour=colour)
              for i, part in enumerate(parts)]
    if answer.citations:
        if quoted:        # the answer already shows its passages as block quotes: the list just links
            descs = pack_blocks((source_line(n, c) for n, c in enumerate(answer.citations, start=1)), sep="\n")
        else:
            descs = pack_blocks(citation_block(n, c) for n, c in enumerate(answer.citations, start=1))
        for i, desc in enumerate(descs):
            embeds.append(discord.Embed(title=SOURCES_TITLE if i == 0 else None, description=desc,
                                        colour=SOURCES_COLOUR))
    embeds[-1].set_footer(text=footer(mode_label(answer.mode),
                                      f"Episode: {answer.scope}" if answer.scope else None,
                                      answer.note))
    return pack_embeds(embeds)


_SCOPE = re.compile(r"Episode: (\S+)")


def parse_turns(embeds: Sequence[discord.Embed]) -> list[tuple[str, str, str | None]]:
    """(question, answer, episode scope) turns read back from answer embeds rendered by `render_answer`.

    The fallback memory of a conversation when the bot restarted: its own messages carry each question
    (the title) and each answer (the descriptions). Sources and quote embeds are skipped.
    """
    turns: list[list] = []
    open_turn = False
    for e in embeds:
        colour = e.colour.value if e.colour else None
        is_answer = colour in (ANSWER_COLOUR.value, ABSTAIN_COLOUR.value)
        if is_answer and e.title:
            turns.append([e.title, e.description or "", None])
            open_turn = True
        elif is_answer and open_turn and not e.title:
            turns[-1][1] += "\n\n" + (e.description or "")
        else:
            open_turn = False
        text = e.footer.text if e.footer and e.footer.text else ""
        match = _SCOPE.search(text)
        if match and turns:
            turns[-1][2] = match.group(1)
    return [(_unescape(q), _unescape(a), s) for q, a, s in turns]


def _unescape(text: str) -> str:
    return re.sub(r"\\([_\\~|*`>#\[\]-])", r"\1", text).replace("@\u200b", "@")


# --------------------------------------------------------------------------------------------------
# Quotes
# --------------------------------------------------------------------------------------------------
def render_quotes(result: QuoteResult) -> list[Outgoing]:
    title = truncate(f"Quotes: “{escape_mentions(result.query)}”", TITLE_LIMIT)
    scope = f"Episode: {result.scope}" if result.scope else None
    if not result.matches:
        where = f"episode `{escape_text(result.scope)}`" if result.scope else "any episode"
        description = result.note or (f"I couldn't find those words in {where}. Quotes are matched against the "
                                      "transcript word for word, so try a shorter or more distinctive phrase, or "
                                      "`/ask` about the topic instead.")
        if result.nearest is not None:
            nearest = ("\n\nThe line closest in meaning — not those words, so check it is the one you mean:\n"
                       + citation_block(1, result.nearest))
            if len(description) + len(nearest) <= DESCRIPTION_LIMIT:     # whole, or not at all: it is verbatim
                description += nearest
        embed = discord.Embed(title=title, colour=ABSTAIN_COLOUR, description=description)
        embed.set_footer(text=footer("No verbatim match", scope))
        return [Outgoing(embeds=[embed])]
    blocks = [citation_block(n, m) for n, m in enumerate(result.matches, start=1)]
    embeds = [discord.Embed(title=title if i == 0 else None, description=desc, colour=QUOTE_COLOUR)
              for i, desc in enumerate(pack_blocks(blocks))]
    loose = result.matches[0].score < LOOSE       # verbatim still, but maybe not the line the listener means
    embeds[-1].set_footer(text=footer("Verbatim from the transcript",
                                      "a loose match: check it is the line you mean" if loose else None, scope))
    return pack_embeds(embeds)


# --------------------------------------------------------------------------------------------------
# Summaries (pages for the paginator)
# --------------------------------------------------------------------------------------------------
def summary_pages(summary: Summary) -> list[discord.Embed]:
    mode = summary.mode
    name = escape_mentions(summary.title)
    sections: list[tuple[str, list[str]]] = []

    overview = [f"**{prose(summary.headline, mode)}**"] if summary.headline.strip() else []
    if summary.at_a_glance:
        overview.append("**At a glance**\n" + "\n".join(f"• {prose(x, mode)}" for x in summary.at_a_glance))
    if summary.topics:
        overview.append("**Topics:** " + ", ".join(escape_text(t) for t in summary.topics))
    sections.append(("Overview", overview or ["*(no overview)*"]))

    if summary.ideas:
        sections.append(("Key ideas", [
            f"**{n}. {prose(i.title, mode)}** · {timestamp(i.start, i.url)}\n{prose(i.explanation, mode)}"
            for n, i in enumerate(summary.ideas, start=1)]))
    if summary.quotes:
        sections.append(("Quotes", [
            f"{block_quote(q.text)}\n— " + " · ".join(x for x in (
                escape_text(q.speaker) if q.speaker else None, timestamp(q.start, q.url)) if x)
            for q in summary.quotes]))
    if summary.chapters:
        sections.append(("Chapters", [
            "\n".join([f"{timestamp(c.start, c.url)} **{prose(c.title, mode)}**",
                       *( [prose(c.summary, mode)] if c.summary.strip() else []),
                       *(f"• {prose(b, mode)}" for b in c.bullets)])
            for c in summary.chapters]))

    pages: list[tuple[str, str]] = []
    for section, blocks in sections:
        for desc in pack_blocks(blocks):
            pages.append((section, desc))
    url = safe_url(summary.url)
    embeds = []
    for n, (section, desc) in enumerate(pages, start=1):
        embed = discord.Embed(title=truncate(f"{name} — {section}", TITLE_LIMIT), description=desc,
                              colour=SUMMARY_COLOUR, url=url)
        embed.set_footer(text=footer(mode_label(mode), f"Page {n}/{len(pages)}", summary.note))
        embeds.append(embed)
    return embeds


# --------------------------------------------------------------------------------------------------
# Episodes
# --------------------------------------------------------------------------------------------------
def episode_line(meta: EpisodeMeta) -> str:
    bits = [f"`{escape_mentions(meta.episode_id)}`"]
    if meta.duration:
        bits.append(clock(meta.duration))
    if meta.guest:
        bits.append(escape_text(truncate(meta.guest, 80)))
    if meta.published:
        bits.append(escape_text(meta.published))
    return f"**{escape_text(truncate(meta.title, 200))}**\n" + " · ".join(bits)


def episode_pages(episodes: Sequence[EpisodeMeta]) -> list[discord.Embed]:
    title = f"Episodes in the library ({len(episodes)})"
    if not episodes:
        embed = discord.Embed(title="Episodes in the library", colour=LIST_COLOUR,
                              description="No episodes yet. Someone with Manage Server can add one with "
                                          "`/ingest` and a YouTube link.")
        return [embed]
    descs = pack_blocks((episode_line(m) for m in episodes), max_blocks=EPISODES_PER_PAGE)
    embeds = []
    for n, desc in enumerate(descs, start=1):
        embed = discord.Embed(title=title, description=desc, colour=LIST_COLOUR)
        embed.set_footer(text=footer(f"Page {n}/{len(descs)}", "Use an id with /ask, /quote or /summary"))
        embeds.append(embed)
    return embeds


def episode_choice_name(meta: EpisodeMeta) -> str:
    """An autocomplete label: title — guest (id), at most 100 characters."""
    suffix = f" ({meta.episode_id})"
    label = meta.title + (f" — {meta.guest}" if meta.guest and meta.guest not in meta.title else "")
    if len(suffix) > CHOICE_LIMIT // 2:
        suffix = ""
    return truncate(label, CHOICE_LIMIT - len(suffix)) + suffix


# --------------------------------------------------------------------------------------------------
# Plain notices and a self-check used by tests
# --------------------------------------------------------------------------------------------------
def notice(text: str) -> str:
    """A short plain-text message (errors, refusals, progress), mentions defused, within 2000 characters."""
    text = escape_mentions(text.strip())
    return text if len(text) <= CONTENT_LIMIT else text[: CONTENT_LIMIT - 1] + "…"


def thread_name(question: str) -> str:
    name = truncate(question.replace("\n", " "), THREAD_NAME_LIMIT - 2)
    return name or "podbot"


def limit_problems(message: Outgoing) -> list[str]:
    """Every Discord limit an outgoing message breaks (empty when it is valid)."""
    problems = []
    if message.content and len(message.content) > CONTENT_LIMIT:
        problems.append(f"content {len(message.content)} > {CONTENT_LIMIT}")
    if len(message.embeds) > EMBEDS_PER_MESSAGE:
        problems.append(f"{len(message.embeds)} embeds > {EMBEDS_PER_MESSAGE}")
    total = sum(len(e) for e in message.embeds)
    if total > EMBED_TOTAL_LIMIT:
        problems.append(f"embeds total {total} > {EMBED_TOTAL_LIMIT}")
    for e in message.embeds:
        if e.title and len(e.title) > TITLE_LIMIT:
            problems.append(f"title {len(e.title)}")
        if e.description and len(e.description) > DESCRIPTION_LIMIT:
            problems.append(f"description {len(e.description)}")
        if len(e.fields) > FIELD_COUNT_LIMIT:
            problems.append(f"{len(e.fields)} fields")
        for f in e.fields:
            if len(f.name or "") > FIELD_NAME_LIMIT or len(f.value or "") > FIELD_VALUE_LIMIT:
                problems.append("field too long")
        if e.footer and e.footer.text and len(e.footer.text) > FOOTER_LIMIT:
            problems.append("footer too long")
    return problems
