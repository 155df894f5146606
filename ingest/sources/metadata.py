"""Episode metadata from outside the transcript: sidecar JSON, --title/--url, the intro's guest line."""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from ingest.errors import CorruptTranscript
from ingest.models import Cue, EpisodeMeta

_NAME_WORD = r"(?:[A-Z][\w'’.-]+|[A-Z]\.)"
_NAME = rf"((?:Dr\.? |Professor )?{_NAME_WORD}(?: (?:{_NAME_WORD}|de|van|von|der|da|di|le|la|and(?= [A-Z]))){{0,4}})"
_GUEST = re.compile(
    r"(?i:conversation with|my guest (?:today )?is|joined (?:today )?by|interview with|sit down with|"
    r"today I'm talking (?:to|with)|today we have)\s+" + _NAME)
# An episode without an intro (it opens on a clip) may still close on "Thanks for listening to this conversation
# with Gary Nolan."
_OUTRO_GUEST = re.compile(r"(?i:listening to (?:this|my|our|the) (?:conversation|interview|episode) with)\s+" + _NAME)
OUTRO_SECONDS = 300.0
# A full stop after one of these (or after an initial) is not the end of a sentence.
_ABBREVIATIONS = frozenset({"St", "Jr", "Sr", "Dr", "Mr", "Mrs", "Ms", "Prof"})


def slugify(text: str) -> str:
    """A stable, URL- and Chroma-safe id: lowercase ascii letters, digits, '-' and '_'."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")
    return slug[:96] or "episode"


# A Whisper model size left in a file name after a number ("episode_006_large", "ep12.medium-v2"): how the
# transcript was made, not what the episode is called.
_MODEL_SIZE = re.compile(r"(?<=\d)[ ._-]+(?:tiny|base|small|medium|large|turbo)(?:[._-]?v\d)?(?:[._-]en)?$", re.I)
_EPISODE_NO = re.compile(r"\b(episode|ep)[ .]*0*(\d+)\b", re.I)


def title_from_stem(stem: str, guest: str | None = None) -> str:
    """A readable title for a file that came without one: "episode_006_large" + guest -> "Episode 6 — Guido
    van Rossum" (separators become spaces, the model size and zero padding go; the id keeps the stem)."""
    words = " ".join(re.split(r"[_\s]+|(?<!\d)-|-(?!\d)", _MODEL_SIZE.sub("", stem))).strip()
    words = _EPISODE_NO.sub(lambda m: f"{m.group(1)} {m.group(2)}", words) or stem
    words = words[:1].upper() + words[1:]
    return f"{words} — {guest}" if guest else words


def detect_guest(cues: list[Cue], within_seconds: float = 120.0) -> str | None:
    """The guest named in a podcast intro ("a conversation with X", "my guest today is X"), or else in its
    closing thanks ("thanks for listening to this conversation with X"), if any."""
    head = " ".join(c.text for c in cues if c.start <= within_seconds)[:3000]
    match = _GUEST.search(head)
    if not match and cues:
        tail = " ".join(c.text for c in cues if c.start >= cues[-1].end - OUTRO_SECONDS)[-3000:]
        match = _OUTRO_GUEST.search(tail)
    if not match:
        return None
    name = match.group(1)
    prefix = re.match(r"(?:Dr\.? |Professor )", name)
    head, rest = (prefix.group(0), name[prefix.end():]) if prefix else ("", name)
    rest = until_sentence_end(rest)
    rest = re.sub(r"(?: and)+$", "", rest)          # "Luis and João Botala", not "… Botala and"
    return (head + rest).rstrip(".,;'’") or None


# "Ilya Sutskever: Deep Learning | Lex Fridman Podcast #94", "#94 – Ilya Sutskever: …", "Dr. Matt Walker — Sleep":
# a video title that opens with a name and a separator.
_TITLE_NUMBER = re.compile(r"^\s*(?:#\s*\d+|(?:episode|ep)\.?\s*\d+)\s*[-–—:|.]?\s*", re.I)
_TITLE_NAME = re.compile(
    rf"^((?:Dr\.? |Professor )?{_NAME_WORD}(?: (?:{_NAME_WORD}|de|van|von|der|da|di|le|la)){{1,3}})\s*(?::|\s[-–—|]\s)")


def guest_from_title(title: str | None, cues: list[Cue], within_seconds: float = 180.0) -> str | None:
    """The name a video title opens with ("Ilya Sutskever: Deep Learning | …"), kept only when the intro says its
    last word too, in any close spelling (auto-captions write "ilya sotskever"): "Tesla Autopilot: …" is a topic,
    not a guest, unless the intro introduces it."""
    if not title:
        return None
    match = _TITLE_NAME.match(_TITLE_NUMBER.sub("", title, count=1))
    if not match:
        return None
    name = match.group(1)
    surname = name.split()[-1].lower().strip(".")
    head = " ".join(c.text for c in cues if c.start <= within_seconds).lower()
    spoken = set(re.findall(r"[^\W\d_]+", head))
    return name if surname in spoken or process.extractOne(surname, spoken, scorer=fuzz.ratio, score_cutoff=80) \
        else None


def until_sentence_end(name: str) -> str:
    """The name up to a full stop that ends a sentence: "RZA. The …" -> "RZA", while initials and
    abbreviations stay ("S. James Gates", "Michael I. Jordan", "George St. Pierre")."""
    kept: list[str] = []
    for word in name.split(" "):
        kept.append(word)
        stem = word.rstrip(".")
        if word.endswith(".") and len(stem) > 1 and stem not in _ABBREVIATIONS:
            break
    return " ".join(kept)


def find_sidecar(path: Path) -> dict[str, Any] | None:
    """`<stem>.meta.json` (podbot's) or `<stem>.info.json` (yt-dlp's) next to a transcript file."""
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    for name in (f"{stem}.meta.json", f"{stem}.info.json", f"{path.name}.meta.json"):
        candidate = path.with_name(name)
        if candidate.is_file():
            try:
                data = json.loads(candidate.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise CorruptTranscript(f"{candidate}: sidecar metadata is not valid JSON ({exc})") from None
            if not isinstance(data, dict):
                raise CorruptTranscript(f"{candidate}: sidecar metadata must be a JSON object")
            return data
    return None


def _published(data: dict[str, Any]) -> str | None:
    value = data.get("published") or data.get("published_date") or data.get("upload_date")
    if not value:
        return None
    value = str(value)
    if re.fullmatch(r"\d{8}", value):                 # yt-dlp's YYYYMMDD
        value = f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return value


def apply_sidecar(meta: EpisodeMeta, data: dict[str, Any], source: str = "sidecar") -> EpisodeMeta:
    """Overlay metadata (podbot sidecar or yt-dlp info.json keys) onto what the transcript gave."""
    from ingest.sources.youtube import parse_video_id

    update: dict[str, Any] = {}
    if data.get("title"):
        update["title"] = str(data["title"])
    url = data.get("url") or data.get("webpage_url")
    video_id = data.get("video_id") or (parse_video_id(str(url)) if url else None)
    if not video_id and data.get("extractor", "").startswith("youtube") and data.get("id"):
        video_id = str(data["id"])
    if video_id:
        update["video_id"] = video_id
        update["episode_id"] = video_id
        update["url"] = f"https://youtu.be/{video_id}"
    elif url:
        update["url"] = str(url)
    if data.get("description"):
        update["description"] = str(data["description"])
    if _published(data):
        update["published"] = _published(data)
    if data.get("episode_id"):
        update["episode_id"] = slugify(str(data["episode_id"])) if not video_id else video_id
    if data.get("language"):
        update["language"] = str(data["language"])
    if data.get("guest"):
        update["guest"] = str(data["guest"])
    chapters = data.get("chapters")
    if isinstance(chapters, list):
        parsed = []
        for ch in chapters:
            if isinstance(ch, dict) and "title" in ch:
                start = ch.get("start_time", ch.get("start", 0))
                parsed.append((float(start), str(ch["title"])))
        update["chapters"] = sorted(parsed)
    return meta.model_copy(update=update)
