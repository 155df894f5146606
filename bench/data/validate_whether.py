"""Checks for ask_whether.jsonl: 60 answerable "did he talk about X?" questions (wA01-wA30 over 012 024 044 055 070
083 104 113 136 152, wB01-wB30 over 166 190 199 219 233 247 264 286 305 322), half in the listener's own words.
Cues read through vtt_cues.py. Usage: python3 validate_whether.py"""
import json
import os
import sys

from vtt_cues import ep_data

HERE = os.path.dirname(os.path.abspath(__file__))
EPISODES = {"A": "012 024 044 055 070 083 104 113 136 152".split(),
            "B": "166 190 199 219 233 247 264 286 305 322".split()}
KEYS = {"id", "episode", "question", "style", "gold", "answer_hint"}


def main() -> int:
    errs = []
    rows = [json.loads(line) for line in open(f"{HERE}/ask_whether.jsonl", encoding="utf-8") if line.strip()]
    want = [f"w{part}{n:02d}" for part in "AB" for n in range(1, 31)]
    if [o.get("id") for o in rows] != want:
        errs.append("ids are not wA01..wA30, wB01..wB30 in order")
    for o in rows:
        if set(o) != KEYS:
            errs.append(f"{o.get('id')}: keys {sorted(o)}")
            continue
        if o["episode"] not in EPISODES.get(o["id"][1:2], []):
            errs.append(f"{o['id']}: episode {o['episode']!r} not its part's")
            continue
        if o["style"] not in ("keyword", "paraphrase"):
            errs.append(f"{o['id']}: style {o['style']!r}")
        if not o["question"].strip() or not o["answer_hint"].strip():
            errs.append(f"{o['id']}: empty question or hint")
        cues, _, duration = ep_data(o["episode"])
        starts, ends = {c[0] for c in cues}, {c[1] for c in cues}
        previous = -1.0
        if not 1 <= len(o["gold"]) <= 3:
            errs.append(f"{o['id']}: {len(o['gold'])} spans")
        for start, end in o["gold"]:
            if start not in starts or end not in ends:
                errs.append(f"{o['id']}: span {start}-{end} not on cue boundaries")
            if not 0 <= start < end <= duration or start < previous:
                errs.append(f"{o['id']}: span {start}-{end} out of range or order")
            previous = end
    styles = [o.get("style") for o in rows]
    if styles.count("keyword") != 30 or styles.count("paraphrase") != 30:
        errs.append(f"styles: {styles.count('keyword')} keyword, {styles.count('paraphrase')} paraphrase")
    print("\n".join(errs) or f"OK: {len(rows)} questions")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
