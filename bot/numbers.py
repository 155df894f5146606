"""Numbers written two ways: listeners type "ten days", Whisper mostly writes "10 days" (and now and then the
other way round). /ask's BM25 looks a question's number up in both forms. /quote does not: there it lifted a
never-said line ("…since I was twelve") over the bar (bench never-said finds 1 -> 2 of 20), and its in-order
alignment already forgives one word written otherwise."""
from __future__ import annotations

_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen twenty").split()
_NUMBERS = {w: str(n) for n, w in enumerate(_WORDS, start=1)}
_NUMBERS.update({w: str(n) for n, w in zip(range(30, 100, 10), "thirty forty fifty sixty seventy eighty ninety".split())})
_NUMBERS["hundred"] = "100"
_NUMERALS = {n: w for w, n in _NUMBERS.items()}


def number_forms(word: str) -> list[str]:
    """The other way to write a (lower-case) number word or numeral: "ten" <-> "10"; [] for anything else."""
    other = _NUMBERS.get(word) or _NUMERALS.get(word)
    return [other] if other else []
