"""The keyless digest: every sentence in it is cut verbatim from the transcript.

- chapters: the creator's titles or the chapter's own keyphrases; a two-sentence summary and 3–5 bullets
  from the chapter's most central sentences;
- at a glance: 3–5 of the episode's most central sentences, from different chapters;
- ideas: the strongest statement of five different chapters, titled by its keyphrases;
- quotes: quotable sentences (quotes.py);
- topics and headline: the episode's keyphrases (and the guest, when known).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.models import Chapter, Idea, Summary, SummaryQuote
from bot.summary.analysis import Analysis
from bot.summary.chapters import ChapterSpan
from bot.summary.keyphrases import (
    CorpusStats,
    Phrase,
    chapter_scorer,
    episode_scorer,
    overlaps,
    scope_table,
    sentence_phrases,
    top_phrases,
)
from bot.summary.quotes import highlight, pick_quotes, to_summary_quote
from bot.summary.scoring import bullet_quality, centrality, idea_quality, mmr
from bot.summary.text import join_phrases, sentence_case
from ingest.sources.metadata import until_sentence_end

N_IDEAS = 5
N_QUOTES = 5
N_TOPICS = 6
MIN_BULLETS, MAX_BULLETS = 3, 5
SUMMARY_SENTENCES = 2
ELLIPSIS = " … "
PAIR_SHARE = 0.6            # a second keyphrase joins a title when it scores this share of the first
PAIR_MIN_IDF = 2.5          # ...and, a single common word, is at least this particular to the episode
WORN = 0.4                  # a phrase an earlier chapter's title (or the headline's first topic) already names
                            # scores this share in a chapter title: titles are there to tell chapters apart


@dataclass(slots=True)
class ChapterDraft:
    span: ChapterSpan
    title: str
    summary_idx: list[int]
    bullet_idx: list[int]
    phrases: list[Phrase]


def phrase_text(p: Phrase) -> str:
    return p.text if p.proper else p.text.lower()


def episode_topics(a: Analysis, k: int = N_TOPICS) -> list[Phrase]:
    min_count = 3 if a.duration >= 1800 else 2
    found = top_phrases(a.table, episode_scorer(a.stats), k, min_count=min_count)
    if len(found) < k:
        found += top_phrases(a.table, episode_scorer(a.stats), k - len(found), min_count=1,
                             exclude=[p.key for p in found])
    return found


def chapter_phrases(a: Analysis, span: ChapterSpan, k: int = 4, worn: Iterable[tuple[str, ...]] = ()) \
        -> tuple[list[Phrase], list[float]]:
    local = scope_table(a.table, span.lo, span.hi)
    share = (span.hi - span.lo) / max(1, len(a.sentences))
    scorer = less_if_worn(chapter_scorer(a.stats, a.table, share), list(worn))
    found = top_phrases(local, scorer, k, min_count=2) or top_phrases(local, scorer, k, min_count=1)
    return found, [scorer(p) for p in found]


def worth_pairing(stats: CorpusStats, p: Phrase) -> bool:
    """A runner-up that adds something to a title: a name, several words, or a word particular to the
    episode ("priority mail", "Karpov", "niche"), not a common one ("gap", "decision", "assumptions")."""
    return len(p.key) > 1 or p.proper or stats.phrase_idf(p.key) >= PAIR_MIN_IDF


def pairs_well(stats: CorpusStats, phrases: list[Phrase], scores: list[float]) -> bool:
    """A title names the best two keyphrases when the runner-up is nearly as strong and adds something."""
    return len(phrases) >= 2 and scores[1] >= PAIR_SHARE * scores[0] and worth_pairing(stats, phrases[1])


def chapter_title(phrases: list[Phrase], scores: list[float], used: set[str], stats: CorpusStats) -> str | None:
    """The chapter's keyphrase, with the runner-up when it is nearly as strong; no title used twice."""
    options: list[list[Phrase]] = []
    if pairs_well(stats, phrases, scores):
        options.append(phrases[:2])
    options += [phrases[:1], phrases[:2], phrases[1:2], phrases[1:3], phrases[2:3]]
    return first_unused(options, used)


def less_if_worn(score: Callable[[Phrase], float], worn: list[tuple[str, ...]]) -> Callable[[Phrase], float]:
    """`score`, at WORN of itself for a phrase sharing a word with one an earlier title used (`worn`)."""
    return lambda p: score(p) * (WORN if any(overlaps(p.key, w) for w in worn) else 1.0)


def wear(worn: list[tuple[str, ...]], phrases: list[Phrase], title: str) -> None:
    """Record the phrases `title` names as used, for the titles after it."""
    worn.extend(p.key for p in phrases if phrase_text(p).lower() in title.lower())


def first_unused(options: list[list[Phrase]], used: set[str]) -> str | None:
    """The first of the candidate titles (keyphrase lists, "A and B") not already taken, in any order:
    "North Korea and Kim Jong Un" is taken by "Kim Jong Un and North Korea" (both are recorded in `used`)."""
    for option in options:
        if option:
            title = sentence_case(join_phrases([phrase_text(p) for p in option]))
            same = _unordered(option)
            if title.lower() not in used and same not in used:
                used.add(same)
                return title
    return None


def _unordered(option: list[Phrase]) -> str:
    return "\x1f".join(sorted(phrase_text(p).lower() for p in option))


def _candidates(a: Analysis, lo: int, hi: int, *, relax: int) -> list[int]:
    """Sentences of [lo, hi) allowed as material; relax=1 admits the intro/sign-off, relax=2 anything."""
    if relax == 0:
        return [i for i in range(lo, hi) if a.usable(i)]
    if relax == 1:
        return [i for i in range(lo, hi) if not a.framing.ad[i]]
    return list(range(lo, hi))


def ranked_sentences(a: Analysis, lo: int, hi: int, *, chapter: bool, need: int,
                     quality=bullet_quality, intro: bool = False) -> list[tuple[int, float]]:
    """(sentence, score) for [lo, hi): centrality × quality, relaxing filters until `need` are scored.

    In an introduction the host presents the guest first, so position counts more than centrality.
    """
    for relax in (0, 1, 2):
        idx = _candidates(a, lo, hi, relax=max(relax, 1) if intro else relax)
        if not idx:
            continue
        if intro:       # from the host's introduction on: a cold open before it is quoted where it is said
            idx = [i for i in idx if not a.framing.in_cold_open(i)] or idx
            cent = [1.0 / (1.0 + 0.15 * (i - idx[0])) for i in idx]
        else:
            cent = centrality(a, idx, lo, hi, chapter=chapter)
        scored = [(i, float(c) * (bullet_quality(a.features[i], min_words=8 - 3 * relax,
                                                 max_words=70 if intro else 45)
                                  if quality is bullet_quality else quality(a.features[i])))
                  for i, c in zip(idx, cent)]
        if relax == 2:      # anything rather than nothing, sponsor reads last
            scored = [(i, max(s, 1e-3 * (1 + float(c))) if not a.framing.ad[i] else 1e-6)
                      for (i, s), c in zip(scored, cent)]
        good = [x for x in scored if x[1] > 0]
        if len(good) >= need or relax == 2:
            return good
    return []


def draft_chapter(a: Analysis, span: ChapterSpan, used_titles: set[str], avoid: set[int] = frozenset(),
                  worn: list[tuple[str, ...]] | None = None) -> ChapterDraft:
    """One chapter: its summary, bullets and title. `worn` holds the keyphrases earlier titles used (and the
    episode's main topic); the title's own are added to it."""
    minutes = (span.end - span.start) / 60
    n_bullets = int(min(MAX_BULLETS, max(MIN_BULLETS, round(minutes / 3))))
    need = n_bullets + SUMMARY_SENTENCES
    ranked = ranked_sentences(a, span.lo, span.hi, chapter=True, need=need, intro=span.source == "intro")
    fresh = [(i, s) for i, s in ranked if i not in avoid]
    ranked = fresh if len(fresh) >= min(need, len(ranked)) else ranked
    summary_idx = mmr(a, ranked, SUMMARY_SENTENCES if len(ranked) > n_bullets + 1 else 1)
    bullet_idx = mmr(a, ranked, n_bullets, chosen=summary_idx)
    worn = [] if worn is None else worn
    phrases, scores = chapter_phrases(a, span, worn=worn)
    title = span.title or ("Introduction" if span.source == "intro"
                           else chapter_title(phrases, scores, used_titles, a.stats))
    if not title:
        title = f"Part {len(used_titles) + 1}"
    used_titles.add(title.lower())
    wear(worn, phrases, title)
    return ChapterDraft(span, title, sorted(summary_idx), sorted(bullet_idx), phrases)


def verbatim_run(a: Analysis, idx: list[int]) -> str:
    """Sentences in order; adjacent ones joined by a space (as spoken), gaps marked with an ellipsis."""
    parts: list[str] = []
    prev = None
    for i in sorted(idx):
        text = a.sentences[i].text
        if prev is not None and i == prev + 1:
            parts[-1] += " " + text
        else:
            parts.append(text)
        prev = i
    return ELLIPSIS.join(parts)


def to_chapter(a: Analysis, d: ChapterDraft) -> Chapter:
    return Chapter(start=d.span.start, end=d.span.end, title=d.title, summary=verbatim_run(a, d.summary_idx),
                   bullets=[a.sentences[i].text for i in d.bullet_idx], url=a.link(d.span.start))


def idea_span(a: Analysis, i: int) -> tuple[int, int]:
    """The idea's sentence, plus the next one when it is short and the next carries on."""
    f = a.features[i]
    nxt = i + 1
    if f.words < 16 and nxt < len(a.sentences) and a.usable(nxt) and a.chapter_of(nxt) == a.chapter_of(i):
        g = a.features[nxt]
        if not g.question and 6 <= g.words <= 30 and g.fillers == 0:
            return i, nxt
    return i, i


def idea_title(a: Analysis, lo: int, hi: int, used: set[str], fallback: str,
               worn: list[tuple[str, ...]] | None = None) -> str:
    """The keyphrases of the idea's chapter that the idea itself says (a second one only if nearly as strong);
    those an earlier idea's title used (in `worn`, which this one's join) count less, as in chapter titles."""
    span = a.chapters[a.chapter_of(lo)]
    present = {c.key for i in range(lo, hi + 1) for c in sentence_phrases(a.sentences[i].text)}
    local = scope_table(a.table, span.lo, span.hi)
    worn = [] if worn is None else worn
    scorer = less_if_worn(chapter_scorer(a.stats, a.table, (span.hi - span.lo) / max(1, len(a.sentences))), worn)
    phrases = top_phrases({k: local[k] for k in present if k in local}, scorer, 3, min_count=2)
    options: list[list[Phrase]] = []
    if pairs_well(a.stats, phrases, [scorer(p) for p in phrases]):
        options.append(phrases[:2])
    options += [[p] for p in phrases] + [phrases[:2], phrases[1:3]]
    title = first_unused(options, used) or fallback
    wear(worn, phrases, title)
    return title


def pick_ideas(a: Analysis, avoid: set[int], k: int = N_IDEAS) -> list[int]:
    """The best statement of each of the k weightiest chapters (two per chapter when chapters are few)."""
    per_chapter: list[tuple[float, int, list[tuple[int, float]]]] = []
    for ci, span in enumerate(a.chapters):
        if span.source == "intro":
            continue
        ranked = [(i, s) for i, s in ranked_sentences(a, span.lo, span.hi, chapter=True, need=1,
                                                      quality=idea_quality)
                  if i not in avoid and a.usable(i)]
        if not ranked:
            continue
        best = max(s for _, s in ranked)
        weight = best * ((span.end - span.start) / max(1.0, a.duration)) ** 0.3
        per_chapter.append((weight, ci, ranked))
    per_chapter.sort(key=lambda x: -x[0])
    picked: list[int] = []
    rounds = 0
    while len(picked) < k and per_chapter and rounds < k:
        for _, _, ranked in per_chapter:
            if len(picked) >= k:
                break
            got = mmr(a, ranked, 1, chosen=picked + sorted(avoid), min_gap=3)
            picked.extend(got)
        rounds += 1
    return sorted(picked)


def pick_glance(a: Analysis, avoid: set[int], k: int) -> list[int]:
    """k central sentences of the whole episode, from different chapters, in order."""
    ranked = [(i, s) for i, s in ranked_sentences(a, 0, len(a.sentences), chapter=False, need=k,
                                                  quality=idea_quality)
              if i not in avoid and a.usable(i)]
    picked: list[int] = []
    chapters_used: set[int] = set()
    for _ in range(k):
        pool = [(i, s) for i, s in ranked if a.chapter_of(i) not in chapters_used] or ranked
        got = mmr(a, pool, 1, chosen=picked + sorted(avoid), min_gap=3)
        if not got:
            break
        picked.extend(got)
        chapters_used.add(a.chapter_of(got[0]))
    return sorted(picked)


def glance_count(duration: float) -> int:
    return 3 if duration < 1800 else 4 if duration < 2 * 3600 else 5


def headline(a: Analysis, topics: list[Phrase]) -> str:
    about = join_phrases([phrase_text(p) for p in topics[:3]])
    # a store ingested by an older podbot can hold a guest name that ran on ("RZA. The"): keep the name
    guest = until_sentence_end(a.meta.guest or "").strip(" .,") or None
    if guest and about:
        return f"{guest} on {about}"
    if about:
        return sentence_case(about)
    return a.meta.title


def summarize_extractive(a: Analysis) -> Summary:
    """The digest, each sentence used once: quotes, then ideas, then chapters, then the overview."""
    topics = episode_topics(a)
    hl = highlight(a)
    shown = set(range(hl[0], hl[1] + 1)) if hl else set()
    quote_idx = pick_quotes(a, N_QUOTES - bool(hl), avoid=shown)
    quotes: list[SummaryQuote] = [q for q in ([to_summary_quote(a, *hl)] if hl else []) +
                                  [to_summary_quote(a, i) for i in quote_idx] if q is not None]
    quote_idx = sorted(shown.union(quote_idx))

    idea_idx = pick_ideas(a, avoid=set(quote_idx))
    idea_spans = [idea_span(a, i) for i in idea_idx]
    taken = set(quote_idx) | {i for lo, hi in idea_spans for i in range(lo, hi + 1)}

    used_titles: set[str] = set()
    worn = [p.key for p in topics[:1]]
    drafts = [draft_chapter(a, span, used_titles, avoid=taken, worn=worn) for span in a.chapters]
    chapters = [to_chapter(a, d) for d in drafts]

    ideas: list[Idea] = []
    used_idea_titles: set[str] = set()
    worn_by_ideas = [p.key for p in topics[:1]]
    for lo, hi in idea_spans:
        title = idea_title(a, lo, hi, used_idea_titles, drafts[a.chapter_of(lo)].title, worn_by_ideas)
        used_idea_titles.add(title.lower())
        ideas.append(Idea(title=title, explanation=" ".join(s.text for s in a.sentences[lo:hi + 1]),
                          start=a.sentences[lo].start, end=a.sentences[hi].end, url=a.link(a.sentences[lo].start)))

    summary_used = {i for d in drafts for i in d.summary_idx}
    glance_idx = pick_glance(a, avoid=taken | summary_used, k=glance_count(a.duration))
    return Summary(
        episode_id=a.episode_id, title=a.meta.title, headline=headline(a, topics),
        at_a_glance=[a.sentences[i].text for i in glance_idx], ideas=ideas, quotes=quotes, chapters=chapters,
        topics=[sentence_case(phrase_text(p)) for p in topics], mode="extractive", url=a.link(0),
        note=None if quotes or not unpunctuated_captions(a) else CAPTIONS_NOTE,
    )


CAPTIONS_NOTE = ("These are automatic captions without punctuation: the digest shows pieces of them, and none is "
                 "picked as a quote (/quote still finds a remembered line's exact words).")


def unpunctuated_captions(a: Analysis) -> bool:
    """Hardly a sentence of the episode ends like one: automatic captions, cut into pieces (`ingest.sentences`),
    where no whole sentence can be told to quote."""
    ends = sum(s.text.rstrip().endswith((".", "?", "!", "…")) for s in a.sentences)
    return bool(a.sentences) and ends < 0.05 * len(a.sentences)
