"""Transcript files: WebVTT, SRT, youtube-transcript-api JSON, plain text, and folders of them.

Parsing uses webvtt-py and pysrt; a strict pre-scan of the timing lines comes first because both
libraries silently skip a malformed cue, and a user deserves to hear *where* a file is broken.
"""
from __future__ import annotations

import html
import json
import logging
import re
from dataclasses import replace
from pathlib import Path

import pysrt
import webvtt

from ingest.errors import CorruptTranscript, EmptyTranscript, SourceError, UnknownFileType
from ingest.models import Cue, EpisodeMeta, Transcript
from ingest.sources.annotations import split_turns, without_sounds
from ingest.sources.metadata import (apply_sidecar, detect_guest, find_sidecar, guest_from_title, slugify,
                                     title_from_stem)

log = logging.getLogger(__name__)

TRANSCRIPT_SUFFIXES = {".vtt", ".srt", ".json", ".txt"}
SIDECAR_SUFFIXES = (".meta.json", ".info.json")
MAX_FILE_BYTES = 50 * 1024 * 1024

_TS = r"(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_TIMING = re.compile(rf"^\s*({_TS})\s*-->\s*({_TS})(?:\s.*)?$")
_TIMING_LIKE = re.compile(rf"^\s*{_TS}\s*\S{{0,4}}\s*{_TS}")     # two timestamps: meant as a timing line
_INLINE_TS = re.compile(r"<\d{1,2}:\d{2}:\d{2}\.\d{3}>")          # YouTube auto-caption word timings
_SPEAKER_PREFIX = re.compile(r"^\s*(?:>>\s*)?([A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}|SPEAKER[ _]?\d+)\s*:\s+(.+)$")
# Markup, not words. Only real WebVTT cue tags are removed — class spans <c.yellow>, <i>, <b>, <u>, <ruby>,
# <rt>, voices <v.loud Jane>, <lang en-US> and timestamps <00:01.000>, plus their closing forms (and SRT's
# <font color=...>) — so transcript text such as "<@123>", "x < y and y > z" or "I <3 this" stays verbatim.
_TAGS = re.compile(
    r"</?(?:c|i|b|u|ruby|rt|font)(?:\.[^\s.<>]+)*>"
    r"|<(?:v|lang)(?:\.[^\s.<>]+)*(?:[ \t][^<>\n]*)?>|</(?:v|lang)>"
    r"|<font\s[^<>\n]*>"
    r"|<(?:\d+:)?\d{2}:\d{2}\.\d{3}>")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")   # "&amp;", not "AT&T"
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200e\u200f\ufeff"))       # zero-width space, &lrm;, &rlm;, BOM


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
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CorruptTranscript(f"{path}: file is {size / 1e6:.0f} MB; transcripts over "
                                    f"{MAX_FILE_BYTES // 2**20} MB are refused")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file or folder") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot read the file ({exc.strerror or type(exc).__name__})") from None
    if b"\x00" in raw[:65536]:
        raise CorruptTranscript(f"{path}: binary data, not a text transcript")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CorruptTranscript(f"{path}: not UTF-8 text (bad byte at line {line})") from None


def _prescan_timings(path: Path, text: str) -> None:
    """Fail on the first timing line that does not parse (naming the line)."""
    for lineno, line in enumerate(text.splitlines(), start=1):
        if "-->" not in line and not _TIMING_LIKE.match(line):
            continue
        match = _TIMING.match(line)
        if not match:
            raise CorruptTranscript(f"{path}: line {lineno}: malformed cue timing {line.strip()[:60]!r}")
        if _seconds(match.group(2)) < _seconds(match.group(1)):
            # Whisper output does this now and then (Lexicap 153, 276): the words are fine, the clock
            # jumped back. Refusing a two-hour episode for it helps nobody; `_monotonic` repairs the times.
            log.warning("%s: line %d: cue ends before it starts %r; times repaired", path, lineno,
                        line.strip()[:60])


def _monotonic(cues: list[Cue]) -> list[Cue]:
    """Cues in source order with start times that never go back and ends never before starts."""
    out: list[Cue] = []
    floor = 0.0
    for cue in cues:
        start = max(cue.start, floor)
        end = max(cue.end, start)
        out.append(cue if (start, end) == (cue.start, cue.end) else replace(cue, start=start, end=end))
        floor = start
    return out


def _clean(text: str) -> str:
    """Cue text without its markup and sound annotations, with character references decoded and whitespace
    collapsed."""
    text = _TAGS.sub("", text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group()), text)
    return without_sounds(" ".join(text.translate(_INVISIBLE).split()))


def parse_vtt(path: Path, text: str) -> list[Cue]:
    if not text.lstrip().startswith("WEBVTT"):
        raise CorruptTranscript(f"{path}: line 1: missing the WEBVTT header")
    _prescan_timings(path, text)
    try:
        captions = webvtt.from_string(text)
    except (webvtt.errors.MalformedFileError, webvtt.errors.MalformedCaptionError) as exc:
        raise CorruptTranscript(f"{path}: malformed WebVTT ({exc})") from None
    rolling = bool(_INLINE_TS.search(text))
    cues: list[Cue] = []
    shown_before: set[str] = set()
    for caption in captions:
        # caption.text would have webvtt-py strip every "<...>" (words included); clean the raw lines here
        lines = [line for line in (_clean(raw) for raw in caption.lines) if line]
        if rolling:
            # YouTube auto-captions roll: each cue repeats the line the previous cue showed (and 10 ms
            # "flash" cues repeat it alone). Keep only the lines the previous cue did not already show.
            lines, shown_before = [line for line in lines if line not in shown_before], set(lines)
        body = " ".join(lines)
        if body:
            cues.append(Cue(_seconds(caption.start), _seconds(caption.end), body,
                            getattr(caption, "voice", None) or None))
    return cues


def parse_srt(path: Path, text: str) -> list[Cue]:
    _prescan_timings(path, text)
    try:
        items = pysrt.from_string(text, error_handling=pysrt.ERROR_RAISE)
    except pysrt.Error as exc:
        # pysrt's args are (index of the block's last line, block text): name the block's first line
        where, block = [*exc.args, None, ""][:2]
        lines = str(block).rstrip("\n").splitlines()
        if isinstance(where, int) and lines:
            at = max(0, min(1, len(lines) - 1)) if lines[0].strip().isdigit() else 0   # skip the cue number
            line = max(1, where - len(lines) + 1 + at)
            raise CorruptTranscript(f"{path}: line {line}: malformed SRT cue, expected a timing line "
                                    f"'HH:MM:SS,mmm --> HH:MM:SS,mmm', got {lines[at].strip()[:60]!r}") from None
        raise CorruptTranscript(f"{path}: malformed SRT ({type(exc).__name__})") from None
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
    cues = _monotonic(split_turns(_PARSERS[kind](path, text)))
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
    elif meta.title == stem:
        meta.title = title_from_stem(stem, meta.guest)
    if meta.guest is None and meta.title != title_from_stem(stem):   # a real title: "Ilya Sutskever: Deep Learning"
        meta.guest = guest_from_title(meta.title, cues)
    return Transcript(meta=meta, cues=cues)
