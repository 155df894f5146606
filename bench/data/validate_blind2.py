"""Checks for the second blind set: ask_blind2.jsonl and, if it exists, quote_blind2.jsonl (modelled on
validate_fresh.py, cues read through vtt_cues.py). Usage: python3 validate_blind2.py [DATA_DIR]."""
import json, re, os, sys
from collections import Counter
from vtt_cues import ep_data, norm
HERE = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
errs = []
def is_start(cs, t): return any(abs(c[0] - t) < 1e-6 for c in cs)
def is_end(cs, t): return any(abs(c[1] - t) < 1e-6 for c in cs)

EPS = {"061", "156", "201", "263", "300", "316"}
ASK_FILE, QUOTE_FILE = f"{HERE}/ask_blind2.jsonl", f"{HERE}/quote_blind2.jsonl"
ASK_KEYS = {"id", "episode", "question", "style", "gold", "answer_hint"}
QUOTE_KEYS = {"id", "episode", "query", "kind", "text", "start", "end"}
KINDS = ("fragment", "wrong_word", "paraphrase", "swapped_order", "misspelling")

# ---------------------------------------------------------------- ask_blind2.jsonl
ask = [json.loads(l) for l in open(ASK_FILE, encoding="utf-8") if l.strip()]
for n, o in enumerate(ask, 1):
    if set(o) != ASK_KEYS: errs.append(f"{o.get('id', n)} keys {sorted(o)} != {sorted(ASK_KEYS)}"); continue
    if o["id"] != f"b{n:03d}": errs.append(f"{o['id']} expected id b{n:03d}")
    if not isinstance(o["episode"], str) or o["episode"] not in EPS: errs.append(f"{o['id']} episode {o['episode']!r} not in {sorted(EPS)}"); continue
    if not isinstance(o["question"], str) or not o["question"].strip(): errs.append(f"{o['id']} empty question")
    if not isinstance(o["answer_hint"], str) or not o["answer_hint"].strip(): errs.append(f"{o['id']} empty answer_hint")
    if o["style"] not in ("keyword", "paraphrase", "unanswerable"): errs.append(f"{o['id']} bad style {o['style']!r}"); continue
    if not isinstance(o["gold"], list): errs.append(f"{o['id']} gold is not a list"); continue
    if o["style"] == "unanswerable":
        if o["gold"]: errs.append(f"{o['id']} unanswerable with gold")
        continue
    if not o["gold"]: errs.append(f"{o['id']} answerable without gold")
    cs, txt, dur = ep_data(o["episode"])
    prev_end = -1.0
    for sp in o["gold"]:
        if not (isinstance(sp, list) and len(sp) == 2 and all(isinstance(x, (int, float)) for x in sp)):
            errs.append(f"{o['id']} bad span {sp!r}"); continue
        s, e = sp
        if not (0 <= s < e <= dur + 1e-6): errs.append(f"{o['id']} span {s}-{e} outside 0-{dur}")
        if not is_start(cs, s): errs.append(f"{o['id']} span start {s} is not a cue start")
        if not is_end(cs, e): errs.append(f"{o['id']} span end {e} is not a cue end")
        if s < prev_end - 1e-6: errs.append(f"{o['id']} spans overlap or are out of order")
        prev_end = e

# episode-scoped unanswerables: the key terms must not occur in that episode (stray, unrelated hits are
# listed in answer_hint and kept out of these patterns)
SCOPED = {
    "b007": r"unemploy|\bjobs\b|employment|automation|\bworkers?\b|\blabou?r\b|\beconomy\b|displace|\bincome",
    "b008": r"medic|radiolog|health|\bdoctors?\b|cancer|hospital|diagnos|patient|x-ray|x ray|clinic",
    "b015": r"mortgage|subprime|\bloans?\b|foreclos|2008|financial crisis",
    "b016": r"cuomo|blasio|governor|\bmayor\b|nursing home|albany",
    "b023": r"dark matter|dark energy|\bwimps?\b|modified gravity|\bmond\b|missing mass|rotation curve",
    "b024": r"asteroid mining|mining (the )?asteroids|platinum|rare earth|precious metal|space resources|\bores?\b",
    "b031": r"statin|cholesterol|lipitor|crestor|\bldl\b|lipid",
    "b032": r"ivermectin|hydroxychloroquine|\bhcq\b|paxlovid|remdesivir|early treatment",
    "b039": r"\bufc\b|octagon|dana white|color commentary|commentating|\bmma\b|\bcage\b|knockout|mixed martial",
    "b040": r"carnivore|\bdiet\b|\belk\b|\bmeat\b|steak|vegan|keto|sober october|fasting|nutrition|protein",
    "b047": r"linguist|grammar|\blanguages?\b|syntax|acquisition|innate|universal grammar|chomsky hierarchy",
    "b048": r"zelensk|zelinsk|zelenski|volodymyr|kyiv|kiev|ukrainian (president|leader|government)|comedian",
}
for o in ask:
    if o.get("style") == "unanswerable" and o.get("episode") in EPS:
        pat = SCOPED.get(o["id"])
        if pat is None: errs.append(f"{o['id']} no scoped check"); continue
        hits = re.findall(pat, ep_data(o["episode"])[1].lower())
        if hits: errs.append(f"{o['id']} term found in episode {o['episode']}: {hits[:5]}")
for k in SCOPED:
    if not any(o.get("id") == k and o.get("style") == "unanswerable" for o in ask): errs.append(f"SCOPED {k} is not an unanswerable id")

ok_ask = [o for o in ask if set(o) == ASK_KEYS and o["episode"] in EPS]
ans = [o for o in ok_ask if o["style"] != "unanswerable" and o["gold"]]
st = Counter(o["style"] for o in ok_ask)
checks = [
    ("48 ask lines", len(ask) == 48),
    ("8 per episode, 6 answerable + 2 unanswerable", all(
        sum(1 for o in ok_ask if o["episode"] == ep) == 8 and sum(1 for o in ans if o["episode"] == ep) == 6 for ep in EPS)),
    ("3 keyword + 3 paraphrase per episode", all(
        sum(1 for o in ok_ask if o["episode"] == ep and o["style"] == s) == 3 for ep in EPS for s in ("keyword", "paraphrase"))),
    ("keyword == paraphrase == 18, unanswerable == 12", st["keyword"] == 18 and st["paraphrase"] == 18 and st["unanswerable"] == 12),
    ("unique ask ids", len({o.get("id") for o in ask}) == len(ask)),
]

# ---------------------------------------------------------------- quote_blind2.jsonl (optional, written separately)
quo = None
if os.path.exists(QUOTE_FILE):
    quo = [json.loads(l) for l in open(QUOTE_FILE, encoding="utf-8") if l.strip()]
    for n, o in enumerate(quo, 1):
        if set(o) != QUOTE_KEYS: errs.append(f"{o.get('id', n)} keys {sorted(o)} != {sorted(QUOTE_KEYS)}"); continue
        if not re.fullmatch(r"p\d{3}", str(o["id"])): errs.append(f"{o['id']} quote id should be p001..")
        if not isinstance(o["episode"], str) or o["episode"] not in EPS: errs.append(f"{o['id']} episode {o['episode']!r} not in {sorted(EPS)}"); continue
        if o["kind"] not in KINDS: errs.append(f"{o['id']} bad kind {o['kind']!r}")
        if not isinstance(o["query"], str) or not o["query"].strip(): errs.append(f"{o['id']} empty query")
        if not all(isinstance(o[k], (int, float)) for k in ("start", "end")): errs.append(f"{o['id']} start/end not numbers"); continue
        cs, txt, dur = ep_data(o["episode"])
        t = norm(o["text"])
        if t not in txt: errs.append(f"{o['id']} text not in transcript")
        if norm(o["query"]).lower() == t.lower(): errs.append(f"{o['id']} query identical to text")
        if not (0 <= o["start"] < o["end"] <= dur + 1e-6): errs.append(f"{o['id']} bad times")
        if not is_start(cs, o["start"]): errs.append(f"{o['id']} start is not a cue start")
        if not is_end(cs, o["end"]): errs.append(f"{o['id']} end is not a cue end")
        inside = [c for c in cs if c[0] >= o["start"] - 1e-6 and c[1] <= o["end"] + 1e-6]
        if t not in norm(" ".join(c[2] for c in inside)): errs.append(f"{o['id']} text not inside [start,end]")
        # tightness: neither the first nor the last cue of [start,end] may be droppable
        if len(inside) > 1 and norm(" ".join(c[2] for c in inside[1:])).find(t) >= 0: errs.append(f"{o['id']} start cue not needed")
        if len(inside) > 1 and norm(" ".join(c[2] for c in inside[:-1])).find(t) >= 0: errs.append(f"{o['id']} end cue not needed")
    ok_quo = [o for o in quo if set(o) == QUOTE_KEYS and o["episode"] in EPS]
    per_ep = Counter(o["episode"] for o in ok_quo)
    checks += [
        ("quotes on all 6 episodes, same number per episode", set(per_ep) == EPS and len(set(per_ep.values())) == 1),
        ("paraphrase quotes >= 5", sum(1 for o in ok_quo if o["kind"] == "paraphrase") >= 5),
        ("unique quote ids", len({o.get("id") for o in quo}) == len(quo)),
    ]

for name, ok in checks:
    print(("OK  " if ok else "FAIL"), name)
    if not ok: errs.append(name)
print("ask:", len(ask), dict(st), "per episode:", dict(sorted(Counter(o.get("episode") for o in ask).items())))
if quo is None:
    print("quote: quote_blind2.jsonl not present, skipped")
else:
    print("quote:", len(quo), dict(Counter(o.get("kind") for o in quo)), "per episode:", dict(sorted(Counter(o.get("episode") for o in quo).items())))
lens = [e - s for o in ans for s, e in o["gold"]]
if lens:
    print(f"gold spans: {len(lens)}, length min {min(lens):.1f}s median {sorted(lens)[len(lens)//2]:.1f}s max {max(lens):.1f}s")
for o in ans:
    dur = ep_data(o["episode"])[2]
    print(f"  {o['id']} {o['episode']} {o['style']:10s} pos {o['gold'][0][0]/dur:4.0%}  len {sum(e-s for s,e in o['gold']):5.1f}s")
print("\n".join(errs) if errs else "ALL CHECKS PASSED")
sys.exit(1 if errs else 0)
