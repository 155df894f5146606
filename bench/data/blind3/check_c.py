"""Checks for /work/blind3 PART c: ask_c.jsonl, quote_c.jsonl, never_c.txt (episodes 236 Jimmy Pedro, 259 Thomas Tull).
Cues are read through /work/main/bench/data/vtt_cues.py. Usage: python3 check_c.py"""
import json, re, os, sys, glob
from collections import Counter
sys.path.insert(0, "/work/main/bench/data")
from vtt_cues import ep_data, norm

HERE = os.path.dirname(os.path.abspath(__file__))
EPS = {"236", "259"}
ASK_KEYS = {"id", "episode", "question", "style", "gold", "answer_hint"}
QUOTE_KEYS = {"id", "episode", "query", "kind", "text", "start", "end"}
KINDS = ("fragment", "wrong_word", "paraphrase", "swapped_order", "misspelling")
errs, warns = [], []
def is_start(cs, t): return any(abs(c[0] - t) < 1e-6 for c in cs)
def is_end(cs, t): return any(abs(c[1] - t) < 1e-6 for c in cs)

# unanswerable key terms: none may occur in the episode's joined text (stray unrelated hits are listed in
# answer_hint and kept out of these patterns, e.g. 236's "caged tiger", 259's "invest in my company")
SCOPED = {
    "x007": r"holm\b|holly|octagon|bantam|\bwwe\b|(ronda|rhonda|rousey).{0,300}(ufc|mma|mixed martial)|(ufc|mma|mixed martial).{0,300}(ronda|rhonda|rousey)",
    "x008": r"samb|somb|sam bo|leg ?locks?|heel hooks?|kurtka",
    "x015": r"crypto|bitcoin|blockchain|\bnfts?\b|ethereum|\btokens?\b|\bcoins?\b|web ?3|digital currenc|\bdefi\b",
    "x016": r"warcraft|seventh son|great wall|crimson peak|\bflops?\b|flopped|\bbomb|box office|lost money|money ?losers?|write ?downs?|\bmisses\b",
}
# never_c.txt: regexes over all 319 transcripts (case-insensitive); each must have zero hits
NEVER = {
    "Jimmy Pedro: Teddy Riner is the most technical heavyweight in judo history":
        [r"(riner|renier|renner|rener|rinner|reiner|teddy).{0,200}most technical", r"most technical heavyweight",
         r"heavyweight.{0,100}most technical", r"most technical"],
    "Jimmy Pedro: adults should always start with judo before they ever try jiu jitsu":
        [r"judo before (you )?(ever )?(try )?(jiu ?jitsu|jujitsu|bjj)", r"adults?.{0,100}(start|begin).{0,60}judo.{0,150}before",
         r"start with judo|judo first"],
    "Thomas Tull: streaming is going to kill the movie theater within ten years":
        [r"(streaming|netflix).{0,150}(kill|killed|death|end of|destroy).{0,100}(theaters?|theatres?|cinemas?|movie going)",
         r"(theaters?|theatres?|cinemas?).{0,100}(dead|dying|die\b|extinct)", r"(kill|killed|destroy).{0,60}(movie theaters?|cinemas?|theatres?)"],
    "Thomas Tull: Godzilla was the most expensive movie Legendary ever made":
        [r"godzilla.{0,200}expensive|expensive.{0,200}godzilla", r"most expensive.{0,100}legendary|legendary.{0,100}most expensive"],
}
STOP = set("""kayla about after again against also and any are around back been before being but can could did does doing
don't each even ever from going have he's his how into is it's jimmy just like more much over pedro really said same say
says she should some something that that's the their them then there they thing think this thomas through tull tull's
was wasn't were what when where which while who why will with would you your i'm""".split())

# ---------------------------------------------------------------- ask_c.jsonl
ask = [json.loads(l) for l in open(f"{HERE}/ask_c.jsonl", encoding="utf-8") if l.strip()]
for n, o in enumerate(ask, 1):
    if set(o) != ASK_KEYS: errs.append(f"{o.get('id', n)} keys {sorted(o)}"); continue
    if o["id"] != f"x{n:03d}": errs.append(f"{o['id']} expected id x{n:03d}")
    if o["episode"] not in EPS: errs.append(f"{o['id']} episode {o['episode']!r}"); continue
    if not o["question"].strip() or not o["answer_hint"].strip(): errs.append(f"{o['id']} empty question/hint")
    if o["style"] not in ("keyword", "paraphrase", "unanswerable"): errs.append(f"{o['id']} style {o['style']!r}"); continue
    cs, txt, dur = ep_data(o["episode"])
    if o["style"] == "unanswerable":
        if o["gold"]: errs.append(f"{o['id']} unanswerable with gold")
        pat = SCOPED.get(o["id"])
        if pat is None: errs.append(f"{o['id']} no SCOPED pattern"); continue
        hits = [m.group(0) for m in re.finditer(pat, txt, re.I)]
        if hits: errs.append(f"{o['id']} key term in episode {o['episode']}: {hits[:5]}")
        continue
    if not o["gold"]: errs.append(f"{o['id']} answerable without gold"); continue
    prev = -1.0
    for sp in o["gold"]:
        if not (isinstance(sp, list) and len(sp) == 2 and all(isinstance(x, (int, float)) for x in sp)): errs.append(f"{o['id']} bad span {sp!r}"); continue
        s, e = sp
        if not (0 <= s < e <= dur + 1e-6): errs.append(f"{o['id']} span {s}-{e} outside 0-{dur}")
        if not is_start(cs, s): errs.append(f"{o['id']} span start {s} not a cue start")
        if not is_end(cs, e): errs.append(f"{o['id']} span end {e} not a cue end")
        if s < prev - 1e-6: errs.append(f"{o['id']} spans overlap/out of order")
        if not (15 <= e - s <= 105) and len(o["gold"]) == 1: warns.append(f"{o['id']} span length {e - s:.1f}s")
        prev = e
    if o["style"] == "paraphrase":   # no content word of the question may occur in the gold text
        gtxt = norm(" ".join(c[2] for c in cs if any(c[0] >= s - 1e-6 and c[1] <= e + 1e-6 for s, e in o["gold"]))).lower()
        words = {w for w in re.findall(r"[a-z][a-z']+", o["question"].lower()) if len(w) > 3 and w not in STOP}
        shared = sorted(w for w in words if re.search(r"\b" + re.escape(w) + r"\b", gtxt))
        if shared: errs.append(f"{o['id']} paraphrase shares words with its gold text: {shared}")
for k in SCOPED:
    if not any(o.get("id") == k and o.get("style") == "unanswerable" for o in ask): errs.append(f"SCOPED {k} is not an unanswerable id")

ok = [o for o in ask if set(o) == ASK_KEYS and o["episode"] in EPS]
checks = [("16 ask lines", len(ask) == 16), ("unique ask ids", len({o["id"] for o in ask}) == len(ask))]
for ep in sorted(EPS):
    st = Counter(o["style"] for o in ok if o["episode"] == ep)
    checks.append((f"{ep}: 3 keyword + 3 paraphrase + 2 unanswerable", st == Counter(keyword=3, paraphrase=3, unanswerable=2)))
    dur = ep_data(ep)[2]
    pos = sorted(o["gold"][0][0] / dur for o in ok if o["episode"] == ep and o["gold"])
    checks.append((f"{ep}: answers spread (first < 20%, last > 85%)", bool(pos) and pos[0] < 0.20 and pos[-1] > 0.85))

# ---------------------------------------------------------------- quote_c.jsonl
quo = [json.loads(l) for l in open(f"{HERE}/quote_c.jsonl", encoding="utf-8") if l.strip()]
for n, o in enumerate(quo, 1):
    if set(o) != QUOTE_KEYS: errs.append(f"{o.get('id', n)} keys {sorted(o)}"); continue
    if o["id"] != f"y{n:03d}": errs.append(f"{o['id']} expected id y{n:03d}")
    if o["episode"] not in EPS: errs.append(f"{o['id']} episode {o['episode']!r}"); continue
    if o["kind"] not in KINDS: errs.append(f"{o['id']} kind {o['kind']!r}")
    cs, txt, dur = ep_data(o["episode"])
    t = norm(o["text"])
    i = txt.find(t)
    if i < 0: errs.append(f"{o['id']} text not verbatim in transcript"); continue
    if txt.find(t, i + 1) >= 0: errs.append(f"{o['id']} text occurs more than once")
    if not (i == 0 or txt[i - 2] in ".?!"): errs.append(f"{o['id']} text does not start a sentence: ...{txt[max(0, i - 20):i]}|")
    if t[-1] not in ".?!": errs.append(f"{o['id']} text does not end a sentence")
    if norm(o["query"]).lower() == t.lower(): errs.append(f"{o['id']} query identical to text")
    if not (0 <= o["start"] < o["end"] <= dur + 1e-6): errs.append(f"{o['id']} bad times")
    if not is_start(cs, o["start"]): errs.append(f"{o['id']} start not a cue start")
    if not is_end(cs, o["end"]): errs.append(f"{o['id']} end not a cue end")
    inside = [c for c in cs if c[0] >= o["start"] - 1e-6 and c[1] <= o["end"] + 1e-6]
    if t not in norm(" ".join(c[2] for c in inside)): errs.append(f"{o['id']} text not inside [start,end]")
    if len(inside) > 1 and t in norm(" ".join(c[2] for c in inside[1:])): errs.append(f"{o['id']} start cue not needed")
    if len(inside) > 1 and t in norm(" ".join(c[2] for c in inside[:-1])): errs.append(f"{o['id']} end cue not needed")
    if o["kind"] == "paraphrase":
        tw = set(re.findall(r"[a-z][a-z']+", t.lower()))
        shared = sorted(w for w in set(re.findall(r"[a-z][a-z']+", o["query"].lower())) if len(w) > 3 and w not in STOP and w in tw)
        if shared: errs.append(f"{o['id']} paraphrase query shares words with the line: {shared}")
qk = Counter(o.get("kind") for o in quo)
checks += [
    ("12 quote lines, 6 per episode", len(quo) == 12 and all(sum(1 for o in quo if o.get("episode") == ep) == 6 for ep in EPS)),
    ("every kind used at least once", all(qk[k] >= 1 for k in KINDS)),
    ("paraphrase quotes >= 3", qk["paraphrase"] >= 3),
    ("unique quote ids", len({o.get("id") for o in quo}) == len(quo)),
]

# ---------------------------------------------------------------- never_c.txt
lines = [l.strip() for l in open(f"{HERE}/never_c.txt", encoding="utf-8") if l.strip()]
guests = Counter(l.split(":", 1)[0] for l in lines)
checks.append(("never_c.txt: 2 lines per guest", guests == Counter({"Jimmy Pedro": 2, "Thomas Tull": 2})))
eps_all = sorted(re.search(r"episode_(\d+)_large", f).group(1) for f in glob.glob("/work/shared/lexicap/episode_*_large.vtt"))
checks.append(("319 transcripts", len(eps_all) == 319))
texts = {e: ep_data(e)[1] for e in eps_all}
for l in lines:
    if l not in NEVER: errs.append(f"never line without patterns: {l}"); continue
    for pat in NEVER[l]:
        hits = [(e, m.group(0)[:80]) for e, t in texts.items() for m in re.finditer(pat, t, re.I)]
        if hits: errs.append(f"never line '{l}' pattern {pat!r} hits: {hits[:3]}")

for name, good in checks:
    print(("OK  " if good else "FAIL"), name)
    if not good: errs.append(name)
print("ask:", dict(Counter(o.get("style") for o in ask)), "quote:", dict(qk))
for o in ok:
    if o["gold"]:
        dur = ep_data(o["episode"])[2]
        print(f"  {o['id']} {o['episode']} {o['style']:10s} pos {o['gold'][0][0] / dur:4.0%}  len {sum(e - s for s, e in o['gold']):5.1f}s  spans {len(o['gold'])}")
for o in quo:
    dur = ep_data(o["episode"])[2]
    print(f"  {o['id']} {o['episode']} {o['kind']:13s} pos {o['start'] / dur:4.0%}  len {o['end'] - o['start']:4.1f}s")
for w in warns: print("WARN", w)
print("\n".join(errs) if errs else "ALL CHECKS PASSED")
sys.exit(1 if errs else 0)
