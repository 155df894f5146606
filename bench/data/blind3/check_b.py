"""Checks PART b of the third blind set (episodes 145 Matthew Johnson, 197 Jocko Willink):
ask_b.jsonl, quote_b.jsonl, never_b.txt. Cues are read through /work/main/bench/data/vtt_cues.py.
Usage: python3 check_b.py"""
import json, re, os, sys, glob
from collections import Counter
sys.path.insert(0, "/work/main/bench/data")
from vtt_cues import ep_data, norm
HERE = os.path.dirname(os.path.abspath(__file__))
EPS = {"145": "Matthew Johnson", "197": "Jocko Willink"}
ASK_KEYS = {"id", "episode", "question", "style", "gold", "answer_hint"}
QUOTE_KEYS = {"id", "episode", "query", "kind", "text", "start", "end"}
KINDS = ("fragment", "wrong_word", "paraphrase", "swapped_order", "misspelling")
errs = []
def is_start(cs, t): return any(abs(c[0] - t) < 1e-6 for c in cs)
def is_end(cs, t): return any(abs(c[1] - t) < 1e-6 for c in cs)

# ------------------------------------------------------------------ ask_b.jsonl
ask = [json.loads(l) for l in open(f"{HERE}/ask_b.jsonl", encoding="utf-8") if l.strip()]
for n, o in enumerate(ask, 1):
    if set(o) != ASK_KEYS: errs.append(f"{o.get('id', n)} keys {sorted(o)}"); continue
    if o["id"] != f"x{n:03d}": errs.append(f"{o['id']} expected x{n:03d}")
    if o["episode"] not in EPS: errs.append(f"{o['id']} bad episode {o['episode']!r}"); continue
    for k in ("question", "answer_hint"):
        if not isinstance(o[k], str) or not o[k].strip(): errs.append(f"{o['id']} empty {k}")
    if o["style"] not in ("keyword", "paraphrase", "unanswerable"): errs.append(f"{o['id']} bad style"); continue
    if not isinstance(o["gold"], list): errs.append(f"{o['id']} gold not a list"); continue
    if o["style"] == "unanswerable":
        if o["gold"]: errs.append(f"{o['id']} unanswerable with gold")
        continue
    if not o["gold"]: errs.append(f"{o['id']} answerable without gold")
    cs, txt, dur = ep_data(o["episode"])
    prev = -1.0
    for sp in o["gold"]:
        if not (isinstance(sp, list) and len(sp) == 2 and all(isinstance(x, (int, float)) for x in sp)):
            errs.append(f"{o['id']} bad span {sp!r}"); continue
        s, e = sp
        if not (0 <= s < e <= dur + 1e-6): errs.append(f"{o['id']} span {s}-{e} outside 0-{dur}")
        if not is_start(cs, s): errs.append(f"{o['id']} span start {s} not a cue start")
        if not is_end(cs, e): errs.append(f"{o['id']} span end {e} not a cue end")
        if s < prev - 1e-6: errs.append(f"{o['id']} spans overlap / out of order")
        if not (10 <= e - s <= 120): errs.append(f"{o['id']} span length {e-s:.1f}s outside 10-120")
        prev = e

# each answerable is pinned to anchor phrases that must lie inside its gold spans
ANCHORS = {
    "x001": ["So it's like a pitcher and a catcher.", "they fit into the same catcher's mitt", "the pitcher side.", "starts throwing balls"],
    "x002": ["three big hits, inhalations", "breakthrough dose", "comes on like a freight train", "zero to 60 in like Tesla time", "propelled into this other reality"],
    "x003": ["diamonds versus toilet paper", "intensity of demand", "crossing of demand curves"],
    "x004": ["I'd say nicotine, tobacco.", "half million deaths in the US every year", "barely visible blip"],
    "x005": ["mostly classical", "gongs", "Tibetan singing bowls", "1950s"],
    "x006": ["I am afraid of dying", "Penn Jillette", "the year 2262 after I'm gone", "if I left prematurely"],
    "x009": ["put them through bootcamp", "advanced infantry school", "airborne school", "special forces training", "the tighter the bond is going to be"],
    "x010": ["wrestling tournament", "purple belt", "if you don't struggle, you don't grow", "absolute best times of my life were in combat", "sacrifice their lives for their friends"],
    "x011": ["more surgical attacks on enemy individuals, would I be for it? Yes, I would be for it.", "put protocols in place", "I don't really worry about it.", "kill switch"],
    "x012": ["sledgehammer of truth", "I cared about them more than anything else", "bring their guys home from war", "So if that's where Elon comes from"],
    "x013": ["Are you as good at design as Steve Jobs was?", "lose his temper, treat people horribly", "even more successful", "Which team wins?"],
    "x014": ["maybe he's just an arrogant jerk", "Mr. Infantry", "They adored him.", "Up the chain of command"],
}
for o in ask:
    if o.get("style") in ("keyword", "paraphrase") and o.get("episode") in EPS:
        cs = ep_data(o["episode"])[0]
        inside = norm(" ".join(c[2] for sp in o["gold"] for c in cs if c[0] >= sp[0] - 1e-6 and c[1] <= sp[1] + 1e-6))
        if o["id"] not in ANCHORS: errs.append(f"{o['id']} has no anchors")
        for a in ANCHORS.get(o["id"], []):
            if a not in inside: errs.append(f"{o['id']} anchor not inside gold: {a!r}")

# episode-scoped unanswerables: key terms + variants must not occur in the episode (stray hits in answer_hint)
SCOPED = {
    "x007": r"griffith|roland|founder|founded",
    "x008": r"leary|harvard|alpert|ram dass|counterculture|hippie|tune in|drop out|nixon|backlash",
    "x015": r"friendly fire|blue on blue|fratricide|ramadi|mistook|misidentif|shooting at each other|shot at each other",
    "x016": r"\bkyle\b|\bchris\b|sniper|\blegend\b|bradley|cooper|ramadi",
}
for o in ask:
    if o.get("style") == "unanswerable":
        pat = SCOPED.get(o["id"])
        if pat is None: errs.append(f"{o['id']} no scoped regex"); continue
        hits = re.findall(pat, ep_data(o["episode"])[1].lower())
        if hits: errs.append(f"{o['id']} key term found in {o['episode']}: {hits[:5]}")
for k in SCOPED:
    if not any(o.get("id") == k and o.get("style") == "unanswerable" for o in ask): errs.append(f"SCOPED {k} not an unanswerable id")

# paraphrase questions: report the question words that are distinctive in the episode (<= 3 occurrences)
STOP = set("a an the and or of to in on at for is are was were be been it its this that what which who how why does do did "
           "he his him she her they them their i me my you your we our with about from as by not no so if but than then there "
           "just like any some one get got say said says think thought really thing".split())
print("paraphrase questions, rare episode words they still contain (count in episode):")
for o in ask:
    if o.get("style") == "paraphrase":
        t = ep_data(o["episode"])[1].lower()
        ws = [w for w in re.findall(r"[a-z0-9']+", o["question"].lower()) if w not in STOP]
        rare = [f"{w}:{n}" for w in dict.fromkeys(ws) for n in [len(re.findall(r'\b' + re.escape(w) + r'\b', t))] if 0 < n <= 3]
        print(f"  {o['id']} {', '.join(rare) or '-'}")

ok = [o for o in ask if set(o) == ASK_KEYS and o["episode"] in EPS]
ans = [o for o in ok if o["style"] != "unanswerable" and o["gold"]]
checks = [
    ("16 ask lines", len(ask) == 16),
    ("8 per episode: 3 keyword + 3 paraphrase + 2 unanswerable", all(
        Counter(o["style"] for o in ok if o["episode"] == ep) == Counter(keyword=3, paraphrase=3, unanswerable=2) for ep in EPS)),
    ("unique ask ids", len({o.get("id") for o in ask}) == len(ask)),
    ("answerables spread: one starts in the first 15% and one after 85% of each episode", all(
        min(o["gold"][0][0] for o in ans if o["episode"] == ep) < 0.15 * ep_data(ep)[2] and
        max(o["gold"][0][0] for o in ans if o["episode"] == ep) > 0.85 * ep_data(ep)[2] for ep in EPS)),
]

# ------------------------------------------------------------------ quote_b.jsonl
quo = [json.loads(l) for l in open(f"{HERE}/quote_b.jsonl", encoding="utf-8") if l.strip()]
for n, o in enumerate(quo, 1):
    if set(o) != QUOTE_KEYS: errs.append(f"{o.get('id', n)} keys {sorted(o)}"); continue
    if o["id"] != f"y{n:03d}": errs.append(f"{o['id']} expected y{n:03d}")
    if o["episode"] not in EPS: errs.append(f"{o['id']} bad episode"); continue
    if o["kind"] not in KINDS: errs.append(f"{o['id']} bad kind {o['kind']!r}")
    if not isinstance(o["query"], str) or not o["query"].strip(): errs.append(f"{o['id']} empty query")
    if not all(isinstance(o[k], (int, float)) for k in ("start", "end")): errs.append(f"{o['id']} start/end not numbers"); continue
    cs, txt, dur = ep_data(o["episode"])
    t = norm(o["text"])
    if txt.count(t) != 1: errs.append(f"{o['id']} text occurs {txt.count(t)} times in the joined text (want exactly 1)")
    # whole sentence: preceded by start-of-text or sentence end, ends with sentence punctuation
    k = txt.find(t)
    if k >= 0 and not (k == 0 or re.search(r"[.?!]\s$", txt[max(0, k - 2):k])): errs.append(f"{o['id']} text does not start a sentence")
    if not re.search(r"[.?!]$", t): errs.append(f"{o['id']} text does not end a sentence")
    if norm(o["query"]).lower() == t.lower(): errs.append(f"{o['id']} query identical to text")
    if not (0 <= o["start"] < o["end"] <= dur + 1e-6): errs.append(f"{o['id']} bad times")
    if not is_start(cs, o["start"]): errs.append(f"{o['id']} start not a cue start")
    if not is_end(cs, o["end"]): errs.append(f"{o['id']} end not a cue end")
    inside = [c for c in cs if c[0] >= o["start"] - 1e-6 and c[1] <= o["end"] + 1e-6]
    if t not in norm(" ".join(c[2] for c in inside)): errs.append(f"{o['id']} text not inside [start,end]")
    if len(inside) > 1 and t in norm(" ".join(c[2] for c in inside[1:])): errs.append(f"{o['id']} start cue not needed")
    if len(inside) > 1 and t in norm(" ".join(c[2] for c in inside[:-1])): errs.append(f"{o['id']} end cue not needed")
    if o["kind"] == "paraphrase":  # a paraphrase query shares no content word with the line
        lw = set(re.findall(r"[a-z0-9']+", t.lower())) - STOP
        shared = [w for w in re.findall(r"[a-z0-9']+", o["query"].lower()) if w in lw]
        if shared: errs.append(f"{o['id']} paraphrase shares words with the line: {shared}")
ok_q = [o for o in quo if set(o) == QUOTE_KEYS and o["episode"] in EPS]
kc = Counter(o["kind"] for o in ok_q)
checks += [
    ("12 quotes, 6 per episode", len(quo) == 12 and all(sum(1 for o in ok_q if o["episode"] == ep) == 6 for ep in EPS)),
    ("every kind used at least once", all(kc[k] >= 1 for k in KINDS)),
    ("paraphrase quotes >= 3", kc["paraphrase"] >= 3),
    ("unique quote ids", len({o.get("id") for o in quo}) == len(quo)),
]

# ------------------------------------------------------------------ never_b.txt (corpus-wide)
never = [l.strip() for l in open(f"{HERE}/never_b.txt", encoding="utf-8") if l.strip()]
guests = Counter(l.split(":", 1)[0] for l in never)
checks.append(("never_b.txt: 2 lines per guest, 'Guest: line'", len(never) == 4 and all(guests[g] == 2 for g in EPS.values())
               and all(":" in l for l in never)))
NEVER_PATTERNS = {  # line index -> regexes that must not match any of the 319 joined, lower-cased transcripts
    0: [r"micro ?dos.{0,200}(promising|best|strongest|exciting)", r"(promising|exciting).{0,150}micro ?dos"],
    1: [r"(psilocybin|mushrooms?|shrooms|lsd|psychedelics?).{0,150}(convenience store|grocery|gas station|over the counter|7-?11|seven eleven|supermarket)",
        r"(convenience store|grocery|gas station|over the counter|supermarket).{0,150}(psilocybin|mushrooms?|shrooms|lsd|psychedelics?)",
        r"(mushrooms?|psilocybin).{0,200}(sold|sell|buy).{0,100}(store|counter|shop)",
        r"(store|counter|shop).{0,100}(sold|sell|buy).{0,100}(mushrooms?|psilocybin)",
        r"(psilocybin|mushrooms?).{0,120}(like coffee|like caffeine)"],
    2: [r"(los(e|es|ing)|lost) (your|his|their|my|her) temper.{0,200}(tool|useful|effective|works|helps|good for|necessary)",
        r"(tool|useful|effective|helps|necessary).{0,150}(los(e|es|ing)|lost) (your|his|their|my|her) temper",
        r"(yell|scream)(ing)? at (your|his|their|the) (team|troops|people|employees|staff).{0,100}(works|effective|useful|best)"],
    3: [r"never (ever )?tap( out)?\b", r"(white belts?).{0,150}(don't|never|shouldn't) tap",
        r"(don't|never|shouldn't|not) tap.{0,150}strength", r"(refuse|refusing|refused) to tap"],
}
files = sorted(glob.glob("/work/shared/lexicap/episode_*_large.vtt"))
checks.append(("319 transcripts found", len(files) == 319))
texts = {re.search(r"episode_(\d+)_", f).group(1): None for f in files}
for ep in texts: texts[ep] = ep_data(ep)[1].lower()
for i, pats in NEVER_PATTERNS.items():
    for p in pats:
        hits = [ep for ep, t in texts.items() if re.search(p, t)]
        if hits: errs.append(f"never line {i + 1} pattern {p!r} matches in {hits}")

for name, good in checks:
    print(("OK  " if good else "FAIL"), name)
    if not good: errs.append(name)
print("ask:", len(ask), dict(Counter(o.get("style") for o in ask)), "quote:", len(quo), dict(kc))
for o in ans:
    d = ep_data(o["episode"])[2]
    print(f"  {o['id']} {o['episode']} {o['style']:10s} pos {o['gold'][0][0] / d:4.0%} len {sum(e - s for s, e in o['gold']):5.1f}s")
for o in ok_q:
    print(f"  {o['id']} {o['episode']} {o['kind']:13s} pos {o['start'] / ep_data(o['episode'])[2]:4.0%} len {o['end'] - o['start']:4.1f}s")
print("\n".join(errs) if errs else "ALL CHECKS PASSED")
sys.exit(1 if errs else 0)
