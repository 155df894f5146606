"""Offline tests for ingest.sources.youtube.

YouTube is replayed from the fixtures shipped inside the youtube-transcript-api wheel
(`youtube_transcript_api/test/assets`) through a fake `requests.Session` given as `http_client=`;
the real library code parses them, so these tests exercise the real error paths.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import requests
import youtube_transcript_api as yta
from youtube_transcript_api.proxies import GenericProxyConfig, WebshareProxyConfig


from ingest.errors import (  # noqa: E402
    BadSourceURL,
    CaptionsDisabled,
    CorruptTranscript,
    EmptyTranscript,
    NetworkError,
    NoTranscriptInLanguages,
    RateLimited,
    SourceError,
    VideoUnavailable,
    YouTubeBlocked,
)
from ingest.models import Transcript  # noqa: E402
from ingest.settings import Settings  # noqa: E402
from ingest.sources import youtube as yt  # noqa: E402
from ingest.sources.youtube import fetch_youtube, looks_like_youtube, parse_video_id, proxy_config  # noqa: E402

ASSETS = Path(os.path.dirname(yta.__file__)) / "test" / "assets"
VID = "GJLlxj_dtq8"
ENV_KEYS = ("PODBOT_LANGUAGES", "PODBOT_PROXY_HTTP", "PODBOT_PROXY_HTTPS",
            "WEBSHARE_PROXY_USERNAME", "WEBSHARE_PROXY_PASSWORD", "HTTP_PROXY", "HTTPS_PROXY")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch):
    for key in ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
        monkeypatch.delenv(key.lower(), raising=False)


def make_settings(**kw) -> Settings:
    return Settings(_env_file=None, **kw)


def asset(name: str) -> bytes:
    return (ASSETS / name).read_bytes()


def innertube_with(tracks: list[tuple[str, bool]]) -> bytes:
    """The stock innertube answer with its caption tracks replaced by (languageCode, is_generated) pairs."""
    data = json.loads(asset("youtube.innertube.json.static"))
    renderer = data["captions"]["playerCaptionsTracklistRenderer"]
    template = renderer["captionTracks"][0]
    new = []
    for code, generated in tracks:
        t = json.loads(json.dumps(template))
        t["languageCode"] = code
        t["name"] = {"runs": [{"text": f"Lang {code}"}]}
        t["baseUrl"] = f"https://www.youtube.com/api/timedtext?v={VID}&lang={code}" + ("&kind=asr" if generated else "")
        if generated:
            t["kind"] = "asr"
        else:
            t.pop("kind", None)
        new.append(t)
    renderer["captionTracks"] = new
    return json.dumps(data).encode()


def timedtext(*snippets: tuple[float, float, str]) -> bytes:
    """A caption track answer of (start, duration, text) snippets, text as YouTube escapes it."""
    from xml.sax.saxutils import escape

    body = "".join(f'<text start="{a}" dur="{d}">{escape(t)}</text>' for a, d, t in snippets)
    return f'<?xml version="1.0" encoding="utf-8" ?><transcript>{body}</transcript>'.encode()


class FakeSession(requests.Session):
    """Answers the three requests youtube-transcript-api makes: watch page, innertube player, timedtext."""

    def __init__(self, html="youtube.html.static", innertube="youtube.innertube.json.static",
                 xml="transcript.xml.static", html_status=200, xml_status=200, get_raises=None):
        super().__init__()
        self.bodies = {"html": html, "innertube": innertube, "xml": xml}
        self.html_status, self.xml_status, self.get_raises = html_status, xml_status, get_raises
        self.urls: list[str] = []

    @staticmethod
    def _resp(body, status: int) -> requests.Response:
        r = requests.Response()
        r.status_code = status
        r._content = asset(body) if isinstance(body, str) else body
        r.encoding = "utf-8"
        r.url = "https://www.youtube.com/fake"
        return r

    def get(self, url, **kw):
        self.urls.append(url)
        if self.get_raises is not None:
            raise self.get_raises
        if "/watch" in url:
            return self._resp(self.bodies["html"], self.html_status)
        if "/api/timedtext" in url:
            return self._resp(self.bodies["xml"], self.xml_status)
        raise AssertionError(f"unexpected GET {url}")

    def post(self, url, **kw):
        self.urls.append(url)
        return self._resp(self.bodies["innertube"], 200)

    @property
    def timedtext_urls(self) -> list[str]:
        return [u for u in self.urls if "/api/timedtext" in u]


def fetch(session: FakeSession, source: str = VID, **settings_kw) -> Transcript:
    return fetch_youtube(source, make_settings(**settings_kw), http_client=session)


def assert_one_line(message: str, *must_contain: str) -> None:
    assert message and "\n" not in message and "\r" not in message, message
    assert len(message) < 400, message
    for part in must_contain:
        assert part in message, (part, message)


# ------------------------------------------------------------------------------------------------
# URL parsing
# ------------------------------------------------------------------------------------------------

ID = "dQw4w9WgXcQ"
URL_CASES = [
    (ID, ID),
    (f"  {ID}\n", ID),
    (f"https://www.youtube.com/watch?v={ID}", ID),
    (f"https://youtube.com/watch?feature=share&v={ID}&t=42s", ID),
    (f"https://m.youtube.com/watch?v={ID}", ID),
    (f"https://music.youtube.com/watch?v={ID}&list=RDAMVM{ID}", ID),
    (f"https://www.youtube.com/watch?v={ID}&list=PL590L5WQmH8fJ54F369BLDSqIwcs-TCfs&index=2", ID),
    (f"https://youtu.be/{ID}?si=abc&t=10", ID),
    (f"youtu.be/{ID}", ID),
    (f"www.youtube.com/watch?v={ID}", ID),
    (f"//www.youtube.com/watch?v={ID}", ID),
    (f"HTTPS://WWW.YOUTUBE.COM/watch?v={ID}", ID),
    (f"https://www.youtube.com/shorts/{ID}", ID),
    (f"https://youtube.com/shorts/{ID}?feature=share", ID),
    (f"https://www.youtube.com/embed/{ID}?start=5", ID),
    (f"https://www.youtube-nocookie.com/embed/{ID}", ID),
    (f"https://www.youtube.com/live/{ID}?feature=share", ID),
    (f"https://www.youtube.com/v/{ID}", ID),
    (f"<https://youtu.be/{ID}>", ID),
    (f"<https://www.youtube.com/watch?v={ID}&t=1m2s>", ID),
    (f"https://youtu.be/{ID}.", ID),                                   # sentence-final full stop
    (f"https://www.youtube.com/attribution_link?a=x&u=%2Fwatch%3Fv%3D{ID}%26feature%3Dshare", ID),
    # negatives
    (f"https://example.com/watch?v={ID}", None),
    (f"https://notyoutube.com/watch?v={ID}", None),
    (f"https://youtube.com.evil.example/watch?v={ID}", None),
    ("https://www.youtube.com/playlist?list=PL590L5WQmH8fJ54F369BLDSqIwcs-TCfs", None),
    ("https://www.youtube.com/embed/videoseries?list=PL590L5WQmH8fJ54F369BLDSqIwcs-TCfs", None),
    ("https://www.youtube.com/@lexfridman", None),
    ("https://www.youtube.com/channel/UCSHZKyawb77ixDdsGog4iWA", None),
    ("https://www.youtube.com/c/LexFridman/videos", None),
    ("https://www.youtube.com/watch?v=tooShort", None),
    ("https://www.youtube.com/watch?v=", None),
    ("https://www.youtube.com/", None),
    ("https://youtu.be/", None),
    ("not a url", None),
    ("dQw4w9WgXc", None),                                               # 10 chars
    ("dQw4w9WgXcQQ", None),                                             # 12 chars
    ("", None),
]


@pytest.mark.parametrize("text,expected", URL_CASES)
def test_parse_video_id(text, expected):
    assert parse_video_id(text) == expected


@pytest.mark.parametrize("text,expected", [
    (ID, True),
    (f"https://youtu.be/{ID}", True),
    ("https://www.youtube.com/playlist?list=PL123", True),
    ("www.youtube.com/@somechannel", True),
    ("https://www.youtube.com/watch?v=tooShort", True),
    ("<https://m.youtube.com/feed/subscriptions>", True),
    (f"https://example.com/watch?v={ID}", False),
    ("episode-42.vtt", False),
    ("not a url", False),
    ("", False),
])
def test_looks_like_youtube(text, expected):
    assert looks_like_youtube(text) is expected


# ------------------------------------------------------------------------------------------------
# Successful fetches
# ------------------------------------------------------------------------------------------------

def test_fetch_prefers_manual_track_and_builds_meta():
    session = FakeSession()
    tr = fetch(session, f"https://www.youtube.com/watch?v={VID}&t=3s")
    # the stock answer has both a manual and an auto-generated "en" track: the manual one is fetched
    assert len(session.timedtext_urls) == 1
    assert "lang=en" in session.timedtext_urls[0] and "kind=asr" not in session.timedtext_urls[0]
    m = tr.meta
    assert (m.episode_id, m.video_id) == (VID, VID)
    assert m.title == "Surface Go Review - It’s Awesome"      # the player answer's videoDetails, no extra request
    assert m.description.startswith("Dave2D review of the Microsoft Surface Go.")
    assert m.guest is None             # "Surface Go Review" opens the title, but the captions never say "review"
    assert not any("oembed" in u for u in session.urls) and len(session.urls) == 3
    assert (m.source, m.url) == (f"youtube:{VID}", f"https://youtu.be/{VID}")
    assert (m.language, m.caption_kind, m.timed) == ("en", "manual", True)
    assert [c.text for c in tr.cues] == [
        "Hey, this is just a test",
        "this is not the original transcript",              # <i> tags stripped, empty cue dropped
        "just something shorter, I made up for testing",
    ]
    assert [c.start for c in tr.cues] == pytest.approx([0.0, 1.54, 5.7])
    assert [c.end for c in tr.cues] == pytest.approx([1.54, 5.7, 8.939])
    assert m.duration == pytest.approx(8.939) == tr.cues[-1].end
    assert m.link(65) == f"https://youtu.be/{VID}?t=65"


def test_fetch_uses_given_title():
    tr = fetch_youtube(VID, make_settings(), http_client=FakeSession(), title="Ep 12: Databases")
    assert tr.meta.title == "Ep 12: Databases"


def test_a_player_answer_without_video_details_still_ingests():
    data = json.loads(asset("youtube.innertube.json.static"))
    del data["videoDetails"]
    session = FakeSession(innertube=json.dumps(data).encode())
    tr = fetch(session)
    assert (tr.meta.title, tr.meta.description, tr.meta.guest) == (f"YouTube {VID}", None, None)
    assert len(tr.cues) == 3


def test_the_publish_date_comes_from_the_player_microformat():
    data = json.loads(asset("youtube.innertube.json.static"))
    data["microformat"] = {"playerMicroformatRenderer": {"publishDate": "2020-05-08T06:00:12-07:00"}}
    assert fetch(FakeSession(innertube=json.dumps(data).encode())).meta.published == "2020-05-08"
    data["microformat"] = ["not", "a", "dict"]
    assert fetch(FakeSession(innertube=json.dumps(data).encode())).meta.published is None


def test_the_session_is_handed_back_unchanged():
    session = FakeSession()
    fetch(session)
    assert "post" not in vars(session) and session.post.__func__ is FakeSession.post


def test_the_guest_comes_from_the_intro_or_else_from_a_title_the_intro_confirms():
    details = json.loads(asset("youtube.innertube.json.static"))
    details["videoDetails"]["title"] = "Ilya Sutskever: Deep Learning | Lex Fridman Podcast #94"
    auto = timedtext((0, 3, "the following is a conversation with ilya sotskever"),
                     (3, 3, "co-founder and chief scientist of open ai"))
    tr = fetch(FakeSession(innertube=json.dumps(details).encode(), xml=auto))
    assert tr.meta.title == "Ilya Sutskever: Deep Learning | Lex Fridman Podcast #94"
    assert tr.meta.guest == "Ilya Sutskever"       # lower-case auto-captions: the intro alone names nobody


@pytest.mark.parametrize("title, said, guest", [
    ("Ilya Sutskever: Deep Learning | Lex Fridman Podcast #94", "a conversation with ilya sotskever", "Ilya Sutskever"),
    ("#94 – Ilya Sutskever: Deep Learning", "today ilya sutskever joins me", "Ilya Sutskever"),
    ("Dr. Matt Walker — The Science of Sleep", "my guest is doctor matt walker", "Dr. Matt Walker"),
    ("Tesla Autopilot: The Road Ahead", "today we talk about cars", None),          # a topic, not a guest
    ("Why We Sleep | Huberman Lab", "matt walker", None),                          # opens with no name
    ("Guido van Rossum: Python | Lex Fridman Podcast #6", "guido van rossum is the creator", "Guido van Rossum"),
])
def test_guest_from_title(title, said, guest):
    from ingest.models import Cue
    from ingest.sources.metadata import guest_from_title

    assert guest_from_title(title, [Cue(0.0, 4.0, said)]) == guest


def test_sound_annotations_are_no_words():
    tr = fetch(FakeSession(xml=timedtext((0, 2, "[Music]"), (2, 3, "[Music] so today we're going to talk"),
                                         (5, 3, "about the [ __ ] mess [Applause] and [the company] itself"))))
    assert [c.text for c in tr.cues] == ["so today we're going to talk", "about the mess and [the company] itself"]
    assert tr.cues[0].start == 2.0


def test_a_new_speakers_turn_is_a_sentence_edge_and_no_text():
    from ingest.sentences import build_sentences

    tr = fetch(FakeSession(xml=timedtext((0, 4, "so that was the whole story >> and what"),
                                         (4, 4, "happened after that >>"), (8, 4, "nothing much really"))))
    assert [(c.text, c.turn) for c in tr.cues] == [("so that was the whole story", False), ("and what", True),
                                                   ("happened after that", False), ("nothing much really", True)]
    assert tr.cues[1].start == pytest.approx(4 * len("so that was the whole story") / len(
        "so that was the whole storyand what"), abs=0.01)
    assert [s.text for s in build_sentences(tr.cues)] == ["so that was the whole story", "and what happened after that",
                                                          "nothing much really"]


def test_cues_are_clamped_cleaned_and_sorted():
    xml = (b'<?xml version="1.0" encoding="utf-8" ?><transcript>'
           b'<text start="0.0" dur="4.0">so the first\nline wraps</text>'
           b'<text start="2.5" dur="3.0">it&amp;#39;s  overlapping</text>'
           b'<text start="4.0" dur="1.0">   </text>'
           b'<text start="5.0" dur="2.0">&amp;gt;&amp;gt; next\tspeaker</text>'
           b'<text start="6.0"></text>'
           b'<text start="9.0">no duration</text>'
           b'<text start="8.0" dur="0.5">out of order</text>'
           b'</transcript>')
    tr = fetch(FakeSession(xml=xml))
    assert [(c.start, c.end, c.text) for c in tr.cues] == [
        (0.0, 2.5, "so the first line wraps"),                # 4.0 s on screen, clamped to the next start
        (2.5, 5.0, "it's overlapping"),                       # clamped past the dropped blank cue
        (5.0, 7.0, "next speaker"),                           # ">>": a new turn (`turn`), not words
        (8.0, 8.5, "out of order"),
        (9.0, 9.0, "no duration"),
    ]
    assert all(c.end >= c.start for c in tr.cues)
    assert all(a.end <= b.start for a, b in zip(tr.cues, tr.cues[1:]))
    assert tr.meta.duration == 9.0


def test_generated_track_used_when_no_manual_one():
    session = FakeSession(innertube=innertube_with([("de", False), ("en", True)]))
    tr = fetch(session, podbot_languages="en")
    assert tr.meta.caption_kind == "generated" and tr.meta.language == "en"
    assert "kind=asr" in session.timedtext_urls[0]


def test_language_priority_order():
    session = FakeSession()
    tr = fetch(session, podbot_languages="de,en")
    assert tr.meta.language == "de" and tr.meta.caption_kind == "manual"
    assert "lang=de" in session.timedtext_urls[0]


@pytest.mark.parametrize("wanted,tracks,expected", [
    ("en-US", [("de", False), ("en", False), ("en", True)], ("en", False)),         # en-US also matches en
    ("en", [("de", False), ("en-GB", False)], ("en-GB", False)),                   # en matches en-GB
    ("en", [("en-US", True), ("en-GB", False)], ("en-GB", False)),                 # manual beats generated
    ("en", [("en-GB", False), ("en", False)], ("en", False)),                      # exact beats prefix
    ("EN_us", [("en-US", True)], ("en-US", True)),                                  # case and _ tolerated
    ("pt,en", [("en", False), ("pt-BR", True)], ("pt-BR", True)),                  # priority beats manual
])
def test_language_prefix_matching(wanted, tracks, expected):
    session = FakeSession(innertube=innertube_with(tracks))
    tr = fetch(session, podbot_languages=wanted)
    assert (tr.meta.language, tr.meta.caption_kind == "generated") == expected
    assert f"lang={expected[0]}" in session.timedtext_urls[0]


def test_en_us_does_not_match_en_gb():
    with pytest.raises(NoTranscriptInLanguages):
        fetch(FakeSession(innertube=innertube_with([("en-GB", False)])), podbot_languages="en-US")


# ------------------------------------------------------------------------------------------------
# Failures: specific class, one-line message naming the video
# ------------------------------------------------------------------------------------------------

def test_malformed_youtube_url_is_bad_source():
    url = "https://www.youtube.com/playlist?list=PL590L5WQmH8fJ54F369BLDSqIwcs-TCfs"
    session = FakeSession()
    with pytest.raises(BadSourceURL) as ei:
        fetch(session, url)
    assert_one_line(ei.value.message, f'"{url}"', "playlist")
    assert session.urls == []                                           # nothing was requested


def test_non_youtube_input_is_bad_source_with_different_message():
    with pytest.raises(BadSourceURL) as ei:
        fetch(FakeSession(), "https://vimeo.com/12345\nsecond line")
    assert_one_line(ei.value.message, '"https://vimeo.com/12345 second line"', "not a YouTube")


def test_no_track_in_wanted_languages_lists_available():
    with pytest.raises(NoTranscriptInLanguages) as ei:
        fetch(FakeSession(), podbot_languages="fr,it")
    msg = ei.value.message
    assert_one_line(msg, VID, "fr, it", "PODBOT_LANGUAGES")
    for code in ("zh", "cs", "en", "en (auto)", "de", "hi", "ja", "ko", "es"):
        assert code in msg


FAILURES = [
    # (fake session kwargs, podbot error class, substrings of the message)
    pytest.param(dict(innertube="youtube_video_unavailable.innertube.json.static"),
                 VideoUnavailable, ["unavailable"], id="unavailable"),
    pytest.param(dict(innertube="youtube_transcripts_disabled.innertube.json.static"),
                 CaptionsDisabled, ["captions turned off"], id="captions-disabled"),
    pytest.param(dict(innertube="youtube_transcripts_disabled2.innertube.json.static"),
                 CaptionsDisabled, ["captions turned off"], id="captions-disabled-2"),
    pytest.param(dict(innertube=innertube_with([])),
                 CaptionsDisabled, ["no caption tracks"], id="no-tracks"),
    pytest.param(dict(innertube="youtube_age_restricted.innertube.json.static"),
                 VideoUnavailable, ["age-restricted"], id="age-restricted"),
    pytest.param(dict(innertube="youtube_unplayable.innertube.json.static"),
                 VideoUnavailable, ["unplayable", "Custom Reason", "Sub Reason 1"], id="unplayable"),
    pytest.param(dict(html_status=429),
                 YouTubeBlocked, ["429", "PODBOT_PROXY_HTTPS", "WEBSHARE_PROXY_USERNAME"], id="ip-blocked-429"),
    pytest.param(dict(html="youtube_too_many_requests.html.static"),
                 YouTubeBlocked, ["captcha", "PODBOT_PROXY_HTTPS", "WEBSHARE_PROXY_USERNAME"], id="recaptcha-page"),
    pytest.param(dict(innertube="youtube_request_blocked.innertube.json.static"),
                 YouTubeBlocked, ["bot", "PODBOT_PROXY_HTTPS", "WEBSHARE_PROXY_USERNAME"], id="request-blocked"),
    pytest.param(dict(innertube="youtube_po_token_required.innertube.json.static"),
                 YouTubeBlocked, ["PO token", "PODBOT_PROXY_HTTPS"], id="po-token"),
    pytest.param(dict(xml_status=429),
                 YouTubeBlocked, ["429"], id="timedtext-429"),
    pytest.param(dict(get_raises=requests.exceptions.ConnectionError("[Errno -3] name resolution failed")),
                 NetworkError, ["could not reach YouTube: no network?"], id="offline"),
    pytest.param(dict(get_raises=requests.exceptions.ConnectTimeout("timed out")),
                 NetworkError, ["did not answer in time"], id="timeout"),
    pytest.param(dict(html_status=503),
                 NetworkError, ["HTTP 503"], id="http-503"),
    pytest.param(dict(get_raises=requests.exceptions.RetryError("too many 429 error responses")),
                 RateLimited, ["429", "retry"], id="429-retries-exhausted"),
    pytest.param(dict(get_raises=yta.YouTubeRequestFailed(
        VID, requests.HTTPError("429 Client Error: Too Many Requests for url: https://www.youtube.com/x?key=SECRET"))),
                 RateLimited, ["429"], id="request-failed-429"),
    pytest.param(dict(html="youtube_consent_page_invalid.html.static"),
                 SourceError, ["cookie-consent"], id="consent-page"),
    pytest.param(dict(get_raises=yta.NotTranslatable(VID)),
                 SourceError, ["not translatable"], id="other-library-error"),
    pytest.param(dict(xml=b""), CorruptTranscript, ["unreadable"], id="empty-caption-body"),
    pytest.param(dict(xml=b"<transcript><text start='0' dur='1'> </text></transcript>"),
                 EmptyTranscript, ["empty"], id="blank-track"),
]


@pytest.mark.parametrize("session_kw,error_cls,parts", FAILURES)
def test_failures_map_to_one_line_podbot_errors(session_kw, error_cls, parts):
    with pytest.raises(SourceError) as ei:
        fetch(FakeSession(**session_kw), f"https://youtu.be/{VID}")
    err = ei.value
    assert type(err) is error_cls, (type(err), err)
    assert_one_line(err.message, VID, *parts)
    assert str(err) == err.message
    assert "github.com" not in err.message and "SECRET" not in err.message
    if error_cls is not EmptyTranscript and "no caption tracks" not in parts:
        assert err.__cause__ is not None                 # the library's exception is kept for logs


def test_blocked_through_proxy_says_so_and_proxy_reaches_the_session():
    session = FakeSession(innertube="youtube_request_blocked.innertube.json.static")
    with pytest.raises(YouTubeBlocked) as ei:
        fetch(session, podbot_proxy_https="http://p:1")
    assert_one_line(ei.value.message, VID, "even through the configured proxy")
    assert session.proxies == {"http": "http://p:1", "https": "http://p:1"}


def test_default_session_has_a_timeout(monkeypatch):
    seen = {}

    def offline_request(self, method, url, **kw):
        seen.update(kw, url=url)
        raise requests.exceptions.ConnectionError("offline")

    monkeypatch.setattr(requests.Session, "request", offline_request)
    with pytest.raises(NetworkError) as ei:
        fetch_youtube(VID, make_settings())
    assert seen["timeout"] == yt.DEFAULT_TIMEOUT
    assert VID in seen["url"]
    assert_one_line(ei.value.message, VID, "no network?")


# ------------------------------------------------------------------------------------------------
# Proxy configuration
# ------------------------------------------------------------------------------------------------

def test_no_proxy_by_default():
    assert proxy_config(make_settings()) is None


def test_generic_proxy_from_https_only():
    cfg = proxy_config(make_settings(podbot_proxy_https="http://p:1"))
    assert type(cfg) is GenericProxyConfig
    assert cfg.to_requests_dict() == {"http": "http://p:1", "https": "http://p:1"}


def test_generic_proxy_from_both_urls():
    cfg = proxy_config(make_settings(podbot_proxy_http="http://a:1", podbot_proxy_https="http://b:2"))
    assert cfg.to_requests_dict() == {"http": "http://a:1", "https": "http://b:2"}


def test_webshare_proxy_wins_over_generic():
    cfg = proxy_config(make_settings(webshare_proxy_username="user", webshare_proxy_password="pw",
                                     podbot_proxy_https="http://p:1"))
    assert isinstance(cfg, WebshareProxyConfig)
    proxies = cfg.to_requests_dict()
    assert proxies["https"].startswith("http://user-rotate:pw@p.webshare.io:")
    assert cfg.retries_when_blocked > 0


def test_proxy_from_environment(monkeypatch):
    monkeypatch.setenv("PODBOT_PROXY_HTTP", "http://env:3128")
    cfg = proxy_config(make_settings())
    assert cfg.to_requests_dict() == {"http": "http://env:3128", "https": "http://env:3128"}


def test_half_configured_webshare_is_an_error():
    with pytest.raises(SourceError) as ei:
        proxy_config(make_settings(webshare_proxy_username="user"))
    assert_one_line(ei.value.message, "WEBSHARE_PROXY_PASSWORD")
