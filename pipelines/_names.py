"""Word-level building blocks for matching: tokens with offsets, match keys, name parts,
nicknames and the small word lists that keep matching precise.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from config.loader import ConfigError

# A word, keeping inner apostrophes so "Aidan's" is one token.
_TOKEN = re.compile(r"\w+(?:['’]\w+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_APOSTROPHES = str.maketrans("", "", "'’")

BUILTIN_NICKNAMES = Path(__file__).resolve().parent.parent / "config" / "nicknames.txt"

TITLES = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "prof", "professor", "rev", "revd",
     "father", "fr", "sister", "madam", "mister", "coach"}
)  # fmt: skip
# Job titles written in front of a name ("Headteacher Nadia Rahman", "Deputy Head J Pryce"): they
# mark a name like Mr/Mrs do, and they also say the post is about school life.
ROLE_TITLES = frozenset(
    {"head", "headteacher", "headmaster", "headmistress", "deputy", "principal", "senco", "dsl",
     "teacher", "coach"}
)  # fmt: skip
# Words a school's name is built from that say nothing about *which* school it is.
GENERIC_SCHOOL_WORDS = frozenset(
    {"primary", "school", "schools", "academy", "college", "junior", "juniors", "infant",
     "infants", "nursery", "high", "secondary", "grammar", "community", "church", "of",
     "england", "c", "e", "cofe", "ce", "catholic", "rc", "roman", "methodist", "st", "saint",
     "the", "and", "free", "first", "middle", "upper", "lower", "prep", "preparatory", "sixth",
     "form", "trust", "federation", "voluntary", "aided", "controlled", "va", "vc", "county",
     "comprehensive", "girls", "boys", "foundation", "mixed", "ss", "saints", "learning"}
)  # fmt: skip
# A denomination narrows a common place name down: "Millbrook C of E Primary".
DENOMINATION_WORDS = frozenset(
    {"england", "cofe", "ce", "catholic", "rc", "methodist", "anglican", "baptist", "jewish",
     "islamic", "muslim", "sikh", "hindu", "quaker", "orthodox"}
)  # fmt: skip
# Rewrites between the ways one school name is written.
SCHOOL_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("church", "of", "england"),
    ("c", "of", "e"),
    ("cofe",),
    ("ce",),
    ("c", "e"),  # "C.E." and "C E"
)
SAINT_FORMS: tuple[tuple[str, ...], ...] = (("st",), ("saint",))
# Ordinary English words that are also names: only a capitalised token counts as the name.
EVERYDAY_NAME_WORDS = frozenset(
    {"price", "marsh", "grace", "hope", "joy", "rose", "may", "will", "mark", "bill", "faith",
     "hunter", "green", "brown", "white", "black", "grey", "gray", "hill", "wood", "king",
     "young", "page", "hall", "bell", "park", "cook", "baker", "fisher", "turner", "cooper",
     "walker", "long", "short", "little", "small", "rich", "sharp", "moon", "star", "summer",
     "rain", "frost", "snow", "storm", "bird", "fox", "wolf", "lamb", "swan", "field", "ford",
     "lake", "bush", "hardy", "love", "sweet", "best", "good", "hart", "dean", "chance", "dawn",
     "april", "june", "august", "honey", "amber", "ruby", "pearl", "jade", "holly", "ivy",
     "heather", "daisy", "lily", "poppy", "violet", "iris", "robin", "jay", "pat", "rob", "rod",
     "bob", "don", "art", "miles", "lance", "carter", "smith", "mason", "archer", "wise",
     "gold", "silver", "stone", "street", "lane", "bridge", "banks", "brook", "waters", "wells",
     "church", "bishop", "pope", "knight", "noble", "earl", "duke", "prince", "law", "judge",
     "cross", "moss", "shepherd", "ward", "nash", "payne", "bacon", "fry", "head", "new",
     "day", "rainbow", "sky", "sunny", "penny", "sue", "hunt", "mills", "chase",
     "sage", "glass", "hay", "burns", "lord", "house", "gale", "ash", "pool", "peak"}
)  # fmt: skip
# The most common British surnames: "Mr Smith" alone could be anybody's Mr Smith.
COMMON_SURNAMES = frozenset(
    {"smith", "jones", "williams", "taylor", "brown", "davies", "evans", "wilson", "thomas",
     "johnson", "roberts", "robinson", "thompson", "wright", "walker", "white", "edwards",
     "hughes", "green", "hall", "lewis", "harris", "clarke", "patel", "jackson", "wood",
     "turner", "martin", "cooper", "hill", "ward", "morris", "moore", "clark", "lee", "king",
     "baker", "harrison", "morgan", "allen", "james", "scott", "phillips", "watson", "davis",
     "parker", "price", "bennett", "young", "griffiths", "mitchell", "kelly", "cook", "carter",
     "richardson", "bailey", "collins", "bell", "shaw", "murphy", "miller", "cox", "richards",
     "khan", "marshall", "anderson", "simpson", "ellis", "adams", "singh", "begum", "wilkinson",
     "foster", "chapman", "powell", "webb", "rogers", "gray", "grey", "mason", "ali", "hunt",
     "hussain", "campbell", "matthews", "owen", "palmer", "holmes", "mills", "barnes", "knight",
     "lloyd", "butler", "russell", "barker", "fisher", "stevens", "jenkins", "murray", "dixon",
     "harvey", "marsh", "brennan", "gallagher", "kaur", "ahmed", "graham", "reid", "stewart",
     "macdonald", "ross", "morrison", "paterson", "walsh", "byrne", "ryan", "doyle"}
)  # fmt: skip
SURNAME_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "da", "di", "du", "la", "le", "del", "della", "st", "mac",
     "bin", "ben", "al", "el", "ap", "ter", "dos", "das"}
)  # fmt: skip
# Words that say a post is about school life: a staff name counts only in such a post (or one
# that names the school), so that a namesake (the footballer Harry Kane, the shop John Lewis, a
# Mr Power from the council) is not taken for a teacher. Words that are as common outside school
# ("staff", "children", "head", "term", "office") are left out on purpose.
SCHOOL_CONTEXT = re.compile(
    r"\b(?:schools?|teach(?:er|ers|ing)|class(?:es|room|rooms)?|pupils?|students?|"
    r"head\s?teachers?|head\s?(?:master|mistress)|deputy\s+head|head\s+of\s+(?:year|science|"
    r"maths|english|department|pe)|year\s?\d{1,2}s?|reception\s+class|nursery|pta|"
    r"parents?(?!\s+compan)|"
    r"parents'?\s+evening|pick[\s-]?up|drop[\s-]?off|playground|homework|uniform|assembly|"
    r"senco|ehcp|ofsted|detentions?|exclusions?|sports\s+day|nativity|lessons?|"
    r"safeguarding|dsl|governors?|academy|primary|inset|sats|gcses?|a-levels?|curriculum|"
    r"half[\s-]term|school\s+trip|residential|principal|headteacher|classmates?|"
    r"(?:took|take|takes|taking)\s+the\s+register)\b",
    re.IGNORECASE,
)

# School life beyond SCHOOL_CONTEXT: words a church, street or hospice of a school's name seldom
# comes with, and that a namesake of a teacher seldom does either. They settle a weak alias and
# tie a staff name to school; not the classifier's school words (too narrow for a topic).
MORE_SCHOOL_LIFE = re.compile(
    r"\b(?:yr\s?\d{1,2}s?|y\d{1,2}s?|form\s+(?:tutor|group|room|teacher)|my\s+form|blazers?|"
    r"prom|excluded|expelled|isolation|behaviour\s+(?:points?|policy)|breakfast\s+club|"
    r"after[\s-]school\s+club|canteen|lunchtimes?|silent\s+(?:lunch|corridors?)|school\s+run|"
    r"coursework|revision|mocks|options|timetable|assemblies|exclud(?:es|ing)|"
    r"pe\s+kit|playtimes?|break\s?times?|packed\s+lunch(?:es)?|book\s?bags?|spellings|"
    r"(?:maths|english|science|spelling|french|history|geography)\s+(?:tests?|lessons?|class)|"
    r"reading\s+(?:scheme|books?|records?|folders?)|house\s+points|merits?|"
    r"bumped\s+head|world\s+book\s+day|book\s+week|harvest\s+festival|"
    r"(?:christmas|halloween|school)\s+(?:play|concert|disco)|open\s+(?:day|evening)|"
    r"admissions|catchment|unauthori[sz]ed\s+absence|attendance|class\s?dojo|dojo|"
    r"parentpay|tapestry|tag\s+rugby|in\s+reception|(?:our|my)\s+year|(?-i:SEND?)|"
    r"(?:son|daughter|child|kid|boy|girl)'?s\s+(?:year|class|form)|members?\s+of\s+staff|"
    # Pupils' words: a teacher called "sir" or "miss" ("before sir walked in", "so sir dont
    # clock it"), the drills, rooms and tests of a school day.
    r"(?:sir|miss)\s+(?:says?|said|walked|came|caught|clocks?|told|was|is|gave|made|kept|"
    r"asked|saw|does|did|doesn'?t|don'?t|dont|didn'?t|won'?t|wont|joined|believed|let|lets)|"
    r"form\s+time|lockdown\s+drills?|lunch\s+queues?|music\s+room|bleep\s+test|"
    r"(?:chemistry|physics|biology|science)\s+(?:practicals?|labs?|lessons?)|bunsen|"
    # How pupils say a teacher got in touch: "miss adeyemi added me on snap".
    r"(?:added|follow(?:ed|s|ing)?)\s+(?:me|us|my\s+\w+|\w+\s+of\s+us)\s+(?:back\s+)?on\s+"
    r"(?:snap\w*|sc|insta\w*|ig|tiktok|discord|roblox|xbox|fortnite)|follow\s+requests?|"
    r"(?:maths|english|science|music|drama|art|history|geography|languages|mfl|pe|re|"
    r"computing|sen|learning\s+support)\s+department|"
    r"(?:drama|chess|coding|holiday|homework|lunchtime|art|eco|gardening|craft|lego|"
    r"science|book)\s+club|(?:dining|lunch|school)\s+hall|lost\s+property|"
    r"(?:breaks?|broke|breaking)\s+up\s+(?:on|for|early|at)|off[\s-]?roll(?:ing|ed)?|"
    r"home[\s-]?educat\w*|(?:carol|leavers'?|end\s+of\s+term)\s+(?:service|assembly|disco|"
    r"concert|play)|non[\s-]?uniform|dress[\s-]?up\s+day|book\s+characters?|"
    r"(?:at|outside|by|near)\s+the\s+(?:school\s+)?gates?|"
    r"(?:admissions?|school\s+place)\s+appeals?|"
    r"(?:lost|won|win|lose)\s+(?:our|my|the|an?)\s+appeal|"
    # The buildings, days, letters and routines of a school ("the sports hall", "snow day",
    # "mock results", "the trip letter", "in 7B"), and its policies.
    r"sports\s+hall|(?:science|maths|english|art|music|drama|dt|pe|sixth\s+form)\s+block|"
    r"mocks?\s+(?:results|exams?|week)|(?:maths|english|science|geography|history|french|"
    r"gcse|a-level)\s+mocks?|snow\s+days?|term\s+dates|term[\s-]time|wrap[\s-]?around|"
    r"(?:school|hot)\s+dinners?|dinner\s+(?:lad(?:y|ies)|money)|lollipop\s+(?:lady|man|men)|"
    r"reception\s+(?:kids|children|class)|phonics|sixth[\s-]form(?:ers?)?|"
    r"(?:trip|consent|permission)\s+(?:letters?|forms?|slips?)|"
    r"(?:ski|residential|school|class|year\s?\d{1,2})\s+trips?|behaviour\s+logs?|"
    r"(?:health)?care\s+plans?|(?:christmas\s+)?jumper\s+day|grandparents'?\s+(?:afternoon|day)|"
    r"harvest\s+collection|leavers'?|parent\s+portal|swimming\s+(?:money|lessons?|kit)|"
    r"(?:anti-?bullying|uniform|behaviour|phone|homework|attendance|safeguarding|bullying|"
    r"exclusions?|sen|send)\s+polic(?:y|ies)|(?:my|our|the)\s+(?:whole\s+)?form|"
    r"(?:in|from)\s+(?:[7-9]|1[0-3])[a-z]|"
    # More of a school's days and letters, as parents and pupils name them.
    r"wet\s+play|behaviour\s+charts?|new\s+head\s?(?:teacher)?|a[\s-]levels?|careers\s+(?:lady|"
    r"adviser|advisor|teacher|advice)|nits\s+letter|head\s+lice|reception\s+places?|"
    r"sibling\s+priority|oversubscri\w+|(?:school|end[\s-]of[\s-](?:year|term))\s+reports?|"
    r"star\s+of\s+the\s+week|voluntary\s+contributions?|(?:comes?|coming|came)\s+out\s+(?:of\s+)?"
    r"(?:the\s+)?gates|pe\s+(?:top|shirt|bag)|head\s+bump)\b",
    re.IGNORECASE,
)


class Token(NamedTuple):  # a tuple: posts have hundreds of tokens, so it must be cheap to make
    start: int
    end: int
    raw: str
    key: str  # accent- and case-folded, apostrophes removed: what matching compares
    base: str  # `key` without a possessive 's ("Okafor's" -> "okafor")

    @property
    def capitalised(self) -> bool:
        return self.raw[:1].isupper()


@lru_cache(maxsize=65536)
def key(word: str) -> str:
    """The comparison form of a word: 'Zoë' -> 'zoe', "Aidan's" -> 'aidans', 'CofE' -> 'cofe'."""
    decomposed = unicodedata.normalize("NFKD", word)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold().translate(_APOSTROPHES)


def words(s: str) -> list[str]:
    """The words of `s` as tokenise() finds them, without offsets (fast)."""
    return _TOKEN.findall(s)


_KEY_BASE: dict[str, tuple[str, str]] = {}  # raw word -> (key, base): posts repeat words


def _key_base(raw: str) -> tuple[str, str]:
    kb = _KEY_BASE.get(raw)
    if kb is None:
        k = key(raw)
        base = key(raw[:-2]) if ("'" in raw or "’" in raw) and _POSSESSIVE.search(raw) else k
        if len(_KEY_BASE) > 200_000:
            _KEY_BASE.clear()
        kb = _KEY_BASE[raw] = (k, base)
    return kb


def tokenise(s: str, pos: int = 0, endpos: int | None = None) -> list[Token]:
    """The words of s[pos:endpos], with offsets into `s`."""
    out: list[Token] = []
    append = out.append
    make = tuple.__new__  # skips NamedTuple's Python-level __new__: this loop is hot
    cached = _KEY_BASE.get
    for m in _TOKEN.finditer(s, pos, len(s) if endpos is None else endpos):
        raw = m.group()
        kb = cached(raw) or _key_base(raw)
        a, b = m.span()
        append(make(Token, (a, b, raw, kb[0], kb[1])))
    return out


_CAMEL_PART = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


_UNDERSCORED = re.compile(r"[^\W_]+")


def camel_parts(tok: Token) -> list[Token]:
    """The words of a CamelCase hashtag or handle: '#MillbrookPrimaryStroud' -> 3 tokens; and
    of a user name joined by underscores: 'staidans_exposed' -> 2 tokens (each part CamelCase
    split too).

    Returns [] when the token is not CamelCase or underscored (one part only).
    """
    raw = tok.raw
    if "_" in raw:
        out: list[Token] = []
        for m in _UNDERSCORED.finditer(raw):
            part = Token(tok.start + m.start(), tok.start + m.end(), m.group(), key(m.group()),
                         key(m.group()))  # fmt: skip
            out.extend(camel_parts(part) or [part])
        return out if len(out) > 1 else []
    if raw.islower() or raw.isupper() or "'" in raw or "’" in raw:
        return []
    parts = [
        Token(tok.start + m.start(), tok.start + m.end(), m.group(), key(m.group()), key(m.group()))
        for m in _CAMEL_PART.finditer(raw)
    ]
    return parts if len(parts) > 1 and sum(len(p.raw) for p in parts) == len(raw) else []


def keys_of(phrase: str) -> tuple[str, ...]:
    return tuple(t.key for t in tokenise(phrase))


def is_mixed_case(s: str) -> bool:
    """True when the writer uses capitals, so a lower-case 'price' is the word, not the name."""
    return s != s.lower() and s != s.upper()


def split_name(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """('Zoë Fitzgerald-Hughes') -> (('zoe',), ('fitzgerald', 'hughes')): given names, surname.

    The surname is the last word plus any particles before it ("van der Berg"); a hyphenated
    surname is several tokens.
    """
    words = name.split()
    if len(words) == 1:
        return (), keys_of(words[0])
    i = len(words) - 1
    while i > 1 and key(words[i - 1]) in SURNAME_PARTICLES:
        i -= 1
    given = tuple(k for w in words[:i] for k in keys_of(w))
    surname = tuple(k for w in words[i:] for k in keys_of(w))
    return given, surname


class Nicknames:
    """Formal given name <-> short forms, from config/nicknames.txt and any extra files."""

    def __init__(self) -> None:
        self.short: dict[str, set[str]] = {}  # formal -> short forms
        self.formal: dict[str, set[str]] = {}  # short form -> formal names

    @classmethod
    def load(cls, paths: Iterable[Path]) -> Nicknames:
        nick = cls()
        for p in paths:
            nick.read(p)
        return nick

    def read(self, path: Path) -> None:
        """Add one file's lines; a malformed line is a ConfigError naming FILE:LINE."""
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise ConfigError([(str(path), None, "", f"cannot read nickname file: {e}")]) from None
        problems = []
        for n, line in enumerate(text.splitlines(), 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            formal, sep, rest = line.partition(":")
            shorts = [s.strip() for s in rest.split(",") if s.strip()]
            if not sep or not formal.strip() or not shorts or len(formal.split()) != 1:
                problems.append(
                    (
                        str(path),
                        n,
                        "",
                        "expected 'Formal: Short, Short2' (one given name, a "
                        f"colon, short forms separated by commas), got {line!r}",
                    )  # fmt: skip
                )
                continue
            self.add(formal.strip(), shorts)
        if problems:
            raise ConfigError(problems)

    def add(self, formal: str, shorts: Iterable[str]) -> None:
        f = key(formal)
        for s in shorts:
            k = key(s)
            if k and k != f:
                self.short.setdefault(f, set()).add(k)
                self.formal.setdefault(k, set()).add(f)

    def forms(self, given: str) -> frozenset[str]:
        """All spellings that may stand for the given name `given` (a key)."""
        out = {given} | self.short.get(given, set()) | self.formal.get(given, set())
        return frozenset(out)
