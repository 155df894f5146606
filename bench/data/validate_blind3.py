"""Checks for the third blind set's three parts in blind3/: ask_X.jsonl, quote_X.jsonl and never_X.txt, X = a, b, c
(written separately; blind3/merge.py merges them into ask_blind3.jsonl, quote_blind3.jsonl, quote_blind3_never.txt).
Takes over from the parts' own checkers (check_a/b/c.py): every generic check runs once over all parts, and each
part's own data (unanswerable key-term regexes, never-line regexes, anchors, span-length limits, stoplists, ...) sits
in the tables below, keyed by part and id. Cues are read through vtt_cues.py from this directory (corpus: $LEXICAP).
Usage: python3 validate_blind3.py [PARTS_DIR]   (default: the blind3/ folder next to this script)."""
import glob, json, os, re, sys
from collections import Counter
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vtt_cues import CORPUS, ep_data, norm

PARTS_DIR = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "blind3")
PARTS = ("a", "b", "c")
ASK_KEYS = {"id", "episode", "question", "style", "gold", "answer_hint"}
QUOTE_KEYS = {"id", "episode", "query", "kind", "text", "start", "end"}
STYLES = ("keyword", "paraphrase", "unanswerable")
KINDS = ("fragment", "wrong_word", "paraphrase", "swapped_order", "misspelling")
N_TRANSCRIPTS = 319

# ==================================================================== part tables
EPISODES = {  # episode -> guest
    "a": {"083": "Nick Bostrom", "112": "Ian Hutchinson"},
    "b": {"145": "Matthew Johnson", "197": "Jocko Willink"},
    "c": {"236": "Jimmy Pedro", "259": "Thomas Tull"},
}
# gold span length in s: (min, max, severity); "warn" (part c) only warns, and only for one-span golds
SPAN_LEN = {"a": (10, 130, "error"), "b": (10, 120, "error"), "c": (15, 105, "warn")}
# spread of the answerables: in each episode the earliest gold start lies before this share of the episode
# (and the latest after SPREAD_LAST)
SPREAD_FIRST = {"a": 0.20, "b": 0.15, "c": 0.20}
SPREAD_LAST = 0.85
QUOTE_MIN_START = {"a": 330}  # part a: no quote inside the intro/ads (before 330 s)
# quote texts are whole sentences (start after . ? ! or at the start, end with . ? !), except these clauses from
# 112's unpunctuated stretch (~2526 s to the end)
NOT_SENTENCES = {"a": {"y010", "y011", "y012"}}

# part b: each answerable is pinned to anchor phrases that must lie inside its gold spans
ANCHORS = {"b": {
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
}}

# unanswerables (episode-scoped): key terms and variants must not occur in the episode's joined cue text
# (case-insensitive); stray, unrelated hits are listed in answer_hint and kept out of these patterns
SCOPED = {
    "a": {
        "x007": r"nuclear|\bbombs?\b|weapon|\bwars?\b|warfare|missile|hiroshima|deterr|arms race|cold war|warhead",
        "x008": r"comed|stand[ -]up|standup|\bcomic|sweden|swedish|\bswedes?\b|london|grew up|growing up|childhood|hometown|helsingborg",
        "x015": r"cold fusion|\bpons\b|fleischmann|room temperature|palladium|heavy water|electroly|table ?top|bench ?top",
        "x016": r"galileo|galilei|copernic|inquisition|heliocentr|\bpope\b|vatican|catholic|here(sy|tic)|persecut|telescope|astronom|\bbruno\b|house arrest",
    },
    "b": {
        "x007": r"griffith|roland|founder|founded",
        "x008": r"leary|harvard|alpert|ram dass|counterculture|hippie|tune in|drop out|nixon|backlash",
        "x015": r"friendly fire|blue on blue|fratricide|ramadi|mistook|misidentif|shooting at each other|shot at each other",
        "x016": r"\bkyle\b|\bchris\b|sniper|\blegend\b|bradley|cooper|ramadi",
    },
    "c": {  # strays kept out, e.g. 236's "caged tiger", 259's "invest in my company"
        "x007": r"holm\b|holly|octagon|bantam|\bwwe\b|(ronda|rhonda|rousey).{0,300}(ufc|mma|mixed martial)|(ufc|mma|mixed martial).{0,300}(ronda|rhonda|rousey)",
        "x008": r"samb|somb|sam bo|leg ?locks?|heel hooks?|kurtka",
        "x015": r"crypto|bitcoin|blockchain|\bnfts?\b|ethereum|\btokens?\b|\bcoins?\b|web ?3|digital currenc|\bdefi\b",
        "x016": r"warcraft|seventh son|great wall|crimson peak|\bflops?\b|flopped|\bbomb|box office|lost money|money ?losers?|write ?downs?|\bmisses\b",
    },
}

# never lines: for each line, regexes for its distinctive word combinations (see notes_X.md); none may match the
# joined cue text of any of the 319 transcripts (case-insensitive)
NEVER = {
    "a": {
        "Nick Bostrom: We could run a full ancestor simulation on a quantum computer the size of a sugar cube.":
            [r"quantum computer.{0,150}sugar cube", r"sugar cube.{0,150}quantum",
             r"(ancestor|ancestry) simulations?.{0,150}sugar cube", r"sugar cube.{0,150}(ancestor|ancestry) simulation"],
        "Nick Bostrom: The doomsday argument has convinced me that humanity will go extinct within a few centuries.":
            [r"doomsday argument.{0,200}(convinc|centur|persua)", r"(convinc|persua).{0,120}doomsday argument"],
        "Ian Hutchinson: ITER will be putting fusion electricity on the grid by 2030.":
            [r"\biter\b.{0,200}(grid|electricity).{0,100}20[23]\d", r"(grid|electricity).{0,150}\biter\b",
             r"\biter\b.{0,200}2030|2030.{0,200}\biter\b", r"on the grid.{0,60}(by|before) 20[23]\d"],
        "Ian Hutchinson: Randomized clinical trials have proven that prayer heals the sick.":
            [r"pray(er|ing|ed)?.{0,200}(clinical trial|controlled (trial|study|experiment)|randomi[sz]ed|double[ -]blind)",
             r"(clinical trial|controlled (trial|study)|randomi[sz]ed|double[ -]blind).{0,200}pray",
             r"intercessory", r"prayer.{0,120}(heal|cure)", r"(heals?|cures?) the sick"],
    },
    "b": {
        "Matthew Johnson: microdosing is the most promising thing happening in psychedelic research right now":
            [r"micro ?dos.{0,200}(promising|best|strongest|exciting)", r"(promising|exciting).{0,150}micro ?dos"],
        "Matthew Johnson: psilocybin mushrooms should be sold over the counter at the grocery store, just like coffee":
            [r"(psilocybin|mushrooms?|shrooms|lsd|psychedelics?).{0,150}(convenience store|grocery|gas station|over the counter|7-?11|seven eleven|supermarket)",
             r"(convenience store|grocery|gas station|over the counter|supermarket).{0,150}(psilocybin|mushrooms?|shrooms|lsd|psychedelics?)",
             r"(mushrooms?|psilocybin).{0,200}(sold|sell|buy).{0,100}(store|counter|shop)",
             r"(store|counter|shop).{0,100}(sold|sell|buy).{0,100}(mushrooms?|psilocybin)",
             r"(psilocybin|mushrooms?).{0,120}(like coffee|like caffeine)"],
        "Jocko Willink: losing your temper is one of the most effective tools a leader has":
            [r"(los(e|es|ing)|lost) (your|his|their|my|her) temper.{0,200}(tool|useful|effective|works|helps|good for|necessary)",
             r"(tool|useful|effective|helps|necessary).{0,150}(los(e|es|ing)|lost) (your|his|their|my|her) temper",
             r"(yell|scream)(ing)? at (your|his|their|the) (team|troops|people|employees|staff).{0,100}(works|effective|useful|best)"],
        "Jocko Willink: a white belt should never tap out, just muscle your way out with strength":
            [r"never (ever )?tap( out)?\b", r"(white belts?).{0,150}(don't|never|shouldn't) tap",
             r"(don't|never|shouldn't|not) tap.{0,150}strength", r"(refuse|refusing|refused) to tap"],
    },
    "c": {
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
    },
}

# stoplists of the word-overlap checks
STOP_B = set("a an the and or of to in on at for is are was were be been it its this that what which who how why does do did "
             "he his him she her they them their i me my you your we our with about from as by not no so if but than then there "
             "just like any some one get got say said says think thought really thing".split())
STOP_C = set("""kayla about after again against also and any are around back been before being but can could did does doing
don't each even ever from going have he's his how into is it's jimmy just like more much over pedro really said same say
says she should some something that that's the their them then there they thing think this thomas through tull tull's
was wasn't were what when where which while who why will with would you your i'm""".split())
# paraphrase quotes: no word of the query (token regex, stoplist, min length) may occur in the quoted line
PARA_QUOTE_WORDS = {"b": (r"[a-z0-9']+", STOP_B, 1), "c": (r"[a-z][a-z']+", STOP_C, 4)}
# paraphrase questions: no word of the question (token regex, stoplist, min length) may occur in its gold text
PARA_ASK_WORDS = {"c": (r"[a-z][a-z']+", STOP_C, 4)}
# report only (no check): the words of each paraphrase question that are rare (1-3 hits) in its episode
RARE_WORDS_REPORT = {"b": STOP_B}

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
    ("parts cover 6 distinct episodes", len(set(all_eps)) == len(all_eps) == 6),
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
