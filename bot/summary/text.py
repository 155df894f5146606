"""Words of spoken English: tokens, stop words, fillers, and the surface features of a sentence.

Transcripts of conversation are full of words that carry no topic ("thing", "really", "kind of") and of
sentences that make no sense alone ("And that's it."). Everything here is cheap string work so that a
five-hour episode can be read in well under a second.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*[A-Za-z0-9]|[A-Za-z0-9]")
# Phrases never run across these: clause punctuation breaks a keyphrase candidate.
CLAUSE_BREAK = re.compile(r"[,.;:!?()\[\]\"“”…—–]|\s-\s|\s--\s")

# Function words plus the vocabulary of talk itself (verbs of saying/thinking, vague nouns, hedges).
STOPWORDS = frozenset("""
a about above absolutely according across actually after afterwards again against ago ah ahead all almost
alone along already also although always am among amongst an and another any anybody anyhow anymore anyone
anything anyway anyways anywhere are aren't around as aside ask asked asking asks at away awesome bad
basically be became because become becomes becoming been before beforehand behind being believe believed
below beside besides best better between beyond big bit both brief bring brings but by call called calling
came can can't cannot cant case cases certain certainly chance clearly come comes coming completely
considering could couldn't course crazy curious cool day days deal definitely did didn't different do does
doesn't doing don't done down during each easy eh either else elsewhere end enough entire entirely
especially etc even ever every everybody everyone everything everywhere exactly example examples except
extent extremely fact fairly far feel feeling feels felt few find fine first five following for form
forth four from front full fun funny further furthermore gave generally get gets getting give given gives
giving go goes going gone gonna good got gotten great guess guy guys had hadn't half happen happened
happening happens hard has hasn't have haven't having he he'd he'll he's hear heard hello help hence her
here here's hers herself hey hi him himself his hmm honestly hope hopefully how however huge hundred i i'd
i'll i'm i've idea ideas if important in indeed inside instance interesting into is isn't it it'd it'll
it's its itself just keep keeps kept kind kinda knew know knowing known knows large last lastly later
least less let let's lets like liked likely likes literally little long look looked looking looks lot
lots loved made mainly make makes making man many matter may maybe me mean means meant
might mind mine minute minutes more moreover most mostly move moving mr much must my myself name namely
near nearly necessarily need needed needs neither never nevertheless new next nice nine no nobody non
none nor normally not nothing now nowhere obviously of off oh ok okay old on once one ones only onto or
other others otherwise ought our ours ourselves out outside over overall own part particular particularly
people perhaps person place play point points possible possibly pretty probably problem put quite rather
re really reason reasons regard regarding regardless right said same saw say saying says second see seeing
seem seemed seeming seems seen self sense serious seriously set seven several shall she she'd she'll she's
should shouldn't show showed shows side similar simply since six small so some somebody somehow someone
something sometime sometimes somewhat somewhere soon sort sorts speak speaking start started starting
starts stuff such suppose supposed sure take taken takes taking talk talked talking talks tell telling
ten tend tends than thank thanks that that'd that'll that's thats the their theirs them themselves then
there there'd there'll there's thereby therefore these they they'd they'll they're they've thing things
think thinking thinks third this those though thought thoughts thousand three through throughout thus
time times to today together told too took top totally toward towards tried tries true truly try trying
turn turns twice two type types uh uhm um under understand understanding unfortunately unless unlike
until up upon us use used useful uses using usually various very via view want wanted wanting wants was
wasn't way ways we we'd we'll we're we've week weeks well went were weren't what what's whatever when
whenever where where's whereas wherever whether which while who who's whoever whole whom whose why will
willing wish with within without won't wonder wonderful work worked works worth would wouldn't wow yeah
year years yes yet you you'd you'll you're you've your yours yourself yourselves zero
ah aw eh ha hm ho mm oh ok uh um ya ye yo et cetera etcetera blah
per versus vs despite amid amidst beneath underneath alongside atop unto till lest albeit whereby thereof plus minus
""".split())   # the last line: prepositions and conjunctions ("Actions per and units" was a chapter title)

# Spoken fillers: they make a sentence a poor bullet or quote.
_FILLERS = re.compile(r"\b(?:um+|uh+|uhm|hmm+|you know|i mean|kind of|sort of|like,|i guess|or whatever|"
                      r"or something|and stuff|yeah|okay|right\?|you see)\b", re.IGNORECASE)
# Openers that lean on what came before (anaphora, discourse markers, answers to a question).
_DANGLING_OPENERS = frozenset("""and but so because or which that this these those it it's its they
they're they'd they've they'll them he he's he'd he'll she she's she'd she'll his her then also yeah yes no well right okay oh um uh like exactly sure
absolutely totally true anyway plus hence thus therefore although though whereas even except not
cause 'cause of to from by into partly mostly meaning namely especially particularly again otherwise instead
besides similarly likewise nor
does doesn't did didn't is isn't was wasn't are aren't were weren't has hasn't had makes made seems sounds
looks gets goes can't could couldn't would wouldn't should shouldn't won't
""".split())   # the last two lines: a verb with its subject left in the sentence before ("Makes sense because…")
_SOFT_OPENERS = frozenset("i i'm i've i think there there's we we're you you're".split())
# "I think this is…", "I believe that's…": a stance whose subject points back at what was just said.
_STANCE_OPENERS = frozenset({"i think", "i believe", "i mean", "i guess"})
# A speaker's initials the transcriber wrote into the text ("RL Well, I think…", "JG This century…"): the
# transcript's words, but a bullet or quote opening with them reads as broken.
_INITIALS_OPEN = re.compile(r"^[A-Z]{2,3}:? (?:Well|I|I'm|I've|This|That|So|Yes|No|And|But|The|It|We|You|Oh|Yeah|"
                            r"Right|Okay|What|How|Why|There|Absolutely|Exactly|Sure|Of)\b")
_BACK_REFERENCES = frozenset("this these those it it's that's they they're them he he's she she's".split())
# Subordinate or hypothetical openers: fine inside a bullet, not as a standalone quote.
_CLAUSE_OPENERS = frozenset("""whether while since just like as for with without when if unless let's let
suppose imagine say for instance maybe perhaps""".split())
_HEDGES = re.compile(r"\b(?:i don't know|i'm not sure|not sure|i don't think i|who knows|i have no idea|"
                     r"i can't remember|i forget|hard to say|maybe|perhaps|i guess)\b", re.IGNORECASE)
_RESTART = re.compile(r"\b(\w+)(?:,)? \1\b|\b(\w+)\b[^,.?!]{0,14}, \2\b|\b\w+, (?:i mean|like|uh|um),|"
                      # a phrase dropped after its first word: "There's a, I'm on the board…" (episode 259)
                      r"\b(?:a|an|the|my|your|our|their|to|there's|it's|that's), ",
                      re.IGNORECASE)
# Talk about the conversation itself: steering, not content ("let me ask you about", "we're jumping all over
# the place", "going back to", "we'll talk about that later").
_META = re.compile(r"\b(?:let me (?:just )?(?:ask|go|jump|link|return|get back|push|say)|"
                   r"let's (?:(?:real|really|quick|quickly|just|now|briefly|maybe|then|actually) ){0,2}"
                   r"(?:talk|go|get|jump|return)|"
                   r"can i (?:ask|just ask)|i (?:want|wanted|have) to ask|i(?:'d| would) (?:like|love) to ask (?:you|about)|"
                   r"(?:i|we) (?:almost |nearly |totally |completely )?forgot to (?:ask|mention|say|talk)|(?:jumping|jump) (?:all over|around)|"
                   r"going back to|to go back to|we(?:'ll| will) (?:talk|get) (?:about|to|into) (?:that|this|it)|"
                   r"we(?:'ve)? talked about|as (?:we|you) (?:said|mentioned) (?:earlier|before)|"
                   # answering the other's last words: "One reason you've just raised is…", "what you just said"
                   r"you(?:'ve| have)? just (?:said|raised|mentioned|asked|described|brought up|pointed out)|"
                   r"as (?:we|you|i)(?:'ve| have)? already (?:said|mentioned|discussed|talked about|covered)|"
                   r"(?:the|that|this) (?:question|point) you(?:'ve| have)? (?:just )?(?:raised|asked|made)|"
                   r"the (?:next|last) question|my (?:next|last) question|on that (?:note|topic))\b", re.IGNORECASE)
# The host reporting the guest's own words or record back ("You mentioned the benefits of System 1…", "In your
# book, you write…", "You have studied…"): context for a question, not the guest's idea.
_ADDRESSED = re.compile(r"^(?:so,? |and,? )?you say\b|"
                        # the host presenting the guest's record: "You have studied and criticized powerful leaders"
                        r"^(?:so,? |and,? )?you(?:'ve| have) (?:\w{3,}ed|been|done|written|spoken|taught|built|"
                        r"spent|seen|made|won|led|thought|given|worked)\b|"
                        r"\b(?:you(?:'ve| have)? (?:said|mentioned|wrote|written|talked about|described|argued|"
                        r"pointed out)|"
                        r"(?:in|from) your (?:book|paper|essay|writing|work|talk|lecture|blog|post))\b|"
                        # ...or presenting the guest to the guest: "You were one of the three authors of the AlexNet
                        # paper", "You're known for not sugarcoating your opinions", "You tell a story of an SS
                        # soldier", "You talk about Hendrix and music", "that mystery that drove you"
                        r"^(?:(?:so|and|ok|okay|now|well|but)[, ]+)?(?:[a-z][\w'-]+, )?you(?:'re| are| were) "
                        r"(?:one of|among|known|famous|widely|suggesting|taking on|part of|someone who|somebody who|"
                        r"(?:kind of|sort of) (?:suggesting|saying)|the (?:author|creator|founder|co-?founder|inventor|"
                        r"head|director)|a (?:legend|pioneer|professor))\b|"
                        r"^(?:(?:so|and|now|well|but|also)[, ]+)?you (?:tell (?:a|the) story|write (?:about|that|in)|"
                        r"describe|recount|talk about)\b|"
                        r"\byou(?:'ve| have) been (?:part of|one of|involved in|at the (?:center|heart|forefront))\b|"
                        # "You were there at Blue Origin…", "You were a proponent of deep learning before…": told of
                        # the guest's past, the host's line ("you were" opening a sentence is hardly ever generic)
                        r"^(?:(?:so|and|ok|okay|now|well|but)[, ]+)?(?:[a-z][\w'-]+, )?you were\b|"
                        r"\b(?:drove|inspired|motivated) you\.|"
                        r"^[^,?]{6,80}, (?:(?:where|when) )?you (?:say|write|talk about|describe)\b|"
                        r"\bi love (?:that|how) you(?:'re| are)\b|"
                        # praise of the one across the table: "You're an incredible human being…" (episode 259)
                        r"^(?:(?:so|and|ok|okay|now|well|but|man|look)[, ]+)?you(?:'re| are) (?:(?:an?|such an?|so|"
                        r"truly|really|just|the|one of the most) )?(?:incredible|amazing|great|brilliant|wonderful|"
                        r"fascinating|beautiful|fantastic|awesome|remarkable|extraordinary|inspiring|inspiration|legend|"
                        r"genius|hero)\b",
                        re.IGNORECASE)
# A question Whisper closed with a full stop ("Do you think improving the model … neural networks."): an
# auxiliary verb then its subject, or a wh-word, auxiliary and subject, opening the sentence.
_ASKS = re.compile(r"^(?:(?:so|and|but|now|okay|well|then|also)[, ]+)?(?:(?:what|how|why|where|when|who|which)\s+)?"
                   r"(?:do|does|did|are|is|was|were|can|could|would|will|should|have|has|don't|doesn't|didn't|"
                   r"isn't|aren't|wasn't|weren't|won't|wouldn't|can't|couldn't|shouldn't|haven't|hasn't)\s+"
                   r"(?:you|we|they|he|she|it|there|i|this|that|these|those|people|anyone|anybody|somebody|someone)\b"
                   # "What are your sort of feelings about this book…": a wh-word, an auxiliary, a possessive
                   r"|^(?:(?:so|and|but|now|okay|well|then|also)[, ]+)?(?:what|how|why|where|when|who|which)\s+"
                   r"(?:do|does|did|are|is|was|were|would|will|have|has)\s+(?:your|his|her|their)\b",
                   re.IGNORECASE)
_CLAIM = re.compile(r"\b(?:is|are|was|were|will|can|can't|cannot|must|should|means|requires|makes|"
                    r"matters|works|becomes|need|needs|because)\b", re.IGNORECASE)


def tokens(text: str) -> list[str]:
    """Lowercased words (keeping inner apostrophes and hyphens)."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def stem(word: str) -> str:
    """A light, predictable S-stemmer: possessives and plurals fold onto one key."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    elif w.endswith("s'"):
        w = w[:-1]
    if len(w) > 4 and w.endswith("ies") and not w.endswith(("eies", "aies")):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "ous", "'s")):
        return w[:-1]
    return w


def is_content(word: str) -> bool:
    """A word that can carry a topic: not a stop word, not a number, not an adverb in -ly, ≥ 2 letters ("AI")."""
    w = word.lower()
    if w in STOPWORDS or stem(w) in STOPWORDS or len(w) < 2 or not w[0].isalpha():
        return False
    if w.endswith("ly") and len(w) > 5:
        return False
    if "'" in w:
        return w.split("'")[0] not in STOPWORDS and not w.endswith(("n't", "'re", "'ve", "'ll", "'d", "'m"))
    return True


def content_keys(text: str) -> list[str]:
    """Stemmed content words of a text, in order (repeats kept)."""
    return [stem(w) for w in tokens(text) if is_content(w)]


@dataclass(slots=True)
class SentenceFeatures:
    """Surface facts about one sentence, computed once per episode."""

    words: int
    keys: list[str]              # stemmed content words
    fillers: int
    question: bool
    complete: bool               # starts with a capital and ends with terminal punctuation
    dangling: bool               # opens with a word that leans on the previous sentence
    soft_open: bool              # opens with "I think", "There's"… (fine for a quote, weaker for a bullet)
    content_ratio: float
    clause_open: bool            # opens with "Whether", "Just", "Let's"… (not a standalone quote)
    hedges: int                  # "I don't know", "maybe"…
    restarts: int                # spoken self-corrections: "you've got, you have", "the the"
    claim: bool                  # states something: a copula, a modal, "because"…
    listy: bool                  # mostly a comma-separated list ("Wisdom, truth, Allah, nation, God.")
    meta: bool = False           # steers the conversation ("let me ask you about…"), says nothing itself
    continues: bool = False      # opens in lower case: the transcriber split a sentence ("from web back end…")
    initials: bool = False       # opens with speaker initials the transcriber wrote as words ("RL Well, …")
    addressed: bool = False      # the host telling the guest what they said or wrote ("You mentioned…")


def sentence_features(text: str) -> SentenceFeatures:
    words = tokens(text)
    keys = [stem(w) for w in words if is_content(w)]
    stripped = text.strip()
    first = words[0] if words else ""
    opener2 = " ".join(words[:2])
    return SentenceFeatures(
        words=len(words),
        keys=keys,
        fillers=len(_FILLERS.findall(text)),
        question=stripped.endswith("?") or bool(_ASKS.match(stripped)),
        complete=bool(stripped) and stripped[0].isupper() and stripped[-1] in ".!?\"”'",
        dangling=first in _DANGLING_OPENERS or (opener2 in _STANCE_OPENERS and len(words) > 2
                                                and words[2] in _BACK_REFERENCES),
        soft_open=first in _SOFT_OPENERS or opener2 in _SOFT_OPENERS,
        content_ratio=len(keys) / max(1, len(words)),
        clause_open=first in _CLAUSE_OPENERS,
        hedges=len(_HEDGES.findall(text)),
        restarts=len(_RESTART.findall(text)),
        claim=bool(_CLAIM.search(text)),
        listy=text.count(",") >= 3 and text.count(",") * 3 >= len(words),
        meta=bool(_META.search(text)),
        continues=stripped[:1].islower(),
        initials=bool(_INITIALS_OPEN.match(stripped)),
        addressed=bool(_ADDRESSED.search(text)),
    )


def episode_features(texts: list[str]) -> list[SentenceFeatures]:
    """Features of an episode's sentences. In an uncased transcript (auto captions) every sentence opens in
    lower case, so there it says nothing about a split sentence."""
    features = [sentence_features(t) for t in texts]
    if sum(f.continues for f in features) > 0.3 * len(features):
        for f in features:
            f.continues = False
    return features


def sentence_case(text: str) -> str:
    """First letter upper-cased, the rest untouched (keeps "GPT", "OpenAI"); a first word already
    capitalised inside ("iPod", "eBay") is a name spelled that way and stays as it is."""
    if not text:
        return text
    first = text.split(maxsplit=1)[0]
    if any(ch.isupper() for ch in first[1:]):
        return text
    return text[:1].upper() + text[1:]


def join_phrases(phrases: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    phrases = [p for p in phrases if p]
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]
