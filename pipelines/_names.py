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
# Words that say a post is about school life: they let a weaker staff match stand.
SCHOOL_CONTEXT = re.compile(
    r"\b(?:schools?|teachers?|teaching|class(?:es|room)?|pupils?|students?|head\s?teachers?|"
    r"head|deputy|year\s?\d{1,2}|reception|nursery|pta|parents?'?\s+evening|pick[\s-]?up|"
    r"drop[\s-]?off|playground|homework|uniform|trip|assembly|senco|ofsted|term|sports\s+day|"
    r"nativity|staff|kids|children|child|son|daughter|lessons?|safeguarding|dsl|governors?|"
    r"academy|primary|coach|office|inset|detention|exclusion|sats?|gcses?)\b",
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


def tokenise(s: str) -> list[Token]:
    out: list[Token] = []
    append = out.append
    for m in _TOKEN.finditer(s):
        raw = m.group()
        k = key(raw)
        if ("'" in raw or "’" in raw) and _POSSESSIVE.search(raw):
            append(Token(m.start(), m.end(), raw, k, key(raw[:-2])))
        else:
            append(Token(m.start(), m.end(), raw, k, k))
    return out


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
