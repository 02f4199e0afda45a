"""The phrases a school is written as, and the checks that tell it from its namesakes.

A school's configured name and aliases are expanded once into every usual rewrite (St / Saint,
"Church of England" / "C of E" / "CofE" / "CE" / "C.E.", a dropped trailing "School"/"Academy",
the one-word hashtag form). Each phrase knows whether it is *strong* (it names one school) or
*weak* (any school in a place of that name could be written so: it needs corroboration).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pipelines._names import (
    DENOMINATION_WORDS,
    GENERIC_SCHOOL_WORDS,
    SAINT_FORMS,
    SCHOOL_SYNONYMS,
    TITLES,
    keys_of,
)

PhraseKind = Literal["school", "staff_alias", "handle", "exclude", "location"]


@dataclass(frozen=True, slots=True)
class Phrase:
    kind: PhraseKind
    owner: int  # school index, or staff index for staff_alias / handle
    keys: tuple[str, ...]
    label: str  # as configured, for reasons
    strong: bool = True
    fuzzy: bool = False
    exact_raw: str | None = None  # acronyms match only in capitals: "MCEPS", not "mceps"
    sigil: bool = False  # handles need '@'/'#' in front, except in the author field
    # A written-out name can be placed elsewhere ("St Mary's Primary in Bath"); a handle,
    # hashtag or web domain cannot.
    placeable: bool = False


def school_phrases(si: int, name: str, aliases: list[str]) -> list[Phrase]:
    """The name and aliases, the usual rewrites of each, and their one-word hashtag forms."""
    out: dict[tuple[str, ...], Phrase] = {}

    def add(ph: Phrase) -> None:
        if ph.keys and (ph.keys not in out or (ph.strong and not out[ph.keys].strong)):
            out[ph.keys] = ph

    for label in [name, *aliases]:
        raw = label.strip()
        keys = keys_of(raw)
        if not keys:
            continue
        if raw[0] in "@#":  # a handle or hashtag: distinctive, written one way
            add(Phrase("school", si, keys, label))
            continue
        if "." in raw and " " not in raw:  # a web domain
            add(Phrase("school", si, keys, label))
            continue
        if len(keys) == 1 and raw.isupper() and raw.isalpha():
            # An acronym. Three letters or fewer are shared by too many things ("WPS Group") to
            # stand alone; longer ones ("MCEPS") name one school.
            add(Phrase("school", si, keys, label, strong=len(raw) > 3, exact_raw=raw))
            continue
        canonical = label == name
        rewrites = _rewrites(keys)
        for variant in rewrites + _dropped_words(keys):
            strong = (canonical and variant in rewrites) or _distinctive(variant)
            add(Phrase("school", si, variant, label, strong=strong, fuzzy=True, placeable=True))
            if variant not in rewrites:
                continue  # one dropped word is enough
            if variant[-1] in ("school", "academy") and len(variant) > 2:
                short = variant[:-1]
                add(
                    Phrase(
                        "school",
                        si,
                        short,
                        label,
                        strong=_distinctive(short),
                        fuzzy=True,
                        placeable=True,
                    )  # fmt: skip
                )
            joined = "".join(variant)
            if len(variant) > 1 and len(joined) >= 8:
                add(Phrase("school", si, (joined,), label, strong=strong))
    return list(out.values())


def weak_aliases(name: str, aliases: list[str]) -> list[str]:
    """The aliases that do not name one school by themselves ("St Aidans", "Millbrook Primary",
    "Millbrook"): with location terms configured, these count only with the town or school life
    beside them (pipelines._decide). For check-config, so that admins know."""
    strong = {p.keys for p in school_phrases(0, name, aliases) if p.strong}
    return [a for a in aliases if (k := keys_of(a.strip())) and k not in strong]


def _rewrites(keys: tuple[str, ...]) -> list[tuple[str, ...]]:
    """keys with every 'Church of England' <-> 'C of E' <-> 'CofE' <-> 'CE', 'St' <-> 'Saint'."""
    variants = {keys}
    for group in (SCHOOL_SYNONYMS, SAINT_FORMS):
        for v in list(variants):
            for form in group:
                n = len(form)
                for i in range(len(v) - n + 1):
                    if v[i : i + n] == form:
                        for other in group:
                            variants.add(v[:i] + other + v[i + n :])
    return sorted(variants, key=lambda v: (v != keys, v))


# Words people leave out when they write a school's name ("Millbrook CE School" for "Millbrook
# CE Primary School"); what is left must still say it is a school.
_DROPPABLE = frozenset({"primary", "junior", "infant", "infants", "school", "academy", "community"})
_SCHOOL_TYPE = frozenset(
    {"school", "academy", "primary", "college", "junior", "infant", "infants", "nursery", "high",
     "grammar", "secondary"}
)  # fmt: skip


def _dropped_words(keys: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every rewrite of `keys` with one droppable word left out, if it still names a school."""
    out = []
    for v in _rewrites(keys):
        for i, k in enumerate(v):
            if i > 0 and k in _DROPPABLE:
                shorter = v[:i] + v[i + 1 :]
                if len(shorter) > 1 and any(w in _SCHOOL_TYPE for w in shorter):
                    out.append(shorter)
    return out


def _distinctive(keys: tuple[str, ...]) -> bool:
    """Does this phrase name one school rather than any school in a place of that name?"""
    own = sum(1 for k in keys if k not in GENERIC_SCHOOL_WORDS)
    denomination = any(k in DENOMINATION_WORDS for k in keys) or any(
        keys[i : i + 3] == ("c", "of", "e") for i in range(len(keys))
    )
    return own + denomination >= 2


# "St Mary's Primary School in Bath", "Kingsmead Academy (Somerset)": the post puts the school
# somewhere. Words after "in" that are not places: "in Year 9", "in September", "in The Times".
_PLACED = re.compile(
    r"\s*(?:\bin\s+|\bnear\s+|\(\s*)(?P<place>[A-Z][\w'’-]*(?:[^\S\n][A-Z][\w'’-]*)?)"
)
_NOT_PLACES = frozenset(
    {"year", "years", "reception", "nursery", "the", "a", "an", "our", "my", "their", "his", "her",
     "january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
     "saturday", "sunday", "term", "spring", "summer", "autumn", "winter", "ks1", "ks2", "ks3",
     "ks4", "eyfs", "english", "maths", "science", "pe", "art", "music", "i", "it", "this",
     "that", "which", "class", "form", "set", "key", "sixth", "total", "fact", "part",
     "person", "school", "general", "particular", "future", "response", "addition", "support",
     "memory", "honour", "aid", "case", "order", "time", "light", "front", "charge", "advance",
     "tears", "shock", "awe", "hospital", "court", "lockdown", "isolation"}
) | TITLES  # fmt: skip


# A school's kind written after its name: "St Aidan's *RC Primary*" is not St Aidan's Catholic
# Academy. "School" is left out: people write it after any school's name.
_WORSHIP = frozenset({"chapel", "parish"})  # not school words, but a namesake's kind all the same
_KIND_WORDS = (_SCHOOL_TYPE | DENOMINATION_WORDS | _WORSHIP | {"church", "roman"}) - {"school"}
_SAME_KIND = {"rc": "catholic", "roman": "catholic", "cofe": "england", "ce": "england"}


def own_kind_words(phrases: list[Phrase]) -> frozenset[str]:
    """The kind words a school's own names use, in the form `other_kind` compares."""
    return frozenset(_SAME_KIND.get(k, k) for ph in phrases for k in ph.keys)


def other_kind(keys: list[str], own: frozenset[str]) -> str | None:
    """The first kind word among the school words that follow a school's name (`keys`, up to
    the first word that is not a school word) that the school's own names never use."""
    for k in keys:
        if k not in GENERIC_SCHOOL_WORDS and k not in _WORSHIP:
            return None
        if k in _KIND_WORDS and _SAME_KIND.get(k, k) not in own:
            return k
    return None


def placed_at(text: str, end: int) -> str | None:
    """The place a school mention ending at `end` is put in ("in Bath" -> 'Bath'), if any."""
    m = _PLACED.match(text, end)
    if m is None:
        return None
    place = m.group("place")
    first = place.split()[0].lower().rstrip("'’s")
    if first in _NOT_PLACES:
        return None
    return place
