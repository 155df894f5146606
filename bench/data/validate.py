"""Validate ask_dev.jsonl / quote_dev.jsonl against the Lexicap VTT corpus."""
import json, re, glob, os, sys
from collections import Counter
from vtt_cues import CORPUS, ep_data, norm
HERE = os.path.dirname(os.path.abspath(__file__))
errs = []

ask = [json.loads(l) for l in open(f"{HERE}/ask_dev.jsonl", encoding="utf-8")]
quo = [json.loads(l) for l in open(f"{HERE}/quote_dev.jsonl", encoding="utf-8")]

for o in ask:
    assert set(o) == {"id", "episode", "question", "style", "gold", "answer_hint"}, o["id"]
    if o["style"] == "unanswerable":
        if o["gold"]: errs.append(f"{o['id']} unanswerable with gold")
        continue
    if not o["gold"]: errs.append(f"{o['id']} answerable without gold")
    cs, txt, dur = ep_data(o["episode"])
    for s, e in o["gold"]:
        if not (0 <= s < e <= dur): errs.append(f"{o['id']} span {s}-{e} outside 0-{dur}")
for o in quo:
    assert set(o) == {"id", "episode", "query", "kind", "text", "start", "end"}, o["id"]
    cs, txt, dur = ep_data(o["episode"])
    if norm(o["text"]) not in txt: errs.append(f"{o['id']} text not in transcript")
    if not (0 <= o["start"] < o["end"] <= dur): errs.append(f"{o['id']} bad times")
    inside = norm(" ".join(c[2] for c in cs if c[0] >= o["start"] - 1e-6 and c[1] <= o["end"] + 1e-6))
    if norm(o["text"]) not in inside: errs.append(f"{o['id']} text not inside [start,end]")

# corpus-wide unanswerables: the key term must not occur in any transcript
CORPUS_TERMS = {"sourdough": r"sour ?dough", "pickleball": r"pickle ?ball", "Duolingo": r"duo ?lingo",
                "kombucha": r"kombucha", "Stanley Cup": r"stanley cup",
                "Eurovision": r"euro ?-?vision|song contest", "geocaching": r"geo ?-?cach",
                "Enneagram": r"enn?e?a ?gram", "ASMR": r"\basmr\b|a\.s\.m\.r|sensory meridian",
                "ukulele": r"ukulele|ukelele|ukalele", "Bollywood": r"bolly ?wood", "tarot": r"\btarot",
                "birdwatching": r"bird ?-?watch|\bbirding\b"}
alltext = {f: open(f, encoding="utf-8").read().lower() for f in glob.glob(f"{CORPUS}/episode_*_large.vtt")}
for o in ask:
    if o["style"] == "unanswerable" and o["episode"] is None:
        hit = [k for k in CORPUS_TERMS if k.lower() in o["question"].lower()]
        if not hit: errs.append(f"{o['id']} no verified term"); continue
        for f, t in alltext.items():
            if re.search(CORPUS_TERMS[hit[0]], t): errs.append(f"{o['id']} term found in {f}")

# episode-scoped unanswerables: the key terms must not occur in that episode
SCOPED = {"094": r"elon|musk", "006": r"type hint|mypy|typing", "046": r"queen's gambit|netflix",
          "065": r"anchor", "116": r"webb", "210": r"apnea|cpap", "228": r"shkreli|once upon a time in shaolin",
          "320": r"influenza|spanish flu|pandemic"}
for o in ask:
    if o["style"] == "unanswerable" and o["episode"]:
        pat = SCOPED.get(o["episode"])
        if pat is None: errs.append(f"{o['id']} no scoped check"); continue
        if re.search(pat, ep_data(o["episode"])[1].lower()): errs.append(f"{o['id']} term found in episode")

ans = [o for o in ask if o["style"] != "unanswerable"]
st = Counter(o["style"] for o in ask)
eps = sorted({o["episode"] for o in ans})
checks = [
    ("answerable >= 60", len(ans) >= 60),
    ("8 episodes", len(eps) == 8),
    ("paraphrase >= half of answerable", st["paraphrase"] * 2 >= len(ans)),
    ("unanswerable >= 12", st["unanswerable"] >= 12),
    ("scoped unanswerable >= 8", sum(1 for o in ask if o["style"] == "unanswerable" and o["episode"]) >= 8),
    ("corpus-wide unanswerable >= 4", sum(1 for o in ask if o["style"] == "unanswerable" and o["episode"] is None) >= 4),
    ("quotes >= 50", len(quo) >= 50),
    ("quote episodes >= 5 and within ask episodes", len({o["episode"] for o in quo}) >= 5 and {o["episode"] for o in quo} <= set(eps)),
    ("unique ids", len({o["id"] for o in ask}) == len(ask) and len({o["id"] for o in quo}) == len(quo)),
]
for name, ok in checks:
    print(("OK  " if ok else "FAIL"), name)
    if not ok: errs.append(name)
print("ask:", len(ask), dict(st), "per episode:", dict(Counter(o["episode"] for o in ask)))
print("quote:", len(quo), dict(Counter(o["kind"] for o in quo)), "per episode:", dict(Counter(o["episode"] for o in quo)))
lens = [e - s for o in ans for s, e in o["gold"]]
print(f"gold spans: {len(lens)}, length min {min(lens):.1f}s median {sorted(lens)[len(lens)//2]:.1f}s max {max(lens):.1f}s")
print("\n".join(errs) if errs else "ALL CHECKS PASSED")
sys.exit(1 if errs else 0)
