"""The safety layer: does this message say an overdose or a crisis is happening now?

A missed emergency is the worst failure this bot can have; a false alarm on "what are the signs
of an overdose" is the second worst. So this layer looks for *cues* that something is happening
now (he won't wake up, she's gone blue, I want to kill myself) and for *framing* that says the
message is only about the subject (signs of, what if, last year, died of, not suicidal).

The patterns are code, not staff-editable YAML, on purpose: they run before anything else and a
slip in them could hide an emergency. They read the plain normalised text (never the staff
lexicon), plus the matcher's spelling-corrected words as a second view.

Every check takes time in proportion to the length of the text, whatever the text. No pattern
has an unbounded `.*` (a test reads them all): "X anywhere before Y" is a `Pair`, found with one
pass for each part, where a backtracking `X.*Y` would try the rest of the text from every X.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .library import CRISIS_SUPPORT, OVERDOSE_EMERGENCY


@dataclass(frozen=True)
class Hit:
    """Where a cue matched (character offsets in the text it read)."""

    start: int
    end: int


@dataclass(frozen=True)
class Pair:
    """`first`, then `then` anywhere after it: what the regex `first.*then` finds, the same span.

    Like the regex: the leftmost `first` that has a `then` starting at or after its end, up to
    the end of the last `then` in the text (`.*` is greedy). The text is normalised: one line.
    """

    first: re.Pattern[str]
    then: re.Pattern[str]

    @property
    def pattern(self) -> str:
        return f"{self.first.pattern}.*{self.then.pattern}"

    def last_then(self, text: str) -> tuple[int, int] | None:
        """Start and end of the `then` that starts last, or None."""
        last = None
        for last in self.then.finditer(text):  # noqa: B007 - only the last is wanted
            pass
        if last is None:
            return None
        start, end = last.span()
        # A later `then` can start inside that match (alternatives that overlap).
        for inner in range(end - 1, start, -1):
            found = self.then.match(text, inner)
            if found:
                return found.span()
        return start, end

    def search(self, text: str, pos: int, last: tuple[int, int] | None) -> Hit | None:
        if last is None:
            return None
        while True:
            found = self.first.search(text, pos)
            if found is None or found.start() >= last[0]:
                return None
            if found.end() <= last[0]:
                return Hit(found.start(), last[1])
            pos = found.start() + 1  # this one runs past the last `then`: try a later start


Alternative = re.Pattern[str] | Pair


@dataclass(frozen=True)
class Cue:
    """A named rule: alternatives tried as one regex would try `a|b|c`, leftmost first."""

    name: str
    alternatives: tuple[Alternative, ...]

    @property
    def pattern(self) -> str:
        """The one regex this cue stands for (a test checks the two agree)."""
        return "|".join(a.pattern for a in self.alternatives)

    def finditer(self, text: str) -> Iterator[Hit]:
        """Every match, left to right, without overlaps, as `re.finditer` gives them."""
        lasts = {
            i: a.last_then(text) for i, a in enumerate(self.alternatives) if isinstance(a, Pair)
        }
        ahead: dict[int, Hit | None] = {}  # each alternative's next match, kept while still ahead
        pos = 0
        while pos <= len(text):
            best: tuple[int, Hit] | None = None
            for index, alternative in enumerate(self.alternatives):
                hit = ahead.get(index, Hit(-1, -1))
                if hit is not None and hit.start < pos:
                    hit = _search(alternative, text, pos, lasts.get(index))
                    ahead[index] = hit
                if hit is not None and (best is None or hit.start < best[1].start):
                    best = index, hit
            if best is None:
                return
            yield best[1]
            pos = max(best[1].end, best[1].start + 1)


def _search(
    alternative: Alternative, text: str, pos: int, last: tuple[int, int] | None
) -> Hit | None:
    if isinstance(alternative, Pair):
        return alternative.search(text, pos, last)
    found = alternative.search(text, pos)
    return Hit(found.start(), found.end()) if found else None


def _pair(first: str, then: str) -> Pair:
    return Pair(re.compile(first), re.compile(then))


def _cue(name: str, *alternatives: str | Pair) -> Cue:
    return Cue(name, tuple(re.compile(a) if isinstance(a, str) else a for a in alternatives))


_NEG = r"(?:wont|won t|will not|cant|cannot|can not|not|isnt|is not|aint|couldnt|could not|doesnt|does not|didnt|did not|no)"
_OD = r"(?:overdosing|overdose|overdosed|overdoses|od|ods|oding|od ing|odd ing|odding|oded)"
_NALOXONE = r"(?:naloxone|narcan|nyxoid|prenoxad|prenoxid|nasal spray|spray|injection)"
# Words that say "now" inside a message about an overdose.
_NOW = (
    r"(?:now|rn|help|quick|quickly|asap|please|pls|plz|hurry|urgent|emergency|think|what do i do|"
    r"wot do i do|what now|what should i do|save (?:him|her|them)|999|ambulance)"
)

EMERGENCY_CUES = (
    _cue(
        "will not wake",
        rf"\b{_NEG} (?:\w+ ){{0,2}}(?:wake|waking|woken|rouse|rousing|roused|respond|responding|"
        r"come round|coming round|come to|coming to|moving|answering me|reacting|"
        r"open (?:his|her|their|my) eyes)\b",
    ),
    _cue(
        "unresponsive", r"\b(?:unresponsive|unrespons\w*|uncon\w*ious\w*|unconcious|unconsious)\b"
    ),
    _cue(
        "out cold",
        # "collapsed veins" is about injecting, not a person who has collapsed.
        r"\b(?:out cold|passed out|collapsed(?! veins?)|slumped|keeled over|gone under|going under|"
        # "going over" is slang for overdosing, but not "going over the edge" or "over it".
        r"back under|(?:gone|going) over(?! (?:the|it|that|this|them|there|to)\b)|flatlin\w*|"
        r"gone floppy|eyes (?:\w+ )?roll\w*)\b",
    ),
    _cue(
        "breathing",
        rf"\b(?:{_NEG}|stopped|stop|stops|barely|hardly|struggling to|can t) (?:\w+ ){{0,1}}breath\w*|"
        r"\bbreath\w* (?:\w+ ){0,2}(?:once every|every now and then|slow|weird|funny|strange|shallow|rattl\w*)|"
        r"\btaking a breath (?:\w+ ){0,2}every|\bgasping\b|\bgurgl\w*|"
        r"\bsnor\w* (?:\w+ ){0,2}(?:weird|funny|strange|loud|noise|noises|sound|sounds)",
    ),
    _cue(
        "gone blue",
        r"\b(?:gone|going|turned|turning|went|go|goes|is|are|look|looks|looking|lips|face|skin|"
        r"fingers|fingertips|nails) (?:\w+ ){0,3}(?:blue|purple|grey|gray)\b|\b(?:blue|purple) lips\b|"
        r"\b(?:lips|fingertips|nails) (?:\w+ ){0,2}(?:dark|black)\b",
    ),
    _cue("fitting", r"\b(?:fitting|having a fit(?! of)|seizure|seizing|convuls\w*)\b"),
    _cue(
        "overdosing now",
        _pair(rf"\b{_OD}\b", rf"\b{_NOW}\b"),
        _pair(rf"\b{_NOW}\b", rf"\b{_OD}\b"),
        r"\b(?:someone|somebody|mate|friend|he|she|they|hes|shes|he is|she is) (?:\w+ ){0,3}"
        r"(?:is |s |has |just )?(?:overdosing|oding|od ing|odding|oded|overdosed)\b",
    ),
    _cue(
        "naloxone not working",
        _pair(
            rf"\b{_NALOXONE}\b",
            r"\b(?:not working|isnt working|is not working|didnt work|did not work|"
            r"hasnt worked|has not worked|no difference|nothing happened|still not)\b",
        ),
    ),
    _cue(
        "ambulance coming",
        r"\b(?:waiting for (?:the |an )?ambulance|ambulance (?:is )?on (?:its|the|their) way|"
        r"(?:on the phone to|called|rang|ringing|calling) 999)\b",
    ),
    _cue(
        "taken too much",
        _pair(
            r"\b(?:done|taken|had|took|did) (?:\w+ ){0,2}too much\b",
            r"\b(?:breath\w*|scared|help|going under|passing out|cant|heart)\b",
        ),
    ),
)

CRISIS_CUES = (
    _cue(
        "kill myself",
        r"\b(?:kill|killing|top|topping|end|ending|hang|hanging|off|offing) (?:my ?self|me ?self|myself|"
        r"himself|herself|themselves)\b",
    ),
    _cue(
        "end it",
        r"\b(?:end|ending|finish) (?:it|it all|everything|my life|things|his life|her life)\b|"
        r"\btake (?:my|his|her) (?:own )?life\b|\bsuicid\w*|\bwant(?:s)? to die\b|\bwanna die\b|"
        r"\b(?:i am|im|i m) (?:going|gonna|ready) to die\b|"
        r"\bwish i (?:was|were|wasnt|wasn t) (?:dead|here|alive|born)\b|"
        r"\b(?:easiest|quickest|best|fastest|painless|least painful) way to (?:die|kill|end)\b|"
        r"\bw(?:a)?nt (?:2|to) die\b|"
        r"\b(?:amount|dose|much|enough|many) (?:\w+ ){0,5}(?:would|will|to|that d|thatd|it d|itd) "
        r"(?:\w+ )?(?:kill me|be fatal|finish me)\b",
    ),
    _cue(
        "not be here",
        r"\b(?:dont|do not|don t) (?:want to|wanna) (?:be here|be alive|live|exist|wake up|carry on|go on)\b|"
        r"\bbetter off (?:dead|without me|if i (?:wasnt|was not|wasn t|were not|weren t))\b|"
        r"\bno (?:point|reason) (?:in )?(?:living|going on|being alive|anymore|any more|carrying on)\b|"
        r"\bpoint (?:in|of) (?:living|being alive|going on)\b|\b(?:tired|sick) of (?:living|life|being alive)\b|"
        r"\blife (?:isnt|is not|aint|isn t) worth\b|\bnot worth living\b|\bdone with (?:life|living)\b|"
        r"\bcant go on\b|\bcannot go on\b|\bcan t go on\b|\b(?:all|it) to stop for good\b|"
        r"\bcant take (?:it|this) (?:anymore|any more|no more)\b|"
        r"\b(?:so i|so|and|to) (?:just )?(?:dont|don t|do not|never|not) (?:wake up|come back|come round)\b|"
        r"\b(?:wont|won t|will not) be (?:around|here|alive) (?:after|tomorrow|much longer|for long|"
        r"anymore|any more|by)\b|\b(?:notice|care|miss me) if i (?:was|were|m|am) gone\b|"
        r"\bdisappear for good\b|\b(?:want|need) (?:it|everything|it all) (?:all )?(?:to be over|to end|over)\b|"
        r"\b(?:dont|don t|do not|cant|cannot|can t) see (?:the|a|any) point\b",
    ),
    _cue(
        "self harm",
        r"\bself ?harm\w*|\b(?:cutting|cut|burning|burnt|burned|hurting|hurt|harming|harm|stabbing) "
        r"(?:my ?self|myself|my (?:arm|arms|wrist|wrists|leg|legs|skin))\b|\bbeen cutting\b|"
        r"\b(?:scratching|slicing|scraping|cutting) (?:at )?(?:my|me) (?:arms?|wrists?|legs?|thighs?|skin)\b",
    ),
    _cue(
        "on purpose",
        _pair(
            r"\b(?:on purpose|deliberately|intentionally)\b",
            r"\b(?:overdose|od|pills|lot|shot|die|wake)\b",
        ),
        _pair(r"\b(?:overdose|od|pills|lot|shot) ", r"\b(?:on purpose|deliberately|to end it)\b"),
        r"\btake (?:the lot|them all|all of them|all my pills)\b|"
        r"\b(?:do|doing) something (?:to|stupid to) (?:my ?self|myself)\b|"
        r"\b(?:do|doing) (?:my ?self|myself) in\b|\bpills (?:all )?lined up\b|"
        r"\b(?:saved|saving|stockpiled|stockpiling|hoarded|hoarding) (?:up )?(?:\w+ )?(?:pills|tablets)\b|"
        r"\btake (?:every|all the|all of the|the whole) (?:\w+ )?(?:pill|pills|tablet|tablets|lot)\b|"
        r"\benough (?:pills|tablets|gear) (?:saved )?to (?:end|die|kill|not wake)\b",
    ),
    _cue(
        "goodbye",
        r"\b(?:goodbye|good bye) (?:messages?|letters?|notes?|texts?)\b|\bwritten (?:letters|a letter|"
        r"notes|a note) (?:for|to) (?:my|the) \w+\b|\bsuicide note\b|"
        r"\b(?:wrote|written|writing|left) (?:a |my )?(?:note|notes|letter|letters) (?:\w+ )?(?:to|for) "
        r"(?:my|the|me|everyone)\b|\b(?:wrote|written|left) my (?:note|letters?)\b|"
        r"\b(?:texted|messaged|sent|text|message) (?:me )?(?:a )?goodbye\b|\bsorry for everything\b",
    ),
    _cue(
        "jump",
        r"\b(?:going to|gonna|about to|want to|wanna) jump\b|\bjump (?:off|from|in front)\b|"
        r"\b(?:over|off) the edge\b|\bon (?:the |a )?(?:bridge|ledge|roof|railway|tracks|train tracks)\b|"
        r"\b(?:edge|top) of (?:the |a )?(?:bridge|roof|building|cliff|multi ?storey|car park)\b",
    ),
    _cue("in crisis", r"\b(?:im|i am|i m) in (?:a )?crisis\b|\bcrisis (?:help|line|team|now)\b"),
)

# The message is about the subject, not something happening now: "what are the signs of an
# overdose". A "now" outweighs these ("signs of an overdose, hes going blue right now").
TOPIC_GUARDS = re.compile(
    r"\b(?:signs?|symptoms?|what (?:does|do|would|will) (?:\w+ ){0,4}look like|how (?:do|would|can|could|will|d) (?:i|you|u|we|"
    r"people|someone) (?:tell|know|spot|recogni[sz]e)|how to (?:tell|know|spot)|what happens|"
    r"is (?:that|it|this) (?:a sign|normal|bad)|sometimes|training|course|learn|"
    r"awareness|statistics|stats|essay|in the news|film|documentary|song|one day|"
    r"(?:make|makes|making|cause|causes) (?:you|u|people|someone|somebody)|"
    r"why (?:do|does|did|would|is|are)|how come)\b"
)
# About another time, or over: "he overdosed last weekend, hes home now". Only a call for help
# outweighs these, not a bare "now".
PAST_GUARDS = re.compile(
    r"\b(?:last (?:year|month|week)|years ago|months ago|weeks ago|died|passed away|"
    r"lost (?:my|him|her|a)|funeral|used to|yesterday|"
    r"(?:last|this|on) (?:night|weekend|week|time|christmas|summer|\w+day)|"
    r"(?:fine|ok|okay|alright|better|safe|home|recovered) now)\b"
)
# Said outright: this is not happening now. Nothing outweighs these.
NOT_NOW = re.compile(
    r"\b(?:just asking|only asking|not happening|hypothetical\w*|for future reference|in (?:the )?future|"
    r"for the future|just curious|just wondering|not now|not at the moment|not right now)\b"
)
# A conditional before or inside the cue frames it as "what if", not "now". Not an indirect
# question: "not sure if this is the right place" says nothing about when.
CONDITIONAL = re.compile(
    r"\b(?:what if|in case|ever|whenever|supposing|suppose)\b|"
    r"(?<!sure )(?<!wondering )(?<!know )(?<!see )(?<!check )(?<!ask )(?<!asking )\bif\b"
)
# A call for help, which outweighs a topic guard (but not a conditional). A bare "now" does not:
# "he overdosed last weekend, hes home now" is about then.
URGENT = re.compile(
    r"\b(?:asap|quick|quickly|hurry|urgent|help me|please help|pls help|help please|"
    r"what do i do|what should i do|what now|999|ambulance)\b"
)
# Words that say "now": they outweigh a topic guard, and "what should i do if" for a crisis.
SAID_NOW = re.compile(r"\b(?:right now|now|rn|tonight|today)\b")
# A crisis cue about the past or someone else's death: "lost my son to suicide two years ago".
CRISIS_PAST = re.compile(
    r"\b(?:years ago|months ago|weeks ago|last year|to suicide|died by suicide|"
    r"took (?:his|her|their) own life|killed (?:himself|herself|themselves))\b"
)
NEGATED = re.compile(
    r"\b(?:not|no|never|nothing|dont|don t|do not|wouldnt|would not|isnt)\s+(?:\w+\s+){0,2}$"
)


LEARNED = "learned"  # the reason of a verdict that the learned layer, not a cue, made sure


@dataclass(frozen=True)
class SafetyVerdict:
    """What the safety layer decided. `reason` names the rule, never the user's words."""

    intent: str | None
    reason: str = ""
    guarded: bool = False  # a cue was seen, but the framing says it is not happening now
    # Not sure enough to send the emergency or crisis answer, too likely to say nothing: the
    # reply opens with a short safety check, this safety intent's line first.
    check: str | None = None

    @property
    def fired(self) -> bool:
        return self.intent is not None


# Phrases that use a cue word for something else: "my veins have collapsed", "black and blue",
# "die my hair", "end it with my girlfriend".
NOT_A_PERSON = re.compile(
    r"\bveins? (?:\w+ ){0,2}collapsed\b|\bcollapsed veins?\b|\bblack and blue\b|"
    r"\bdie (?:my|me|your|ur|his|her|their|it) (?:hair|clothes|jeans|shoes|beard|top)\b|"
    r"\bend (?:it|things) with\b"
)


# NEGATED reaches back at most four words (a two-word negator and two words after it).
NEGATED_WORDS = 5


def _words_back(text: str, end: int, count: int) -> int:
    """Where the last `count` words before `end` begin (0 if there are fewer): a bounded window,
    so checking every match of a cue never reads the whole text again."""
    start = end
    for _ in range(count):
        while start > 0 and text[start - 1] == " ":
            start -= 1
        start = text.rfind(" ", 0, start) + 1
        if start == 0:
            break
    return start


# Crisis cues that a negation before them undoes: "not suicidal", "i would never kill myself".
NEGATABLE = frozenset({"kill myself", "end it", "self harm"})


def _negated(text: str, hit: Hit) -> bool:
    return bool(NEGATED.search(text, _words_back(text, hit.start, NEGATED_WORDS), hit.start))


def _first_cue(cues: tuple[Cue, ...], text: str) -> tuple[Cue, Hit] | None:
    text = NOT_A_PERSON.sub(lambda m: "_" * len(m.group()), text)  # keeps positions
    for cue in cues:
        for hit in cue.finditer(text):
            if cue.name in NEGATABLE and _negated(text, hit):
                continue
            return cue, hit
    return None


def _framed_as_not_now(text: str, cue_end: int) -> bool:
    if NOT_NOW.search(text) or CONDITIONAL.search(text[:cue_end]):
        return True
    if PAST_GUARDS.search(text):
        return not URGENT.search(text)
    return bool(TOPIC_GUARDS.search(text)) and not (URGENT.search(text) or SAID_NOW.search(text))


# Talking about the subject, not a person in crisis: "suicide rates in scotland".
RESEARCH = re.compile(
    r"\b(?:rates?|statistics|stats|figures|essay|research|dissertation|"
    r"film|documentary|book|song|news|article)\b"
)


# "i used to self harm": about the past.
PAST_BEFORE = re.compile(r"\b(?:used to|years ago i|when i was younger i)\s+(?:\w+\s+)?$")


def _crisis(view: str, found: tuple[Cue, Hit] | None) -> tuple[Cue, Hit] | None:
    """`found` (the view's first crisis cue) if the view says the crisis is now."""
    if found is None or PAST_BEFORE.search(view[: found[1].start]):
        return None
    rest = NOT_NOW.sub(" ", view)  # the "now" of "not now" does not count
    now = URGENT.search(rest) or SAID_NOW.search(rest)
    if (NOT_NOW.search(view) or RESEARCH.search(view) or CRISIS_PAST.search(view)) and not now:
        return None
    if CONDITIONAL.search(view[: found[1].start]) and not SAID_NOW.search(rest):
        return None  # "what do i do if a friend says they want to die": support, not a crisis now
    return found


def assess(text: str, corrected: str = "") -> SafetyVerdict:
    """Judge one normalised message (`corrected`: the matcher's spelling-corrected view)."""
    views = [text] if not corrected or corrected == text else [text, corrected]
    cues = [_first_cue(CRISIS_CUES, view) for view in views]
    crises = [_crisis(view, found) for view, found in zip(views, cues, strict=True)]
    guarded = False
    for view, crisis in zip(views, crises, strict=True):
        found = _first_cue(EMERGENCY_CUES, view)
        if found is None:
            continue
        cue, hit = found
        if crisis and crisis[1].start < hit.end and hit.start < crisis[1].end:
            # "so i just dont wake up" is a plan to die, not someone who won't wake now.
            return SafetyVerdict(CRISIS_SUPPORT, crisis[0].name)
        if _framed_as_not_now(view, hit.end):
            guarded = True
            continue
        return SafetyVerdict(OVERDOSE_EMERGENCY, cue.name)
    for view, found, crisis in zip(views, cues, crises, strict=True):
        if crisis:
            return SafetyVerdict(CRISIS_SUPPORT, crisis[0].name)
        if found or _negated_crisis(view):
            # A crisis cue framed as the past, a what-if or research, or said not to be so
            # ("i'm not going to kill myself"): the learned layer may ask, never be sure.
            guarded = True
    return SafetyVerdict(None, "", guarded)


def _negated_crisis(view: str) -> bool:
    for cue in CRISIS_CUES:
        if cue.name in NEGATABLE:
            for hit in cue.finditer(view):
                if _negated(view, hit):
                    return True
    return False
