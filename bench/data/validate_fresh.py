"""validate.py's checks for the blind set ask_fresh.jsonl / quote_fresh.jsonl, plus: every time on a cue
boundary and no quote span wider than its text. Usage: python3 validate_fresh.py [DATA_DIR]."""
import json, re, os, sys
from collections import Counter
from vtt_cues import ep_data, norm
HERE = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
errs = []
def is_start(cs, t): return any(abs(c[0] - t) < 1e-6 for c in cs)
def is_end(cs, t): return any(abs(c[1] - t) < 1e-6 for c in cs)

ask = [json.loads(l) for l in open(f"{HERE}/ask_fresh.jsonl", encoding="utf-8")]
quo = [json.loads(l) for l in open(f"{HERE}/quote_fresh.jsonl", encoding="utf-8")]
EPS = {"070", "140", "190", "305"}

for o in ask:
    assert set(o) == {"id", "episode", "question", "style", "gold", "answer_hint"}, o["id"]
    if o["episode"] not in EPS: errs.append(f"{o['id']} episode {o['episode']} not in {EPS}")
    if o["style"] not in ("keyword", "paraphrase", "unanswerable"): errs.append(f"{o['id']} bad style")
    if o["style"] == "unanswerable":
        if o["gold"]: errs.append(f"{o['id']} unanswerable with gold")
        continue
    if not o["gold"]: errs.append(f"{o['id']} answerable without gold")
    cs, txt, dur = ep_data(o["episode"])
    for s, e in o["gold"]:
        if not (0 <= s < e <= dur): errs.append(f"{o['id']} span {s}-{e} outside 0-{dur}")
        if not is_start(cs, s): errs.append(f"{o['id']} span start {s} is not a cue start")
        if not is_end(cs, e): errs.append(f"{o['id']} span end {e} is not a cue end")
for o in quo:
    assert set(o) == {"id", "episode", "query", "kind", "text", "start", "end"}, o["id"]
    if o["kind"] not in ("fragment", "wrong_word", "paraphrase", "swapped_order", "misspelling"): errs.append(f"{o['id']} bad kind")
    cs, txt, dur = ep_data(o["episode"])
    if norm(o["text"]) not in txt: errs.append(f"{o['id']} text not in transcript")
    if not (0 <= o["start"] < o["end"] <= dur): errs.append(f"{o['id']} bad times")
    if not is_start(cs, o["start"]): errs.append(f"{o['id']} start is not a cue start")
    if not is_end(cs, o["end"]): errs.append(f"{o['id']} end is not a cue end")
    inside = [c for c in cs if c[0] >= o["start"] - 1e-6 and c[1] <= o["end"] + 1e-6]
    if norm(o["text"]) not in norm(" ".join(c[2] for c in inside)): errs.append(f"{o['id']} text not inside [start,end]")
    # tightness: the text must touch the first and the last cue of [start,end]
    if inside:
        first, last = inside[0][2], inside[-1][2]
        t = norm(o["text"])
        if not any(w in first for w in [t[:15]]) and not first.endswith(t[:len(first)][-10:]):
            pass
        if len(inside) > 1 and norm(" ".join(c[2] for c in inside[1:])).find(t) >= 0: errs.append(f"{o['id']} start cue not needed")
        if len(inside) > 1 and norm(" ".join(c[2] for c in inside[:-1])).find(t) >= 0: errs.append(f"{o['id']} end cue not needed")

# episode-scoped unanswerables: the key terms must not occur in that episode (stray, unrelated hits are
# listed in answer_hint and excluded by the patterns below)
SCOPED = {"f007": r"psychedel|mushroom|\blsd\b|\bdrugs?\b|ayahuasca|hallucinogen|ketamine|\bdmt\b",
          "f008": r"tsmc|taiwan|\bchina\b|chinese|samsung|foundr|geopolit|sanction|tariff|nanometer",
          "f015": r"ekman|facial|expressions?\b|frown|scowl|basic emotion",
          "f016": r"depress|ssri|prozac|serotonin|medication|antidepress|\bpills?\b|prescri|psychiatr",
          "f023": r"gerrymand|district|redistrict|\bvot(e|es|er|ers|ing)\b|election|partisan|congress",
          "f024": r"lotter|lotto|winfall|jackpot|gambl|casino|ticket",
          "f031": r"simulation hypothesis|simulation argument|live in a simulation|living in a simulation|\bmatrix\b|base reality",
          "f032": r"\bgod\b|religio|church|\bfaith\b|christian|theolog|\bprayer|atheis|spiritual|afterlife|\bsoul"}
for o in ask:
    if o["style"] == "unanswerable":
        pat = SCOPED.get(o["id"])
        if pat is None: errs.append(f"{o['id']} no scoped check"); continue
        hits = re.findall(pat, ep_data(o["episode"])[1].lower())
        if hits: errs.append(f"{o['id']} term found in episode: {hits[:5]}")

ans = [o for o in ask if o["style"] != "unanswerable"]
st = Counter(o["style"] for o in ask)
checks = [
    ("32 ask lines", len(ask) == 32),
    ("8 per episode, 6 answerable + 2 unanswerable", all(
        sum(1 for o in ask if o["episode"] == ep) == 8 and sum(1 for o in ans if o["episode"] == ep) == 6 for ep in EPS)),
    ("keyword == paraphrase == 12", st["keyword"] == 12 and st["paraphrase"] == 12),
    ("24 quotes, 6 per episode", len(quo) == 24 and all(sum(1 for o in quo if o["episode"] == ep) == 6 for ep in EPS)),
    ("paraphrase quotes >= 5", sum(1 for o in quo if o["kind"] == "paraphrase") >= 5),
    ("unique ids", len({o["id"] for o in ask}) == len(ask) and len({o["id"] for o in quo}) == len(quo)),
]
for name, ok in checks:
    print(("OK  " if ok else "FAIL"), name)
    if not ok: errs.append(name)
print("ask:", len(ask), dict(st), "per episode:", dict(Counter(o["episode"] for o in ask)))
print("quote:", len(quo), dict(Counter(o["kind"] for o in quo)), "per episode:", dict(Counter(o["episode"] for o in quo)))
lens = [e - s for o in ans for s, e in o["gold"]]
print(f"gold spans: {len(lens)}, length min {min(lens):.1f}s median {sorted(lens)[len(lens)//2]:.1f}s max {max(lens):.1f}s")
for o in ans:
    dur = ep_data(o["episode"])[2]
    print(f"  {o['id']} {o['episode']} {o['style']:10s} pos {o['gold'][0][0]/dur:4.0%}  len {sum(e-s for s,e in o['gold']):5.1f}s")
print("\n".join(errs) if errs else "ALL CHECKS PASSED")
sys.exit(1 if errs else 0)
