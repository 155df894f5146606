"""Transcript files: real Lexicap WebVTT, small SRT/JSON/text/VTT fixtures, sidecars, and broken inputs.

Every bad input must surface as one PodbotError with a one-line message that names the file (and the
line, where there is one) — never as a raw parser exception.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, lexicap
from ingest.errors import CorruptTranscript, EmptyTranscript, PodbotError, SourceError, UnknownFileType
from ingest.pipeline import resolve_source
from ingest.sources.files import expand_paths, load_file


def one_line(exc: PodbotError) -> str:
    msg = exc.message
    assert msg and "\n" not in msg and len(msg) < 300, msg
    assert "Traceback" not in msg
    return msg


# --- real Lexicap WebVTT ---------------------------------------------------------------------------
def test_lexicap_vtt_parses_with_times_and_guest():
    path = lexicap(94)
    t = load_file(path)
    assert t.meta.episode_id == "episode_094_large"
    assert t.meta.timed and t.meta.caption_kind == "file"
    assert t.meta.source == str(path)
    assert len(t.cues) > 1500
    first = t.cues[0]
    assert (first.start, first.end) == (0.0, 3.16)
    assert first.text == "The following is a conversation with Ilya Sotskever,"   # leading space stripped
    assert all(c.end >= c.start for c in t.cues)
    assert all(a.start <= b.start for a, b in zip(t.cues, t.cues[1:]))
    assert t.meta.duration == max(c.end for c in t.cues) > 5000          # a ~1.6 h episode
    assert t.meta.guest == "Ilya Sotskever"
    assert t.meta.title == "Episode 94 — Ilya Sotskever"      # not "episode 094 large — …": the id keeps that


@pytest.mark.parametrize(("intro", "guest"), [
    # real Lexicap intro lines (episodes 1, 60, 74, 179, 209, 228, 319)
    ("I've gotten the chance to sit down with Max Tegmark. He is a professor here at MIT.", "Max Tegmark"),
    ("The following is a conversation with S. James Gates, Jr. He's a theoretical physicist", "S. James Gates"),
    ("The following is a conversation with Michael I. Jordan, a professor at Berkeley", "Michael I. Jordan"),
    ("The following is a conversation with George St. Pierre, considered by many", "George St. Pierre"),
    ("The following is a conversation with Luis and João Botala, brothers and cofounders", "Luis and João Botala"),
    ("The following is a conversation with RZA. The Wu-Tang Clan", "RZA"),
    ("The following is a conversation with Alexandra and Andrea Botez. They're sisters", "Alexandra and Andrea Botez"),
    ("Welcome back. Today we have Ada Lovelace and the engine she imagined.", "Ada Lovelace"),
    ("Welcome back, everybody, it's just me this week.", None),
])
def test_guest_from_the_intro(intro, guest):
    from ingest.models import Cue
    from ingest.sources.metadata import detect_guest

    assert detect_guest([Cue(start=0.0, end=5.0, text=intro)]) == guest


def test_guest_from_the_closing_thanks_when_there_is_no_intro():
    """Episode 262 opens on a clip and never introduces Gary Nolan; it closes on "Thanks for listening to this
    conversation with Gary Nolan." A conversation mentioned mid-episode names nobody."""
    from ingest.models import Cue
    from ingest.sources.metadata import detect_guest

    clip = Cue(start=0.0, end=5.0, text="How would you, as a higher intelligence, represent yourself?")
    mid = Cue(start=600.0, end=605.0, text="I had a conversation with Elon Musk about this.")
    outro = Cue(start=6170.0, end=6175.0, text="Thanks for listening to this conversation with Gary Nolan.")
    assert detect_guest([clip, mid, outro]) == "Gary Nolan"
    assert detect_guest([clip, mid, Cue(start=6170.0, end=6175.0, text="Thanks for listening.")]) is None
    assert detect_guest(load_file(lexicap(262)).cues) == "Gary Nolan"


@pytest.mark.parametrize(("stem", "title"), [
    ("episode_006_large", "Episode 6"), ("ep12.medium-v2", "Ep 12"), ("Episode-012", "Episode 12"),
    ("think_small", "Think small"), ("my-talk", "My talk"), ("2023-05-01_show", "2023-05-01 show"),
])
def test_a_file_without_a_title_gets_a_readable_one(tmp_path, stem, title):
    path = tmp_path / f"{stem}.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:03,000\nHello there, and welcome.\n", encoding="utf-8")
    t = load_file(path)
    assert (t.meta.title, t.meta.episode_id) == (title, stem.lower().replace(".", "-"))


@pytest.mark.parametrize("number", [153, 276])
def test_lexicap_cue_with_backwards_clock_is_repaired_not_refused(number):
    """Whisper sometimes emits a cue that ends before it starts; the words are fine, so keep them."""
    t = load_file(lexicap(number))
    assert all(c.end >= c.start for c in t.cues)
    assert all(a.start <= b.start for a, b in zip(t.cues, t.cues[1:]))
    raw = lexicap(number).read_text(encoding="utf-8")
    assert sum(1 for line in raw.splitlines() if "-->" in line) >= len(t.cues) > 500


# --- other formats -----------------------------------------------------------------------------
def test_srt_speaker_prefixes_become_speakers():
    t = load_file(FIXTURES / "speakers.srt")
    assert [c.speaker for c in t.cues] == ["HOST", "HOST", "Dr. Smith", "Dr. Smith", "HOST"]
    assert t.cues[0].text == "Welcome back to the show. Today we talk"        # prefix removed
    assert t.cues[2].text.startswith("Thanks for having me.")
    assert (t.cues[1].start, t.cues[1].end) == (3.0, 6.5)
    assert t.meta.timed and t.meta.duration == 14.5


def test_youtube_json_overlapping_durations_are_clamped():
    t = load_file(FIXTURES / "yt_snippets.json")
    raw = json.loads((FIXTURES / "yt_snippets.json").read_text())
    assert [c.start for c in t.cues] == [item["start"] for item in raw]
    for cue, nxt in zip(t.cues, t.cues[1:]):
        assert cue.end == nxt.start                      # "time on screen" cut back to the next snippet
    last = raw[-1]
    assert t.cues[-1].end == pytest.approx(last["start"] + last["duration"])
    assert t.meta.timed


def test_youtube_json_in_any_order_and_wrapped(tmp_path):
    items = [{"text": "second part.", "start": 3.0, "duration": 2.0},
             {"text": "First part,", "start": 0.0, "duration": 5.0}]
    path = tmp_path / "wrapped.json"
    path.write_text(json.dumps({"snippets": items}))
    t = load_file(path)
    assert [c.text for c in t.cues] == ["First part,", "second part."]
    assert t.cues[0].end == 3.0


def test_plain_text_is_untimed_positions():
    t = load_file(FIXTURES / "plain.txt")
    assert t.meta.timed is False
    assert [c.speaker for c in t.cues] == ["HOST", "GUEST", "HOST"]
    # positions are word offsets: each paragraph starts where the previous one ended
    words = [len(c.text.split()) for c in t.cues]
    assert [c.start for c in t.cues] == [0, words[0], words[0] + words[1]]
    assert t.meta.duration == sum(words)
    assert t.meta.link(10) is None                   # no timestamp links for positions


def test_vtt_voice_spans_become_speakers():
    t = load_file(FIXTURES / "voices.vtt")
    assert [c.speaker for c in t.cues] == ["Lex Fridman", "Lex Fridman", "Jane Doe", "Lex Fridman"]
    assert all("<" not in c.text for c in t.cues)
    assert t.cues[2].text == "Thanks, Lex. It is good to be here."


def vtt_cues(tmp_path: Path, *bodies: str):
    cues = "".join(f"00:00:{i:02d}.000 --> 00:00:{i + 1:02d}.000\n{body}\n\n" for i, body in enumerate(bodies))
    return load_file(write(tmp_path, "cues.vtt", "WEBVTT\n\n" + cues)).cues


@pytest.mark.parametrize("body,text", [
    ("Thanks <@123> for the tip", "Thanks <@123> for the tip"),
    ("if x < y and y > z then x < z", "if x < y and y > z then x < z"),
    ("I <3 this <- and -> that <<really>>", "I <3 this <- and -> that <<really>>"),
    ("<i>italic</i>, <b>bold</b>, <u>under</u> and <c.yellow.bg_blue>colour</c>",
     "italic, bold, under and colour"),
    ("<ruby>漢<rt>kan</rt></ruby> <lang en-US>hello</lang> <c>x</c>", "漢kan hello x"),
    ("so<00:00:00.320><c> today</c><00:01.640><c> we go</c>", "so today we go"),
    ("Q&amp;A at AT&T &lt;3 &gt; R&D &#8220;hi&#x201D; a&nbsp;b &lt;b&gt;", "Q&A at AT&T <3 > R&D “hi” a b <b>"),
])
def test_vtt_strips_only_real_cue_tags_and_decodes_entities(tmp_path, body, text):
    assert [c.text for c in vtt_cues(tmp_path, body)] == [text]


def test_vtt_voice_spans_keep_speakers_and_angle_bracket_text(tmp_path):
    cues = vtt_cues(tmp_path, "<v Lex Fridman>ask <@42> if 2 < 3</v>", "<v.loud Jane Doe><i>I <3 it</i></v>")
    assert [(c.speaker, c.text) for c in cues] == [("Lex Fridman", "ask <@42> if 2 < 3"),
                                                   ("Jane Doe", "I <3 it")]


def test_srt_keeps_angle_bracket_text_but_drops_font_tags(tmp_path):
    path = write(tmp_path, "t.srt", "1\n00:00:00,000 --> 00:00:02,000\n"
                                    "<font color=\"#ffff00\">HOST: x < y</font> and <i>I <3 it</i>\n")
    assert [(c.speaker, c.text) for c in load_file(path).cues] == [("HOST", "x < y and I <3 it")]


def test_youtube_auto_caption_vtt_rolling_lines_are_not_repeated():
    t = load_file(FIXTURES / "auto_captions.vtt")
    text = " ".join(c.text for c in t.cues)
    assert text == "so today we're going to talk about sleep and why it matters"
    assert [c.start for c in t.cues] == [0.0, 2.36, 4.48]


def test_sniffs_type_of_a_file_without_extension(tmp_path):
    path = tmp_path / "episode"
    shutil.copy(FIXTURES / "voices.vtt", path)
    t = load_file(path)
    assert t.meta.episode_id == "episode" and len(t.cues) == 4


# --- folders and sidecars ------------------------------------------------------------------------
def test_directory_expands_to_transcripts_and_skips_sidecars(tmp_path):
    folder = tmp_path / "feed"
    shutil.copytree(FIXTURES, folder)
    (folder / "nested").mkdir()
    shutil.copy(FIXTURES / "plain.txt", folder / "nested" / "more.txt")
    found = expand_paths(folder)
    names = [p.name for p in found]
    assert not any(n.endswith((".meta.json", ".info.json")) for n in names)
    assert "README.md" not in names
    assert {"speakers.srt", "yt_snippets.json", "plain.txt", "voices.vtt", "ytdlp_episode.vtt",
            "podbot_episode.srt", "more.txt"} <= set(names)
    assert found == sorted(found)
    refs = resolve_source(str(folder))
    assert [r.value for r in refs] == [str(p) for p in found]
    for path in found:          # every file in the folder loads
        assert load_file(path).cues


def test_empty_directory_is_a_clear_error(tmp_path):
    (tmp_path / "notes.md").write_text("nothing here")
    with pytest.raises(SourceError) as info:
        expand_paths(tmp_path)
    assert "no transcript files" in one_line(info.value)


def test_ytdlp_info_json_sidecar():
    t = load_file(FIXTURES / "ytdlp_episode.vtt")
    m = t.meta
    assert m.episode_id == "dQw4w9WgXcQ" == m.video_id             # the YouTube id wins over the file name
    assert m.title == "Ada Lovelace: The Analytical Engine | Lex Fridman Podcast #999"
    assert m.url == "https://youtu.be/dQw4w9WgXcQ"
    assert m.link(61.7) == "https://youtu.be/dQw4w9WgXcQ?t=61"
    assert m.published == "2020-05-08"                              # yt-dlp's YYYYMMDD
    assert "OUTLINE:" in m.description and "1:00 - Analytical Engine" in m.description
    assert m.chapters == [(0.0, "Introduction"), (60.0, "Analytical Engine")]   # sorted by start
    assert m.guest == "Ada Lovelace"


def test_lower_case_captions_take_their_guest_from_a_title_the_intro_confirms(tmp_path):
    captions = tmp_path / "ep94.json"
    captions.write_text(json.dumps([{"text": "the following is a conversation with ilya sotskever", "start": 0.0,
                                     "duration": 3.0}, {"text": "he is the co-founder of open ai", "start": 3.0,
                                                        "duration": 3.0}]))
    assert load_file(captions).meta.guest is None                  # the intro alone: no capitals, no name
    (tmp_path / "ep94.info.json").write_text(json.dumps({"title": "Ilya Sutskever: Deep Learning | Lex Fridman "
                                                                  "Podcast #94"}))
    assert load_file(captions).meta.guest == "Ilya Sutskever"
    assert load_file(captions, title="Deep Learning with a guest").meta.guest is None


def test_sound_annotations_leave_files_too(tmp_path):
    srt = tmp_path / "talk.srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:02,000\n♪ [MUSIC] ♪\n\n2\n00:00:02,000 --> 00:00:05,000\n"
                   "(laughs) Welcome back [sic] to the show.\n")
    assert [c.text for c in load_file(srt).cues] == ["Welcome back [sic] to the show."]


def test_turn_marks_in_a_file_end_sentences_and_leave_the_text(tmp_path):
    srt = tmp_path / "show.srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:04,000\n>> welcome back to the show\n\n2\n00:00:04,000 --> "
                   "00:00:08,000\n>> thanks for having me\n\n3\n00:00:08,000 --> 00:00:10,000\n>> LEX: Let's start.\n")
    cues = load_file(srt).cues
    assert [(c.text, c.turn, c.speaker) for c in cues] == [("welcome back to the show", True, None),
                                                            ("thanks for having me", True, None),
                                                            ("Let's start.", False, "LEX")]


def test_podbot_meta_json_sidecar():
    m = load_file(FIXTURES / "podbot_episode.srt").meta
    assert m.episode_id == "podbot_episode"                         # no video id: from the file name
    assert m.title == "Archive Episode 7"
    assert m.url == "https://example.org/podcast/7.mp3"
    assert m.link(12) == "https://example.org/podcast/7.mp3#t=12"
    assert (m.published, m.language, m.guest) == ("2021-03-04", "en", "Grace Hopper")
    assert m.description == "An episode from the archive."


def test_title_and_url_overrides(tmp_path):
    path = tmp_path / "raw_episode.srt"
    shutil.copy(FIXTURES / "podbot_episode.srt", path)
    shutil.copy(FIXTURES / "podbot_episode.meta.json", tmp_path / "raw_episode.meta.json")
    m = load_file(path, title="Given Title", url="https://www.youtube.com/watch?v=13CZPWmke6A&t=5").meta
    assert m.title == "Given Title"                                 # beats the sidecar's title
    assert m.episode_id == m.video_id == "13CZPWmke6A"
    assert m.url == "https://youtu.be/13CZPWmke6A"
    assert m.published == "2021-03-04"                              # the rest of the sidecar still applies
    plain = load_file(FIXTURES / "speakers.srt", url="https://example.org/ep.mp3").meta
    assert plain.episode_id == "speakers" and plain.url == "https://example.org/ep.mp3"


def test_lexicap_sample_with_sidecar_gets_youtube_id():
    from ingest import samples

    folder = Path(samples.__file__).parent
    vtt = next(folder.glob("*.vtt"))
    m = load_file(vtt).meta
    assert m.episode_id == "13CZPWmke6A" and m.url == "https://youtu.be/13CZPWmke6A"
    assert m.title.startswith("Ilya Sutskever")


# --- bad input: one clear line each ---------------------------------------------------------------
def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def test_unknown_file_type(tmp_path):
    path = write(tmp_path, "episode.docx", "Some words that are not a transcript format podbot knows.")
    with pytest.raises(UnknownFileType) as info:
        load_file(path)
    msg = one_line(info.value)
    assert "episode.docx" in msg and "'.docx'" in msg and ".vtt" in msg


def test_corrupt_vtt_names_the_line(tmp_path):
    path = write(tmp_path, "broken.vtt", "WEBVTT\n\n00:00.000 --> 00:02.000\nfine words\n\n"
                 "00:02.000 -> 00:04.000\nmangled arrow\n")
    with pytest.raises(CorruptTranscript) as info:
        load_file(path)
    msg = one_line(info.value)
    assert "broken.vtt" in msg and "line 6" in msg and "00:02.000 -> 00:04.000" in msg


def test_vtt_with_garbage_timestamp_names_the_line(tmp_path):
    path = write(tmp_path, "bad_ts.vtt", "WEBVTT\n\n00:00.000 --> 00:02.000\nok\n\n00:02.000 --> 00:xx.000\nbad\n")
    with pytest.raises(CorruptTranscript) as info:
        load_file(path)
    assert "line 6" in one_line(info.value)


def test_vtt_without_header(tmp_path):
    path = write(tmp_path, "noheader.vtt", "00:00.000 --> 00:02.000\nwords\n")
    with pytest.raises(CorruptTranscript) as info:
        load_file(path)
    assert "line 1" in one_line(info.value) and "WEBVTT" in info.value.message


def test_corrupt_srt_names_the_line(tmp_path):
    path = write(tmp_path, "broken.srt", "1\n00:00:00,000 --> 00:00:02,000\nok\n\n"
                 "2\nthis is not a timing line\nwords\n")
    with pytest.raises(CorruptTranscript) as info:
        load_file(path)
    msg = one_line(info.value)
    assert "broken.srt" in msg and "line 6" in msg and "'this is not a timing line'" in msg


def test_srt_bad_arrow_names_the_line(tmp_path):
    path = write(tmp_path, "arrow.srt", "1\n00:00:00,000 --> 00:00:02,000\nok\n\n2\n00:00:02,000 => 00:00:04,000\nx\n")
    with pytest.raises(CorruptTranscript) as info:
        load_file(path)
    assert "line 6" in one_line(info.value)


def test_binary_junk_named_vtt(tmp_path):
    path = write(tmp_path, "junk.vtt", bytes(range(256)) * 8)
    with pytest.raises(CorruptTranscript) as info:
        load_file(path)
    assert "binary" in one_line(info.value)


def test_non_utf8_text(tmp_path):
    path = write(tmp_path, "latin1.vtt", "WEBVTT\n\n00:00.000 --> 00:02.000\ncafé olé\n".encode("latin-1"))
    with pytest.raises(CorruptTranscript) as info:
        load_file(path)
    msg = one_line(info.value)
    assert "UTF-8" in msg and "line 4" in msg


@pytest.mark.parametrize("name,content", [
    ("empty.vtt", "WEBVTT\n\n"),
    ("blank_cues.vtt", "WEBVTT\n\n00:00.000 --> 00:02.000\n<c> </c>\n"),
    ("empty.srt", ""),
    ("empty.txt", "\n\n   \n"),
    ("empty.json", "[]"),
])
def test_empty_transcript(tmp_path, name, content):
    path = write(tmp_path, name, content)
    with pytest.raises(EmptyTranscript) as info:
        load_file(path)
    assert name in one_line(info.value) and "no text" in info.value.message


def test_invalid_json_transcript_names_the_line(tmp_path):
    path = write(tmp_path, "bad.json", '[\n{"text": "a", "start": 0,\n')
    with pytest.raises(CorruptTranscript) as info:
        load_file(path)
    assert "invalid JSON" in one_line(info.value)
    path = write(tmp_path, "shape.json", '[{"words": "no text key"}]')
    with pytest.raises(CorruptTranscript) as info:
        load_file(path)
    assert "item 0" in one_line(info.value)


def test_invalid_sidecar_json(tmp_path):
    path = tmp_path / "episode.srt"
    shutil.copy(FIXTURES / "podbot_episode.srt", path)
    write(tmp_path, "episode.meta.json", '{"title": "unterminated\n')
    with pytest.raises(CorruptTranscript) as info:
        load_file(path)
    msg = one_line(info.value)
    assert "episode.meta.json" in msg and "not valid JSON" in msg
    write(tmp_path, "episode.meta.json", '["a list"]')
    with pytest.raises(CorruptTranscript) as info:
        load_file(path)
    assert "JSON object" in one_line(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(SourceError) as info:
        load_file(tmp_path / "nope.vtt")
    assert "nope.vtt" in one_line(info.value) and "no such file" in info.value.message
    with pytest.raises(SourceError) as info:
        resolve_source(str(tmp_path / "nope.vtt"))
    assert "no such file" in one_line(info.value)
