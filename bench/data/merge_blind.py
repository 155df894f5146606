"""Merge the three parts of a blind set (blind3/, blind4/, ...: ask_X.jsonl, quote_X.jsonl, never_X.txt, X = a, b, c)
into ask_blindN.jsonl (ids t001.. for set 3, v001.. for set 4, m001.. for set 5, k001.. for set 6, g001.. for set 7), quote_blindN.jsonl (u001.., w001.., n001.., j001.., r001..) and
quote_blindN_never.txt next to this script. The parts keep the ids (x001.., y001..) that validate_blind.py checks
them under.  Usage: python3 merge_blind.py N"""
import json
import os
import sys

IDS = {"3": ("t", "u"), "4": ("v", "w"), "5": ("m", "n"), "6": ("k", "j"), "7": ("g", "r"), "8": ("c", "d"), "9": ("e", "i"), "10": ("s", "o"), "11": ("l", "z"), "12": ("x", "y"), "13": ("ya", "yq"), "14": ("yb", "yr"), "15": ("yc", "ys"), "16": ("yd", "yt"), "17": ("ye", "yu"), "18": ("yf", "yv"), "19": ("yg", "yw"), "20": ("yh", "yx"), "21": ("yi", "yy"), "22": ("yj", "yz")}  # per set: the ask and the quote id prefixes
if len(sys.argv) != 2 or sys.argv[1] not in IDS:
    sys.exit(__doc__.splitlines()[-1])
N = sys.argv[1]
OUT = os.path.dirname(os.path.abspath(__file__))
PARTS = os.path.join(OUT, f"blind{N}")
for kind, prefix, name in (("ask", IDS[N][0], f"ask_blind{N}.jsonl"), ("quote", IDS[N][1], f"quote_blind{N}.jsonl")):
    rows = [json.loads(line) for part in "abc" for line in open(f"{PARTS}/{kind}_{part}.jsonl", encoding="utf-8")
            if line.strip()]
    with open(f"{OUT}/{name}", "w", encoding="utf-8") as fh:
        for n, row in enumerate(rows, 1):
            fh.write(json.dumps({**row, "id": f"{prefix}{n:03d}"}, ensure_ascii=False) + "\n")
with open(f"{OUT}/quote_blind{N}_never.txt", "w", encoding="utf-8") as fh:
    for part in "abc":
        fh.writelines(line for line in open(f"{PARTS}/never_{part}.txt", encoding="utf-8") if line.strip())
