"""The question inside a chat message. On Discord a question comes wrapped: "hey podbot, just finished this one
on my run. what did he say about X? thx 🙏". The wrapping carries no subject, but it is not harmless: the bot's
name, "thx" and emoji are words the library never says, so /ask's refusal rules read them as the topic it lacks
(wrapped, stop 36's eight sets lost 44 answers to wrong refusals in the episode), greetings pull the question's
vector toward every friendly passage, and /quote looks for a line that holds "hey" and "thx". `asked_part` takes
off what is only chat, at the edges of the message and as whole sentences that are only about the listener or the
episode, and keeps the rest as typed. `small_talk` answers a message that is nothing but chat ("thanks!").
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# Discord's own markup: user, role and channel mentions, custom emoji; and plain "@name" addressing the message
# (at its start: "@everyone" inside a remembered line is the line's)
_MARKUP = re.compile(r"<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|(?<![\w.])@pod\s?bot\b", re.IGNORECASE)   # "hey @podbot"
_ADDRESSED = re.compile(r"^\s*(?:@[\w.-]+[\s,:]*)+")
LONGEST_CHAT = 2000      # characters: a longer message is a text to search as it is, not a question wrapped in chat
_EMOTICON = re.compile(r"(?<![\w:/])(?:[:;=][-o^']?[)(\]\[DPp/\\|*3Oo]+|xD+|XD+|<3+|\^\^|T_T|-_-)(?![\w])")
_LAUGH = r"(?:lo+l|lmf?ao+|rofl|ha(?:ha)+h?|he(?:he)+|xd)"
_BOT = r"(?:pod\s?bot|bot)"
_FOLKS = r"(?:there|all|everyone|everybody|folks|guys|gang|team|friends|people|y'?all|fam|chat|" + _BOT + ")"

# what a message may open with; taken off again and again ("hey all! quick q: ...")
_OPENERS = [
    # a greeting, with or without the people or bot it greets
    rf"(?:hey+a?|hi+|hello+|hallo|yo+|hiya|howdy|oi|heyo|sup|greetings)\b(?:\s+{_FOLKS}\b)?",
    # greetings that are also topic words ("morning routine") count only when punctuated or addressed
    rf"(?:good\s+)?(?:morning|afternoon|evening)(?:\s+{_FOLKS}\b)?(?=\s*[,!.:;-])|gm\b(?=\s*[,!.])",
    rf"{_BOT}\b(?=\s*[,:!-])",
    rf"{_LAUGH}\b",
    # lead-ins: "quick one:", "question for the bot -", "random thought:"
    r"(?:(?:quick|random|dumb|silly|stupid|noob|small|simple|odd|weird|honest|genuine|serious)\s+)?"
    rf"(?:question|q|one|thought|query)(?:\s+for\s+(?:the\s+)?(?:{_BOT}|you|y'?all|everyone|you\s+all|group|channel)"
    r"|\s+while\s+[\w' ]{1,30}?|\s+i\s+had|\s+of\s+the\s+day|\s+here)?\s*(?=[:—–-])",
    # "quick q does he think ...", "random question what did ..."
    r"(?:quick|random|dumb|silly|stupid|noob)\s+(?:q|qn|question|one)\b(?!\s+(?:about|on|regarding|re)\b)",
    # who the listener is, run into the question: "I'm a nurse and ..."
    r"(?:so\s+)?(?:i\s*'?m|i\s+am)\s+an?\s+(?:[\w-]+\s+){0,2}?[\w-]+\s*(?:,|\s(?:and|so|but))(?=\s)",
    # the listener's moment, run into the question: "I was listening to this on the train and ..."
    r"(?:i\s*'?m|i\s+am|i\s+was|i\s+just|just|been|i\s*'?ve\s+been|was)\s+(?:re-?)?(?:listening|listened|finished|"
    r"watching|watched|binging|hearing)\b[^,.!?]{0,60}?(?:\s+and|\s+but|\s+so|,)(?=\s)",
    # hedges: "might be a dumb question but", "sorry if this was asked already", "not sure if this is the place"
    r"(?:this\s+)?(?:might|may|could|prob(?:ably)?)\s+be\s+a\s+(?:dumb|stupid|silly|noob|weird|basic|naive)\s+"
    r"(?:question|q)(?:\s+but)?",
    r"(?:sorry|apologies)\s+if\s+(?:this|it)\s*(?:has|'s|was|is)\s+(?:been\s+)?(?:asked|answered|covered)"
    r"(?:\s+(?:already|before|here))*",
    r"not\s+sure\s+if\s+this\s+is\s+the\s+(?:right\s+)?(?:place|channel)(?:\s+(?:for\s+this|to\s+ask))?(?:\s+but)?",
    r"(?:can|could|would)\s+(?:someone|anyone|anybody|somebody|you)\s+(?:please\s+|pls\s+|plz\s+)?"
    r"help\s+(?:me\s+)?(?:out|find\s+(?:something|a\s+thing|a\s+part|a\s+bit|a\s+moment))",
    # filler that opens a chat line ("ok so", "um,", "alright")
    r"(?:ok(?:ay)?|kk?|um+|uh+|hm+|erm|alright|right|so+)\s*(?:,|\.\.\.|so\b)|(?:ok(?:ay)?|um+|uh+|hm+|erm|alright)\b",
]
_OPENER = re.compile(r"^\s*(?:" + "|".join(_OPENERS) + r")[\s,.!:;—–-]*", re.IGNORECASE)

# what a message may close with: thanks, laughter, "anyone remember?", "pls", "asking for a friend"
_CLOSERS = [      # chat, whatever comes before it
    r"(?:thx|thnx|thanx|tx|ty|tyvm|tysm|tia)(?:\s+(?:so\s+much|a\s+lot|in\s+advance|all|guys|everyone))*",
    r"(?:thanks|thank\s+you|many\s+thanks)\s+(?:so\s+much\s+)?in\s+advance(?:\s+for\s+the\s+help)?",
    _LAUGH,
    r"pl[sz]",
    r"(?:does\s+)?any\s*(?:one|body)\s+(?:remember|know|recall)(?:\s+(?:this|it|where|which|the\s+\w+))?",
    r"any\s+(?:ideas?|help|clues?|pointers?)(?:\s+(?:appreciated|welcome))?",
    r"\(?asking\s+for\s+a\s+friend\)?",
    r"(?:i(?:'d|\s+would)\s+)?(?:would\s+)?love\s+to\s+(?:find|hear|listen\s+to|re-?listen\s+to)\s+(?:it|that|this)"
    r"(?:\s+(?:bit|part|one))?(?:\s+again)?",
    r"(?:it'?s|its|this\s+(?:has|is))\s+(?:been\s+)?(?:bugging|driving|bothering|killing)\s+me(?:\s+\w+){0,3}",
    r"(?:i\s+)?(?:can'?t|cannot)\s+(?:find|remember)\s+(?:it|where|the\s+(?:spot|part|bit|timestamp))(?:\s+\w+){0,3}",
]
_CLOSERS_AFTER_A_BREAK = [       # also words of a question ("why did he say thank you", "saying please"): chat only
    #                              after punctuation
    r"(?:thanks|thank\s+you|cheers|much\s+appreciated|appreciate\s+it|many\s+thanks)"
    r"(?:\s+(?:so\s+much|a\s+lot|a\s+ton|all|guys|everyone|folks|" + _BOT + r"|again))*",
    r"please|any\s*(?:one|body)",
]
_CLOSER = re.compile(r"(?:(?:^|[\s,.!;:—–-]+)(?:(?:and|&|n)\s+)?(?:" + "|".join(_CLOSERS) + r")"
                     r"|(?:^|\s*[,.!?;:—–-]+\s*)(?:(?:and|&|n)\s+)?(?:" + "|".join(_CLOSERS_AFTER_A_BREAK) + r"))"
                     r"[\s.!?:)(]*$", re.IGNORECASE)

# a whole sentence that is only the listener or a reaction to the episode ("loved this one!", "just finished it on
# my run.", "long time listener."); taken off only when another sentence remains and never if it asks
_EPISODE = r"(?:episode|ep|eppy|one|convo|conversation|interview|podcast|pod|talk|chat|show|listen|guest)s?"
# the episode as the listener points at it, and when or where they heard it: never a guest or a topic ("just
# finished the one with Kotkin" keeps its sentence: the guest's name is what picks the episode)
_THIS_ONE = (r"(?:this|it|that|the\s+(?:new\s+|latest\s+|last\s+)?(?:one|episode|ep|pod|podcast|convo|conversation|"
             r"interview|show))(?:\s+(?:one|episode|ep))?")
_CIRCUMSTANCE = (r"(?:\s+(?:on|during|while|in|at|for|over)\s+(?:my|the|a|an|our)\s+[\w-]+(?:\s+[\w-]+)?"
                 r"|\s+(?:today|yesterday|again|twice|finally|this\s+(?:morning|week|weekend)|last\s+(?:night|week)))*")
_CHAT_SENTENCES = [
    rf"(?:what|such)\s+an?\s+(?:\w+\s+){{0,2}}{_EPISODE}",
    rf"(?:(?:really|absolutely|totally|just|so)\s+)?(?:loved|love|enjoyed|liked|adored)\s+(?:\w+\s+){{0,3}}?"
    rf"{_EPISODE}\b.*",
    rf"(?:(?:really|truly|such\s+a)\s+)?(?:great|amazing|awesome|fantastic|incredible|fascinating|wonderful|brilliant|"
    rf"excellent|epic|wild|insane|crazy|cool|fun|nice|solid|best|good|beautiful|mind-?blowing)\s+(?:\w+\s+){{0,2}}?"
    rf"{_EPISODE}\b.*",
    rf"(?:this|that|the\s+\w+)\s+{_EPISODE}\s+"
    r"(?:was|is|blew|got|really|totally|made|hit|has|had|changed|stuck|stayed)\b.*",
    r"(?:i\s*'?m\s+|i\s+am\s+|i\s+was\s+|i\s+have\s+|i\s*'?ve\s+|i\s+)?(?:just\s+|finally\s+|recently\s+|currently\s+)?"
    r"(?:finished|listened\s+to|listening\s+to|re-?listening\s+to|relistening|heard|watched|watching|binging|"
    r"catching\s+up\s+on|got\s+through|been\s+listening\s+to|been\s+binging)\s+" + _THIS_ONE + _CIRCUMSTANCE,
    r"(?:long\s+time|first\s+time|new|huge|big|longtime)\s+(?:listener|fan|poster|here)\b.*",
    r"first\s+time\s+(?:posting|asking|here)\b.*",
    # who the listener is: "I'm a nurse.", "so I'm a grad student and this one stuck with me."
    r"(?:so\s+)?(?:i\s*'?m|i\s+am)\s+(?:an?|the)\s+(?:[\w-]+\s+){0,3}?[\w-]+(?:\s+(?:and|so|but)\b.*)?",
    r"(?:hope|hoping)\s+(?:you'?re|everyone'?s|all\s+is|y'?all\s+are)\b.*",
]
_CHAT_SENTENCE = re.compile(r"^\s*(?:" + "|".join(_CHAT_SENTENCES) + r")\s*$", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\s*\n+\s*")


# Words that carry no subject: function words, chat, and how listeners talk about themselves and the episode.
# A sentence, a lead clause ("ngl this one got me thinking and ...") or a tail ("I think it was in this episode
# but not sure") made of nothing else is chat, whatever its phrasing.
CHAT_WORDS = frozenset("""
a an the and or but so if then than as at by for from in into of on onto to with without about over up out off
i me my mine myself we us our you your yours he him his she her they them their it its this that these those there
here what which who whom whose when where why how whether is am are was were be been being do does did done doing
have has had having can could will would shall should may might must not no nor too very just really so such also
only still even ever again already yet now rn today tonight yesterday lately recently finally currently once twice
all any anyone anybody someone somebody everyone everybody anything something everything some one ones thing things
i'm im i've ive i'd id i'll ill it's its that's thats what's whats there's dont don't didnt didn't cant can't
isnt isn't wasnt wasn't wont won't idk ngl tbh imo imho btw fyi lol lmao rofl omg wow whoa ok okay oh ah um uh hmm
hey hi hello yo hiya howdy guys folks fam friends friend people all everyone y'all yall chat server channel discord
bot podbot thanks thank thx ty tia cheers pls please plz appreciate appreciated grateful advance help helping
question questions q ask asking asked request wondering wonder curious sure unsure certain right wrong place
dumb stupid silly weird random quick odd basic obvious sorry apologies english language bad my
think thinking thought guess know knew remember recall forget forgot forgotten find found mind blew blown
love loved like liked enjoy enjoyed great amazing awesome good nice cool fantastic incredible brilliant wild
episode episodes ep eps podcast podcasts pod show convo conversation interview listen listened listening listener
listeners relistening re-listening watch watched watching heard hear finished finish started binge binging lurker
poster posting post joined join new long time first second last half asleep driving nuts bugging crazy day days
got get gets getting made make makes go going went gone come came bit part moment somewhere way
partner wife husband girlfriend boyfriend roommate arguing argument debate debating possible super stop imagining
earlier run walk drive commute gym train bus car breakfast lunch dinner dishes morning evening night week weekend
""".split())
# a tail of chat opens with one of these ("... I think it was this episode", "... sorry if it's obvious")
_TAIL_OPENERS = frozenset("i i'm im i've ive i'd sorry thx ty tia tysm pls plz lol lmao idk ngl hope".split())
_TAIL_OPENERS_AFTER_A_BREAK = frozenset(
    "anyone anybody any thanks thank would please much appreciate cheers if or".split())
# ... never after words that quote: "when he said I don't know", "the bit where the robot says I love you"
_QUOTING = frozenset("say says said saying tell tells told ask asks asked reply replies replied answer answered go "
                     "goes went like quote quoted call called word words phrase line wrote writes yelled shouted"
                     .split())
_CLAUSE_END = re.compile(r"(?:,|:|;|—|–|\s-|\.\.\.|\s(?:and|but|so))\s+", re.IGNORECASE)


# a sentence that asks ("how did it go?", "who was that") is the question, however few its own words
_ASKS = re.compile(r"^.*\?|\s*(?:what|which|who|whom|whose|when|where|why|how|is|are|was|were|do|does|did|can|could|"
                   r"would|will|should|has|have|had)\b", re.IGNORECASE)


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'’-]+", text)


def _is_chat(word: str) -> bool:
    return word.lower().replace("’", "'") in CHAT_WORDS


def _chat_only(text: str) -> bool:
    words = _words(text)
    return bool(words) and all(map(_is_chat, words))


def _content(text: str) -> int:
    return sum(not _is_chat(w) for w in _words(text))


def _without_chat_lead(sentence: str) -> str:
    """The sentence from where it stops being chat: the longest lead clause of chat words goes, if what is left
    still has two words that are not ("ngl this one got me thinking and which language does kernigan ...")."""
    for m in reversed(list(_CLAUSE_END.finditer(sentence))):
        lead, rest = sentence[:m.start()], sentence[m.end():]
        if _chat_only(lead) and _content(rest) >= 2:
            return rest
    return sentence


_POINTS = re.compile(r"\b(?:thing|bit|part|moment|one)\b", re.IGNORECASE)   # "the panic attack thank you thing"


def _without_chat_tail(sentence: str) -> str:
    """The sentence up to a closing run of chat words that opens like chat ("... for memory I think it was in this
    episode but not sure"), if what is left still has two words that are not."""
    words = sentence.split()
    for i in range(max(1, len(words) - 25), len(words)):        # a tail of chat is a few words, not a paragraph
        tail, opener, before = " ".join(words[i:]), words[i].lower().strip(",.-"), words[i - 1]
        opens = opener in _TAIL_OPENERS or (opener in _TAIL_OPENERS_AFTER_A_BREAK and before[-1] in ",.!?;:-—–")
        if opens and before.lower().strip(",.!?;:") not in _QUOTING and _chat_only(tail) \
                and _content(" ".join(words[:i])) >= 2 and not _POINTS.search(tail) \
                and not (opener == "or" and len(words) - i < 3):
            return " ".join(words[:i]).rstrip(" ,-—–")
    return sentence


def _without_markup(message: str) -> str:
    """Mentions, the "@name" the message opens with, emoji and emoticons out."""
    return _EMOTICON.sub(" ", _without_emoji(_ADDRESSED.sub("", _MARKUP.sub(" ", message))))


def _without_emoji(text: str) -> str:
    """Pictographs and their joiners out (a run of them ends a clause, as a full stop would); letters, digits
    and punctuation of every script stay."""
    text = "".join("\x00" if unicodedata.category(c) in ("So", "Cs", "Co") or c in "\u200d\ufe0f\ufe0e"
                   or "\U0001f3fb" <= c <= "\U0001f3ff" else c for c in text)      # not "`" or "^": skin tones only
    return re.sub(r"\s*\x00[\x00\s]*", "\n", text)


def _trimmed(text: str) -> str:
    """Openers and closers off the edges of one piece of text, as often as they come."""
    while True:
        cut = _CLOSER.sub("", _OPENER.sub("", text, count=1), count=1)
        if cut == text or not cut.strip():
            return text
        text = cut


def asked_part(message: str, is_name: Callable[[str], bool] | None = None) -> str:
    """`message` without what is only chat; the message as typed when nothing is, or when taking it off would
    leave nothing to ask. With `is_name` (a guest's name?), a sentence that is chat but for a guest's name keeps
    just the name: "listened to the carl hart ep on my commute." names the episode, and nothing more."""
    if len(message) > LONGEST_CHAT:
        return " ".join(message.split())
    text = _without_markup(message)
    sentences = [s for s in (_trimmed(s.strip(" ,")) for s in _SENTENCE.split(text)) if s.strip()]
    kept = [s for s in sentences if "?" in s or not _CHAT_SENTENCE.match(s.rstrip(".!"))] or sentences
    if any(_content(s) >= 2 for s in kept):
        kept = [s for s in kept if not _chat_only(s) or _ASKS.match(s)]
        if is_name is not None and len(kept) > 1:
            kept = [_named(s, is_name) for s in kept]
        first = next(i for i, s in enumerate(kept) if _content(s) >= 1)
        kept = kept[:first] + [_without_chat_lead(kept[first])] + kept[first + 1:]
        kept[-1] = _without_chat_tail(kept[-1])
    asked = " ".join(" ".join(kept).split())
    asked = _trimmed(asked).strip(" ,;:-—–")
    if len(re.findall(r"\w+", asked)) < 2:
        return " ".join(message.split())
    return asked[:1].upper() + asked[1:] if asked[:1].islower() and message.strip()[:1].isupper() else asked


def _named(sentence: str, is_name: Callable[[str], bool]) -> str:
    """A sentence that does not ask and is chat but for a guest's name, as that name ("carl hart."); any other
    sentence as it is."""
    if _ASKS.match(sentence):
        return sentence
    own = [w for w in _words(sentence) if not _is_chat(w)]
    return " ".join(own) + "." if own and is_name(" ".join(own)) else sentence


# A message that is only chat asks nothing of the episodes: "thanks!" in a thread is not a question to search for
# (it was answered with the previous question's passages again, or with passages that say "thank you")
_ACK = (r"(?:thanks|thank\s+you|thx|thnx|ty|tysm|tyvm|cheers|much\s+appreciated|appreciate\s+it|great|awesome|perfect|"
        r"nice|cool|amazing|brilliant|excellent|ok(?:ay)?|kk?|got\s+it|gotcha|lo+l|lmf?ao+|ha(?:ha)+|wow|interesting|"
        r"no\s+worries|good\s+bot|that\s+helps|that\s+helped|you'?re\s+the\s+best)")
_ACK_MORE = r"(?:so\s+much|a\s+lot|a\s+ton|again|man|dude|mate|buddy|friend|all|" + _BOT + ")"
_ACKNOWLEDGED = re.compile(rf"^(?:{_ACK}(?:\s+{_ACK_MORE})*[\s,.!]*)+$", re.IGNORECASE)
_GREETED = re.compile(rf"^(?:{_OPENERS[0]}|good\s+(?:morning|afternoon|evening)|gm|what'?s\s+up)"
                      rf"(?:\s+{_FOLKS})?[\s,.!?]*$", re.IGNORECASE)
_HELP = re.compile(rf"^(?:{_BOT}\s*)?(?:help|what\s+can\s+you\s+do|how\s+do(?:es)?\s+(?:this|it|you)\s+work|"
                   r"what\s+are\s+you|who\s+are\s+you|commands)[\s?!.]*$", re.IGNORECASE)
_THANKS = re.compile(r"\b(?:thanks|thank|thx|thnx|ty|tysm|tyvm|cheers|appreciated?|helps|helped|good\s+bot|best)\b",
                     re.IGNORECASE)
THANKED = "Glad it helped."
NOTED = "Ask me anything else about the episodes."
HELLO = ("Hi! Ask me anything said in the episodes: I answer with the transcript's own words and the moment to jump "
         "to. `/quote` finds a half-remembered line, `/summary` gives an episode's digest.")


def small_talk(message: str) -> str | None:
    """podbot's reply to a message that is only thanks, a nod ("ok", "lol", "great episode!"), a greeting or a call
    for help; None for anything else."""
    if len(message) > LONGEST_CHAT:
        return None
    text = " ".join(_without_markup(message).split())
    if not text:
        return None
    if _GREETED.match(text) or _HELP.match(text):
        return HELLO
    rest = text
    while (cut := _OPENER.sub("", rest, count=1)) != rest:        # "hey podbot, thanks!"
        rest = cut
    if not rest:                                                   # "ok", "lol", "yo all!"
        return HELLO if re.match(_OPENERS[0], text, re.IGNORECASE) else NOTED
    if _ACKNOWLEDGED.match(rest) or (not _ASKS.match(rest) and _CHAT_SENTENCE.match(rest.rstrip(".!"))):
        return THANKED if _THANKS.search(rest) else NOTED
    return None
