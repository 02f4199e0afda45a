"""The phrase rules of the first, transparent classifier: what each label listens for.

Each rule is (label, weight, severity floor, pattern, negatable). A weight is how much one match
near a mention says on its own (0..1; several matches combine). The severity floor is the least
severity a post gets when the rule fires and its label is given. Patterns are case-insensitive
and matched on word boundaries. Keep them specific: a keyword list that fires on everything is
the failure this product exists to avoid (DESIGN.md, "Precision first").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from pipelines.post import Label, Severity

_B = r"(?<![\w'])(?:{})(?![\w])"


@dataclass(frozen=True)
class Rule:
    label: Label
    weight: float
    floor: Severity | None
    pattern: re.Pattern[str]  # case-insensitive
    negatable: bool = True
    why: str = ""  # what the rule means, for reasons ("threat of violence")
    lower: re.Pattern[str] | None = None  # the same without re.I, for lower-cased text (2x faster)


class Pair(NamedTuple):
    """One pattern compiled twice: for any text, and faster for text already lower-cased."""

    any_case: re.Pattern[str]
    lower: re.Pattern[str]


def _pair(pattern: str) -> Pair:
    return Pair(re.compile(pattern, re.I), re.compile(pattern))


def _r(
    label: Label,
    weight: float,
    floor: Severity | None,
    pattern: str,
    why: str,
    negatable: bool = True,
) -> Rule:
    rx = _B.format(pattern)
    return Rule(label, weight, floor, re.compile(rx, re.I), negatable, why, re.compile(rx))


_CHILD = r"(?:son|daughter|child|kid|boy|girl|pupil|student|children|kids|pupils|students)"
_MY_CHILD = rf"(?:my|our|a|the|his|her|their|one|another|this|that)\s+(?:\w+\s+)?{_CHILD}s?"
_TARGET = (
    r"(?:you|him|her|them|everyone|everybody|someone|somebody|people|that\s+\w+|this\s+\w+|"
    r"the\s+(?:teachers?|head(?:teacher)?|school|kids|children|staff|class|pupils|students|"
    r"deputy|principal)|(?:mr|mrs|ms|miss|mx|dr)\.?\s+\w+|every\s+\w+\s+(?:in|at)\s+\w+|"
    r"up\s+the\s+school|down\s+the\s+school)"
)

# fmt: off
RULES: tuple[Rule, ...] = (
    # -- safeguarding: a child may be at risk ------------------------------------------------
    _r("safeguarding", 0.95, "urgent",
       r"(?:i'?m|i am|i'?ll|i will|we(?:'re| are|'ll| will)|gonna|going to|want to|"
       r"someone (?:should|needs to|is going to))\s+(?:\w+\s+){0,2}?"
       rf"(?:kill|shoot|stab|hurt|attack|batter|beat up|bomb|blow up|burn down|torch)\s+{_TARGET}",
       "threat of violence", negatable=False),
    _r("safeguarding", 0.95, "urgent",
       r"(?:shoot|blow|burn)\s+up\s+(?:the\s+)?school|bomb\s+(?:threat|scare)|"
       r"(?:bring|brought|bringing|carrying|carried|had|has|with)\s+(?:a\s+)?"
       r"(?:knife|knives|gun|blade|machete|weapon)",
       "weapon or attack", negatable=False),
    _r("safeguarding", 0.9, "urgent",
       r"self[\s-]?harm(?:ing|ed)?|suicid(?:e|al)|kill(?:ed|ing)?\s+(?:him|her|my|them)sel(?:f|ves)|"
       r"end (?:his|her|their) life|cutting (?:him|her)self",
       "self-harm or suicide risk"),
    _r("safeguarding", 0.9, "urgent",
       r"groom(?:ed|ing)|sexual(?:ly)?\s+(?:abuse|abused|assault(?:ed)?)|molest(?:ed|ing)?|"
       r"inappropriate(?:ly)?\s+touch(?:ed|ing)?|touched\s+(?:my|our|a|the)\s+\w+\s+inappropriately|"
       r"indecent\s+images?|nudes?|sexting|paedophile|pedophile",
       "sexual abuse or grooming"),
    _r("safeguarding", 0.85, "urgent",
       r"(?:messag(?:ed|ing)|dm'?(?:ed|ing|s)|snapchat(?:ted|ting)?|texting|texted|follow(?:ed|ing)|"
       r"add(?:ed|ing)|befriend(?:ed|ing))\s+" + _MY_CHILD + r"(?:\s+on\s+\w+)?",
       "staff–pupil private contact"),
    _r("safeguarding", 0.85, "urgent",
       r"(?:hit|slapped|punched|kicked|grabbed|shoved|pushed|assaulted|hurt|dragged|restrained)\s+"
       + _MY_CHILD,
       "physical harm to a child"),
    _r("safeguarding", 0.85, "urgent",
       rf"(?:missing|abducted)\s+{_CHILD}|"
       rf"{_CHILD}\s+(?:(?:is|was|went|has gone|reported)\s+)?missing|"
       r"radicalis(?:ed|ing|ation)|radicaliz(?:ed|ing|ation)|extremis[mt]",
       "missing child or radicalisation"),
    _r("safeguarding", 0.7, "high",
       r"bull(?:y|ied|ies|ying)|harass(?:ed|ment|ing)?|threaten(?:ed|ing|s)?|"
       r"(?:racist|homophobic|sexual)\s+(?:abuse|comments?|remarks?|bullying)",
       "bullying or harassment"),
    _r("safeguarding", 0.65, "high",
       r"unsafe|not safe|left (?:alone|unsupervised|outside)|unsupervised|locked in|"
       r"beaten up|injured|injuries|neglect(?:ed)?|stranger\s+(?:at|near|outside)|"
       r"drugs?|vaping|eating disorder",
       "child safety"),
    _r("safeguarding", 0.7, "high",
       r"(?:photos?|pictures?|pics|videos?|images?|names?)\s+of\s+(?:the\s+|our\s+|my\s+)?"
       r"(?:children|kids|pupils|students|(?:\w+\s+){0,2}class)\s+(?:online|posted|on\s+\w+|shared)|"
       r"(?:posted|shared|uploaded)\s+(?:photos?|pictures?|pics|videos?)\s+of\s+"
       r"(?:the\s+|our\s+|my\s+)?(?:children|kids|pupils|students|(?:\w+\s+){0,2}class|"
       + _CHILD + ")",
       "pupils' images or names shared"),
    # -- reputation_risk: could hurt the school in public ------------------------------------
    _r("reputation_risk", 0.7, "high",
       r"police|arrested|court|lawsuit|sued|suing|solicitors?|tribunal|investigat(?:ion|ed|ing)|"
       r"scandal|cover[\s-]?up|fraud|sacked|fired|suspended|in the (?:news|papers)|journalists?|"
       r"press|reporters?|the bbc|special measures|inadequate|requires improvement|data breach|"
       r"leaked|whistle[\s-]?blow(?:er|ing)?",
       "public scrutiny"),
    _r("reputation_risk", 0.45, "normal",
       r"disgrace(?:ful)?|disgusting|shocking|appalling|awful|terrible|worst|shambles|"
       r"joke of a school|avoid (?:this|the) school|incompetent|useless|pathetic|"
       r"embarrass(?:ing|ment)|"
       r"shameful|failing|rubbish|do(?:n't| not) send your|boycott|petition|falling apart|"
       r"clueless|chaos|chaotic|a joke|laughing\s?stock",
       "harsh public criticism"),
    # -- parental_complaint: a parent unhappy with the school --------------------------------
    _r("parental_complaint", 0.75, "high",
       r"formal complaint|"
       r"(?:writ(?:e|ing)|wrote|complain(?:ing|ed)?|go(?:ing)?|report(?:ing|ed)?)\s+to\s+"
       r"(?:the\s+)?(?:governors|council|ofsted|local authority|lea|mp|trust|press|papers|dfe)|"
       r"(?:take|taking)\s+(?:this|it)\s+further|escalat(?:e|ing|ed)|"
       r"(?:pull|pulling|take|taking|move|moving)\s+(?:him|her|them|my\s+\w+|our\s+\w+)\s+"
       r"out\s+of\s+(?:the\s+|this\s+)?school",
       "escalating complaint"),
    _r("parental_complaint", 0.55, "normal",
       r"complain(?:t|ts|ed|ing)?|unacceptable|unhappy|disappointed|disappointing|fed up|furious|"
       r"livid|angry|let down",
       "complaint"),
    _r("parental_complaint", 0.55, "normal",
       r"not (?:good enough|acceptable|happy|impressed)|"
       r"no (?:one|body) (?:has\s+)?(?:replied|responded|got back|called back|answered|listens)|"
       r"nobody (?:has\s+)?(?:replied|responded|got back|called back|answered|listens)|"
       r"(?:no|zero) (?:reply|response|answer)|still waiting|heard nothing|still no (?:reply|word|"
       r"answer|response)|how is (?:this|that|it) (?:ok|okay|acceptable|allowed)|"
       r"ignored|ignoring (?:my|our|us|parents)|why (?:does|do|did|has|have|is|are) (?:no one|"
       r"nobody|the school)",
       "complaint", negatable=False),
    _r("parental_complaint", 0.3, None,
       r"my (?:son|daughter|child|kid|boy|girl)s?|our (?:son|daughter|child|children|kids)|"
       r"as a parent|as parents|parents? (?:are|have been)",
       "a parent speaking"),
    # -- positive ----------------------------------------------------------------------------
    _r("positive", 0.6, None,
       r"thank(?:s| you)(?: so much)? (?:to|for)|huge thanks|thank you|well done|congratulations|"
       r"congrats|so proud|proud of|outstanding|a credit to|hats off|shout[\s-]?out to|"
       r"highly recommend|killer results|smashed it|nailed it|can'?t thank",
       "praise"),
    _r("positive", 0.35, None,
       r"amazing|brilliant|fantastic|wonderful|lovely|"
       r"great (?:job|work|day|time|effort|news|school|teachers?|staff)|superb|excellent|"
       r"fab(?:ulous)?|incredible|best (?:school|teachers?|day)|"
       r"recommend|supportive|caring|kind|helpful|delighted|enjoyed|loved|beautiful|inspiring|"
       r"inspirational|grateful|happy|thanks",
       "warm words"),
    _r("positive", 0.35, None, r"❤️|❤|😍|👏|🎉|🌟|🥰|💙|💚", "warm emoji", negatable=False),
)
# fmt: on

# Figures of speech that look like threats or harm and are not ("killer results").
HYPERBOLE = _pair(
    _B.format(
        r"kill(?:ing)? (?:for|whoever|time|it|me|us|the mood|two birds)|killer|killing it|"
        r"killing me|to die for|dying (?:to|of|for)|died laughing|bored to death|"
        r"scared to death|murder a|could murder|bombed|da bomb|the bomb|shoot me now|"
        r"shot (?:of|at) (?:glory|goal|fame)|smashed it|nailed it|knife[\s-]?edge|"
        r"drugs? (?:education|awareness|talk)|bully[\s-]?(?:free|proof)|anti[\s-]?bullying|"
        r"bullying (?:awareness|week|policy|prevention)|e[\s-]?safety|online safety|"
        r"stranger danger|(?:police|fire) (?:visit|officers? visited|came to talk)"
    )
)
# Praise that is its opposite on its own ("Oh great, another INSET day").
_SARCASTIC_PRAISE = _B.format(
    r"yeah,? right|oh (?:great|brilliant|fantastic|wonderful|lovely|good|joy)|"
    r"thanks for nothing|surprise,? surprise|slow clap|"
    r"(?:well done|great job|good job|brilliant|fantastic|thanks|nice one|bravo)\W+"
    r"(?:\w+\W+){0,6}?(?:for |on )?(?:losing|ignoring|cancell?ing|forgetting|wasting|ruining|"
    r"failing|messing up|another)"
)
SARCASTIC_PRAISE = _pair(_SARCASTIC_PRAISE)
# Markers that turn praise in the same sentence into its opposite.
SARCASM = _pair(
    r"🙄|🙃|😒|(?<!\w)/s(?!\w)|"
    + _B.format(r"thanks a lot|as usual|not!")
    + "|"
    + _SARCASTIC_PRAISE
)
NEGATION = _pair(
    r"(?:\b(?:not|no|never|nothing|without|hardly|nobody|none)\b|n't|n’t)\W+(?:\w+\W+){0,2}$"
)
# The author is staff: do they talk about pupils, colleagues or the school?
WORK_TALK = re.compile(
    _B.format(
        r"pupils?|students?|kids|children|my class|the class|year \d{1,2}|colleagues?|staff|"
        r"the school|our school|work|parents|the head|classroom|lesson|playground|detention"
    ),
    re.I,
)
STAFF_NEGATIVE = re.compile(
    _B.format(
        r"brats?|idiots?|morons?|little (?:sods|shits|horrors|monsters)|hate (?:my|this|the) "
        r"(?:class|job|kids|pupils|school|colleagues)|can'?t stand|useless|thick|stupid|"
        r"nightmare|vile|feral|scum|drunk|hungover|wasted"
    ),
    re.I,
)
