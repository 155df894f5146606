"""Transcript files: WebVTT, SRT, youtube-transcript-api JSON, plain text, and folders of them.

Parsing uses webvtt-py and pysrt; a strict pre-scan of the timing lines comes first because both
libraries silently skip a malformed cue, and a user deserves to hear *where* a file is broken.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pysrt
import webvtt

from ingest.errors import CorruptTranscript, EmptyTranscript, SourceError, UnknownFileType
from ingest.models import Cue, EpisodeMeta, Transcript
from ingest.sources.metadata import apply_sidecar, detect_guest, find_sidecar, slugify

TRANSCRIPT_SUFFIXES = {".vtt", ".srt", ".json", ".txt"}
SIDECAR_SUFFIXES = (".meta.json", ".info.json")
MAX_FILE_BYTES = 50 * 1024 * 1024

_TS = r"(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_TIMING = re.compile(rf"^\s*({_TS})\s*-->\s*({_TS})(?:\s.*)?$")
_SPEAKER_PREFIX = re.compile(r"^\s*(?:>>\s*)?([A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}|SPEAKER[ _]?\d+)\s*:\s+(.+)$")
_TAGS = re.compile(r"<[^>]+>")


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIXES)


def expand_paths(path: Path) -> list[Path]:
    """A file stands for itself; a folder for every transcript file in it (sorted, sidecars excluded)."""
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TRANSCRIPT_SUFFIXES
                       and not is_sidecar(p))
        if not found:
            raise SourceError(f"{path}: folder holds no transcript files (.vtt, .srt, .json, .txt)")
        return found
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    return [path]


def _seconds(ts: str) -> float:
    parts = ts.replace(",", ".").split(":")
    value = 0.0
    for part in parts:
        value = value * 60 + float(part)
    return value


def _read_text(path: Path) -> str:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise CorruptTranscript(f"{path}: file is {size / 1e6:.0f} MB; transcripts over "
                                f"{MAX_FILE_BYTES // 2**20} MB are refused")
    raw = path.read_bytes()
    if b"\x00" in raw[:65536]:
        raise CorruptTranscript(f"{path}: binary data, not a text transcript")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CorruptTranscript(f"{path}: not UTF-8 text (bad byte at line {line})") from None


def _prescan_timings(path: Path, text: str) -> None:
    """Fail on the first timing line that does not parse, or whose end precedes its start."""
    for lineno, line in enumerate(text.splitlines(), start=1):
        if "-->" not in line:
            continue
        match = _TIMING.match(line)
        if not match:
            raise CorruptTranscript(f"{path}: line {lineno}: malformed cue timing {line.strip()[:60]!r}")
        if _seconds(match.group(2)) < _seconds(match.group(1)):
            raise CorruptTranscript(f"{path}: line {lineno}: cue ends before it starts {line.strip()[:60]!r}")


def _clean(text: str) -> str:
    return " ".join(_TAGS.sub("", text).split())


def parse_vtt(path: Path, text: str) -> list[Cue]:
    if not text.lstrip().startswith("WEBVTT"):
        raise CorruptTranscript(f"{path}: line 1: missing the WEBVTT header")
    _prescan_timings(path, text)
    try:
        captions = webvtt.from_string(text)
    except (webvtt.errors.MalformedFileError, webvtt.errors.MalformedCaptionError) as exc:
        raise CorruptTranscript(f"{path}: malformed WebVTT ({exc})") from None
    cues = []
    for caption in captions:
        body = _clean(caption.text)
        if body:
            cues.append(Cue(_seconds(caption.start), _seconds(caption.end), body,
                            getattr(caption, "voice", None) or None))
    return cues


def parse_srt(path: Path, text: str) -> list[Cue]:
    _prescan_timings(path, text)
    try:
        items = pysrt.from_string(text, error_handling=pysrt.ERROR_RAISE)
    except pysrt.Error as exc:
        raise CorruptTranscript(f"{path}: malformed SRT ({str(exc).splitlines()[0][:80]})") from None
    cues = []
    for item in items:
        body = _clean(item.text)
        speaker = None
        match = _SPEAKER_PREFIX.match(body)
        if match:
            speaker, body = match.group(1), match.group(2)
        if body:
            cues.append(Cue(item.start.ordinal / 1000, item.end.ordinal / 1000, body, speaker))
    return cues


def parse_json(path: Path, text: str) -> list[Cue]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CorruptTranscript(f"{path}: line {exc.lineno}: invalid JSON ({exc.msg})") from None
    if isinstance(data, dict):
        data = data.get("snippets") or data.get("transcript") or data.get("segments")
    if not isinstance(data, list):
        raise CorruptTranscript(f"{path}: expected a JSON list of {{\"text\", \"start\", \"duration\"}} items")
    cues = []
    for i, item in enumerate(data):
        try:
            start = float(item["start"])
            end = float(item["end"]) if "end" in item else start + float(item.get("duration", 0.0))
            body = _clean(str(item["text"]))
        except (KeyError, TypeError, ValueError):
            raise CorruptTranscript(f"{path}: item {i}: needs \"text\" and a numeric \"start\"") from None
        if end < start:
            raise CorruptTranscript(f"{path}: item {i}: ends before it starts")
        if body:
            cues.append(Cue(start, end, body, item.get("speaker") or None))
    cues.sort(key=lambda c: c.start)
    # youtube-transcript-api durations are "time on screen" and overlap the next snippet.
    return [Cue(c.start, min(c.end, nxt.start) if nxt.start >= c.start else c.end, c.text, c.speaker)
            for c, nxt in zip(cues, cues[1:])] + cues[-1:]


def parse_text(path: Path, text: str) -> list[Cue]:
    """Plain text has no times: each paragraph becomes a cue positioned by its word offset."""
    cues, position = [], 0.0
    for block in re.split(r"\n\s*\n|\n(?=[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}: )", text):
        body = " ".join(block.split())
        if not body:
            continue
        speaker = None
        match = _SPEAKER_PREFIX.match(body)
        if match:
            speaker, body = match.group(1), match.group(2)
        words = len(body.split())
        cues.append(Cue(position, position + words, body, speaker))
        position += words
    return cues


_PARSERS = {".vtt": parse_vtt, ".srt": parse_srt, ".json": parse_json, ".txt": parse_text}


def sniff_kind(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix in _PARSERS:
        return suffix
    head = text.lstrip()[:200]
    if head.startswith("WEBVTT"):
        return ".vtt"
    if head[:1] in "[{":
        return ".json"
    if re.match(r"\d+\s*\n\s*" + _TS, head):
        return ".srt"
    raise UnknownFileType(f"{path}: unknown transcript type {suffix or '(no extension)'!r}; "
                          "use .vtt, .srt, .json (youtube-transcript-api) or .txt")


def load_file(path: Path, *, title: str | None = None, url: str | None = None) -> Transcript:
    """Parse one transcript file (plus its sidecar metadata) into a Transcript."""
    text = _read_text(path)
    kind = sniff_kind(path, text)
    cues = _PARSERS[kind](path, text)
    if not cues:
        raise EmptyTranscript(f"{path}: transcript has no text")
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    meta = EpisodeMeta(
        episode_id=slugify(stem),
        title=title or stem,
        source=str(path),
        caption_kind="file",
        duration=max(c.end for c in cues),
        timed=kind != ".txt",
        guest=detect_guest(cues),
    )
    sidecar = find_sidecar(path)
    if sidecar is not None:
        meta = apply_sidecar(meta, sidecar)
    if url:
        meta = apply_sidecar(meta, {"url": url}, source="--url")
    if title:
        meta.title = title
    elif meta.title == stem and meta.guest:
        meta.title = f"{stem.replace('_', ' ').replace('-', ' ').strip()} — {meta.guest}"
    return Transcript(meta=meta, cues=cues)
