"""Retrieval benchmark for /ask: podbot's hybrid retriever vs the tutorial recipe, same corpus, same run.

Tutorial recipe = RecursiveCharacterTextSplitter(1000, 200) + top-k dense search in Chroma with the same
MiniLM. Corpus = the dev-set episodes plus distractors (default 40 episodes in all). A hit is a citation of
the right episode overlapping a gold span. Usage: python bench/retrieval.py [--episodes 40] [--features]
"""
from __future__ import annotations

import argparse
import functools
import json
import statistics
import time
from pathlib import Path

from common import OUT, ROOT, build_app, build_app_plus, episode_id, percentile, pick_episodes

DEV = ROOT / "bench" / "data" / "ask_dev.jsonl"


def load_dev() -> list[dict]:
    return [json.loads(line) for line in DEV.read_text().splitlines() if line.strip()]


def with_typo(question: str, seed: int) -> str:
    """The question with one typing slip in its longest word (a swapped, dropped or doubled letter),
    deterministic per question: how listeners type in a chat box."""
    import re

    words = [m for m in re.finditer(r"\b[a-z]{6,}\b", question)]
    if not words:
        return question
    m = max(words, key=lambda m: (len(m.group(0)), m.start()))
    w, i = m.group(0), 1 + seed % (len(m.group(0)) - 3)
    slip = seed % 3
    typo = (w[:i] + w[i + 1] + w[i] + w[i + 2:] if slip == 0 else       # swapped neighbours
            w[:i] + w[i + 1:] if slip == 1 else                        # dropped letter
            w[:i] + w[i] + w[i:])                                      # doubled letter
    return question[:m.start()] + typo + question[m.end():]


@functools.cache
def _chat_wrappers() -> tuple[list[str], list[str]]:
    wrappers = json.loads((ROOT / "bench" / "data" / "chat_wrappers.json").read_text())
    return wrappers["before"], wrappers["after"] + [""] * (len(wrappers["after"]) // 2)


def with_chat(question: str, seed: int) -> str:
    """The question wrapped the way Discord messages come: a greeting, a line about the listener or a hedge before
    it, thanks or "anyone remember?" after it (bench/data/chat_wrappers.json, written apart from podbot's rules),
    deterministic per question."""
    before, after = _chat_wrappers()
    return before[seed % len(before)] + question + after[(seed // 7) % len(after)]


def overlaps(a: float, b: float, spans: list[list[float]]) -> bool:
    return any(a <= hi and b >= lo for lo, hi in spans)


class Baseline:
    """The tutorial recipe, built over the same episodes' text with times mapped from sentences."""

    def __init__(self, app):
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        self.app = app
        client = chromadb.PersistentClient(path=str(OUT / "baseline_chroma"),
                                           settings=ChromaSettings(anonymized_telemetry=False))
        self.col = client.get_or_create_collection("tutorial", metadata={"hnsw:space": "cosine"},
                                                   embedding_function=None)
        have: set[str] = set()
        for offset in range(0, self.col.count(), 10_000):   # in pages: one read of a 319-episode store is too
            page = self.col.get(include=["metadatas"], limit=10_000, offset=offset)   # many SQL variables
            have |= {m["episode_id"] for m in page["metadatas"]}
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)
        for text in app.library.texts():
            if text.episode_id in have:
                continue
            full = " ".join(s.text for s in text.sentences)
            offsets, pos = [], 0
            for s in text.sentences:
                offsets.append(pos)
                pos += len(s.text) + 1
            docs = splitter.create_documents([full])
            import bisect
            ids, metas, bodies = [], [], []
            for i, d in enumerate(docs):
                a = d.metadata["start_index"]
                b = a + len(d.page_content)
                sa = text.sentences[max(0, bisect.bisect_right(offsets, a) - 1)]
                sb = text.sentences[max(0, bisect.bisect_right(offsets, b - 1) - 1)]
                ids.append(f"{text.episode_id}:{i}")
                metas.append({"episode_id": text.episode_id, "start": sa.start, "end": sb.end})
                bodies.append(d.page_content)
            vectors = app.embedder.embed_documents(bodies)
            for lo in range(0, len(ids), 2000):
                self.col.add(ids=ids[lo:lo + 2000], embeddings=vectors[lo:lo + 2000],
                             metadatas=metas[lo:lo + 2000], documents=bodies[lo:lo + 2000])

    def retrieve(self, question: str, scope: str | None, k: int = 5) -> list[tuple[str, float, float]]:
        vector = self.app.embedder.embed_query(question)
        where = {"episode_id": scope} if scope else {"episode_id": {"$in": sorted(self.app.library.active)}}
        got = self.col.query(query_embeddings=[vector], n_results=k, where=where, include=["metadatas"])
        return [(m["episode_id"], m["start"], m["end"]) for m in got["metadatas"][0]]


def evaluate(name, retrieve, answerable, unanswerable, abstains, scope_mode):
    ranks, lengths, lat = [], [], []
    wrong_abstain = 0
    for q in answerable:
        eid = episode_id(q["episode"])
        scope = eid if scope_mode == "episode" else None
        began = time.perf_counter()
        cites, abstained = retrieve(q["question"], scope)
        lat.append((time.perf_counter() - began) * 1000)
        wrong_abstain += abstained
        rank = next((i for i, (e, a, b) in enumerate(cites) if e == eid and overlaps(a, b, q["gold"])), None)
        ranks.append(rank)
        lengths.extend(b - a for _, a, b in cites[:1])
    abst = 0
    for q in unanswerable:
        scope = episode_id(q["episode"]) if q["episode"] and scope_mode == "episode" else None
        if q["episode"] and scope_mode == "corpus":
            continue          # an episode-specific unanswerable may be answered by another episode
        _, abstained = retrieve(q["question"], scope)
        abst += abstained
    n_unans = sum(1 for q in unanswerable if scope_mode == "episode" or not q["episode"])
    n = len(answerable)
    return {
        "system": name, "scope": scope_mode, "n": n,
        "recall@1": sum(r == 0 for r in ranks) / n, "recall@5": sum(r is not None and r < 5 for r in ranks) / n,
        "mrr": sum(1 / (r + 1) for r in ranks if r is not None) / n,
        "median_cite_s": statistics.median(lengths) if lengths else float("nan"),
        "abstain_unans": (abst / n_unans) if (abstains and n_unans) else None, "n_unans": n_unans,
        "wrong_abstain": wrong_abstain / n if abstains else None,
        "p50_ms": percentile(lat, 50), "p95_ms": percentile(lat, 95),
    }


def systems(app):
    """podbot (the product's path), the tutorial baseline, podbot without its respelling and podbot reading the
    chat around a question as part of it, on `app`."""
    from bot.ask.engine import AskEngine

    engine = AskEngine(app.library)
    engine.warm().join()                                   # as the bot does at start-up
    engine.retrieve("warm up", None)
    baseline = Baseline(app)

    def podbot(question, scope):
        r = engine.retrieve(question, scope, k=5)            # the product's path, guest naming included
        return [(e.episode_id, e.start, e.end) for e in r.evidence], engine.should_abstain(r)

    def tutorial(question, scope):
        return baseline.retrieve(question, scope), False

    def podbot_verbatim(question, scope):                    # the question exactly as typed
        corrected = engine.retriever.corrected
        engine.retriever.corrected = lambda q: q
        try:
            return podbot(question, scope)
        finally:
            engine.retriever.corrected = corrected

    def podbot_chat_kept(question, scope):                   # the chat around the question read as question
        import bot.ask.engine as ask_engine
        unwrap = ask_engine.asked_part
        ask_engine.asked_part = lambda q, *_: " ".join(q.split())
        try:
            return podbot(question, scope)
        finally:
            ask_engine.asked_part = unwrap

    podbot.engine = engine
    return podbot, tutorial, podbot_verbatim, podbot_chat_kept


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--episodes", type=int, default=40)
    ap.add_argument("--features", action="store_true", help="dump per-question abstention features")
    ap.add_argument("--heldout", type=Path, help="also score these questions (e.g. bench/data/ask_heldout.jsonl, "
                    "written after the tuning, on the distractor episodes) on the same library")
    ap.add_argument("--typos", action="store_true", help="ask every question with one typing slip (and show "
                    "podbot without its respelling of misspelled words)")
    ap.add_argument("--chatty", action="store_true", help="ask every question wrapped in chat (and show podbot "
                    "reading the chat as part of the question)")
    args = ap.parse_args()
    dev = load_dev()
    if args.typos:
        import zlib

        dev = [{**q, "question": with_typo(q["question"], zlib.crc32(q["id"].encode()))} for q in dev]
    if args.chatty:
        import zlib

        dev = [{**q, "question": with_chat(q["question"], zlib.crc32(q["id"].encode()))} for q in dev]
    answerable = [q for q in dev if q["gold"]]
    unanswerable = [q for q in dev if not q["gold"]]
    required = sorted({q["episode"] for q in dev if q["episode"]})
    files = pick_episodes(required, args.episodes)
    app = build_app(f"dev_{args.episodes}", files)          # shared with quotes.py
    podbot, tutorial, podbot_verbatim, podbot_chat_kept = systems(app)
    rows = []
    for scope_mode in ("episode", "corpus"):
        rows.append(evaluate("podbot", podbot, answerable, unanswerable, True, scope_mode))
        if args.typos:
            rows.append(evaluate("podbot, no respelling", podbot_verbatim, answerable, unanswerable, True,
                                 scope_mode))
        if args.chatty:
            rows.append(evaluate("podbot, chat kept", podbot_chat_kept, answerable, unanswerable, True, scope_mode))
        rows.append(evaluate("tutorial", tutorial, answerable, unanswerable, False, scope_mode))
    if args.features:
        with open(OUT / "ask_features.jsonl", "w") as fh:
            for q in dev:
                for scope_mode in ("episode", "corpus"):
                    if scope_mode == "corpus" and q["episode"] and not q["gold"]:
                        continue
                    scope = [episode_id(q["episode"])] if (q["episode"] and scope_mode == "episode") else None
                    r = podbot.engine.retriever.retrieve(q["question"], scope, k=5)
                    fh.write(json.dumps({"id": q["id"], "scope": scope_mode, "answerable": bool(q["gold"]),
                                         "dense": r.best_dense, "coverage": r.coverage}) + "\n")
    print(f"\n{args.episodes} episodes, {len(answerable)} answerable + {len(unanswerable)} unanswerable questions\n")
    print_table(rows)
    if args.heldout:
        held = [json.loads(line) for line in args.heldout.read_text().splitlines() if line.strip()]
        have = {m.episode_id for m in app.library.episodes}
        missing = sorted({q["episode"] for q in held if episode_id(q["episode"]) not in have})
        if missing:      # e.g. the blind set's own episodes: the same library plus those
            app = build_app_plus(f"dev_{args.episodes}", files, missing)
            podbot, tutorial, _, _ = systems(app)
        ans = [q for q in held if q["gold"]]
        unans = [q for q in held if not q["gold"]]
        held_rows = []
        for scope_mode in ("episode", "corpus"):
            held_rows.append(evaluate("podbot", podbot, ans, unans, True, scope_mode))
            held_rows.append(evaluate("tutorial", tutorial, ans, unans, False, scope_mode))
        print(f"\nheld out ({args.heldout.name}, {len(app.library.episodes)} episodes): {len(ans)} answerable + "
              f"{len(unans)} unanswerable questions\n")
        print_table(held_rows)


def print_table(rows: list[dict]) -> None:
    print("| system | scope | recall@1 | recall@5 | MRR | median citation s | abstain (unanswerable) | "
          "wrong abstain | p50 ms | p95 ms |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        ab = "n/a" if r["abstain_unans"] is None else f"{r['abstain_unans']:.2f} (n={r['n_unans']})"
        wa = "n/a" if r["wrong_abstain"] is None else f"{r['wrong_abstain']:.2f}"
        print(f"| {r['system']} | {r['scope']} | {r['recall@1']:.2f} | {r['recall@5']:.2f} | {r['mrr']:.2f} | "
              f"{r['median_cite_s']:.0f} | {ab} | {wa} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} |")


if __name__ == "__main__":
    main()
