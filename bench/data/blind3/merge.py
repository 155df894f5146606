"""Merge the three parts of the third blind set into ../ask_blind3.jsonl (ids t001..), ../quote_blind3.jsonl
(ids u001..) and ../quote_blind3_never.txt. The parts keep the ids (x001.., y001..) that ../validate_blind3.py
checks them under."""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
for kind, prefix, name in (("ask", "t", "ask_blind3.jsonl"), ("quote", "u", "quote_blind3.jsonl")):
    rows = [json.loads(line) for part in "abc" for line in open(f"{HERE}/{kind}_{part}.jsonl", encoding="utf-8")
            if line.strip()]
    with open(f"{OUT}/{name}", "w", encoding="utf-8") as fh:
        for n, row in enumerate(rows, 1):
            fh.write(json.dumps({**row, "id": f"{prefix}{n:03d}"}, ensure_ascii=False) + "\n")
with open(f"{OUT}/quote_blind3_never.txt", "w", encoding="utf-8") as fh:
    for part in "abc":
        fh.writelines(line for line in open(f"{HERE}/never_{part}.txt", encoding="utf-8") if line.strip())
