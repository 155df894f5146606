"""How listeners write a guest's name when it is not the way the intro (and so the library) spells it.

- Short forms of first names: a listener's "according to Matt" means Matthew Johnson too, "Jim" James Gosling.
  Only long -> short: the intro's "Jimmy Pedro" is no "James".
- How a name sounds: Whisper writes a name as it hears it, not always the same way. The intro of episode 197
  says "Jaco Willink", the conversation "Jocko", as listeners write it. Two spellings with the same Metaphone
  key and first letter may be one name; `GuestNames.episodes_of` takes one where it is also one letter off the
  name ("Tull" for the intro's "Tall") or where that guest's episode says the listener's spelling itself.
"""
from __future__ import annotations

import re

import jellyfish

_SHORT = """matthew:matt michael:mike james:jim robert:bob,rob william:bill,will david:dave thomas:tom
christopher:chris daniel:dan steven:steve stephen:steve nicholas:nick joseph:joe andrew:andy alexander:alex
samuel:sam benjamin:ben jeffrey:jeff geoffrey:geoff timothy:tim gregory:greg anthony:tony donald:don
jonathan:jon katherine:kate,katie kathryn:kate,katie elizabeth:liz kenneth:ken charles:charlie richard:rick
peter:pete ronald:ron lawrence:larry gerald:jerry vladimir:vlad frederick:fred joshua:josh zachary:zach
nathaniel:nate nathan:nate"""
_SHORT_FORMS: dict[str, tuple[str, ...]] = {
    long: tuple(shorts.split(",")) for long, shorts in (pair.split(":") for pair in _SHORT.split())}


def short_forms(name_word: str) -> tuple[str, ...]:
    """What listeners call someone introduced by this first name ("matthew" -> ("matt",)); () for other words."""
    return _SHORT_FORMS.get(name_word, ())


def sound_key(word: str) -> str | None:
    """A key two spellings of one spoken name share ("jocko"/"jaco" -> "j:JK"), or None for words too short to
    tell by sound (under 4 letters, or a key of one sound)."""
    if len(word) < 4 or not word.isalpha():
        return None
    key = jellyfish.metaphone(word)
    key = key[:1] + re.sub("[YWH]", "", key[1:])    # the glides Whisper hears or not: "Vinyals" is "Veniales"
    return f"{word[0].lower()}:{key}" if len(key) >= 2 else None
