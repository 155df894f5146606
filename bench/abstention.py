"""When podbot says "not found", and which rule said it, over every question set at once.

Every set's questions (dev, held-out, fresh, blind 2 to 22, and "whether": 60 answerable "did he talk about X?"
questions, which the others hardly hold) in both scopes, on one library holding all their episodes: the dev library
plus the blind sets' episodes (`--episodes 319`: the whole of Lexicap). Per set and scope: answerable questions
refused (wrong), unanswerable ones refused (right), recall@1/@5; both scopes summed over every set but "whether" (as
counts); then how often each rule (`AskEngine.abstain_reason`) refused an answerable and an unanswerable question.
Abstention rules are traded one question at a time; this shows the trade on every set instead of the 146 questions of
the dev set they were set on. An episode's unanswerable question that names its guest ("did Jim Keller talk about
psychedelics?") is also asked across the library, where the right answer is still that the guest's episode does not
have it (counted on its own).

    .venv/bin/python bench/abstention.py [--episodes 40|319] [--list]
"""
from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict

from common import ROOT, build_app, build_app_plus, episode_id, pick_episodes
from retrieval import overlaps

SETS = ("ask_dev", "ask_heldout", "ask_fresh", "ask_blind2", "ask_blind3", "ask_blind4", "ask_blind5", "ask_blind6",
        "ask_blind7", "ask_blind8", "ask_blind9", "ask_blind10", "ask_blind11", "ask_blind12",
        "ask_blind13", "ask_blind14", "ask_blind15", "ask_blind16", "ask_blind17", "ask_blind18", "ask_blind19", "ask_blind20", "ask_blind21", "ask_blind22", "ask_whether")


def load(name: str) -> list[dict]:
    path = ROOT / "bench" / "data" / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--episodes", type=int, default=40, help="the dev library's size (319: all of Lexicap)")
    ap.add_argument("--list", action="store_true", help="print every refused answerable question")
    args = ap.parse_args()
    sets = {name: load(name) for name in SETS}
    dev_episodes = sorted({q["episode"] for q in sets["ask_dev"] if q["episode"]})
    files = pick_episodes(dev_episodes, args.episodes)
    others = sorted({q["episode"] for qs in sets.values() for q in qs if q["episode"]}
                    - {f.stem[8:11] for f in files})
    app = build_app_plus(f"dev_{args.episodes}", files, others) if others else build_app(f"dev_{args.episodes}", files)
    from bot.ask.engine import AskEngine

    engine = AskEngine(app.library)
    engine.warm().join()
    rows: dict[tuple[str, str], Counter] = defaultdict(Counter)
    reasons: dict[str, Counter] = defaultdict(Counter)
    guest_named: Counter = Counter()
    for name, questions in sets.items():
        for q in questions:
            eid = episode_id(q["episode"]) if q["episode"] else None
            for scope in ("episode", "corpus"):
                if (scope == "episode" and not eid) or (scope == "corpus" and eid and not q["gold"]):
                    continue          # an episode's unanswerable may be answered by another episode
                r = engine.retrieve(q["question"], eid if scope == "episode" else None, k=5)
                reason = engine.abstain_reason(r)
                row = rows[(name, scope)]
                if q["gold"]:
                    rank = next((i for i, e in enumerate(r.evidence)
                                 if e.episode_id == eid and overlaps(e.start, e.end, q["gold"])), None)
                    row["answerable"] += 1
                    row["wrong"] += reason is not None
                    row["r1"] += rank == 0
                    row["r5"] += rank is not None
                    if reason:
                        reasons[reason]["answerable"] += 1
                        if args.list:
                            print(f"refused {q['id']} ({scope}, {reason}): {q['question']}")
                else:
                    row["unanswerable"] += 1
                    row["right"] += reason is not None
                    if reason:
                        reasons[reason]["unanswerable"] += 1
            if eid and not q["gold"] and names_guest(engine, q["question"], eid):
                # "did Jim Keller talk about psychedelics?" asked across the library: not in his episode is the answer
                guest_named["asked"] += 1
                refused = engine.abstain_reason(engine.retrieve(q["question"], None, k=5)) is not None
                guest_named["refused"] += refused
                if args.list and not refused:
                    print(f"answered {q['id']} (its guest named, across the library): {q['question']}")
    print(f"\n{len(app.library.episodes)} episodes\n")
    print("| set | scope | answerable refused (wrong) | unanswerable refused (right) | recall@1 | recall@5 |")
    print("|---|---|---|---|---|---|")
    for (name, scope), c in rows.items():
        unans = f"{c['right']}/{c['unanswerable']}" if c["unanswerable"] else "–"
        n = max(1, c["answerable"])
        print(f"| {name[4:]} | {scope} | {c['wrong']}/{c['answerable']} | {unans} | {c['r1'] / n:.2f} | "
              f"{c['r5'] / n:.2f} |")
    for scope in ("episode", "corpus"):
        t = sum((c for (name, s), c in rows.items() if s == scope and name != "ask_whether"), Counter())
        print(f"| every set but whether | {scope} | {t['wrong']}/{t['answerable']} | {t['right']}/{t['unanswerable']} | "
              f"{t['r1']} | {t['r5']} |")
    print(f"\nunanswerables that name their guest, asked across the library: refused {guest_named['refused']} of "
          f"{guest_named['asked']}")
    print("\n| rule | refused answerable | refused unanswerable |\n|---|---|---|")
    for reason, c in sorted(reasons.items(), key=lambda kv: -sum(kv[1].values())):
        print(f"| {reason} | {c['answerable']} | {c['unanswerable']} |")
    return 0


def names_guest(engine, question: str, episode_id: str) -> bool:
    """The question names the episode's guest, by name or by the role their introduction gives."""
    asked = engine.retriever.corrected(question)
    return episode_id in (engine.retriever.named_guests(asked) or engine.retriever.named_by_role(asked))


if __name__ == "__main__":
    raise SystemExit(main())
