"""Ingesting from Discord: which sources are allowed, and progress reported back into the chat.

Discord users are not the bot's host, so /ingest accepts YouTube links (or video ids) and transcript
files only from the configured inbox folders (`ingest_roots`, default `<data dir>/inbox`); a path
anywhere else is refused without saying whether it exists.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import discord

from bot.discord import render
from ingest.errors import BadSourceURL, PodbotError, SourceError
from ingest.models import IngestResult
from ingest.pipeline import SourceRef, load_transcript, resolve_source
from ingest.sources.youtube import looks_like_youtube, parse_video_id

log = logging.getLogger("podbot.discord")

Report = Callable[[str], Awaitable[None]]
MAX_SOURCES = 25
PROGRESS_EVERY = 2.0         # seconds between progress edits (Discord rate-limits message edits)


def progress_reporter(interaction: discord.Interaction) -> Report:
    """Progress as edits of the interaction's deferred response (ephemeral or public, as deferred)."""

    async def report(text: str) -> None:
        await interaction.edit_original_response(content=render.notice(text),
                                                 allowed_mentions=discord.AllowedMentions.none())

    return report


def youtube_video_id(text: str) -> str | None:
    """The video id of a YouTube *link* (bare 11-character strings are left to episode lookup)."""
    text = text.strip().strip("<>")
    if "youtu" not in text.lower():
        return None
    return parse_video_id(text)


def gate_source(source: str, roots: list[Path]) -> list[SourceRef]:
    """The sources a Discord user may ingest: a YouTube video (link or id), or transcripts inside `roots`."""
    text = source.strip().strip("<>").strip()
    if not text:
        raise SourceError("give me a YouTube link (or a transcript file name from the bot's inbox folder)")
    if parse_video_id(text):
        return [SourceRef("youtube", text)]
    if looks_like_youtube(text):
        raise BadSourceURL(f"{text[:100]!r} is a YouTube link without a video in it (playlists and channels "
                           "are not supported); use a video link like https://youtu.be/VIDEO_ID")
    if "://" in text or text.startswith("www."):
        raise BadSourceURL(f"{text[:100]!r} is not a YouTube video link")
    path = Path(text).expanduser()
    candidates = [path] if path.is_absolute() else [root / path for root in roots]
    resolved_roots = [root.resolve() for root in roots]
    for candidate in candidates:
        real = candidate.resolve()
        inside = any(real == root or root in real.parents for root in resolved_roots)
        if inside and real.exists():
            return resolve_source(str(real))
    raise SourceError(f"{text[:100]!r} is not a YouTube link, and there is no such transcript in the bot's "
                      f"inbox folder (only YouTube links and inbox files can be ingested from Discord)")


class ThreadProgress:
    """The ingestor's (done, total) callback, called in a worker thread; posts throttled updates."""

    def __init__(self, loop: asyncio.AbstractEventLoop, report: Report, label: str):
        self.loop = loop
        self.report = report
        self.label = label
        self._last = float("-inf")

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < PROGRESS_EVERY:
            return
        self._last = now
        future = asyncio.run_coroutine_threadsafe(self.report(f"{self.label}: embedded {done}/{total} chunks…"),
                                                  self.loop)
        try:
            future.result(timeout=15)
        except Exception as exc:                    # progress is best effort; the ingest goes on
            log.debug("progress update failed: %s", exc)


def describe_result(result: IngestResult) -> str:
    if result.status == "failed":
        return f"❌ `{result.episode_id[:100]}`: {result.message}"
    verb = {"added": "Added", "replaced": "Updated", "unchanged": "Already up to date:"}[result.status]
    return f"✅ {verb} `{result.episode_id}` — {result.title} ({result.chunks} chunks, {result.sentences} sentences)"


async def ingest(bot, source: str, report: Report) -> list[IngestResult]:
    """Ingest every transcript `source` stands for, reporting progress; refreshes the library after."""
    app = bot.app
    refs = await asyncio.to_thread(gate_source, source, bot.ingest_roots)
    if len(refs) > MAX_SOURCES:
        raise SourceError(f"that is {len(refs)} transcripts; ingest at most {MAX_SOURCES} at a time from Discord")
    loop = asyncio.get_running_loop()
    results: list[IngestResult] = []
    if bot.ingest_lock.locked():
        await report("Another ingest is running; yours starts as soon as it finishes…")
    async with bot.ingest_lock:
        for n, ref in enumerate(refs, start=1):
            label = f"[{n}/{len(refs)}] `{Path(ref.value).name if ref.kind == 'file' else ref.value}`"
            await report(f"{label}: fetching the transcript…")
            try:
                transcript = await asyncio.to_thread(load_transcript, ref, app.settings)
                await report(f"{label}: {transcript.meta.title} — embedding…")
                result = await asyncio.to_thread(app.ingestor.ingest, transcript,
                                                 ThreadProgress(loop, report, label))
            except PodbotError as exc:
                if len(refs) == 1:
                    raise
                result = IngestResult(ref.value, "", "failed", message=exc.message)
            results.append(result)
        await asyncio.to_thread(refresh_library, app)
    log.info("ingest of %s: %s", source[:200], ", ".join(f"{r.episode_id}={r.status}" for r in results))
    return results


def refresh_library(app) -> None:
    try:
        app.library.refresh(force=True)
    except TypeError:                                # a library without the `force` knob
        app.library.refresh()
