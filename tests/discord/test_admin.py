"""/ingest and /forget (restricted), and /summary of a YouTube link that is not in the library yet."""
from __future__ import annotations

from botkit import fake_app, simcord_bot, world  # noqa: F401  (pytest fixtures)
from botkit import FIXTURES, callback_types

from bot.discord import ingesting
from ingest.models import Transcript
from ingest.pipeline import SourceRef, load_transcript

VIDEO = "dQw4w9WgXcQ"


def progress_edits(env) -> list[str]:
    return [r.json.get("content") for r in env.http_requests
            if r.method == "PATCH" and r.path.endswith("/messages/@original")]


async def test_ingest_is_refused_politely_for_ordinary_members(world):
    result = await world.bob.slash(world.channel, "ingest", source="gardening.vtt")

    assert callback_types(world.env) == [4]                       # answered at once, no thinking indicator
    assert result.ephemeral
    assert result.response.content.startswith("Sorry, only members with the **Manage Server** permission or "
                                              "the **Podcast Crew** role can add episodes.")
    assert [m.episode_id for m in world.app.library.episodes] == ["rockets"]
    assert [type(e).__name__ for e in world.env.errors] == ["NotAllowed"]


async def test_ingest_by_admin_role_shows_progress_and_updates_the_library(world):
    result = await world.crew.slash(world.channel, "ingest", source="gardening.vtt")

    assert callback_types(world.env) == [5] and result.ephemeral
    edits = progress_edits(world.env)
    assert any("fetching the transcript" in e for e in edits)
    assert any("embedded" in e and "chunks" in e for e in edits)
    assert result.response.content.startswith("✅ Added `gardening` — Gardening (")
    assert sorted(m.episode_id for m in world.app.library.episodes) == ["gardening", "rockets"]
    # the new episode is offered by autocomplete straight away
    choices = await world.alice.autocomplete(world.channel, "ask", "episode", "garden")
    assert [c["value"] for c in choices] == ["gardening"]


async def test_ingest_by_manage_server_member_and_again_is_unchanged(world):
    await world.mod.slash(world.channel, "ingest", source="gardening.vtt")
    again = await world.mod.slash(world.channel, "ingest", source=str(FIXTURES / "gardening.vtt"))
    assert again.response.content.startswith("✅ Already up to date: `gardening`")


async def test_ingest_refuses_paths_outside_the_inbox(world, tmp_path):
    secret = tmp_path / "secret.vtt"
    secret.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nprivate words\n")
    for source in (str(secret), "../../conftest.py", "/etc/passwd", "https://example.com/feed.xml"):
        result = await world.mod.slash(world.channel, "ingest", source=source)
        assert result.ephemeral
        assert "YouTube" in result.response.content and "private" not in result.response.content
    assert [m.episode_id for m in world.app.library.episodes] == ["rockets"]
    assert len(world.env.errors) == 4


async def test_forget_needs_an_exact_id_and_permission(world):
    refused = await world.alice.slash(world.channel, "forget", episode="rockets")
    assert refused.ephemeral and "can remove episodes" in refused.response.content

    fuzzy = await world.mod.slash(world.channel, "forget", episode="Rockets and Rivers")
    assert "Did you mean `rockets`" in fuzzy.response.content
    assert [m.episode_id for m in world.app.library.episodes] == ["rockets"]

    done = await world.mod.slash(world.channel, "forget", episode="rockets")
    assert done.ephemeral and done.response.content.startswith("🗑️ Forgot `rockets` — Rockets and Rivers.")
    assert world.app.library.episodes == []
    listing = await world.alice.slash(world.channel, "episodes")
    assert listing.response.embeds[0].description.startswith("No episodes yet")
    assert len(world.env.errors) == 2                               # the refusal and the fuzzy match


def fake_youtube(monkeypatch, calls):
    """YouTube without the network: the video's "captions" are the gardening fixture."""

    def load(ref: SourceRef, settings, **kw) -> Transcript:
        calls.append(ref)
        assert ref.kind == "youtube"
        transcript = load_transcript(SourceRef("file", str(FIXTURES / "gardening.vtt")), settings)
        meta = transcript.meta.model_copy(update={
            "episode_id": VIDEO, "video_id": VIDEO, "url": f"https://youtu.be/{VIDEO}",
            "title": "Gardening in Small Spaces", "source": f"youtube:{VIDEO}"})
        return Transcript(meta=meta, cues=transcript.cues)

    monkeypatch.setattr(ingesting, "load_transcript", load)


async def test_summary_of_a_new_youtube_link_ingests_first(world, monkeypatch):
    calls: list = []
    fake_youtube(monkeypatch, calls)
    link = f"https://www.youtube.com/watch?v={VIDEO}&t=42s"

    result = await world.mod.slash(world.channel, "summary", episode=link)

    assert callback_types(world.env) == [5] and not result.ephemeral
    edits = progress_edits(world.env)
    assert any("fetching the transcript" in e for e in edits if e)
    assert any("Summarising" in e for e in edits if e)
    assert result.response.content.startswith(f"✅ Added `{VIDEO}` — Gardening in Small Spaces")
    assert result.response.embeds[0].title == f"Episode {VIDEO} — Overview"
    assert world.app.summaries.calls == [(VIDEO, False)]
    assert len(calls) == 1

    # asking again summarises the stored episode without ingesting a second time
    again = await world.alice.slash(world.channel, "summary", episode=f"https://youtu.be/{VIDEO}")
    assert again.response.embeds[0].title == f"Episode {VIDEO} — Overview"
    assert len(calls) == 1


async def test_summary_of_a_new_youtube_link_is_refused_for_members(world, monkeypatch):
    calls: list = []
    fake_youtube(monkeypatch, calls)

    result = await world.bob.slash(world.channel, "summary", episode=f"https://youtu.be/{VIDEO}")

    assert "only moderators can add episodes" in result.response.content
    assert calls == [] and world.app.summaries.calls == []
    assert len(world.env.errors) == 1
