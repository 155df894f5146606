"""An episode's transcript: a `<podcast:transcript>` file (VTT, SRT, JSON, plain text) parsed with podbot's
own file parsers, or the YouTube captions of the entry's video."""
from __future__ import annotations

import hashlib
import json
from pathlib import PurePosixPath
from urllib.parse import urlparse

from ingest.errors import CorruptTranscript, EmptyTranscript, PodbotError, SourceError
from ingest.models import Cue, EpisodeMeta, Transcript
from ingest.sources.files import parse_json, parse_srt, parse_text, parse_vtt, sniff_kind
from ingest.sources.metadata import detect_guest, slugify
from ingest.watch.config import NoTranscriptYet, WatchConfig
from ingest.watch.feeds import TranscriptLink
from ingest.watch.http import http_get, short

# MIME type (lower case, parameters dropped) -> parser suffix; order of preference: timed formats first.
TYPES = {
    "text/vtt": ".vtt",
    "application/x-subrip": ".srt", "application/srt": ".srt", "text/srt": ".srt", "text/x-srt": ".srt",
    "application/x-srt": ".srt",
    "application/json": ".json", "text/json": ".json",
    "text/plain": ".txt",
}
PREFERENCE = {".vtt": 0, ".srt": 1, ".json": 2, ".txt": 3}
PARSERS = {".vtt": parse_vtt, ".srt": parse_srt, ".json": parse_json, ".txt": parse_text}


def _kind_of(link: TranscriptLink) -> str | None:
    mime = link.type.split(";")[0].strip().lower()
    if mime in TYPES:
        return TYPES[mime]
    suffix = PurePosixPath(urlparse(link.url).path).suffix.lower()
    return suffix if suffix in PARSERS else None


def choose_transcripts(links: list[TranscriptLink], languages: list[str]) -> list[tuple[TranscriptLink, str]]:
    """The supported transcript links, best first: wanted language, then timed formats (VTT > SRT > JSON > text)."""
    wanted = [lang.lower() for lang in languages]

    def lang_rank(link: TranscriptLink) -> int:
        if not link.language or not wanted:
            return len(wanted)
        code = link.language.lower()
        for i, w in enumerate(wanted):
            if code == w or code.startswith(w + "-") or w.startswith(code + "-"):
                return i
        return len(wanted) + 1

    usable = [(link, kind) for link in links if (kind := _kind_of(link)) is not None]
    return sorted(usable, key=lambda lk: (lang_rank(lk[0]), PREFERENCE[lk[1]]))


def podcast_json_to_list(text: str) -> str:
    """Podcasting 2.0 JSON (`{"segments": [{"startTime", "endTime", "body", "speaker"}]}`) in the shape
    `parse_json` reads (`[{"text", "start", "end", "speaker"}]`); other JSON passes through unchanged."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return text
    segments = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(segments, list) or not segments or not isinstance(segments[0], dict) \
            or "body" not in segments[0]:
        return text
    out = []
    for seg in segments:
        if not isinstance(seg, dict):
            continue
        item = {"text": seg.get("body", ""), "start": seg.get("startTime", seg.get("start"))}
        if seg.get("endTime") is not None:
            item["end"] = seg["endTime"]
        if seg.get("speaker"):
            item["speaker"] = seg["speaker"]
        out.append(item)
    return json.dumps(out)


def parse_transcript_text(text: str, kind: str | None, label: str) -> tuple[list[Cue], str]:
    """Cues from a downloaded transcript with podbot's file parsers (`label` names it in errors)."""
    path = PurePosixPath(label)
    if kind is None:
        kind = sniff_kind(path, text)                     # type: ignore[arg-type]
    if kind == ".json":
        text = podcast_json_to_list(text)
    return PARSERS[kind](path, text), kind                # type: ignore[arg-type]


def podcast_episode_id(feed_ref: str, key: str, title: str) -> str:
    """A readable, stable episode id for a podcast item: its title slug plus a short hash of feed+guid."""
    digest = hashlib.sha1(f"{feed_ref}\n{key}".encode()).hexdigest()[:6]
    return f"{slugify(title)[:80].strip('-_') or 'episode'}-{digest}"


def download_transcript(link: TranscriptLink, kind: str, config: WatchConfig) -> tuple[list[Cue], str]:
    name = PurePosixPath(urlparse(link.url).path).name or "transcript"
    got = http_get(link.url, config, what=f"transcript {name}", limit=config.max_transcript_bytes,
                   error=SourceError)
    if b"\x00" in got.body[:65536]:
        raise CorruptTranscript(f"transcript {name}: binary data, not a text transcript")
    try:
        text = got.body.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = got.body.decode("latin-1")
    return parse_transcript_text(text, kind, name)


def load_entry_transcript(*, feed_ref: str, key: str, title: str, link: str | None, published: str | None,
                          description: str | None, video_id: str | None, transcripts: list[TranscriptLink],
                          config: WatchConfig) -> Transcript:
    """The transcript of one feed entry; a `SourceError` (e.g. `NoTranscriptYet`, `CaptionsDisabled`) otherwise."""
    settings = config.settings
    languages = list(getattr(settings, "languages", []) or [])
    candidates = choose_transcripts(transcripts, languages)
    first_error: PodbotError | None = None
    for tlink, kind in candidates:
        try:
            cues, kind = download_transcript(tlink, kind, config)
        except PodbotError as exc:
            first_error = first_error or exc
            continue
        if not cues:
            first_error = first_error or EmptyTranscript(f"the transcript of {short(title, 80)!r} has no text")
            continue
        meta = EpisodeMeta(
            episode_id=podcast_episode_id(feed_ref, key, title), title=title,
            source=tlink.url, url=link, language=tlink.language, caption_kind="file",
            duration=max(c.end for c in cues), timed=kind != ".txt", published=published,
            description=description, guest=detect_guest(cues),
        )
        return Transcript(meta=meta, cues=cues)
    if video_id:
        transcript = config.fetcher()(video_id, settings, title=title)
        meta = transcript.meta
        meta.title = title or meta.title
        meta.published = published or meta.published
        meta.description = description or meta.description
        if meta.guest is None:
            meta.guest = detect_guest(transcript.cues)
        return transcript
    if first_error is not None:
        raise first_error
    if transcripts:
        kinds = ", ".join(sorted({t.type or "?" for t in transcripts}))
        raise NoTranscriptYet(f"{short(title, 80)!r} offers transcripts only in formats podbot cannot read ({kinds})")
    raise NoTranscriptYet(f"{short(title, 80)!r} has no transcript yet (no <podcast:transcript> tag and no "
                          f"YouTube video)")
