"""Checks for a blind set written in parts (blind3/, blind4/): each part X = a, b, c has ask_X.jsonl, quote_X.jsonl,
never_X.txt and checks_X.json (its own data: episodes and guests, each unanswerable's key-term regex, each never line's
regexes, optional anchors, span-length limits, word-overlap rules...). merge_blind.py merges the parts into
ask_blindN.jsonl, quote_blindN.jsonl and quote_blindN_never.txt. Cues are read through vtt_cues.py from this
directory (corpus: $LEXICAP).
Usage: python3 validate_blind.py PARTS_DIR   (e.g. blind3, blind4)."""
import glob, json, os, re, sys
from collections import Counter
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vtt_cues import CORPUS, ep_data, norm

if len(sys.argv) != 2: sys.exit(__doc__.splitlines()[-1])
PARTS_DIR = sys.argv[1] if os.path.isdir(sys.argv[1]) else os.path.join(os.path.dirname(os.path.abspath(__file__)), sys.argv[1])
PARTS = tuple(os.environ.get("BLIND_PARTS", "abc"))   # BLIND_PARTS=a: check one part while the others are written
ASK_KEYS = {"id", "episode", "question", "style", "gold", "answer_hint"}
QUOTE_KEYS = {"id", "episode", "query", "kind", "text", "start", "end"}
STYLES = ("keyword", "paraphrase", "unanswerable")
KINDS = ("fragment", "wrong_word", "paraphrase", "swapped_order", "misspelling")
N_TRANSCRIPTS = 319

# ==================================================================== part tables (checks_X.json)
TABLES = {p: json.load(open(f"{PARTS_DIR}/checks_{p}.json", encoding="utf-8")) for p in PARTS}
EPISODES = {p: t["episodes"] for p, t in TABLES.items()}  # episode -> guest
# gold span length in s: (min, max, severity); "warn" only warns, and only for one-span golds
SPAN_LEN = {p: (d["min"], d["max"], d["severity"])
            for p, t in TABLES.items() for d in [t.get("span_len", {"min": 10, "max": 120, "severity": "error"})]}
# spread of the answerables: in each episode the earliest gold start lies before this share of the episode
# (and the latest after SPREAD_LAST)
SPREAD_FIRST = {p: t.get("spread_first", 0.20) for p, t in TABLES.items()}
SPREAD_LAST = 0.85
QUOTE_MIN_START = {p: t["quote_min_start"] for p, t in TABLES.items() if "quote_min_start" in t}  # no quote in the intro
# quote texts are whole sentences (start after . ? ! or at the start, end with . ? !), except these clauses
NOT_SENTENCES = {p: set(t.get("not_sentences", ())) for p, t in TABLES.items()}
# each answerable is pinned to anchor phrases that must lie inside its gold spans
ANCHORS = {p: t["anchors"] for p, t in TABLES.items() if "anchors" in t}
# unanswerables (episode-scoped): key terms and variants must not occur in the episode's joined cue text
# (case-insensitive); stray, unrelated hits are listed in answer_hint and kept out of these patterns
SCOPED = {p: t["scoped"] for p, t in TABLES.items()}
# never lines: regexes for each line's distinctive word combinations; none may match any of the 319 transcripts
NEVER = {p: t["never"] for p, t in TABLES.items()}
def _rule(r): return (r["token"], set(r["stop"]), r["min_len"])
# paraphrase quotes: no word of the query (token regex, stoplist, min length) may occur in the quoted line
PARA_QUOTE_WORDS = {p: _rule(t["paraphrase_quote_words"]) for p, t in TABLES.items() if "paraphrase_quote_words" in t}
# paraphrase questions: no word of the question (token regex, stoplist, min length) may occur in its gold text
PARA_ASK_WORDS = {p: _rule(t["paraphrase_ask_words"]) for p, t in TABLES.items() if "paraphrase_ask_words" in t}
# report only (no check): the words of each paraphrase question that are rare (1-3 hits) in its episode
RARE_WORDS_REPORT = {p: set(t["rare_words_report"]) for p, t in TABLES.items() if "rare_words_report" in t}

ASK_PER_EP = Counter(keyword=3, paraphrase=3, unanswerable=2)
QUOTES_PER_EP, MIN_PARA_QUOTES, NEVER_PER_GUEST = 6, 3, 2

# ==================================================================== helpers
errs, warns, checks, n_row = [], [], [], [0]
def need(ok, msg):
    """One row-level assertion: counted, and recorded as an error when it fails."""
    n_row[0] += 1
    if not ok: errs.append(msg)
    return ok
def is_start(cs, t): return any(abs(c[0] - t) < 1e-6 for c in cs)
def is_end(cs, t): return any(abs(c[1] - t) < 1e-6 for c in cs)
def inside(cs, s, e): return [c for c in cs if c[0] >= s - 1e-6 and c[1] <= e + 1e-6]
def hits(pat, text): return [m.group(0)[:80] for m in re.finditer(pat, text, re.I)]
def num(x): return isinstance(x, (int, float)) and not isinstance(x, bool)
def shared_words(rule, words_from, text):
    tok, stop, minlen = rule
    tw = set(re.findall(tok, text.lower()))
    return sorted({w for w in re.findall(tok, words_from.lower()) if len(w) >= minlen and w not in stop and w in tw})
def canon(s):  # words only, for the verbatim never-line check
    return " " + " ".join(re.findall(r"[a-z0-9]+", s.lower().replace("'", "").replace("\u2019", ""))) + " "
def load_jsonl(path, tag):
    if not os.path.exists(path): errs.append(f"{tag}: {path} missing"); return []
    rows = []
    for n, l in enumerate(open(path, encoding="utf-8"), 1):
        if not l.strip(): continue
        try: rows.append(json.loads(l))
        except json.JSONDecodeError as ex: errs.append(f"{tag}: line {n} is not JSON ({ex})")
    return rows

# ==================================================================== ask_X.jsonl
asks, ok_asks, anss = {}, {}, {}
for p in PARTS:
    eps = EPISODES[p]
    ask = asks[p] = load_jsonl(f"{PARTS_DIR}/ask_{p}.jsonl", f"ask_{p}")
    ok_ask, ans = ok_asks[p], anss[p] = [], []
    for n, o in enumerate(ask, 1):
        tag = f"{p}/{o.get('id', n) if isinstance(o, dict) else n}"
        if not need(isinstance(o, dict) and set(o) == ASK_KEYS, f"{tag} keys {sorted(o) if isinstance(o, dict) else o!r} != {sorted(ASK_KEYS)}"): continue
        need(o["id"] == f"x{n:03d}", f"{tag} expected id x{n:03d}")
        if not need(isinstance(o["episode"], str) and o["episode"] in eps, f"{tag} episode {o['episode']!r} not in {sorted(eps)}"): continue
        for k in ("question", "answer_hint"):
            need(isinstance(o[k], str) and o[k].strip(), f"{tag} empty {k}")
        if not need(o["style"] in STYLES, f"{tag} bad style {o['style']!r}"): continue
        if not need(isinstance(o["gold"], list), f"{tag} gold is not a list"): continue
        ok_ask.append(o)
        if o["style"] == "unanswerable":
            need(not o["gold"], f"{tag} unanswerable with gold")
            continue
        if not need(o["gold"], f"{tag} answerable without gold"): continue
        cs, txt, dur = ep_data(o["episode"])
        prev, good = -1.0, True
        lo, hi, sev = SPAN_LEN[p]
        for sp in o["gold"]:
            if not need(isinstance(sp, list) and len(sp) == 2 and all(num(x) for x in sp), f"{tag} bad span {sp!r}"):
                good = False; continue
            s, e = sp
            need(0 <= s < e <= dur + 1e-6, f"{tag} span {s}-{e} outside the episode 0-{dur}")
            need(is_start(cs, s), f"{tag} span start {s} is not a cue start")
            need(is_end(cs, e), f"{tag} span end {e} is not a cue end")
            need(s >= prev - 1e-6, f"{tag} spans overlap or are out of order")
            if sev == "error": need(lo <= e - s <= hi, f"{tag} span length {e - s:.1f}s outside {lo}-{hi}s")
            elif not (lo <= e - s <= hi) and len(o["gold"]) == 1: warns.append(f"{tag} span length {e - s:.1f}s outside {lo}-{hi}s")
            prev = e
        if not good: continue
        ans.append(o)
        gold_cues = [c for s, e in o["gold"] for c in inside(cs, s, e)]
        if p in ANCHORS:  # anchors inside the gold spans (joined per span, in span order)
            if need(o["id"] in ANCHORS[p], f"{tag} has no anchors"):
                gtext = norm(" ".join(c[2] for c in gold_cues))
                for a in ANCHORS[p][o["id"]]:
                    need(a in gtext, f"{tag} anchor not inside gold: {a!r}")
        if p in PARA_ASK_WORDS and o["style"] == "paraphrase":
            gtext = norm(" ".join(c[2] for c in cs if any(c[0] >= s - 1e-6 and c[1] <= e + 1e-6 for s, e in o["gold"]))).lower()
            tok, stop, minlen = PARA_ASK_WORDS[p]
            words = {w for w in re.findall(tok, o["question"].lower()) if len(w) >= minlen and w not in stop}
            shared = sorted(w for w in words if re.search(r"\b" + re.escape(w) + r"\b", gtext))
            need(not shared, f"{tag} paraphrase question shares words with its gold text: {shared}")

    # unanswerables: the scoped key terms must not occur in the episode
    scoped = SCOPED.get(p, {})
    for o in ok_ask:
        if o["style"] == "unanswerable":
            tag = f"{p}/{o['id']}"
            if need(o["id"] in scoped, f"{tag} unanswerable without a scoped regex"):
                h = hits(scoped[o["id"]], ep_data(o["episode"])[1])
                need(not h, f"{tag} key term found in episode {o['episode']}: {h[:5]}")
    for k in scoped:
        need(any(o["id"] == k and o["style"] == "unanswerable" for o in ok_ask), f"{p}: SCOPED {k} is not an unanswerable id")

    if p in RARE_WORDS_REPORT:
        print(f"part {p}: paraphrase questions, rare episode words they still contain (count in episode):")
        for o in ok_ask:
            if o["style"] == "paraphrase":
                t = ep_data(o["episode"])[1].lower()
                ws = [w for w in re.findall(r"[a-z0-9']+", o["question"].lower()) if w not in RARE_WORDS_REPORT[p]]
                rare = [f"{w}:{c}" for w in dict.fromkeys(ws) for c in [len(re.findall(r'\b' + re.escape(w) + r'\b', t))] if 0 < c <= 3]
                print(f"  {o['id']} {', '.join(rare) or '-'}")

    def spread_ok(ep):
        starts = [o["gold"][0][0] for o in ans if o["episode"] == ep]
        d = ep_data(ep)[2]
        return bool(starts) and min(starts) / d < SPREAD_FIRST[p] and max(starts) / d > SPREAD_LAST
    checks += [
        (f"{p}: {2 * sum(ASK_PER_EP.values())} ask lines", len(ask) == 2 * sum(ASK_PER_EP.values())),
        (f"{p}: unique ask ids", len({str(o.get("id")) if isinstance(o, dict) else None for o in ask}) == len(ask)),
    ] + [
        (f"{p}: {ep} has 3 keyword + 3 paraphrase + 2 unanswerable", Counter(o["style"] for o in ok_ask if o["episode"] == ep) == ASK_PER_EP)
        for ep in sorted(eps)
    ] + [
        (f"{p}: {ep} answers spread (first < {SPREAD_FIRST[p]:.0%}, last > {SPREAD_LAST:.0%})", spread_ok(ep)) for ep in sorted(eps)
    ]

# ==================================================================== quote_X.jsonl
quos, ok_quos = {}, {}
for p in PARTS:
    eps = EPISODES[p]
    quo = quos[p] = load_jsonl(f"{PARTS_DIR}/quote_{p}.jsonl", f"quote_{p}")
    ok_quo = ok_quos[p] = []
    for n, o in enumerate(quo, 1):
        tag = f"{p}/{o.get('id', n) if isinstance(o, dict) else n}"
        if not need(isinstance(o, dict) and set(o) == QUOTE_KEYS, f"{tag} keys {sorted(o) if isinstance(o, dict) else o!r} != {sorted(QUOTE_KEYS)}"): continue
        need(o["id"] == f"y{n:03d}", f"{tag} expected id y{n:03d}")
        if not need(isinstance(o["episode"], str) and o["episode"] in eps, f"{tag} episode {o['episode']!r} not in {sorted(eps)}"): continue
        need(o["kind"] in KINDS, f"{tag} bad kind {o['kind']!r}")
        if not need(isinstance(o["query"], str) and o["query"].strip(), f"{tag} empty query"): continue
        if not need(isinstance(o["text"], str) and o["text"].strip(), f"{tag} empty text"): continue
        if not need(num(o["start"]) and num(o["end"]), f"{tag} start/end not numbers"): continue
        ok_quo.append(o)
        cs, txt, dur = ep_data(o["episode"])
        t = norm(o["text"])
        need(t == o["text"], f"{tag} text not normalised")
        k = txt.find(t)
        need(k >= 0, f"{tag} text not verbatim in the joined cue text")
        need(k < 0 or txt.count(t) == 1, f"{tag} text occurs {txt.count(t)} times in the joined text (want exactly 1)")
        if o["id"] not in NOT_SENTENCES.get(p, ()):  # whole sentence: after start-of-text or ". ", ends with . ? !
            need(k < 0 or k == 0 or re.search(r"[.?!]\s$", txt[max(0, k - 2):k]), f"{tag} text does not start a sentence: ...{txt[max(0, k - 20):k]}|")
            need(re.search(r"[.?!]$", t), f"{tag} text does not end a sentence")
        need(norm(o["query"]).lower() != t.lower(), f"{tag} query identical to text")
        need(0 <= o["start"] < o["end"] <= dur + 1e-6, f"{tag} times {o['start']}-{o['end']} outside the episode 0-{dur}")
        need(is_start(cs, o["start"]), f"{tag} start {o['start']} is not a cue start")
        need(is_end(cs, o["end"]), f"{tag} end {o['end']} is not a cue end")
        ins = inside(cs, o["start"], o["end"])
        need(t in norm(" ".join(c[2] for c in ins)), f"{tag} text not inside [start,end]")
        # tight: neither the first nor the last cue of [start,end] may be droppable
        need(not (len(ins) > 1 and t in norm(" ".join(c[2] for c in ins[1:]))), f"{tag} start cue not needed")
        need(not (len(ins) > 1 and t in norm(" ".join(c[2] for c in ins[:-1]))), f"{tag} end cue not needed")
        if p in QUOTE_MIN_START:
            need(o["start"] >= QUOTE_MIN_START[p], f"{tag} starts at {o['start']}, inside the intro/ads (< {QUOTE_MIN_START[p]} s)")
        if p in PARA_QUOTE_WORDS and o["kind"] == "paraphrase":
            shared = shared_words(PARA_QUOTE_WORDS[p], o["query"], t)
            need(not shared, f"{tag} paraphrase query shares words with the line: {shared}")
    kc = Counter(o["kind"] for o in ok_quo)
    checks += [
        (f"{p}: {2 * QUOTES_PER_EP} quotes, {QUOTES_PER_EP} per episode", len(quo) == 2 * QUOTES_PER_EP and
         all(sum(1 for o in ok_quo if o["episode"] == ep) == QUOTES_PER_EP for ep in eps)),
        (f"{p}: every quote kind used at least once", all(kc[k] >= 1 for k in KINDS)),
        (f"{p}: paraphrase quotes >= {MIN_PARA_QUOTES}", kc["paraphrase"] >= MIN_PARA_QUOTES),
        (f"{p}: unique quote ids", len({str(o.get("id")) if isinstance(o, dict) else None for o in quo}) == len(quo)),
    ]

# ==================================================================== never_X.txt (corpus-wide)
files = sorted(glob.glob(f"{CORPUS}/episode_*_large.vtt"))
texts = {re.search(r"episode_(\d+)_large", f).group(1): None for f in files}
for ep in texts: texts[ep] = ep_data(ep)[1]
canon_texts = {ep: canon(t) for ep, t in texts.items()}
checks.append((f"{N_TRANSCRIPTS} transcripts in {CORPUS}", len(texts) == N_TRANSCRIPTS))
nevers = {}
for p in PARTS:
    path = f"{PARTS_DIR}/never_{p}.txt"
    if not need(os.path.exists(path), f"never_{p}: {path} missing"): nevers[p] = []; continue
    lines = nevers[p] = [l.strip() for l in open(path, encoding="utf-8") if l.strip()]
    guests = Counter(l.split(":", 1)[0] for l in lines)
    checks.append((f"{p}: never_{p}.txt has {NEVER_PER_GUEST} 'Guest: line' lines per guest ({', '.join(EPISODES[p].values())})",
                   all(":" in l for l in lines) and guests == Counter({g: NEVER_PER_GUEST for g in EPISODES[p].values()})))
    table = NEVER.get(p, {})
    for l in lines:
        tag = f"{p}/never {l[:60]!r}"
        body = canon(l.split(":", 1)[1] if ":" in l else l)
        said = [ep for ep, t in canon_texts.items() if body in t]
        need(not said, f"{tag} occurs verbatim in {said}")
        if not need(l in table, f"{tag} has no regexes in NEVER[{p!r}]"): continue
        for pat in table[l]:
            h = [(ep, m) for ep, t in texts.items() for m in hits(pat, t)]
            need(not h, f"{tag} pattern {pat!r} hits: {h[:3]}")
    for l in table:
        need(l in lines, f"{p}: NEVER line not in never_{p}.txt: {l[:60]!r}")

# ==================================================================== whole set
all_eps = [ep for p in PARTS for ep in EPISODES[p]]
all_never = [l for p in PARTS for l in nevers[p]]
checks += [
    ("parts cover 6 distinct episodes", len(set(all_eps)) == len(all_eps) == 2 * len(PARTS)),
    ("never lines distinct across parts", len(set(all_never)) == len(all_never)),
]

# ==================================================================== report
for name, good in checks:
    print(("OK  " if good else "FAIL"), name)
    if not good: errs.append(name)
for p in PARTS:
    print(f"part {p}: ask {len(asks[p])} {dict(Counter(o.get('style') for o in asks[p] if isinstance(o, dict)))}, "
          f"quote {len(quos[p])} {dict(Counter(o.get('kind') for o in quos[p] if isinstance(o, dict)))}, never {len(nevers[p])}")
    for o in anss[p]:
        d = ep_data(o["episode"])[2]
        print(f"  {o['id']} {o['episode']} {o['style']:10s} pos {o['gold'][0][0] / d:4.0%}  len {sum(e - s for s, e in o['gold']):5.1f}s"
              f"  spans {[round(e - s, 1) for s, e in o['gold']]}")
    for o in ok_quos[p]:
        print(f"  {o['id']} {o['episode']} {o['kind']:13s} pos {o['start'] / ep_data(o['episode'])[2]:4.0%}  len {o['end'] - o['start']:4.1f}s")
for w in warns: print("WARN", w)
print(f"{len(checks)} set checks, {n_row[0]} row checks; parts dir {PARTS_DIR}")
print("\n".join(errs) if errs else "ALL CHECKS PASSED")
sys.exit(1 if errs else 0)
