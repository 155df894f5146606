"""A Summary as the CLI's JSON contract and as readable Markdown (Discord renders Markdown too)."""
from __future__ import annotations

from bot.models import Summary
from bot.timefmt import clock


def public(summary: Summary) -> dict:
    """The JSON contract of `podbot summary --json` (issue 5)."""
    return {
        "episode_id": summary.episode_id,
        "title": summary.title,
        "headline": summary.headline,
        "at_a_glance": list(summary.at_a_glance),
        "ideas": [{"title": i.title, "explanation": i.explanation, "start": i.start, "end": i.end, "url": i.url}
                  for i in summary.ideas],
        "quotes": [{"text": q.text, "start": q.start, "end": q.end, "url": q.url, "speaker": q.speaker}
                   for q in summary.quotes],
        "chapters": [{"start": c.start, "end": c.end, "title": c.title, "summary": c.summary,
                      "bullets": list(c.bullets), "url": c.url} for c in summary.chapters],
        "topics": list(summary.topics),
        "mode": summary.mode,
        "note": summary.note,
    }


def markdown(summary: Summary, *, timed: bool = True) -> str:
    """Readable Markdown; `timed=False` (plain-text transcripts) leaves out times, which would be positions."""

    def _at(seconds: float, url: str | None) -> str:
        stamp = clock(seconds)
        return f"[{stamp}]({url})" if url else stamp

    def when(seconds: float, url: str | None) -> str:
        return f" ({_at(seconds, url)})" if timed else ""

    lines: list[str] = [f"# {summary.title}", ""]
    if summary.note:
        lines += [f"> {summary.note}", ""]
    lines += [f"**{summary.headline}**", ""]
    if summary.at_a_glance:
        lines += ["## At a glance", ""] + [f"- {b}" for b in summary.at_a_glance] + [""]
    if summary.ideas:
        lines += ["## Ideas worth remembering", ""]
        for n, idea in enumerate(summary.ideas, 1):
            lines += [f"{n}. **{idea.title}**{when(idea.start, idea.url)} — {idea.explanation}"]
        lines.append("")
    if summary.quotes:
        lines += ["## Words worth saving", ""]
        for q in summary.quotes:
            who = f" — {q.speaker}" if q.speaker else ""
            lines += [f"> “{q.text}”{who}{when(q.start, q.url)}", ""]
    if summary.chapters:
        lines += ["## Chapters", ""]
        for c in summary.chapters:
            head = f"{_at(c.start, c.url)}–{clock(c.end)} · {c.title}" if timed else c.title
            lines += [f"### {head}", ""]
            if c.summary:
                lines += [c.summary, ""]
            lines += [f"- {b}" for b in c.bullets] + [""]
    if summary.topics:
        lines += ["## Topics", "", ", ".join(summary.topics), ""]
    made = "Written by a language model from the transcript" if summary.mode == "llm" \
        else "Extracted verbatim from the transcript"
    lines.append(f"_{made}; quotes are verbatim._")
    return "\n".join(lines).rstrip() + "\n"
