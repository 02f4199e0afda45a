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

from pipelines._prefilter import Finder, Gate, source
from pipelines.post import Label, Severity

_B = r"(?<!\w)(?<!\w')(?:{})(?![\w])"  # 'quoted phrases' match; "didn't" is not "t"


@dataclass(frozen=True)
class Rule:
    label: Label
    weight: float
    floor: Severity | None
    pattern: re.Pattern[str]  # case-insensitive
    negatable: bool = True
    why: str = ""  # what the rule means, for reasons ("threat of violence")
    lower: re.Pattern[str] | None = None  # the same without re.I, for lower-cased text (2x faster)
    key: str = ""  # stable name: the model's feature for this rule is "r:" + key


class Pair(NamedTuple):
    """One pattern compiled twice: for any text, and faster for text already lower-cased."""

    any_case: re.Pattern[str]
    lower: re.Pattern[str]


def _pair(pattern: str) -> Pair:
    return Pair(re.compile(pattern, re.I), re.compile(pattern))


def _r(
    key: str,
    label: Label,
    weight: float,
    floor: Severity | None,
    pattern: str,
    why: str,
    negatable: bool = True,
) -> Rule:
    rx = _B.format(pattern)
    return Rule(label, weight, floor, re.compile(rx, re.I), negatable, why, re.compile(rx), key)


def phrase_rule(label: Label, phrase: str, key: str) -> Rule:
    """A per-school phrase from the config (School.classify.phrases), matched literally."""
    words = r"\s+".join(re.escape(w) for w in phrase.lower().split())
    return _r(key, label, 0.9, None, words, f"school phrase for {label}", negatable=True)


_CHILD = r"(?:son|daughter|child|kid|boy|girl|pupil|student|children|kids|pupils|students)"
_MY_CHILD = rf"(?:my|our|a|the|his|her|their|one|another|this|that)\s+(?:\w+\s+)?{_CHILD}s?"
# ... or by age, where harm is done to them ("grabbed my 7 year old"): one group, spliced in.
_MY_CHILD_AGED = rf"(?:{_MY_CHILD}|(?:my|our|a|his|her|their)\s+\d+\s*(?:yo|y/o|yr old|year old))"
# A child named as parents do ("my son", "our youngest daughter", "my 9 year old"), not "my
# coat"; and "her" as a person, not "her coat".
_KID = (
    r"(?:my|our|his|her|their|a|the|one|another)\s+(?:\w+\s+)?(?:son|daughter|child|kid|boy|"
    r"girl|lad|lass|pupil|student|grandson|granddaughter|niece|nephew|stepson|stepdaughter)s?|"
    r"my\s+\d+\s*(?:yo|y/o|yr old|year old)"
)
_RELATIVE = (
    r"(?:my|our|his|her)\s+(?:little\s+|big\s+|younger\s+|older\s+)?(?:brother|sister|stepson|"
    r"stepdaughter|nephew|niece|grandson|granddaughter|cousin)|(?:my|our)\s+\d+\s*(?:yo|y/o|"
    r"yr old|year old)"
)
_HER = r"her(?=\s*(?:[.,!?;:)]|$|(?:and|but|so|anywhere|at|in|on|after|since|until|when)\b))"
_TARGET = (
    r"(?:you|him|her|them|everyone|everybody|someone|somebody|people|that\s+\w+|this\s+\w+|"
    r"the\s+(?:teachers?|head(?:teacher)?|school|kids|children|staff|class|pupils|students|"
    r"deputy|principal)|(?:mr|mrs|ms|miss|mx|dr)\.?\s+\w+|every\s+\w+\s+(?:in|at)\s+\w+|"
    r"up\s+the\s+school|down\s+the\s+school)"
)

# What is "blown up" when it is not a building: a group chat flooded, a phone ringing hot.
_NOT_A_PLACE = (
    r"(?:gc|group\s*chat|chat|insta\w*|twitter|tiktok|feeds?|comments|notifications|dms|page|"
    r"account|phones?)\b"
)
# Toys and props, not weapons: "came home with a cardboard axe", "had a water gun".
_TOY = (
    r"(?!(?:toy|cardboard|plastic|foam|paper|pretend|inflatable|rubber|nerf|water|glue|lego|"
    r"play|butter|bubble|spud|wooden)\b)"
)

# fmt: off
RULES: tuple[Rule, ...] = (
    # -- safeguarding: a child may be at risk ------------------------------------------------
    _r("threat", "safeguarding", 0.95, "urgent",
       r"(?:i'?m|i am|i'?ll|i will|we(?:'re| are|'ll| will)|gonna|going to|want to|"
       r"someone (?:should|needs to|is going to)|somebody (?:should|needs to|is going to))\s+"
       r"(?:\w+\s+){0,2}?"
       rf"(?:kill|shoot|stab|hurt|attack|batter|beat up|bomb|blow up|burn down|torch)\s+{_TARGET}|"
       r"(?:smash|kick|punch|knock)\s+(?:his|her|their|your)\s+(?:\w+\s+)?(?:face|head|teeth)\s+in|"
       r"knock\s+(?:his|her|their|your)\s+block\s+off|"
       r"do\s+(?:him|her|them|(?:mr|mrs|ms|miss|sir)\.?\s+\w+)\s+in\b|"
       r"won'?t\s+be\s+walking\s+away|(?:is|he'?s|hes|she'?s|shes|they'?re|theyre|you'?re|"
       r"ur|getting|get|gonna get|going to get)\s+(?:getting\s+)?(?:shanked|stabbed|merked|"
       r"jumped|wetted|smoked)|"
       r"(?:i'?ll|ill|i will|we'?ll|we will|i'?m|im)\s+(?:be\s+)?(?:waiting|stood|standing)\s+"
       r"(?:\w+\s+){0,3}?(?:at|outside|by)\s+(?:the\s+)?(?:\w+\s+)?(?:gates?|school|house|"
       r"car\s?park)\s+(?:\w+\s+){0,3}?for\s+(?:him|her|them|his|that)|"
       r"(?:i'?ll|ill|i will|we'?ll|gonna|going to)\s+break\s+(?:his|her|their|your|ur|ya)\s+"
       r"(?:legs?|arms?|neck|jaw|nose|fingers)|i\s+know\s+(?:which|what)\s+car\s+(?:is|'s)\s+"
       r"(?:yours|his|hers|theirs)|"
       r"(?:he|she|they)(?:'ll|\s+will|\s+is\s+going\s+to|\s+are\s+going\s+to|'s\s+gonna|\s+"
       r"gonna)\s+(?:stab|shoot|knife|shank)\s+(?:her|him|them|you|u|me)\b|"
       r"(?:i|we)\s+know\s+where\s+(?:he|she|they|you|u)\s+(?:lives?|live|"
       r"parks?|drinks?)|(?:waiting|wait)\s+for\s+(?:him|her|them)\s+(?:\w+\s+){0,2}?(?:in|at|by|"
       r"outside)\s+(?:the\s+)?(?:\w+\s+){0,3}?(?:car\s?park|gates?|house|home)|"
       r"(?:list|hit list)\s+of\s+(?:people|kids|names)\s+(?:\w+\s+){0,3}?(?:going to|gonna|"
       r"wants? to)\s+(?:hurt|kill|shoot|stab|get)|"
       # Said of a person, not a team: "I'll put him in hospital", "better watch his back",
       # "I know what time he leaves".
       r"put\s+(?:him|her|them|you|u)\s+in\s+(?:(?:the\s+)?hospital|a&e)|"
       r"better\s+watch\s+(?:him|her|your|them)sel(?:f|ves)|"
       r"(?:better|wanna|want to|should)\s+watch\s+(?:his|her|your|ur|their)\s+backs?|"
       r"i\s+know\s+(?:what\s+car\s+(?:he|she|they|you)\s+drives?\s+and\s+)?what\s+time\s+"
       r"(?:he|she|they|you)\s+(?:leaves?|finish(?:es)?|gets?\s+out|locks?\s+up)|"
       r"i\s+know\s+what\s+car\s+(?:he|she|they)\s+drives?|"
       r"(?:gonna|going\s+to|will|'ll)\s+get\s+what'?s\s+coming|"
       r"(?:not|won'?t\s+be|never)\s+bottl(?:e|ing)\s+it\s+(?:this|next)\s+time|"
       r"teach\s+(?:him|her|them|that\s+\w+)\s+a\s+lesson\s+(?:he|she|they)\s+(?:won'?t|will\s+"
       r"never|'?ll\s+never)\s+forget",
       "threat of violence", negatable=False),
    _r("weapon", "safeguarding", 0.95, "urgent",
       r"(?:shoot|blow|burn)\s+up\s+(?:the\s+)?(?:school|academy|place|building|classroom|"
       r"st\.?\s+\w+|\w+\s+(?:school|academy|primary))"
       # ("blow up the St Aidan's gc with memes" is a group chat flooded, not a school bombed.)
       r"(?![\w'’]*(?:\s+[\w'’]+){0,3}?\s+" + _NOT_A_PLACE + r")|bomb\s+(?:threat|scare)|"
       r"do (?:a|another) (?:christchurch|columbine|dunblane|sandy hook|school shooting)|"
       r"(?:bring|bringin'?|brought|bringing|carrying|carried|had|has|with|showed|shows)\s+"
       r"(?:(?:a|his|her|their|my|a\s+" + _TOY + r"\w+|(?:his|her|their|my)\s+" + _TOY
       + r"\w+(?:'s)?)\s+)?(?:knife|knives|gun|blade|machete|weapon|shank)|"
       r"(?:got|have|has|had|carrying|keeps?|kept)\s+(?:a|my|his|her)\s+(?:\w+\s+)?(?:blade|knife|"
       r"shank|machete)\s+(?:in|on)\s+(?:my|his|her|their|the)\s+(?:bag|pocket|locker|blazer|coat|"
       r"waistband|car|boot)|(?:cans?|jerry\s?cans?|bottles?)\s+of\s+petrol|"
       r"(?:threat\w*|want\w*) to shoot|"
       r"(?:posting|posted|videos?)\s+(?:\w+\s+){0,3}(?:with\s+)?(?:a\s+)?(?:knife|gun|machete|blade)|"
       r"(?:waving|wielding|brandishing|flashing)\s+(?:\w+\s+){0,5}?(?:knife|blade|machete|gun|shank)|"
       r"(?:pic|pics|photo|picture|snap|story|video)\s+of\s+(?:a|his|her|their|the)\s+(?:\w+\s+)?"
       r"(?:knife|blade|gun|machete)|"
       r"(?:bring|brought|bringing|carrying|with|got)\s+(?:(?:a|his|her|my|their)\s+)?"
       r"(?:" + _TOY + r"\w+\s+)?(?:hammer|knuckle[\s-]?dusters?|axe|crowbar|acid)|"
       # Set alight: "imagine if someone torched the St Aidans science block".
       r"torch(?:ed|es|ing)?\s+(?:that\s+|the\s+)?(?:\w+\s+){0,3}?(?:school|academy|place|"
       r"block|building|staff\s?room|classrooms?|hall)\b|"
       r"(?:coming|came|turn(?:ing)? up)\s+with\s+['\"‘“]?(?:tools|weapons|blades)|"
       # ("both sides bringing tools" to a fight; not "bring tools and gloves" to a garden day.)
       r"(?:sides|they'?re|they\s+are|he'?s|she'?s|someone'?s|everyone'?s|i'?m|im|we'?re)\s+"
       r"bringing\s+['\"‘“]?(?:tools|weapons|blades)\b|"
       r"petrol\s+(?:cans?|bombs?)|molotovs?|"
       r"(?:will|gonna|going to|'ll)\s+(?:burn|blow)\s+(?:down|up)\s+\w+"
       r"(?![\w'’]*(?:\s+[\w'’]+){0,4}?\s+" + _NOT_A_PLACE + r")|"
       # A warning to stay away ("don't come to period 3 if ur smart").
       r"(?:don'?t|dont|do not|stay away from|avoid)\s+(?:come\s+|coming\s+)?"
       r"(?:in(?:to)?\s+|to\s+)?(?:school|period\s+\d|p\d|lesson|"
       r"the\s+(?:canteen|field|gates?|school))\s+"
       r"(?:\w+\s+){0,2}?if\s+(?:you'?re|ur|you are|u r|u|you)\s+(?:smart|clever|know what'?s "
       r"good|value your life|want to live)",
       "weapon or attack", negatable=False),
    _r("self_harm", "safeguarding", 0.9, "urgent",
       r"self[\s-]?harm(?:ing|ed)?|suicid(?:e|al)|"
       r"kill(?:ed|ing)?\s+(?:him|her|my|them)sel(?:f|ves)|"
       r"end (?:his|her|their|my) life|cut(?:ting|s)? (?:him|her|them)sel(?:f|ves)|"
       r"cuts? (?:her|his|their) arms|wants? to die|"
       r"cutting\s+(?:her|his|their|my)\s+(?:arms?|legs?|wrists?|thighs?)|"
       r"(?:been|started|keeps?|still)\s+cutting\s+(?:again|(?:her|his|their|my)sel(?:f|ves))|"
       r"taken (?:a load of|an overdose|loads of) pills|"
       r"overdos(?:e|ed)|starve (?:him|her|them|my)sel(?:f|ves)|taking (?:\w+\s+)?pills to|"
       r"(?:doesn'?t|don'?t) want to (?:be here|be alive|live|wake up) any\s?more|"
       # As young people write it: cuts described, not named; pills counted; a farewell.
       r"(?:arms?|legs?|wrists?|thighs?)\s+(?:are\s+|is\s+)?(?:all\s+)?(?:cut\s+up|"
       r"covered in (?:cuts|scars)|a mess)|this is what i deserve|i deserve to (?:die|be hurt)|"
       r"(?:took|taken|taking|swallowed|necked)\s+(?:like\s+|about\s+|around\s+|over\s+)?"
       r"(?:\d+|loads of|a load of|a handful of|a (?:packet|box|strip) of)\s+(?:\w+\s+)?"
       r"(?:pills|tablets|paracetamol)|(?:saving|stockpiling|hoarding)\s+(?:up\s+)?"
       r"(?:\w+\s+){0,2}?(?:tablets|pills|paracetamol)|"
       r"(?:going|walking|heading)\s+to\s+the\s+(?:railway\s+|motorway\s+)?(?:bridge|tracks|"
       r"cliffs?)\s+tonight|how many (?:paracetamol|pills|tablets)|"
       r"(?:jump|jumping|throw (?:my|him|her)self)\s+off\s+(?:the|a)\s+(?:bridge|roof|cliff|"
       r"multi[\s-]?storey|car park)|(?:got|have|had|keep)\s+(?:the|my)\s+(?:blades?|pills|"
       r"tablets)\s+(?:\w+\s+)?(?:ready|sorted|saved|hidden)|"
       r"(?:did|done|doing|cut)\s+my\s+(?:arms?|legs?|wrists?|thighs?)\s+again|"
       r"(?:been|started|keep|kept|still)\s+(?:hurting|harming|cutting)\s+myself|"
       r"wish(?:es|ed)?\s+(?:she|he|i|they)\s+(?:(?:was|were)\s+dead|(?:wasn'?t|wasnt|weren'?t|"
       r"was\s+not|were\s+not)\s+alive|had\s+never\s+been\s+born)|"
       r"wish(?:es|ed)?\s+(?:she|he|i|they)(?:'d|\s+had)\s+never\s+been\s+born|"
       r"(?:scratch|scratching|scratched|carving|carved)\s+(?:at\s+)?(?:her|his|my|their)\s+"
       r"(?:arms?|legs?|wrists?|skin)|"
       r"if\s+i\s+(?:just\s+)?(?:didn'?t|did not|never)\s+wake\s+up|"
       r"long sleeves in (?:summer|the heat|june|july|august)|(?:pencil\s+)?sharpener\s+blades?|"
       r"(?:wrote|written|writing|left)\s+(?:everyone|every1|my (?:mum|family|friends)|all of "
       r"(?:you|them))\s+(?:a\s+)?(?:letters?|notes?)|"
       r"(?:wrote|written|writing|left)\s+(?:my|the|a)\s+(?:goodbye|suicide|last)\s+"
       r"(?:notes?|letters?|messages?)|already\s+wr(?:o|i)te?\s+the\s+notes",
       "self-harm or suicide risk"),
    # Despair as young people write it. Unlike the acts above, said with a laugh it is a
    # figure of speech ("kms this homework lol"): the jest check applies.
    _r("despair", "safeguarding", 0.85, "urgent",
       r"kms|kill\s?my\s?self|unaliv(?:e|ing)\s+(?:my|him|her|them)sel(?:f|ves)|"
       r"(?:don'?t|do not|dont|doesn'?t|does not|can'?t|cant)\s+(?:really\s+|even\s+)?see\s+the\s+"
       r"point\s+(?:any\s?more|(?:in|of)\s+(?:living|going on|anything|being here|life))|"
       r"end it all|no\s+point\s+(?:him|her|me|them)\s+being\s+here|"
       r"(?:sleep|go\s+to\s+sleep)\s+and\s+(?:not|never)\s+wake\s+up|"
       r"better\s+off\s+(?:not|never)\s+waking\s+up|"
       r"(?:didn'?t|didnt|did not|never)\s+wake\s+up\s+(?:tomorrow|one\s+day|again)|"
       r"(?:given|giving|gave)\s+away\s+(?:all\s+)?(?:his|her|their|my)\s+(?:\w+\s+){0,3}?(?:things|"
       r"stuff|games|xbox|clothes|belongings|toys)|"
       r"(?:better off|happier)\s+(?:\w+\s+)?(?:without me|if i (?:just )?(?:disappeared|"
       r"wasn'?t here|was gone|died|was dead))|"
       r"(?:nobody|no one|noone|no1)\s+(?:would|will|'?d)\s+(?:even\s+)?(?:notice|care|miss me)"
       r"\s+if\s+i\s+(?:just\s+)?(?:wasn'?t|was not|weren'?t|wasnt)\s+(?:here|around|alive)|"
       r"(?:nobody|no one|noone|no1)\s+(?:would|will|'?d)\s+(?:even\s+)?(?:notice|care|miss me)"
       r"\s+if\s+i\s+(?:just\s+)?(?:died|disappeared|was gone|was dead|went)|"
       r"if\s+i\s+(?:just\s+)?(?:wasn'?t|wasnt|weren'?t|was not)\s+(?:here|around|alive)\s+"
       r"any\s?more|"
       r"(?:not|never)\s+(?:gonna|going to)\s+be\s+(?:here|around)\s+(?:much\s+)?(?:longer|"
       r"tomorrow)|won'?t\s+be\s+(?:here|around)\s+(?:tomorrow|much longer|by monday|next week)|"
       # A farewell: "this is the last thing I'll post", "don't try and find me".
       r"(?:the\s+)?last\s+(?:thing|post|message)\s+(?:i'?ll|ill|i will|i'?m\s+(?:gonna|going "
       r"to))\s+(?:ever\s+)?(?:post|say|write|send)|(?:don'?t|dont|do not)\s+(?:try\s+(?:and|to)"
       r"\s+)?(?:find|look for|come looking for)\s+me|"
       r"(?:won'?t|wont|will not)\s+need\s+(?:it|them|this|that|any of (?:it|this))\s+(?:after|"
       r"any\s?more|where i'?m going)|(?:don'?t|dont|do not)\s+need\s+(?:it|them|this|that|"
       r"any of (?:it|this))\s+where\s+i'?m\s+going",
       "self-harm or suicide risk"),
    _r("sexual", "safeguarding", 0.9, "urgent",
       r"groom(?:ed|ing)|sexual(?:ly)?\s+(?:abuse|abused|assault(?:ed)?)|molest(?:ed|ing)?|"
       r"inappropriate(?:ly)?\s+touch(?:ed|ing)?|touched\s+(?:\w+\s+){1,2}inappropriately|"
       r"indecent\s+images?|nudes?|sexting|expos(?:ed|ing) (?:him|her)self|paedophile|pedophile|"
       r"keep a secret|"
       # A member of staff and a pupil: "a teacher shagging a sixth former".
       r"(?:teacher|sir|miss|coach|tutor|he|she)\s+(?:\w+\s+){0,2}?(?:shagging|sleeping\s+with|"
       r"having\s+sex\s+with|having\s+an\s+affair\s+with|in\s+a\s+relationship\s+with|dating|"
       r"going\s+out\s+with)\s+(?:a|one\s+of\s+(?:the|his|her))\s+(?:\w+\s+)?(?:sixth[\s-]?"
       r"formers?|pupils?|students?|year\s?1[0-3]s?)|"
       # Someone asked a child to meet ("asked her to meet up"), not a parent asking to meet
       # the head ("I've asked to meet him four times").
       r"(?:asking|asked|wants?|wanted)\s+(?:her|him|them|(?:my|our|his|her|a|the)\s+(?:\w+\s+)?"
       r"(?:son|daughter|child|kid|boy|girl|lad|pupil)|(?:\w+\s+)?(?:girls|boys|kids|pupils))\s+"
       r"(?:\w+\s+)?to\s+meet(?:\s+up)?|"
       r"come and see (?:his|my|the) (?:puppies|puppy|kittens?|dog|car|house)|"
       r"(?:photos?|pics|pictures|videos?)\s+(?:of\s+(?:her|him)(?:self)?\s+)?in\s+(?:her|his|"
       r"their)\s+(?:swimming\s+costume|swimsuit|bikini|underwear|pants|pyjamas|bra)",
       "sexual abuse or grooming"),
    # Grooming as parents describe it without the word: secrecy asked of a child, a "special
    # friend", gifts or numbers passed to a child, meeting up, a stranger online asking a pupil
    # for photos, their school or a meeting.
    _r("grooming", "safeguarding", 0.9, "urgent",
       r"(?:keep|kept|keeping|keeps)\s+(?:it|this|that|things|everything|(?:our|the|their|his|"
       r"her|your)\s+(?:chats?|messages?|texts?|conversations?|friendship|relationship|calls?|"
       r"meet(?:ing)?s?|snaps?))\s+(?:a\s+|just\s+)?(?:secret|between (?:us|them|you and me|"
       r"the two of (?:us|them)))|(?:our|a)\s+little\s+secret|keep(?:s|ing)?\s+secrets|"
       r"(?:much\s+)?older\s+boyfriend|no\s+need\s+to\s+(?:tell|bother|ask|involve)\s+(?:your\s+|ur\s+)?"
       r"(?:mum|mam|mom|dad|parents|folks)|(?:friendship|chats?|messages?|relationship|texts?)\s+"
       r"(?:\w+\s+){0,3}?between\s+(?:us|them|you and me|the two of)|"
       r"(?:says?|said|saying|tells?|telling|told)\s+(?:her|him|them|she|he|they)\s+(?:looks?|is|"
       r"was|seems?)\s+(?:\w+\s+)?(?:mature|grown[\s-]up|older than)|"
       r"(?:move|moving|go|come|talk|chat)\w*\s+(?:\w+\s+){0,2}?(?:to|on|onto|in|into)\s+"
       r"(?:a\s+)?private\s+(?:chat|server|account|group)|"
       r"(?:group\s+)?chats?\s+(?:\w+\s+){0,3}?with\s+(?:grown (?:men|adults)|adults|older men)|"
       r"secret\s+(?:chats?|messages?|friendship|relationship|(?:phone|snap|insta\w*|tiktok)"
       r"(?:\s+account)?|account)|special\s+friends?|"
       r"(?:told|tells|telling|asked|asks|made|makes|warned|begged)\s+(?:him|her|them|"
       + _KID + r"|the\s+(?:boy|girl|child|kids?|children|pupils?))\s+(?:not|never)\s+to\s+(?:tell|"
       r"mention|say)|"
       r"(?:if|as long as|so long as)\s+(?:she|he|they|you)\s+(?:doesn'?t|don'?t|does not|do not|"
       r"won'?t|never)\s+tell|"
       r"(?:letting|lets|let)\s+(?:them|him|her)\s+(?:use|have|borrow)\s+(?:his|her)\s+phone|"
       r"(?:don'?t|dont|do not|never)\s+tell\s+(?:any\s?one|any\s?body|ur\s+mates|your\s+"
       r"(?:mates|friends))\s+(?:that\s+)?(?:we|about\s+us|about\s+me)\b|"
       r"(?:don'?t|dont|do not)\s+worry\s+about\s+(?:your|ur|his|her)\s+(?:mum|mam|mom|dad|"
       r"parents|family)\s+(?:seeing|finding|knowing|reading)|"
       r"(?:don'?t|dont|do not|never|not to)\s+tell\s+(?:your|ur|his|her|their)\s+(?:mum|mam|"
       r"mom|dad|parents|mummy|daddy|family|carers?)|"
       r"(?:best|better|easier)\s+(?:if\s+)?(?:your\s+|his\s+|her\s+|their\s+)?(?:mum|mam|mom|"
       r"dad|parents|family)\s+(?:doesn'?t|don'?t|does not|do not|never|didn'?t)\s+(?:know|"
       r"find out|hear)|"
       r"(?:bought|buying|buys|gave|given|giving|gives|sent|sending|sends|offered|offering)\s+"
       r"(?:him|her|them|" + _KID + r"|"
       r"(?:year\s+\d+\s+)?(?:girls|boys|pupils|kids))\s+(?:\w+\s+){0,2}?(?:gifts|presents|"
       r"a (?:new )?(?:phone|mobile)|phone credit|top[\s-]?ups?|money|cash|robux|v[\s-]?bucks|"
       r"vapes?|a vape|(?:his|her|their) (?:phone |mobile )?number|sweets|chips|energy drinks|"
       r"alcohol|booze|cigarettes|fags|drinks|takeaways?)|"
       # Secrecy from parents, and exploitation: "you get in trouble if you tell", "I
       # shouldn't tell my mum", "running a bag" (county lines).
       r"(?:get|gets|getting|be)\s+in\s+trouble\s+if\s+(?:you|u|she|he|they|i)\s+tells?|"
       r"(?:shouldn'?t|shouldnt|mustn'?t|mustnt|not\s+allowed\s+to)\s+tell\s+(?:my|your|ur|his|"
       r"her)\s+(?:mum|mam|mom|dad|parents|nan|family)|"
       r"running\s+a\s+bag|(?:take|took|taking|carry|carrying)\s+a\s+bag\s+to\s+\w+\s+for\s+£?\d+|"
       r"county\s+lines\s+(?:recruit\w*|gangs?|dealers?|lads)|recruit\w*\s+(?:\w+\s+){0,3}?"
       r"(?:for|into)\s+county\s+lines|"
       # A phone from someone else: "a second phone I didn't buy her".
       r"(?:second|secret|new|another)\s+(?:phone|mobile)\s+(?:[\w']+\s+){0,8}?(?:that\s+)?"
       r"(?:i|we)\s+(?:didn'?t|did\s+not|never)\s+(?:buy|get|give)|"
       # An adult's own channel handed to children: "gave our whole class his discord".
       r"(?:gave|given|giving|gives|handed|sent|shared)\s+(?:him|her|them|us|" + _KID + r"|"
       r"(?:our|the|my|his|her)\s+(?:whole\s+)?(?:class|form|team|year\s*\d+|yr\s*\d+))\s+"
       r"(?:his|her)\s+(?:own\s+|personal\s+|private\s+)?(?:discord|snap(?:chat)?|insta\w*|"
       r"whatsapp|tiktok|personal\s+(?:mobile|phone|number|email))|"
       # A member of staff in a relationship with a pupil now: "has been 'seeing' a sixth former".
       r"(?:teachers?|tutor|coach|sir|miss|(?:mr|mrs|ms)\.?\s+\w+)\s+(?:\w+\s+){0,2}?"
       r"(?:has|have|'s|is|are)\s+(?:been\s+)?['\"‘“]?(?:seeing|dating|sleeping\s+with|shagging|"
       r"going\s+out\s+with)['\"’”]?\s+(?:a|an|one\s+of\s+(?:his|her|the))\s+(?:\w+\s+)?"
       r"(?:sixth[\s-]?formers?|pupils?|(?:year|yr)\s*(?:9|1[0-3])s?)|"
       r"(?:asked|asking|asks|wants?|wanted)\s+(?:him|her|them|" + _KID + r")\s+"
       r"(?:for|to send)\s+(?:(?:his|her|their)\s+)?(?:photos?|pictures?|pics|selfies|"
       r"(?:home\s+)?address|(?:phone )?number|snap(?:chat)?|insta\w*)|"
       r"(?:what|which)\s+school\s+(?:he|she|they)\s+(?:goes|go|went|attends?)\s+to|"
       r"asking\s+(?:\w+\s+)?for\s+(?:their|his|her|your)\s+(?:home\s+)?address|"
       r"(?:send|sending)\s+(?:us\s+|them\s+|me\s+|him\s+|her\s+)?(?:a\s+)?(?:selfie|photo|pic|"
       r"picture)s?\s*(?:\+|and|&|with)\s*(?:your\s+|their\s+|his\s+|her\s+)?(?:home\s+)?address|"
       r"(?:put|turn|switch|have)\s+(?:her|his|their|the|your|ur)\s+(?:camera|cam)\s+on|"
       r"knows?\s+(?:which|what|where)\s+(?:park|school|house|street|club)\s+(?:she|he|they)\s+"
       r"(?:goes|go|lives?|plays?|is)|"
       r"(?:asked|asking|asks)\s+(?:him|her|them|" + _KID + r")\s+(?:what|which)\s+school|"
       r"(?:asked|asking|asks)\s+(?:\w+\s+){0,2}?for\s+(?:pictures|photos|pics|selfies)\s+of\s+"
       r"(?:her|him|them)(?:sel(?:f|ves))?|"
       r"(?:stranger|grown (?:man|men|woman|adults?)|an adult|adults|older (?:man|men|boys?|lads?)|"
       r"a man|a bloke|some (?:man|bloke|guy|adult)|random (?:men|adults?|people|accounts?|"
       r"blokes?)|someone (?:he|she|they) (?:doesn'?t|don'?t|didn'?t) know|"
       r"fake (?:profile|account) pretending)\s+(?:\w+\s+){0,6}?(?:on|via|through|in|over)\s+"
       r"(?:roblox|fortnite|minecraft|xbox|playstation|discord|tiktok|snapchat|snap|instagram|"
       r"insta|whatsapp|twitch|"
       r"youtube|among us|omegle|(?:a|the|an|his|her) (?:game|gaming|app|chat))|"
       r"(?:meet|meeting)\s+(?:up\s+)?(?:with\s+)?(?:him|her|them|someone)\s+(?:\w+\s+){0,3}?"
       r"(?:alone|in secret|without telling)|"
       r"(?:delete|deleting|deleted|deletes)\s+(?:these|this|them|it|that|those)\s+(?:after|"
       r"afterwards|once|when|straight\s+away|now)|"
       r"(?:delete|deleting|deleted|deletes)\s+(?:the|their|our|his|her|all the|all (?:his|her|"
       r"their|the))\s+(?:messages|chats|texts|snaps|dms)",
       "grooming or secrecy with a child"),
    _r("contact", "safeguarding", 0.85, "urgent",
       r"(?:messag(?:ed|ing)|dm'?(?:ed|ing|s)|snapchat(?:ted|ting)?|texting|texted|"
       r"add(?:ed|ing)|befriend(?:ed|ing))\s+(?:" + _MY_CHILD + r"|(?:year \d+ )?(?:girls|boys|"
       r"pupils|kids)|one of (?:my|the|his|her) pupils)(?:\s+on\s+\w+)?|"
       # ... told of a brother, a niece, "my 13 year old" (added: only on an app, since a
       # child is added to a list or a rota too).
       r"(?:messag(?:ed|ing|es)|dm'?(?:ed|ing|s)|snapchat(?:ted|ting)?)\s+(?:" + _RELATIVE + r")|"
       r"(?:add(?:ed|ing|s)|befriend(?:ed|ing))\s+(?:" + _RELATIVE + r")\s+(?:\(\w+\)\s+)?on\s+"
       r"(?:snap\w*|insta\w*|tiktok|roblox|fortnite|discord|minecraft|xbox|whatsapp)|"
       # ("DM me if found", of a lost book bag, asks for the bag.)
       r"(?:add|message|dm|text|snap|whatsapp)\s+me\s+(?:on\s+\w+\s+)?(?:if|when|over)"
       r"(?!\s+(?:found|seen|you\s+(?:find|found|see|saw|spot|have)|any\s?(?:one|body)\s+"
       r"(?:finds?|found|has|have|knows?|sees?|saw|spots?)))|"
       r"(?:follow|add)\s+me\s+on\s+(?:insta\w*|snap\w*|tiktok|whatsapp|discord)|"
       r"my\s+(?:\w+\s+)?dms\s+(?:are\s+)?(?:always\s+)?open|dms\s+(?:are\s+)?always\s+open|"
       r"(?:message|text|send|dm|snap|whatsapp)\s+me\s+(?:your|privately)|"
       r"(?:personal|private)\s+(?:group\s+chat|snap\w*|insta\w*|whatsapp)|"
       r"(?:lift|lifts)\s+home|personal (?:phone|number|mobile)|"
       r"(?:in|into)\s+(?:my|his|her)\s+(?:snaps?|dms|inbox)|slid(?:es)?\s+into\s+(?:my|his|her|"
       r"your)\s+dms|"
       r"(?:one[\s-]to[\s-]one|alone)\s+(?:\w+\s+){0,3}?at\s+(?:his|her)\s+(?:house|flat|place)|"
       r"(?:sessions?|lessons?|tuition|tutoring|coaching|training)['’\"]?\s+(?:\w+\s+){0,2}?at\s+"
       r"(?:his|her)\s+(?:house|flat|place|home)|"
       r"pick(?:ing|ed)?\s+up\s+(?:a|the|one of the)\s+(?:\w+\s+)?(?:girl|boy|kid|child|pupil)s?"
       r"\s+(?:\w+\s+){0,10}?in\s+his\s+car",
       "staff–pupil private contact"),
    # Staff and pupils in each other's public feeds: following, liking, duets. A lapse to act
    # on this week, not the private contact above.
    _r("following", "safeguarding", 0.8, "high",
       r"follow(?:ed|ing|s)?\s+(?:" + _MY_CHILD + r"|(?:year \d+ )?(?:girls|boys|pupils|kids))|"
       r"follow(?:ed|s)?\s+(?:\w+\s+){0,4}?on\s+(?:insta\w*|snap\w*|tiktok)|"
       r"following\s+(?:\w+\s+){0,4}?(?:kids|pupils|children|students)['’]?\s+(?:own\s+)?"
       r"(?:private\s+)?accounts|replying\s+to\s+(?:their|the kids'?|pupils'?)\s+stories|"
       r"duets?\s+(?:my|our|the|their|pupils'?|kids'?)\s+(?:[\w']+\s+){0,2}?tiktoks?",
       "staff–pupil contact on social media"),
    _r("harm", "safeguarding", 0.85, "urgent",
       # ("kicked my son out of the group chat" is not a blow.)
       r"(?:hit|slapped|punched|kicked|grabbed|shoved|pushed|assaulted|hurt|dragged|restrained)\s+"
       r"(?:" + _MY_CHILD_AGED + r")(?!\s+out\b)|"
       r"(?:hit|slapped|punched|kicked)\s+a\s+(?:child|pupil|kid)|"
       r"bruises\s+(?:all over|on (?:his|her))|split lip|black eye|finger\s?(?:mark|tip)\s?bruises|"

       r"grab(?:bed|s|bing)?\s+(?:me|him|her|them|kids|children|pupils)\s+by\s+the\s+"
       r"(?:\w+\s+){0,3}?(?:arm|neck|collar|hair|ear|wrist)|"
       r"(?:marks|bruises|welts|burns)\s+(?:all\s+)?(?:down|on|over|across)\s+(?:my|his|her|"
       r"their|ur|your)\s+(?:back|arms?|legs?|face|neck)|(?:fist|hand)[\s-]sized\s+bruise|"
       r"(?:used|uses|using)\s+the\s+belt|the\s+belt\s+again|"
       r"(?:his|her) (?:dad|mum|father|mother|stepdad) did it",
       "physical harm to a child"),
    # A child afraid of going home or of a parent or carer: a disclosure, acted on today.
    _r("home", "safeguarding", 0.85, "urgent",
       # Neglect as a child or a carer tells it: "home alone again til midnight", "no breakfast
       # three mornings this week", "not seen a meal in days".
       r"home\s+alone\s+(?:again\s+)?(?:til|till|until|all)\b|"
       r"(?:no|nae|without)\s+breakfast\s+(?:\w+\s+){0,2}?(?:mornings|mornins|days)|"
       r"(?:not|never)\s+(?:seen|had)\s+a\s+(?:proper\s+|hot\s+)?meal\s+(?:in|for)\s+days|"
       # A child who will not go home tonight ("not going back there tonight").
       r"(?:i'?m|im|i am|she'?s|he'?s|shes|hes)\s+not\s+going\s+(?:back\s+)?(?:there|home)\s+"
       r"tonight|not\s+going\s+back\s+there\s+tonight|"
       r"(?:scared|afraid|frightened|terrified|petrified|too scared|frightened)\s+(?:to\s+go|"
       r"of\s+going|to\s+be)\s+(?:back\s+)?home|"
       r"(?:scared|afraid|frightened|terrified|petrified)\s+of\s+(?:his|her|their)\s+(?:dad|mum|"
       r"mam|father|mother|step[\s-]?dad|step[\s-]?mum|mum'?s (?:boyfriend|partner)|"
       r"dad'?s (?:girlfriend|partner)|carers?|uncle|foster \w+)(?!'s)(?!\w)|"
       r"(?:begged|begging|begs|pleaded)\s+(?:\w+\s+){0,3}?not\s+to\s+(?:go|be sent)\s+home|"
       r"(?:won'?t|wouldn'?t|refused to|refuses to)\s+go\s+home\s+(?:\w+\s+){0,2}?(?:because|"
       r"cos|as)|(?:can'?t|couldn'?t|cannot) face going home|"
       r"(?:doesn'?t|don'?t|didn'?t|does not|did not) want to go home (?:to (?:his|her|their) "
       r"\w+|because|cos|as|tonight)|"
       r"(?:no|hardly any|not enough)\s+food\s+(?:at|in the)\s+home|"
       r"(?:comes?|came|coming)\s+(?:in|to school)\s+(?:\w+\s+){0,2}?(?:starving|filthy|"
       r"with (?:bruises|marks|burns))|"
       r"(?:my|his|her|their|ur|your)\s+(?:dad|mum|father|mother|step[\s-]?dad|"
       r"mum'?s boyfriend)\s+(?:hits|hit|beats|beat|hurts|hurt|locks|belts|belted|kicks|kicked|"
       r"punches|punched|throws|threw|slaps|slapped|burn(?:s|ed|t))\s+"
       r"(?:him|her|them|me)|"
       r"(?:house|home)\s+(?:isn'?t|is not|wasn'?t|was not|doesn'?t feel|never feels)\s+safe|"
       r"(?:mum|mam|dad|parents?|step[\s-]?\w+|carers?)(?:'s|\s+has|\s+have)?\s+kicked\s+"
       r"(?:him|her|them)\s+out(?!\s+of\s+the\s+(?:group|game|team))|"
       r"sleeping (?:rough|in (?:a|the) (?:bus shelter|car|park|doorway|tent|street))|"
       r"(?:slept|sleep|sleeps|sleeping)\s+in\s+(?:the|a)\s+(?:shed|car|garden|garage)|"
       r"(?:locked|locks)\s+(?:me|him|her|them)\s+out\b|"
       r"what\s+(?:he|she)\s+did\s+(?:to me|at (?:my|his|her)\s+\w+)|"
       r"(?:no|nae|without)\s+(?:any\s+)?breakfast\s+(?:\w+\s+){0,3}?(?:again|mornings?|every)|"
       r"(?:mum|mam|mammy|mummy|dad|daddy)'?s?\s+(?:always\s+)?(?:passed out|off (?:her|his) "
       r"face|too drunk)|"
       r"(?:daddy|dad|step[\s-]?dad|mum'?s boyfriend)\s+(?:hurts|hits|hit|beats|punched|punches|"
       r"kicks)\s+(?:mummy|mum|mam|my mum|his mum|her mum)",
       "a child afraid of home or of a carer"),
    _r("missing", "safeguarding", 0.85, "urgent",
       rf"(?:missing|abducted)\s+{_CHILD}|"
       rf"{_CHILD}\s+(?:(?:is|was|went|has gone|reported)\s+)?missing|"
       # A child got into a car, not the driver: "asked him to get in his car", not "he got
       # in his car and drove off".
       r"hasn'?t come home|(?:(?:him|her|them|kids|children|girls|boys)\s+(?:to\s+)?|"
       r"(?:tried|trying|try)\s+to\s+(?:make|get)\s+(?:him|her|them)\s+)"
       r"(?:get|got|getting)\s+in(?:to)?\s+(?:his|a|the|their|a\s+\w+)\s+(?:car|van)|"
       r"(?<!if i )(?<!if u )(?:went|gone|go|goes|has gone|ran|run|wandered|walked)\s+"
       r"(?:off\s+)?missing|"
       r"(?:couldn'?t|could not|can'?t|cannot)\s+find\s+(?:him|"
       + _HER + "|" + _KID + r")(?!')(?!\w)|"
       r"(?:lost|losing)\s+(?:a|my|our|one|two)\s+(?:child|children|kids?|pupils?|son|daughter|"
       r"boy|girl)(?!')(?!\w)|"
       r"(?:not|hasn'?t|haven'?t) been seen since|(?:hasn'?t|has not) been home (?:for|since)|"
       r"(?:ran|run|running|runs) away from home|nobody knew where (?:he|she|they) (?:was|were)|"
       r"came back without (?:him|" + _HER + "|" + _KID + r")(?!')(?!\w)|"
       r"collected by (?:someone|a stranger)|"
       r"(?:a\s+)?(?:man|woman|stranger|bloke|someone)\s+(?:\w+\s+){0,10}?(?:talking to|"
       r"approach(?:ed|ing)|offered|following|asking|gives|giving|gave|handing|hands)\s+"
       r"(?:\w+\s+){0,3}?(?:kids|children|"
       r"girls|boys|pupils|him|her|them)",
       "missing child"),
    # Radicalisation as parents and pupils describe it: the movements and their slogans, their
    # material passed round, an attacker admired. A pupil planning an attack is a threat or
    # weapon (urgent) above; this is the referral a DSL makes this week (Prevent).
    _r("extremism", "safeguarding", 0.85, "high",
       r"radicalis(?:ed|ing|ation)|radicaliz(?:ed|ing|ation)|extremis[mt]s?|extreme views|"
       r"neo[\s-]?nazis?|nazi (?:salutes?|symbols?|flags?|stickers?|memes?|songs?|"
       r"propaganda|videos?|tattoos?|graffiti|chants?)|(?:doing|did|does|made) (?:a |the )?"
       r"(?:nazi|hitler) salute|white (?:power|pride|supremac\w+|genocide)|"
       r"great replacement|race war|heil hitler|sieg heil|swastikas?|1488|"
       r"(?:calling|calls|called)\s+(?:him|them|the\s+(?:shooter|bomber|attacker|killer))\s+"
       r"(?:a\s+)?(?:hero|legend|saint|martyr)|"
       r"(?:hitler|the nazis|the taliban|isis|the shooter|the bomber)\s+(?:was|were|is|are)\s+"
       r"(?:right|a hero|heroes|a legend|legends|based)|"
       r"(?:far[\s-]right|alt[\s-]right|neo[\s-]?nazi|islamist|jihadi?(?:st)?|isis|daesh|"
       r"extremist|terrorist|incel|white nationalist|kkk)\s+(?:\w+\s+)?(?:videos?|propaganda|"
       r"stickers?|groups?|content|channels?|material|chats?|leaflets|flags?|memes|symbols?|"
       r"music|accounts?|forums?|views|ideas|stuff|recruit\w*|edits|videos|salutes?|propaganda)|"
       r"(?:join|joining|joined|fight for|fighting for)\s+(?:isis|daesh|the jihad|jihad|"
       r"the caliphate|a militia|the taliban|(?:a|the)\s+(?:far[\s-]right|neo[\s-]?nazi)\s+"
       r"(?:group|gang))|"
       r"(?:praising|praises|praised|worships?|idoli[sz](?:es|ing|ed)|glorif(?:y|ies|ying|ied)|"
       r"admires?|admiring|hero[\s-]?worship\w*)\s+(?:the\s+|that\s+|a\s+)?(?:\w+\s+)?"
       r"(?:shooters?|bombers?|terrorists?|attackers?|hitler|killers?)|"
       r"(?:beheading|execution|massacre|mosque shooting|shooting|attack)\s+(?:videos?|footage|"
       r"clips?|livestream)|manifesto|how to make (?:a )?(?:bomb|pipe bomb|explosives?)|"
       r"pipe bombs?|prevent referral|referred to prevent|channel (?:referral|panel)|"
       r"(?:move|moving|go|going) to syria|marry a (?:fighter|jihadi\w*)",
       "radicalisation or extremism"),
    _r("bullying", "safeguarding", 0.7, "high",
       r"bull(?:y|ied|ies|ying|yed)|cyberbull\w+|harass(?:ed|ment|ing)?|"
       # ("threatened with a fine" for absence is the school's letter, not a threat.)
       r"threaten(?:ed|ing|s)?(?!\s+to\s+(?:write|complain|report|go\s+to|e-?mail|ring|call|phone|"
       r"sue|contact|escalate|pull|move|remove|withdraw|leave|quit|resign))"
       r"(?!\s+(?:us\s+|me\s+|parents\s+)?with\s+(?:a\s+)?(?:fines?|legal|"
       r"exclusion|detentions?|prosecution|court|isolation|being\s+(?:fined|excluded|taken)))|"
       r"(?:racist|homophobic|sexual)\s+(?:abuse|comments?|remarks?|bullying)|beaten up|"
       r"watch your back|rate (?:the )?(?:girls|year)|called names|name[\s-]?calling|"
       r"pushed (?:over|about|around)|picked on|torment(?:ed|ing|s)?|"
       r"kicked (?:him|her) out of the group|"
       r"(?:account|page)\s+(?:\w+\s+)?(?:mocking|making\s+fun\s+of|taking\s+the\s+piss\s+out\s+of|"
       r"slagging)\s+(?:a|this|that|my|our)\s+(?:\w+\s+){0,2}?(?:girl|boy|kid|pupil|child|son|"
       r"daughter)|"
       r"(?:edited|photoshopped|doctored)\s+(?:photos?|pics?|pictures?|images?|videos?)\s+of\s+"
       r"(?:her|him|them|my|our|a)\b|"
       r"(?:eats?|eating|ate|has|having)\s+(?:her|his|their|my)\s+lunch\s+in\s+the\s+(?:toilets?|loos?)|"
       # A child's humiliation passed round: "send it to her bf", "everyone screenshot this".
       r"(?:send|share|forward|post|spread)\s+(?:it|this|that|them)\s+(?:to|in|round|around)\s+"
       r"(?:every|all\s+the|her|his|the\s+whole|ur|your)\s+(?:\w+\s+)?(?:gcs?|group\s*chats?|bf|gf|"
       r"boyfriend|girlfriend|year|mates)|everyone\s+screenshot\s+(?:this|it)|"
       r"(?:someone|somebody)\s+tag\s+(?:him|her|them)\b|"
       # Shut out on purpose: "made a new group and added everyone except her".
       r"added\s+everyone\s+(?:except|but)\s+(?:him|her|them|my\s+\w+)|"
       # Told in the passive: "my daughter was punched in the face" (not "hit with a lawsuit").
       r"(?:was|got|been|being|gets)\s+(?:punched|kicked|hit|slapped|headbutted|strangled|choked|"
       r"stamped\s+on)(?!\s+with\b)(?!\s+by\s+(?:a|the)\s+(?:bus|car|van|lorry|train|tram))|"
       r"(?:too\s+)?(?:scared|frightened|afraid|terrified)\s+to\s+go\s+(?:in|to school|back)\b|"
       r"kill yourself|kys|go die|"
       r"(?:called|calling|calls|call)\s+(?:him|her|them|me|my\s+\w+)?\s*(?:an?\s+)?(?:names|"
       r"slags?|sluts?|whores?|retards?|pakis?|fag\w*|gay|fat|ugly|losers?|freaks?|weirdos?|"
       r"n[i1]gg\w*|spaz|bitch\w*|thick)|"
       # A name said in quotes, a slur named, food taken: "calls me 'the tramp'", "being
       # called a 'terrorist'", "called the r-word every day", "they take my lunch".
       r"(?:called|calling|calls|call)\s+(?:him|her|them|me|my\s+\w+)\s+(?:an?\s+|the\s+)?"
       r"['\"‘“][\w\s]{1,30}?['\"’”]|(?:being|been|gets?|getting)\s+called\s+(?:an?\s+|the\s+)?"
       r"(?:['\"‘“][\w\s]{1,30}?['\"’”]|[rn][\s-]?word|slurs?)|"
       r"(?:called|calling)\s+(?:\w+\s+)?(?:the\s+)?(?:[rn][\s-]?word|slurs)|"
       r"(?:take|takes|taking|took|steal|steals|stealing|stole|nick|nicks|nicked)\s+(?:my|his|"
       r"her|their)\s+(?:food|lunch|dinner money|packed lunch|lunch money|lunchbox)",
       "bullying or harassment"),
    _r("safety", "safeguarding", 0.65, "high",
       # Pupils hurt by what they took: "taken to hospital after using a vape".
       r"(?:taken|rushed)\s+to\s+hospital\s+(?:\w+\s+){0,3}?after\s+(?:using|taking|smoking|"
       r"vaping|drinking|eating|a\s+vape|being\s+(?:stabbed|attacked|assaulted|beaten|hit))|"
       r"unsafe|not safe|left (?:alone|unsupervised|outside|on their own)|unsupervised|"
       r"(?:was|were)\s+there\s+on\s+(?:his|her|their)\s+own|"
       r"(?:left|waiting|stood|standing|sat)\s+(?:\w+\s+){0,4}?(?:on (?:his|her|their) own|"
       r"by (?:him|her|them)sel(?:f|ves)|all alone)|no (?:adult|teacher|staff|grown[\s-]?up)s?\s+"
       r"(?:\w+\s+)?(?:watching|supervising|around|there|in the room|with them)|no supervision|"
       r"(?:let|allowed|sent)\s+(?:him|her|them|" + _KID
       + r"|(?:my|our|a)\s+(?:year|yr|y)\s?\d+)\s+"
       r"(?:\w+\s+){0,2}?(?:walk|go|leave|wander)\s+(?:home\s+|out\s+(?:of\s+)?(?:the\s+)?(?:gates?|"
       r"school|building)\s+)?(?:alone|on (?:his|her|their) own|by (?:him|her|them)"
       r"sel(?:f|ves))|(?:let|lets|letting|allowed)\s+(?:him|her|them|" + _KID + r")\s+"
       r"(?:\w+\s+){0,2}?wander\s+off|"
       r"(?:walked|got|wandered)\s+out\s+of\s+(?:the\s+)?(?:school|gates?|building|playground)|"
       r"not (?:picked|collected) up|nobody (?:came|checked|was watching)|"
       r"(?:walk|walks|walking)\s+out\s+of\s+(?:the\s+)?(?:school|gates?|building|playground)|"
       r"(?:walked|walks|wandered|ran|run|runs)\s+(?:out|off)\s+(?:\w+\s+){0,3}?(?:at|during|"
       r"after)\s+(?:break|lunch|registration|playtime)|with no (?:adults?|grown[\s-]?ups?|"
       r"supervision)|(?:a|one) (?:child|kid|pupil) short|"
       r"(?:cross|crossed|crossing|across)\s+(?:\w+\s+){0,3}?(?:road|street)\s+(?:alone|by (?:him|"
       r"her|them)sel(?:f|ves)|on (?:his|her|their) own)|"
       r"(?:left|went|drove off|set off|came back|returned)\s+(?:\w+\s+){0,4}?without\s+(?:him|"
       + _HER + "|" + _KID + r")(?!')(?!\w)|"
       r"(?:got|put) on the wrong (?:bus|coach|minibus)|"
       r"(?:left|forgot|forgotten)\s+(?:him|her|" + _KID + r"|"
       r"(?:two|three) (?:kids|children|boys|girls|pupils))\s+behind|"
       r"locked in (?:a|the) (?:room|cupboard|classroom|toilets?|cellar|shed)|"
       r"locked (?:him|her|them) in|on the (?:railway|train) line|"
       r"injured|injuries|head injury|neglect(?:ed)?|stranger\s+(?:at|near|outside|hanging)|"
       r"drugs?|weed|eating disorder|walked out onto|nobody noticed|"
       r"(?:selling|sold|sells|dealing|passing round)\s+(?:\w+\s+){0,3}?(?:pills|tablets|ket|"
       r"coke|cocaine|mdma|edibles|vapes?)|(?:thc|spice|weed|drugs?)\s+vapes?|"
       # Dealing to pupils as they say it ("the plug ... is selling to year 10s now"), a fight
       # filmed and passed round, a pupil gone with nobody noticing.
       r"(?:selling|sells|sold|dealing|deals)\s+(?:\w+\s+){0,3}?to\s+(?:the\s+)?(?:year|yr|y)\s?"
       r"\d+s?|(?:being|been|is|are)\s+(?:sold|offered)\s+to\s+(?:\w+\s+){0,2}?(?:children|kids|pupils|"
       r"students|teenagers)|the\s+plug|(?:vid|video|footage|clip)s?\s+of\s+(?:the|a|that)\s+fight|"
       r"fight\s+(?:behind|outside|after|round\s+the\s+back\s+of)\s+|#(?:fights?|scrap)\b|"
       r"without\s+(?:anyone|anybody|a\s+teacher|any\s+staff)\s+noticing|"
       # A child handed to whoever stands at the door.
       r"(?:didn'?t|did not|never|without)\s+(?:ask(?:ing)?|check(?:ing)?)\s+who\s+(?:i|he|she|we|"
       r"they)\s+(?:was|were|am|is)|could(?:'ve|\s+have)\s+been\s+anyone\s+(?:stood|standing|"
       r"waiting|there|picking)|"
       # A child's health let down: an emergency, a head injury, a care plan not followed.
       r"lump\s+(?:like an egg|the\s+size\s+of\s+an?\s+(?:egg|golf\s+ball|tennis\s+ball|plum)|on "
       r"(?:his|her|their) (?:head|forehead))|concuss(?:ion|ed)|"
       r"banged (?:his|her|their) head|anaphyla\w+|allergic reaction|epi-?pens?|appendicitis|"
       r"sepsis|meningitis|asthma attack|seizures?|(?:went|gone|going|goes)\s+hypo\b|"
       r"diabetic\s+(?:emergency|coma|episode)|"
       # Neglect as it shows at school.
       r"(?:same|dirty|filthy)\s+clothes\s+(?:all week|as (?:friday|monday|yesterday|last week)|"
       r"for days|every day)|no\s+(?:tea|dinner|supper)\s+(?:last night|the night before|at home)|"
       r"(?:after|from)\s+taking\s+(?:\w+\s+)?(?:pills|tablets)|"
       r"safety issue|safeguarding (?:issue|concern)|health and safety",
       "child safety"),
    _r("images", "safeguarding", 0.7, "high",
       r"(?:photos?|pictures?|pics|videos?|images?|names?)\s+of\s+(?:the\s+|our\s+|my\s+)?"
       r"(?:[\w']+\s+){0,2}(?:children|kids|pupils|students|class|boy|girl)\b[^.!?]{0,60}?"
       r"(?:online|posted|on\s+\w+|shared|going round|all over)|"
       r"(?:posted|shared|uploaded|filmed)\s+(?:photos?|pictures?|pics|videos?)\s+of\s+"
       r"(?:the\s+|our\s+|my\s+)?(?:children|kids|pupils|students|(?:\w+\s+){0,2}class|"
       + _CHILD + ")|filmed (?:my|our|a|the) \\w+|"
       r"(?:pic|pics|photo|photos|picture|pictures|vid|vids|video|videos|clip)\s+of\s+"
       r"(?:that|this)\s+(?:yr|year|y)\s?\d+\s+(?:kid|girl|boy|lad)|"
       r"(?:faces?|names?)\s+(?:\w+\s+){0,2}(?:visible|shown|showing|in the caption)|"
       r"(?:photos?|pictures?|pics|videos?|images?|selfies)\s+(?:\w+\s+){0,6}?(?:without "
       r"(?:our |my |any |parents'? |their )?(?:consent|permission)|(?:after|when|though|but) "
       r"(?:we|i) (?:had |have )?opted out)|"
       r"(?:names?|addresses|dates? of birth|birthdays|(?:phone|mobile) numbers|medical "
       r"(?:details|info\w*|records|needs|conditions)|sen (?:details|needs|info\w*|records)|"
       r"personal (?:details|data|info\w*)|details|reports?|records|data|spreadsheet|list|"
       r"register|files?)\s+(?:\w+\s+){0,2}?(?:of|for|on|about)\s+(?:all\s+|every\s+|each\s+)?"
       r"(?:the\s+|our\s+|my\s+)?(?:[\w']+\s+){0,2}?(?:children|kids|pupils|students|child|"
       r"pupil|class)\b[^.!?]{0,60}?(?:leaked|shared|posted|sent|emailed|online|going round|"
       r"on\s+(?:facebook|instagram|tiktok|snapchat|whatsapp|the group|the website))|"
       r"(?:sen|send|medical|safeguarding|child protection|class|pupil|free school meals|fsm)\s+"
       r"(?:register|list|records|files?|spreadsheet)\s+(?:\w+\W+){0,12}?(?:leaked|shared|posted|"
       r"going round|on (?:facebook|whatsapp|the group|instagram)|sent to|emailed to|"
       r"left (?:on|in|at))|"
       r"(?:left|lost|dropped)\s+(?:\w+\s+){0,3}?(?:register|records|files?|list|spreadsheet|"
       r"laptop)\s+(?:\w+\W+){0,6}?(?:on|in|at)\s+(?:the|a)\s+(?:bus|train|pub|car park|street|"
       r"road|park|shop)|"
       r"(?:reposting|posting|sharing|posted|shared|reposted)\s+(?:\w+\W+){0,6}?(?:pupils|kids|"
       r"children|students|girls|boys)'?\s+(?:[\w-]+\s+){0,2}?(?:selfies|photos|pictures|pics|"
       r"videos|names|addresses)|"
       r"(?:pupils'?|children'?s|kids'?|(?:their|the kids'?|the children'?s) home)\s+"
       r"addresses|"
       r"(?:leaked|shared|posted|sent|emailed|forwarded)\s+(?:\w+\s+){0,8}?(?:spreadsheet|"
       r"register|class list|list|file|document|records)\s+(?:\w+\s+){0,3}?(?:with|of|for)\s+"
       r"(?:\w+\s+){0,3}?(?:pupils|children|kids|every child|the whole class|"
       r"(?:names|addresses|medical|sen|safeguarding|child protection)\b)|"
       r"(?:every|each|all the|other)\s+(?:\w+\s+)?(?:child|pupil|kid|student)(?:'s|s'|s)?\s+"
       r"(?:\w+\s+)?(?:names?,?\s+(?:and\s+)?)?(?:addresses|address|medical|sen|diagnos[ie]s|"
       r"records|reading levels?|dates? of birth)|"
       r"(?:spreadsheet|register|list|document|file)\W+(?:\w+\W+){0,4}?(?:everyone|every "
       r"(?:child|pupil|kid))'?s\s+(?:names|addresses|grades|details|sen|medical)|"
       r"(?:must|should|can|could)\s+(?:never|not)\s+be\s+(?:identified|named|photographed|shown)|"
       r"(?:foster|adopted)\s+(?:son|daughter|child|children|kids?)(?:'s|s')?\s+(?:\w+\s+){0,3}?"
       r"(?:name|photo|picture|face)|"
       r"(?:safeguarding|child protection|cp)\s+(?:records?|files?|notes?|reports?)\s+"
       r"(?:\w+\s+){0,4}?(?:leaked|shared|sent|emailed|posted|lost|left)|"
       # A photo captioned with the children's names; a child's home given out.
       r"(?:photographed|filmed|pictured|snapped)\s+(?:\w+\s+){0,2}?(?:getting\s+changed|changing|"
       r"in\s+the\s+(?:changing\s+rooms?|toilets?|showers?))|"
       r"full\s+names\s+and\s+(?:home\s+)?(?:streets|addresses|roads)|"
       r"(?:first\s+)?names\s+(?:and|&)\s+(?:their\s+)?(?:scores|results|marks|grades|reading\s+ages)|"
       r"(?:every(?:one|body)'?s|every\s+(?:child|kid|pupil)'?s|all\s+(?:the\s+|their\s+)?"
       r"(?:kids'?|children'?s|pupils'?)?)\s*full\s+names|full\s+names\s+(?:underneath|below|under\s+"
       r"(?:it|the\s+(?:photo|pic|picture))|on\s+it)|"
       r"(?:from\s+)?left\s+to\s+right|full\s+names\s+(?:are\s+)?in\s+the\s+(?:comments|"
       r"caption)|tag\s+yourselves|"
       r"sent\s+to\s+the\s+wrong\s+(?:homes?|houses?|address(?:es)?|famil(?:y|ies)|parents)|"
       r"(?:got|been|was|were)\s+sent\s+to\s+(?:another|a\s+different|the\s+wrong)\s+(?:mum|dad|"
       r"parent|family)|"
       r"(?:dm|message|send|inbox|pm)\s+(?:us|me)\s+(?:with\s+)?(?:your\s+)?(?:child'?s|childs|"
       r"kids?'?s?|son'?s|daughter'?s)\s+(?:full\s+)?names?|"
       # (Not the writer's own address: "someone who lives on Church Lane", "I live on ...".)
       r"(?<!who )(?<! i )(?:lives|living|stays)\s+(?:at|on)\s+(?:\d+\w?\s+)?\w+\s+(?:road|close|"
       r"street|avenue|"
       r"lane|drive|way|crescent|gardens|terrace|place)",
       "pupils' images, names or data shared"),
    # -- reputation_risk: could hurt the school in public ------------------------------------
    # "court" alone is a sports court as often as a law court: only the legal senses count.
    _r("legal", "reputation_risk", 0.7, "high",
       r"arrested|(?:taken|take|taking|go|going|went|up)\s+(?:[\w']+\s+){0,6}?"
       r"(?:to|in|before)\s+court|court\s+(?:case|hearing|order|action)|crown court|"
       r"magistrates'?\s+court|lawsuit|sued|suing|tribunal|"
       r"(?:appeared|appears|appearing|due to appear)\s+(?:before|at|in)\s+(?:the\s+)?"
       r"(?:magistrates|court|crown court)|in court (?:over|after|for|accused)|"
       r"(?:denies|denied|deny)\s+(?:the\s+|all\s+)?charges?|charged with|"
       r"pleaded (?:not )?guilty",
       "public scrutiny (legal action)"),
    _r("scrutiny", "reputation_risk", 0.7, "high",
       # The police at or about the school, not a parent's report of somebody else ("sent the
       # screenshots to the police" about a stranger online).
       r"police\s+(?:are\s+|were\s+|have\s+been\s+)?(?:investigat\w+|involved|called|presence|"
       r"at\s+the\s+(?:school|gates?)|outside|raid\w*|statement|interview\w*|arrested)|"
       r"(?:arrested|charged|cautioned)|solicitors?|investigat(?:ion|ed|ing)|"
       # How the local paper reports trouble at a school.
       r"officers\s+(?:attended|were called|are patrolling|patrolled)|inquest|"
       r"apologi[sz](?:es|ed)\s+(?:after|over|for)|(?:parents|families)'?\s+(?:anger|fury|"
       r"outrage)|(?:anger|fury|outrage|concern)\s+(?:as|after|over)\s+(?:\w+\s+){0,3}?"
       r"(?:school|academy|primary|pupils?|head)|"
       r"scandal|cover[\s-]?up|fraud|sacked|fired|suspended|in the (?:news|papers|gazette)|"
       r"(?:has|have) (?:a story|picked it up|covered)|"
       r"journalists?|the press|reporters?|the bbc|special measures|inadequate|"
       r"requires improvement|data breach|leaked|"
       r"(?:exam|mock|test|sats)\s+papers?\s+(?:\w+\s+){0,3}?(?:going\s+round|leaked|online)|"
       r"whistle[\s-]?blow(?:er|ing)?|"
       r"local (?:paper|news|rag)|front page|headlines?|(?:bbc|itv|sky) news|points west|"
       r"(?:an?|the) (?:inquiry|investigation) into|under investigation|downgraded|"
       r"(?:been )?let go|(?:quits?|resign(?:s|ed)?|stood down) (?:amid|over|after)",
       "public scrutiny"),
    _r("allegation", "reputation_risk", 0.6, "high",
       r"lie[sd]? to|falsif(?:y|ied|ying)|fiddl(?:ed|ing)|drunk|drinks on the job|"
       r"hiding|covered up|fake (?:account|page|profile|fundraising)|pretending to be|scam|"
       r"(?:logo|crest|badge)\s+(?:\w+\s+){0,3}(?:on|used|photoshopped)|"
       r"alleged(?:ly)?|rumou?r (?:is|has it)|word is|supposedly|affair with|"
       r"drink[\s-]?driv\w+|lost (?:his|her) licence|over the limit|"
       r"pints?\s+in,?\s+(?:then\s+)?(?:\w+\s+){0,3}?(?:drove|driving|got in (?:his|her) car)|"
       r"helping (?:him|her)self to|"
       r"(?:stole|stealing|nicked|nicking|embezzl\w+)|impersonat\w+|"
       r"(?:using|uses|used) the (?:school'?s |academy'?s )?(?:name|logo|badge|crest)|"
       r"not the (?:real|school'?s|official)|"
       r"(?:isn'?t|not) (?:affiliated|official|from the school)|"
       # How a teacher is said to treat children: insulted, shouted down, told they are nothing.
       r"(?:shout(?:s|ed|ing)?|scream(?:s|ed|ing)?|swore|swears|swearing)\s+at\s+(?:him|her|"
       r"them|kids|children|pupils|(?:my|our)\s+(?!dogs?\b|cats?\b|car\b|house\b)\w+|"
       r"\w+[\s-]year[\s-]olds)|"
       r"smell(?:s|ing|ed)?\s+of\s+(?:drink|alcohol|booze)|(?:won'?t|never|not)\s+amount\s+to|"
       r"humiliat(?:ed|ing|es)\s+(?:him|her|them|my|our)|"
       # A scam in the school's name asks for money through a link.
       r"(?:send|pay|transfer)\s+£\s?\d+\s+(?:\w+\s+){0,5}?(?:to|via|at|through)\s+(?:the|this|my)\s+"
       r"link|bank\s+details|(?:copy|photo|scan)\s+of\s+(?:your\s+)?passport|0fficial|"
       r"fake\s+(?:@|(?:insta\w*|tiktok|twitter|facebook|fb|snap\w*)\b)|"
       r"(?:it'?s|it\s+is|they'?re|that'?s)\s+not\s+(?:them|the\s+school)(?!'s)\b|"
       r"(?:never|don'?t|do\s+not)\s+(?:texts?|sends?|emails?)\s+(?:out\s+)?links|"
       # More scams in the school's name: a new bank account, a fee to be hired, a giveaway.
       r"sort\s+code|(?:pay|paying)\s+(?:a\s+)?£\s?\d+(?:\.\d\d)?\s+(?:\w+\s+){0,3}?(?:fee|dbs|"
       r"deposit|admin)|giving\s+away\s+(?:\d+\s+)?(?:brand\s+new\s+)?(?:ipads?|iphones?|laptops?|"
       r"vouchers)|click\s+the\s+link\s+in\s+(?:our|the|my)\s+bio|interviews?\s+(?:held\s+)?"
       r"(?:on|via)\s+whatsapp|reply\s+stop\s+to\s+opt\s+out|avoid\s+(?:meals?|lunch(?:es)?|"
       r"dinners?)\s+being\s+withheld|confessions\s+(?:acc\w*|page|insta\w*)|submission\s+#\s?\d+|"
       # Rumour put about: "word on the playground is", "all very hush hush".
       r"word\s+on\s+the\s+(?:playground|street|grapevine|school\s+gate)|hush[\s-]hush|"
       r"make\s+(?:up\s+)?your\s+own\s+minds?\s+up|['‘\"]asked\s+to\s+leave",
       "allegation or misuse of the school's name"),
    # Swearing at, insulting or using slurs about someone: abusive if it is about the school or
    # its staff (nearness decides). Swearing for emphasis ("bloody brilliant") is left to the
    # model, which has seen both.
    _r("abuse", "reputation_risk", 0.6, None,
       r"f[u*]+c?k(?:ing?|in|ed|er|ers)?|f\*+(?:ing?|in)?|fck\w*|shit\w*|bullshit|"
       r"twats?|pricks?|dickheads?|wank\w*|tossers?|bastards?|bitch\w*|cunts?|c\*+t|"
       r"arseholes?|assholes?|bellends?|knob(?:head)?s?|idiots?|morons?|retards?|losers?|"
       r"scum(?:bag)?s?|slags?|sluts?|whores?|nonces?|paedos?|creeps?|"
       r"fag(?:got)?s?|n[i1]gg\w*|pakis?|trann(?:y|ies)|dykes?|spastics?|spaz|"
       r"piece of (?:shit|work|crap)|go to hell|rot in hell|die in a fire|"
       r"(?:miserable|stuck[\s-]up|lying|silly|stupid|nasty|rude|horrible|arrogant|old|fat|ugly|"
       r"jumped[\s-]up)"
       r"\s+(?:cow|git|mare|witch|snake|pig|muppet|clown|prat|dinosaur)s?|"
       r"(?:needs?|deserves?|wants?)\s+a\s+(?:good\s+)?(?:slap|smack|punch|kicking|hiding)|"
       r"(?:is|are|was|were)\s+(?:a|an|such a|an absolute|a total|a complete|a bunch of|a load of|"
       r"a pack of)"
       r"\s+(?:\w+\s+)?(?:cows?|snakes?|muppets?|clowns?|cowboys|jokers?|dinosaurs|zoo|dump|"
       r"sh[i*]t\s?hole|waste of space)|sh[i*]t\s?hole|couldn'?t (?:run|organise) a|"
       r"lying (?:\w+ )?(?:cow|git|toad|snake)",
       "abusive words"),
    _r("criticism", "reputation_risk", 0.45, "normal",
       r"disgusting|shocking|appalling|awful|terrible|worst|shambles|"
       r"embarrass(?:ing|ment)|vile|nasty|arrogant|horrible|"
       r"shameful|failing|rubbish|boycott|petition|falling apart|"
       # ("had a joke for each form" is a head's leavers' speech, not derision.)
       r"clueless|chaos|chaotic|(?<!had )(?<!told )(?<!cracked )(?<!made )(?<!share )a joke"
       r"(?!\s+(?:for|about|with|to)\b)|gone (?:right )?downhill|"
       r"rotten|hopeless|no discipline|run(?:ning)? riot|not fit (?:for|to)|"
       r"heartless|petty|smug|snobb(?:y|ish)|snobs|cliquey|condescending|patronising|"
       r"(?:couldn'?t|could not) care less|(?:don'?t|doesn'?t) (?:give a|care about (?:the )?"
       r"(?:kids|children|pupils))|(?:a|an absolute|total|complete) (?:con|farce|circus|mess)|"
       r"laughable|abysmal|atrocious|woeful|dire|dreadful|toxic|all front|pr stunt|"
       r"vanity projects?|zero accountability|amateur hour|kangaroo court|clowns?|bent|dodgy|"
       r"stay away|corrupt(?:ion)?",
       "harsh public criticism"),
    # Running the school or its people down in public, and telling others to stay away
    # (LABELLING.md: reputation risk even when it is also a complaint): character, competence,
    # honesty, motives. Beside the mention it carries the label alone (classify.DECISIVE).
    _r("rundown", "reputation_risk", 0.6, "normal",
       r"disgrace(?:ful)?|joke of a school|incompetent|useless|pathetic|🤡|laughing\s?stock|"
       r"(?:an?\s+)(?:absolute|total|complete|utter|bloody|f\w*ing)\s+joke|la\s+la\s+land|"
       r"lost\s+its\s+way|used\s+to\s+be\s+a\s+(?:good|great|decent|lovely|brilliant)\s+school|"
       # Telling families to keep away, not "don't send your child in with a temperature".
       r"stay away from (?:this|that|the) (?:school|academy|place)|"
       r"(?:do(?:n't| not)|never(?: ever)?) send (?:your|my|a|any) (?:\w+\s+)?(?:kids?|"
       r"child(?:ren)?|sons?|daughters?) (?:here|there|to)\b|"
       r"should be (?:ashamed|sacked|closed)|"
       r"avoid\s+(?:this|that|the)\s+(?:school|academy|place)|avoid\s+st\.?\s+\w+|"
       r"avoid\s+(?:\w+\s+){1,4}?(?:primary|academy|school|college)|avoid\s+(?:like the plague|"
       r"at all costs|if you can)|(?:^|[.!?]\s*)avoid[.!]|"
       r"coward(?:ly|s)?|spineless|gutless|power[\s-]?(?:mad|hungry|trip)|(?:tin[\s-]?pot\s+)?"
       r"dictators?(?:hip)?|jobsworths?|chancers?|cowboys|crooks?|crooked|"
       r"shameless(?!\s+plug)|spiteful|vindictive|liars?|rudest|"
       r"(?:is|was|are|a|such a|total|complete)\s+(?:\w+\s+)?bull(?:y|ies)|"
       r"bull(?:y|ies)\s+(?:the\s+|other\s+|its\s+)?(?:staff|teachers|colleagues|parents)|"
       r"bullying culture|two[\s-]?faced|hypocrit(?:e|es|ical)|unprofessional|"
       r"inept|incompetence|negligen(?:t|ce)|out of (?:their|his|her) depth|asleep at the wheel|"
       r"racist|sexist|homophobic|discriminat(?:ion|ory|ing)|off[\s-]?rolling|"
       r"gaslight(?:ing|ed)?|"
       # Derision and allegation as people write it: the school as a prison, a cult or a zoo,
       # a whitewash, jobs for the boys, results fiddled, a member of staff a snake or a tyrant.
       r"(?:is|'s|are|was)\s+(?:literally\s+|basically\s+|just\s+|like\s+)?(?:a|an)\s+(?:\w+\s+)?"
       r"(?:prison|cult|zoo|circus|shambles|clique|racket|sinking ship)|"
       r"where\s+(?:\w+\s+){1,2}?goes?\s+to\s+die|whitewash(?:ed)?|cover(?:ed|ing)?[\s-]up|"
       r"jobs for the boys|nepotism|(?:fiddl|fudg|rigg|cook)(?:es|ed|ing|e)\s+(?:the\s+)?(?:sats|"
       r"results|figures|books|attendance|data)|pervert|nonce|tyrants?|snakes?|"
       r"think twice about|nobody\s+good\s+stays|(?:looking\s+at|thinking\s+(?:of|about)|"
       r"considering)\s+(?:\w+\s+){0,5}?[-–—:]\s*don'?t\b|"
       r"(?:hasn'?t|haven'?t|has\s+not|have\s+not)\s+(?:got\s+)?a\s+clue|"
       r"(?:management|leadership|they|the\s+head|slt|staff|school|office|teachers?|senco)\s+"
       r"(?:\w+\s+)?(?:didn'?t|don'?t|doesn'?t|did\s+not|do\s+not)\s+have\s+a\s+clue|"
       r"turn(?:s|ed|ing)?\s+a\s+blind\s+eye|pretend\s+(?:they\s+)?(?:can'?t|don'?t)\s+see|"
       r"(?:don'?t|do\s+not)\s+believe\s+(?:the|their)\s+(?:\w+\s+)?(?:prospectus|website|hype|"
       r"ofsted|brochure)|(?:don'?t|do\s+not|never)\s+work\s+(?:here|there)|"
       r"concerns?\s+(?:\w+\s+){0,3}?(?:were|was|got)\s+sat\s+on|"
       r"hid(?:es|ing)\s+behind\s+(?:['\"‘“]?polic(?:y|ies)|procedures?|rules|gdpr|data\s+protection|"
       r"the\s+(?:policy|rules|governors|trust|lawyers?))|work\s+of\s+fiction|"
       r"(?:for|in)\s+(?:all\s+)?the\s+wrong\s+reasons|"
       r"(?:hates?|can'?t stand)\s+(?:black|brown|gay|disabled|sen|poor|muslim|asian|"
       r"traveller)\s+(?:kids|children|pupils|students|families)",
       "running the school or its staff down"),
    # -- parental_complaint: a parent unhappy with the school --------------------------------
    _r("escalation", "parental_complaint", 0.75, "high",
       r"formal complaint|"
       r"(?:writ(?:e|ing)|wrote|written|complain(?:ing|ed)?|go(?:ing)?|report(?:ing|ed)?)\s+to\s+"
       r"(?:the\s+|our\s+)?(?:governors|council|ofsted|local authority|lea|mp|trust|press|papers|"
       r"dfe)|(?:take|taking)\s+(?:this|it)\s+further|escalat(?:e|ing|ed)|"
       r"(?:pull|pulling|take|taking|move|moving)\s+(?:him|her|them|my\s+\w+|our\s+\w+)\s+"
       r"out\s+of\s+(?:the\s+|this\s+)?(?:school|\w+)|instructed a solicitor",
       "escalating complaint"),
    _r("complaint", "parental_complaint", 0.55, "normal",
       r"complain(?:t|ts|ed|ing)?|unacceptable|unhappy|disappointed|disappointing|fed up|furious|"
       # (The writer angry, not a step-dad who "gets angry", a mum "angry" at home, or "angry
       # at myself": what somebody does, not the parent's mood about the school.)
       r"livid|(?:i'?m|im|i am|we'?re|we are|so|really|very|absolutely|bloody|proper|"
       r"seriously)\s+angry(?!\s+(?:at|with)\s+(?:myself|ourselves))|annoyed|let down|"
       r"ridiculous|"
       # "That's not on", not "for anyone not on the app" (but "not on the list" to collect).
       r"not on(?!\s+(?:(?:the|a|an|my|our|his|her|their|your|this|that)\s+(?!list|system|"
       r"register|collection)|it\b|me\b|us\b|him\b|them\b|socials\b|school\b))|"
       r"not ok(?:ay)?|too (?:much|strict|harsh)|"
       r"waste of time|fobbed off|fob[\s-]?offs?|had enough|sick (?:and tired )?of|fuming|"
       r"outrageous|out of order|beyond a joke|pointless|get a grip|sort it out|"
       r"daylight robbery|made of money|(?:absolutely|completely) mental|"
       r"(?:so|very|really|quite|incredibly|extremely) rude|rude to (?:parents|me|us|my)|"
       r"(?:is|are|was|were) (?:absolutely |totally )?rank|(?:a|an absolute|a total|such a) "
       r"nightmare|(?:such|a real|what a) shame|gutted|barked at|"
       r"(?:shouted|snapped|yelled) at (?:me|us|parents|my)|no retakes?|not impressed|"
       # Forum idiom: "taking the mick", "my only gripe", "the rest, not so much".
       r"taking the (?:mick|mickey|piss|biscuit)|(?:my\s+)?(?:only|one|biggest)\s+gripe|"
       r"not so much|(?:hasn'?t|haven'?t|never|didn'?t|won'?t)\s+(?:returned|answered|replied "
       r"to)\s+(?:my|our|any)\s+(?:calls?|emails?|messages?|letters?)",
       "complaint"),
    # Weak on their own: how parents sound when something has gone wrong, again.
    _r("complaint_cue", "parental_complaint", 0.35, None,
       r"seriously|come on|why (?:does|do|did|is|are|has|have|can'?t|won'?t)|"
       r"(?:no|short|two days'?|20 minutes'?) notice|without (?:telling|asking|notice|warning)|"
       r"nobody told|no one told|not told|still (?:hasn'?t|haven'?t|not|no)|"
       r"(?:has|have) to (?:buy|pay)|can'?t afford|priorities|refus(?:ed|ing|es)|cancel(?:l?ed|s)|"
       r"(?:isn'?t|not) fair|unfair|(?:can'?t|cannot) keep up|please (?:stop|listen)|"
       r"(?:didn'?t|doesn'?t|don'?t) even|kids will be kids|wrong (?:paper|day|date|uniform)|"
       # (Lost property, not a bereavement: "lost her grandad in May".)
       r"dangerous|no one listens|lost (?:my|his|her|our|the)(?!\s+(?:grandad|grandma|grandpa|"
       r"nan|nana|nanna|granny|mum|dad|mother|father|brother|sister|husband|wife|partner|dog|cat|"
       r"baby|temper|voice|mind|way)\b)|never (?:replies|answers|responds)|"
       r"mad|bonkers|daft|absurd|bit steep|rip[\s-]?off|racket|skint|cost of living|scrapped|"
       r"(?:nobody|no one) thought to|not the way|copy and paste|where'?s (?:his|her|the|my)|"
       r"keeps? (?:keeping|giving|sending|losing|forgetting|changing|putting|being)|"
       r"collective punishment|please explain|how is (?:that|this|it) fair|is it just me|"
       r"would(?:'ve| have) been nice|some of us|not all of us|we don'?t all|do they think|"
       r"why should|what(?:'s| is) the point|nobody has (?:fixed|sorted|done)|"
       r"told them (?:again|twice|\w+ times)|(?:rung|rang|emailed|called|asked|messaged|chased) "
       # (Not the school's calls to the parent: "Miss Adeyemi rang us twice over the summer".)
       r"(?!us |me )(?:\w+ ){0,3}?"
       r"(?:twice|three times|\w+ times|again)|(?:since|in) (?:september|october|november|"
       r"january|february|easter|christmas)|every single|yet again|getting silly|"
       r"no warning|(?:the )?night before|last minute|same \w+ every|"
       r"£\s?\d+(?:\.\d\d)?\s+(?:each|for (?:a|an|one|that|the)|per|a (?:term|week|day|go))|"
       # Praise with a but: "shame about the supply teachers", "less lovely: £5 tickets".
       r"(?:shame|pity)\s+(?:about|that|it'?s|the)|less\s+(?:lovely|gorgeous|good|great|"
       r"impressive)|(?:a\s+)?bit\s+(?:rich|much)|slightly\s+odd|(?:the\s+)?first\s+(?:i|we)\s+"
       r"knew|zero\s+warning|due\s+(?:in\s+)?(?:tomorrow|the next day)|"
       r"(?:£\s?\d+|\d+\s*(?:quid|pounds?))\s+(?:to|for)\s+(?:download|reprint|watch|see)|"
       r"how\s+do\s+you\s+go\s+backwards|just\s+shrugs?|aibu|"
       # A promise to call back, reported by a parent still waiting.
       r"(?:would|will|'ll|'d|going to|gonna)\s+['\"‘“]?(?:get back to|ring|call|phone)\s+"
       r"(?:me|us)\s+(?:back\s+)?['\"’”]?\W+(?:\w+\W+){0,3}?(?:it'?s|that was|now|still)|"
       # Rhetorical questions: "who decided…", "where exactly are we meant to…".
       r"who\s+(?:decided|thought|signed\s+off)|where\s+(?:exactly\s+)?(?:are|am)\s+(?:we|i)\s+"
       r"(?:meant|supposed)\s+to|do\s+they\s+not|shouldn'?t\s+(?:that|it|this)\s+be\s+free|"
       r"what\s+century|make\s+it\s+make\s+sense|"
       # Both ways of chasing, a star taken off, and the disclaimer before a complaint.
       r"(?:emailed|rung|rang|called|phoned|messaged)\s+and\s+(?:emailed|rung|rang|called|phoned|"
       r"messaged)|minus\s+(?:one|a|an|two|\d)\s+stars?|not\s+having\s+a\s+go|"
       r"parents\s+deserve",
       "complaint cue"),
    _r("unanswered", "parental_complaint", 0.55, "normal",
       r"not (?:good enough|acceptable|happy|impressed|right)|"
       r"no (?:one|body) (?:has\s+)?(?:replied|responded|got back|called back|answered|answers|"
       r"listens)|"
       r"nobody (?:has\s+)?(?:replied|responded|got back|called back|answered|answers|listens)|"
       r"(?:no|zero) (?:reply|response|answer|refund)|still waiting|heard nothing|"
       r"still no (?:reply|word|answer|response)|nothing back|won'?t answer|"
       r"haven'?t heard a (?:thing|word|peep)|not a (?:single )?word back|nothing since|"
       r"(?:not even|no|without (?:an?|any))\s+(?:an?\s+)?acknowledge?ment|"
       r"how is (?:this|that|it) (?:ok|okay|acceptable|allowed)|"
       r"ignored|ignoring (?:my|our|us|parents)|why (?:does|do|did|has|have|is|are) (?:no one|"
       r"nobody|the school)",
       "complaint", negatable=False),
    # The school failing to act on what happened ("School did nothing", "nobody has rung us",
    # "the teachers laugh it off"): what turns a parent's report of harm into a complaint too.
    _r("school_failed", "parental_complaint", 0.5, "normal",
       # The school's brush-off, quoted: "they said they'd 'look into it'", "Miss says it's
       # 'outside school hours'", "told me it was 'banter'".
       r"(?:said|says|say|told\s+(?:me|us))\s+(?:that\s+)?(?:they'?(?:re|d|ll)\s+|"
       r"they\s+(?:will|would)\s+|it'?s\s+|it\s+was\s+|(?:she|he)(?:'s|'d)\s+)?['\"‘“]?"
       r"(?:looking\s+into\s+it|look\s+into\s+it|monitor|keep(?:ing)?\s+an\s+eye|working\s+on|"
       r"outside\s+(?:of\s+)?school|not\s+(?:their|our)\s+problem|banter|just\s+(?:kids|boys|"
       r"a\s+game|friendship))|"
       r"(?:outside\s+(?:of\s+)?school(?:\s+hours)?|not\s+(?:their|our)\s+problem|working\s+on\s+"
       r"friendships)['\"’”]|"
       r"(?:school|they|staff|teachers?|head(?:teacher)?|office|principal|nobody|no one|noone)\s+"
       r"(?:has\s+|have\s+)?(?:did|done|do|does|doing)\s+(?:absolutely\s+)?nothing|"
       r"(?:school|they|staff|teachers?|head(?:teacher)?|office|principal)\s+(?:\w+\s+)?"
       r"(?:didn'?t|did not|never|haven'?t|hasn'?t|won'?t|wouldn'?t)\s+(?:even\s+)?(?:bother(?:ed)?"
       r"\s+to\s+)?(?:tell|told|ring|rang|rung|call|called|phone|phoned|text|texted|inform|"
       r"informed|notice|noticed|check|checked|contact|contacted|let us know|say a word|send|sent|"
       r"e-?mail|e-?mailed|"
       r"said a word)|"
       r"(?:nobody|no one|noone)\s+(?:from\s+(?:the\s+)?school\s+)?(?:has\s+|have\s+)?(?:done|"
       r"did)\s+(?:a\s+(?:single\s+)?thing|anything)|"
       r"(?:they|school|the\s+school|head|principal)(?:'ve|\s+have|\s+has)?\s+(?:said|say|says|"
       r"told\s+(?:us|me|her|him))\s+(?:that\s+)?(?:they|it|she|he)\s+(?:can'?t|cannot|won'?t)\s+"
       r"(?:deal\s+with|do\s+anything|help|act|get\s+involved)|"
       r"(?:nobody|no one|noone)\s+(?:from\s+(?:the\s+)?school\s+)?(?:has\s+|even\s+)?"
       r"(?:rang|rung|called|phoned|contacted|told|texted)\s+(?:us|me)|"
       r"laugh(?:ed|s|ing)?\s+it\s+off|(?:just\s+)?(?:stand|stood|standing)\s+(?:there\s+)?"
       r"(?:and\s+)?watch(?:ed|ing)?|swept\s+(?:it\s+)?under\s+the\s+(?:carpet|rug)|"
       r"brush(?:ed)?\s+(?:it\s+|us\s+|me\s+)?off|"
       r"(?:logged|recorded|wrote)\s+it\s+(?:up\s+)?as|hasn'?t\s+said\s+a\s+word|"
       # Their answer, reported flatly: "the school's big response was to move HER seat".
       r"(?:school'?s|their|the\s+head'?s|his|her)\s+(?:only\s+|big\s+|whole\s+|grand\s+)?"
       r"(?:response|answer|advice|solution|reply)\s*(?:was|is|:)|response\s*:",
       "the school did not act"),
    # What parents complain about (issue 4): alone it is only a topic; the model weighs it with
    # the tone.
    _r("complaint_topic", "parental_complaint", 0.2, None,
       r"sen|send|senco|ehcp|ed(?:ucational)? psych\w*|1:1|one[\s-]to[\s-]one|ta hours|"
       r"support plan|reasonable adjustments?|assessment|detentions?|isolation|"
       r"behaviour points?|exclu(?:ded|sion)|uniform|blazers?|skirts?|jumpers?|pe kit|"
       r"homework|projects?|reading books?|spellings|dinners?|lunch(?:es|times?)?|canteen|"
       r"portions|menu|trips?|residential|refund|deposit|letters?|emails?|newsletters?|"
       # A child's report home, not an Ofsted report (the inspectors' verdict).
       r"parents'? evening|(?:school|end[\s-]of[\s-](?:year|term)|annual|written|his|her|their|"
       r"my|our|the|a|child'?s|interim)\s+reports?|reports?\s+(?:home|cards?|came|come|says?|"
       r"said)|timetable|term dates|office|phone policy|parking|"
       r"breakfast club|after[\s-]school club|supply teachers?|communication|rules?|policy",
       "complaint topic"),
    _r("parent_voice", "parental_complaint", 0.3, None,
       r"my (?:son|daughter|child|kid|boy|girl|lad)s?|our (?:son|daughter|child|children|kids)|"
       r"as a parent|as parents|(?:we|us) parents",
       "a parent speaking"),
    # -- positive ----------------------------------------------------------------------------
    _r("praise", "positive", 0.6, None,
       r"thank(?:s| you)(?: so much)? (?:to|for)|huge thanks|thank you|well done|congratulations|"
       r"congrats|so proud|proud of|outstanding|a credit to|hats off|shout[\s-]?out to|"
       r"highly recommend|killer results|smashed it|nailed it|can'?t thank|can'?t fault|"
       r"above and beyond|legend|star of the week|to die for|killed it|bossed it|"
       r"(?:won|beat|battered|thrashed|hammered|smashed)\s+(?:\w+\s+){0,3}?\d+\s*[-–]\s*\d+|"
       r"(?:county|regional|national|league|cup)\s+(?:champions|winners|finals?)|"
       r"so much talent|so talented|full marks|"
       # Praise without the stock words: what the writer saw, and what it did for them.
       r"not a dry eye|stole the show|(?:an?\s+)?absolute (?:star|gem|credit|legend)|"
       r"(?:no idea|never know|don'?t know) (?:what|how much) (?:she|he|they|you) did for|"
       r"remembered (?:every(?:one|body)'?s|my|all (?:our|the)) names?|best bit of|"
       r"(?:a|the) (?:school|new) record|very talented|(?:very|so) respectful",
       "praise"),
    _r("warm", "positive", 0.35, None,
       r"amazing|brilliant|fantastic|wonderful|lovely|"
       r"great (?:job|work|day|time|effort|news|school|teachers?|staff)|superb|excellent|"
       r"fab(?:ulous)?|incredible|best (?:school|teachers?|day)|"
       r"recommend|supportive|caring|kind|helpful|delighted|enjoyed|loved|beautiful|inspiring|"
       r"inspirational|grateful|happy|thanks|loves? it|welcoming|cute|leaps and bounds|"
       r"over the moon|blossomed|beaming|angels?|a star|so talented|second to none|impressed|"
       r"breath of fresh air|kindest|so at home|what a (?:teacher|school|head|team|star|lady|man)|"
       r"credit (?:to|where)|couldn'?t (?:ask for|be happier)|made (?:her|his|my|our) (?:day|year)|"
       r"buzzing|chuffed|thrilled|"
       # Praise in idiom: "spot on", "good lads", "whatever you're doing, carry on".
       # ("my spot on the team" is a place, not the idiom.)
       r"spot on(?!\s+(?:the|a|my|his|her|their|our|your)\b)|good (?:lads|kids|girls|lot)|"
       r"couldn'?t be prouder|(?:are|you'?re|real|absolute)\s+heroes|(?:was|were)\s+elite|"
       r"how lucky (?:they|we|you) are|lucky to have (?:him|her|them|you)|"
       r"whatever (?:she|he|they|that (?:woman|man|lady|teacher))(?:'s| is| are|'re) doing,? "
       r"(?:it'?s|its|is) working|making good progress|"
       r"(?:been|was|were|are|is)\s+(?:\w+\s+)?great\s+with|top\s+notch|blew\s+the\s+roof\s+off|"
       r"unbeaten|top\s+of\s+the\s+league|did\s+(?:their|the|his|her|our)\s+school\s+proud|"
       r"doing\s+something\s+right|deserves?\s+a\s+(?:knighthood|medal|pay\s+rise|award)|"
       r"politest|iconic|magnificent|(?:very|so|all very) proud|"
       r"(?:whatever|what)(?:ever)? (?:you'?re|they'?re) doing,? (?:keep (?:going|it up)|carry on)|"
       r"keep (?:up the|it up)|transformed|undefeated|(?:praise[sd]?|praising)\b|"
       r"(?:they|she|he)\s+(?:really\s+)?listened|(?:i|he|she)\s+(?:like|likes|love|loves)\s+school|"
       r"🥹",
       "warm words"),
    _r("warm_emoji", "positive", 0.35, None, r"❤️|❤|😍|👏|🎉|🌟|🥰|💙|💚|🏆",
       "warm emoji", negatable=False),
)
# fmt: on

_TAUGHT = (
    r"(?:extremism|radicalisation|drugs|knife crime|bullying|online safety|self[\s-]harm|"
    r"grooming|consent|(?:the\s+)?(?:nazis|holocaust|second world war|ww2|wwii|fascism|"
    r"terrorism|prevent))"
)
# Figures of speech that look like threats or harm and are not ("killer results").
HYPERBOLE = _pair(
    _B.format(
        # Alarming words used harmlessly: a song ("Nobody's gonna hurt you, baby"), uniform
        # outgrown ("won't need them after Friday when the new ones arrive").
        r"(?:nobody|no\s?one)(?:'s|s|\s+is)\s+(?:gonna|going\s+to)\s+hurt\s+(?:you|u)|"
        r"(?:won'?t|wont|will\s+not)\s+need\s+(?:it|them)\s+after\s+\w+\s+(?:when|as|because|"
        r"cos|once)|"
        # A lift home given in kindness and thanked for ("thank you to the mum who gave my
        # Alfie a lift home"); photos shown with consent; a pupil calling a teacher "sir"; a
        # child sat alone in school as the SEN support a parent complains of.
        r"(?:thanks|thank\s+you)\s[^.!?\n]{0,80}?lifts?\s+home|"
        r"(?:photos?|pictures?|pics|videos?)\s+of\s+(?:\w+\s+){0,3}?(?:whose|where)\s+"
        r"(?:\w+\s+){0,3}?(?:consent|permission)|"
        r"call(?:ed|ing|s)?\s+(?:him|her|them|me)\s+['\"‘“](?:sir|miss)['\"’”]|"
        r"sat\s+on\s+(?:his|her|their)\s+own\s+in\s+(?:the\s+)?(?:corridor|library|classroom|hall|"
        r"office|canteen|isolation)|"
        r"kill(?:ing)? (?:for|whoever|time|it|me|us|the mood|two birds)|killer|killing it|"
        r"killing me|to die for|dying (?:to|of|for)|died laughing|bored to death|"
        r"scared to death|murder a|could murder|bombed|da bomb|the bomb|shoot me now|"
        r"shot (?:of|at) (?:glory|goal|fame)|smashed it|nailed it|knife[\s-]?edge|"
        r"drugs? (?:(?:&|and) alcohol )?(?:education|awareness|talks?|lessons?|workshops?)|"
        r"(?:nearly|almost) (?:killed|died|kill) (?:him|her|my|them|our)sel(?:f|ves)? (?:on|at|in|"
        r"doing|running|climbing|laughing|trying)|"
        # A lesson or a piece of work about extremism is not extremism: "doing my EPQ on how
        # far-right groups recruit teenagers", "RE today was 'how do extremist groups recruit'".
        r"(?:epq|essay|dissertation|coursework|project|lessons?|assembly|pshe|re\s+(?:today|"
        r"lesson|this\s+week))\s+(?:\w+\s+){0,3}?(?:was|on|about|is)\s+['\"‘]?(?:\w+\s+){0,3}?"
        r"(?:extremis\w+|far[\s-]right|radicali[sz]\w+)(?:\s+(?:and|&|or)\s+(?:extremis\w+|"
        r"far[\s-]right|radicali[sz]\w+))*|bully[\s-]?(?:free|proof)|anti[\s-]?bullying|"
        r"bullying (?:awareness|week|policy|prevention)|e[\s-]?safety|online safety|"
        r"stranger danger|(?:police|fire) (?:visit(?:ed)?|officers? visited|came to talk)|"
        r"(?:be )?the death of me|hurt myself laughing|death scene|knife crime awareness|"
        r"police liaison|photo finish|(?:glue|nerf|water|staple|bubble|foam|toy|cap|paint|"
        r"massage|grease|starting|start(?:er|ing))[\s-]guns?|"
        # A threat over a trifle: "she's going to kill him if he forgets his PE kit again".
        r"(?:kill|stab|murder|end)\s+(?:him|her|me|you|them|us|\w+)['\"”]?\s+if\s+(?:he|she|i|you|"
        r"they|we)\s+(?:\w+\s+){0,2}?"
        r"(?:forgets?|forgot|loses?|lost|eats?|ate|is late|are late|leaves?|drops?|breaks?|took|"
        r"takes?|nicks?|nicked|steals?|stole)\b|"
        # Recovery told, not a risk: "2 years clean from self harm today".
        r"(?:clean|free)\s+(?:from|of)\s+self[\s-]?harm(?:ing)?|self[\s-]?harm[\s-]free|"
        # ... or by a small child, of an adult: "threatened by a seven year old this afternoon".
        r"threaten\w*\s+by\s+(?:a|my|our|the)\s+(?:(?:two|three|four|five|six|seven|eight|[2-8])"
        r"[\s-]year[\s-]old|toddler|[2-8]\s?yo)|"
        # ... or over a programme: "threatened to end her if she watches the finale without her".
        r"threat\w*\s+to\s+(?:kill|end|murder|disown|unfriend|block)\s+(?:him|her|me|you|them|us)"
        r"\s+if\s+(?:he|she|i|you|they|we)\s+(?:\w+\s+){0,2}?(?:watch\w*|spoil\w*|skips?|"
        r"skipped|miss(?:es|ed)?|eats?|ate|forgets?|forgot|finish\w*|plays?|played|"
        r"starts?|started|binges?|binged)\b|"
        # A reporter inviting readers' messages is not a stranger seeking a child's: "looking
        # to speak to parents at St Aidan's ... DMs open".
        r"(?:reporter|journalist|researcher|producer|podcast\w*|newspaper|looking\s+to\s+"
        r"(?:speak|talk)\s+to\s+(?:parents|families|people))\W+(?:\w+\W+){0,30}?"
        r"(?:my\s+)?dms\s+(?:are\s+)?open|"
        # A happy secret: "keep it a secret, it's a surprise for Mrs Marsh's retirement".
        r"(?:surprise|secret santa|retirement|leaving (?:do|present|party|collection|card)|"
        r"whip[\s-]?round|mother'?s day|father'?s day)\W+(?:\w+\W+){0,12}?(?:secret|tell)|"
        r"(?:secret|tell)\W+(?:\w+\W+){0,12}?(?:surprise|secret santa|retirement|leaving (?:do|"
        r"present|party|collection|card)|whip[\s-]?round|mother'?s day|father'?s day)|"
        r"grandparents?'?\s+(?:and|&)\s+special\s+friends?|"
        # A charity sleep-out is not a child sleeping rough: "sleeping rough tonight - it's the
        # sixth form sleep-out for the night shelter".
        r"sleep(?:ing|s)?\s+rough\W+(?:\w+\W+){0,15}?sleep[\s-]?outs?|"
        r"sleep[\s-]?outs?\W+(?:\w+\W+){0,15}?sleep(?:ing|s)?\s+rough|"
        # ... nor a head "gone missing" for a sponsored silence.
        r"(?:gone|going|went|is|are)\s+missing\W+(?:\w+\W+){0,20}?(?:sponsored|comic relief|"
        r"children in need|for charity|fundraiser|fundraising)|"
        # The rule children are taught: "if anyone online asks you to keep a secret, tell".
        r"if\s+(?:anyone|anybody|someone|somebody|a\s+stranger|people|a\s+grown[\s-]?up)\s+"
        r"(?:\w+\s+){0,2}?(?:asks?|tells?|wants?)\s+you\s+to\s+(?:keep|send|meet)\s+(?:\w+\s+){0,2}?"
        r"(?:secrets?|photos?|pictures?|pics|them|up)|"
        # Trivial threats at nobody in particular, or at oneself: "I'll murder the next person
        # who says...", "parents evening nearly killed me".
        r"(?:kill|murder|strangle|throttle)\s+(?:the next (?:person|parent|one)|anyone who|"
        r"anybody who|everyone who)|could (?:cheerfully |happily )?(?:kill|strangle|throttle)|"
        r"(?:nearly|almost|literally|going to|gonna) (?:kill|killed|kills) me|killed me|"
        r"suicide squad|kill(?:ing|ed)? myself laughing|offer (?:she|he|you|they) can'?t refuse|"
        r"say hello to my little friend|here'?s johnny|i'?ll be back|you shall not pass|"
        r"(?:going to|gonna) die (?:of|laughing)|"
        # A parent at the end of their tether: "if I have to make ONE more costume I will
        # actually kill myself".
        r"if\s+i\s+(?:have|need)\s+to\s+(?:\w+\s+){0,4}?one\s+more\s+(?:\w+\s+){0,9}?"
        r"(?:i'?ll|i\s+will|im|i'?m)\s+(?:actually\s+|literally\s+|genuinely\s+)?(?:going\s+to\s+|"
        r"gonna\s+)?(?:kill\s+myself|die|scream|lose\s+it)|"
        r"(?:wants?|wanted|want|going\s+to|gonna)\s+(?:to\s+)?die\s+of\s+(?:embarrassment|shame|"
        r"cringe|boredom)|"
        # A small child's threat overheard by a parent: "Overheard my 8yo on the phone to her
        # best mate: 'if you tell anyone I will kill you'" (LABELLING.md: never urgent).
        r"(?:overheard|heard)\s+(?:my|our)\s+(?:[2-9]|1[01]|two|three|four|five|six|seven|eight|"
        r"nine|ten)\s*(?:yo|y/o|year old|yr old)\W+(?:\w+\W+){0,25}?(?:kill|stab|murder|shoot)|"
        r"(?:the|my|our)\s+(?:youngest|little one|toddler)\s+(?:screamed|shouted|yelled|announced|"
        r"said)\W+(?:\w+\W+){0,6}?(?:kill|stab|murder|shoot)|"
        r"(?:got |get )?(?:absolutely )?slaughtered (?:at|by|in)|"
        # Schoolwork as the cause of a death wish: "this coursework is making me want to
        # unalive myself" (school itself is left out: a child may mean that one).
        r"(?:homework|coursework|revision|exams?|mocks?|maths|physics|chemistry|biology|"
        r"geography|history|french|spanish|german|this lesson|double \w+)\s+(?:\w+\s+){0,3}?"
        r"(?:making|makes|made|make|got)\s+me\s+(?:want\s+to|wanna)\s+(?:die|unalive(?:\s+myself)?|"
        r"kms|kill\s+myself)|"
        # ... or the other way round: "he 'actually wants to die' because of the reading paper".
        r"(?:wants?|wanted|want)\s+to\s+die\W{0,3}\s+(?:\w+\s+){0,2}?(?:because\s+of|over|about)\s+"
        r"(?:the\s+|his\s+|her\s+|my\s+|a\s+)?(?:\w+\s+)?(?:homework|test|exam|paper|spellings|sats|"
        r"mocks?|times\s+tables?|reading|maths|project|coursework|revision)|"
        # ... and an exam's "kms 😭" (the emoji a pupil laughs at herself with; "kms" alone
        # after a mock stays a concern).
        r"(?:exams?|mocks?|tests?|homework|coursework|revision|maths|physics|chemistry|biology|"
        r"french|spanish|german|history|geography|english)\W+(?:\w+\W+){0,8}?kms\s*(?:😭|💀)|"
        # A staff training day names the risks it trains for: "safeguarding update: grooming".
        r"(?:safeguarding|child protection|prevent)\s+(?:training|update|refresher|course|"
        r"session|briefing|inset)\W+(?:\w+\W+){0,8}?" + _TAUGHT + r"|"
        # Being taught about a risk is not the risk.
        r"(?:learn(?:t|ed|ing)?|lessons?|talks?|workshops?|units?|assembl(?:y|ies)|taught)\s+"
        r"(?:\w+\s+){0,4}?(?:about|on)\s+(?:\w+\s+){0,5}?"
        + _TAUGHT
        + r"(?:\s+(?:and|&|or)\s+"
        + _TAUGHT
        + ")*"
    )
    # A small child's threat to a parent, quoted: "'Mum I'm going to stab you with my fork".
    # Outside the word-boundary wrapper, which would not let a quotation mark come before it.
    + r"|\b(?:mum|mummy|mam|dad|daddy),?\s+(?:i'?m|i am|i'?ll|i will)\s+(?:going to |gonna )?"
    r"\w+\s+you\b"
    # ... or to a brother or sister, quoted and then put down to the child: '"I'll kill you if
    # you eat my Freddo" - my 8 year old to his sister' (LABELLING.md: never urgent).
    r"|[\"“][^\"”\n]{1,120}[\"”]\W{0,4}(?:\w+\W+){0,2}?(?:my|our)\s+(?:\w+\s+){0,3}?"
    r"(?:son|daughter|boy|girl|lad|kids?|twins?|toddler|old|yo)\s+(?:\w+\s+){0,2}?to\s+"
    r"(?:his|her|their)\s+(?:little\s+|big\s+|baby\s+|younger\s+|older\s+)?(?:sister|brother|"
    r"siblings?|twin|cousin|mum|mam|dad)\b"
)
# Praise that is its opposite on its own ("Oh great, another INSET day").
_SARCASTIC_PRAISE = _B.format(
    r"yeah,? right|oh (?:great|brilliant|fantastic|wonderful|lovely|good|joy)|"
    r"thanks for nothing|surprise,? surprise|slow clap|"
    # Thanks for short notice: "really appreciate the notice" (at 9pm the night before).
    r"(?:really|so|do)\s+appreciate\s+the\s+(?:timing|notice|warning|heads[\s-]?up)|"
    r"(?:well done|great job|good job|brilliant|fantastic|thanks|nice one|bravo)\W+"
    r"(?:\w+\W+){0,6}?(?:for |on )?(?:losing|ignoring|cancell?ing|forgetting|wasting|ruining|"
    r"failing|messing up|another)"
)
SARCASTIC_PRAISE = _pair(_SARCASTIC_PRAISE)
# Markers that turn praise in the same sentence into its opposite.
SARCASM = _pair(
    r"🙄|🙃|😒|(?<!\w)/s(?!\w)|"
    + _B.format(r"thanks a lot|as usual|not!|(?:thanks|cheers) for that")
    + "|"
    + _SARCASTIC_PRAISE
)
# A phrase is negated when one of these (or a word ending in "n't") is among the three words
# before it: "not a complaint", "hasn't been bullied", "never unhappy".
NEGATORS = frozenset({"not", "no", "never", "nothing", "without", "hardly", "nobody", "none"})
# The author is staff: do they talk about pupils, colleagues or the school?
WORK_TALK = re.compile(
    _B.format(
        r"pupils?|students?|kids|children|my class|the class|year \d{1,2}|colleagues?|staff|"
        r"the school|our school|work|parents?|the head|classroom|lesson|playground|detention|"
        r"kids?|job|class|marking|homework|spelling test|head of year|deputy head|"
        r"year \d{1,2}s|slt|governors?|sats|pta|reminder|squad|team|assembly|trip|fair|"
        r"school|ofsted|office|inset|term|mums?|dads?|worksheets?|readers?|reading|phonics|"
        r"nativity|sports day|fixture|match|training|tutor group|form|clipboard|report cards?|"
        # School life as staff write it: year groups and teams, events, SEN and safeguarding
        # work, and a reply to someone by name or handle ("Mrs Dean, as I've explained").
        r"y\d{1,2}|yr\s?\d{1,2}|under\s?1\d+s|u1\ds|cross[\s-]country|netball|rounders|"
        r"tag rugby|open (?:evening|morning|day)|coffee morning|send|sen|senco|ehcp|dsl|"
        r"referrals?|disclosure|child|families|leadership|reports?|residential|staff\s?room|"
        r"bake sale|harvest|disco|leavers|golden time|behaviour policy|coursework|recruiting|"
        r"(?:mrs|mr|ms|miss)\s+\w+,|hi\s+\w+,|@\w+"
    ),
    re.I,
)
STAFF_NEGATIVE = re.compile(
    _B.format(
        r"brats?|idiots?|morons?|little (?:sods|shits|horrors|monsters)|hate (?:my|this|the) "
        r"(?:class|job|kids|pupils|school|colleagues)|can'?t stand|useless|thick|stupid|"
        r"nightmare|vile|feral|scum|drunk|hungover|wasted|get a (?:life|grip)|swear(?:ing)? at|"
        r"restrain myself|counting the days|no clue|jobsworth|(?:i )?give up|sods|"
        r"(?:might as well|may as well) not exist|waste of space|can'?t be arsed|screaming at me"
    ),
    re.I,
)
# Bullying between adults (a head who bullies staff, "Mrs X is a bully"): reputation risk and
# the model's to weigh, not a risk to a child. Looked for only where the bullying rule fired.
ADULT_BULLIED = re.compile(
    r"(?:mr|mrs|ms|miss|dr|sir|head(?:teacher)?|teachers?|principal|deputy|management|"
    r"leadership|senco|governors?|coach|the\s+man|the\s+woman)\.?,?\s+(?:[\w-]+,?\s+){0,4}?"
    r"(?:is|was|'s|are|were)\s+(?:a|an|such a|"
    r"the|total|complete|just)?\s*(?:\w+\s+){0,3}?bull(?:y|ies)\b|"
    r"bull(?:y|ies|ied|ying)\s+(?:the\s+|other\s+|its\s+|their\s+)?(?:staff|teachers|"
    r"colleagues|parents|adults|mums|dads|governors|the\s+office)\b|"
    r"(?:workplace|staff(?:room)?|management)\s+bullying|"
    r"(?:liar|lying)\s+(?:and\s+)?(?:a\s+)?bull(?:y|ies)\b|bull(?:y|ies)\s+and\s+(?:a\s+)?liars?\b|"
    r"(?:staff|teachers|colleagues)\s+(?:\w+\s+)?(?:get|got|are|were|being)\s+bullied|"
    # ... or said of the school at large, in a review: "Bullying is rife. AVOID."
    r"bullying\s+(?:is\s+)?(?:everywhere|rife|rampant|endemic)|(?:rife|riddled)\s+with\s+bullying",
    re.I,
)
# A post that describes private contact shows staff conduct when it is a member of staff's.
STAFF_WORD = re.compile(
    _B.format(
        r"teachers?|teaching assistant|TA|staff|coach|head ?teacher|member of staff|caretaker|"
        r"dinner (?:lady|ladies)|lunchtime (?:supervisors?|helpers?)|receptionist|form tutor|"
        r"head of year|deputy head|cover supervisor|supply teacher|senco"
    ),
    re.I,
)
# Staff and pupils in touch on social media ("follows my 10 year old on Instagram", "plays
# Roblox with him at night"): with staff named, the model decides whether it is staff conduct.
STAFF_SOCIAL = re.compile(
    _B.format(
        # Pupils' apps and games, and private channels: not Facebook or texts, which is how
        # schools and parents talk to each other ("the parents' Facebook group").
        r"snap\w*|insta\w*|tiktok|discord|roblox|fortnite|minecraft|xbox|playstation|"
        r"dms?|dm'?d|direct messages?|friend requests?|"
        r"follow(?:s|ed|ing)?\s+(?:him|her|them|my|our|pupils|kids|children|girls|boys|year)|"
        r"add(?:ed|ing|s)? (?:me|him|her|them|pupils|kids)|group ?chats?|"
        r"private (?:chat|server|account)"
    ),
    re.I,
)
# Children named in full, in a list ("well done to Alfie Morgan, Evie Hart and Maisie Cole"):
# pupils' names posted. Case matters (a name is capitalised), so this runs on the post as
# written, not on the rules' lower-cased text; and only in a post about children (CHILDREN).
_FULL_NAME = (
    r"(?!(?:Mr|Mrs|Ms|Miss|Dr|Sir|St|The|Year|Team|Class)\b)"
    r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?\s+[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
)
# ... or one child named by first name and initial ("well done Ruby P", "Harvey W in his
# dinosaur hoodie"): how parents and staff name a child they should not name in public. Of the
# training posts about children that name one so, nearly all were labelled safeguarding.
_INITIALLED = (
    r"(?!(?:Mr|Mrs|Ms|Miss|Mx|Dr|Sir|St|Cllr|The|Year|Yr|Team|Class|Key|Stage|Plan|Type|Grade|"
    r"Level|Part|Page|Unit|Block|Room|Form|Set|Group|Vitamin|Millbrook|Aidans?|Stroud|"
    r"Gloucester|Nailsworth|Cainscross)\b)"
    r"[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)? (?!I\b)[A-Z](?:-[A-Z])?\.?(?![\w'’])(?!\s+of\b)"
)
# ... or by first name and form group ("Tyler in 7R", "Lacey from 9R").
_IN_FORM = (
    r"(?!(?:Some|Any|Every|No)(?:one|body)\b)[A-Z][a-z]{2,} (?:in|from) \d{1,2}[A-Z]{1,2}(?![\w'’])"
)
# ... or one child in full with a year group, form or age ("Alfie Brooks (Y5)", "Ruby Ellis
# (3M)", "Amelia Hart, age 10").
_WITH_YEAR = (
    _FULL_NAME + r"\s*(?:\((?:[Yy](?:ear|r)?)\s?\d{1,2}\b|\(\d{1,2}[A-Z]{1,2}\)|,\s+aged?\s+"
    r"(?:[3-9]|1[0-8])\b)"
)
NAME_LIST = re.compile(
    rf"(?<![\w'])(?:{_FULL_NAME}(?:\s*(?:\([^)]{{0,40}}\))?\s*(?:,|&|\band\b)\s*{_FULL_NAME}){{2,}}|"
    rf"{_INITIALLED}|{_IN_FORM}|{_WITH_YEAR})"
)
CHILDREN = re.compile(
    r"(?<!\w)(?:year\s?\d{1,2}s?|y\d{1,2}s?|pupils|children|kids|lads|girls|boys|squad|team|"
    r"class|stars|superstars|runners|players|readers|winners|little ones)(?!\w)",
    re.I,
)
# A laugh or "only joking" beside a threat; and words that say the writer means it.
JEST = re.compile(
    r"(?<![\w'])(?:lol+|lmf?ao|rofl|jk|haha\w*|only joking|just joking|joking|kidding|"
    r"no,?\s+not\s+really)(?!\w)|"
    r"😂|🤣|😆|😅|😜|🙈",
    re.I,
)
IN_EARNEST = re.compile(
    r"(?<![\w'])(?:not (?:even )?(?:joking|kidding)|no joke|i mean it|deadly serious|"
    r"swear down|mark my words|not (?:even )?capping|no cap)(?!\w)",
    re.I,
)
# A request for information ("Does anyone know if Millbrook does a breakfast club?"): the model
# learns that a complaint topic asked about is seldom a complaint.
ASKING = re.compile(
    r"(?:^|[.!?\n]\s*)(?:(?:hi|hiya|hello|morning|quick question)\W+)?(?:does anyone|do you know|"
    r"can anyone|can someone|could someone|has anyone|have any|anyone know|any(?:one|body) got|"
    r"does (?:the school|it|\w+ \w+) (?:do|have|offer|run|provide)|which|where|what time|"
    r"is there|are there|how do (?:i|we|you)|when (?:is|does|do|are))\b[^.!?\n]*\?",
    re.I,
)
# A game or its zombies named in the post: "kill them all" said on Fortnite is play; the model
# alone then needs to be sure before the DSL is alerted (a phrase still counts as ever).
GAME_TALK = re.compile(
    r"(?<!\w)(?:fortnite|minecraft|roblox|among us|call of duty|warzone|gta|valorant|apex|"
    r"overwatch|xbox|ps[45]|playstation|nintendo|zombies?|nerf war)(?!\w)",
    re.I,
)
# A false alarm told as one: "panic over", "turns out it was the clay pigeon shoot", "found safe".
DEBUNKED = re.compile(
    r"(?<!\w)(?:panic over|false alarm|check before (?:you )?shar\w*|nothing sinister|"
    r"turns? out (?:it was|it'?s|its|he was|she was|they were)|(?:home|found) safe)(?!\w)",
    re.I,
)
EYE_ROLL = re.compile(r"🙄|🙃|😒|(?<!\w)/s(?!\w)|(?<![\w'])as usual(?!\w)")
SHORT_POST = 400  # characters: beyond this an eye-roll may be about something else

# One RE2 pass says which of these may match a lower-cased text (pipelines._prefilter).
GATED: tuple[re.Pattern[str], ...] = (
    *(r.lower for r in RULES if r.lower is not None),
    HYPERBOLE.lower,
    SARCASTIC_PRAISE.lower,
)
GATE = Gate([p.pattern for p in GATED], python_spaces=True)
HYPERBOLE_AT = len(RULES)
SARCASTIC_PRAISE_AT = len(RULES) + 1
# Where each of GATED may start in ASCII text (pipelines._prefilter.Finder), same indices.
FINDERS: tuple[Finder, ...] = tuple(Finder(p.pattern) for p in GATED)
# The same for the searches over a whole post (title and text), which on a long page cost `re`
# a try at every position: RE2 says where each may start (case-insensitive, like the pattern).
(
    ASKING_AT,
    WORK_TALK_AT,
    STAFF_NEGATIVE_AT,
    STAFF_WORD_AT,
    STAFF_SOCIAL_AT,
    NAME_LIST_AT,
    CHILDREN_AT,
    GAME_TALK_AT,
    DEBUNKED_AT,
) = (
    Finder(source(rx))
    for rx in (
        ASKING,
        WORK_TALK,
        STAFF_NEGATIVE,
        STAFF_WORD,
        STAFF_SOCIAL,
        NAME_LIST,
        CHILDREN,
        GAME_TALK,
        DEBUNKED,
    )
)
