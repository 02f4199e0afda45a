"""Refuse watchlist entries that would match (or veto) nearly every post.

An admin who adds the alias "School", a one-letter handle or the location term "the" would
drown the school in false alerts, or silently unlock every weak alias. Such an entry stops
start-up the way any config mistake does: a ConfigError naming FILE:LINE: FIELD and the reason.
`schoolwatch check-config` runs the same check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from config.loader import ConfigError
from config.loader import _dotted as dotted_path  # the loader's own FILE:LINE: FIELD format
from config.loader import _line_of as line_of
from config.schema import Config
from pipelines._names import GENERIC_SCHOOL_WORDS, ROLE_TITLES, TITLES, Nicknames, keys_of

# The commonest English words: on their own they say nothing about any school or person.
COMMON_WORDS = frozenset(
    """a about after again all also am an and any are as at back be been before being but by
    can come could day did do does done down each even every first for from get go good got had
    has have he her here him his how i if in into is it its just know last like little long look
    make man many may me more most much must my new no not now of off old on one only or other
    our out over own people said same see she should so some still such take than that the their
    them then there these they thing think this those through time to too two under up us use
    very want was way we well were what when where which while who why will with would year
    years you your news today week weekend love great best thanks thank please help home town
    city road street church park house club team game match group page post update local
    council village centre center hall shop market staff parent parents child children kids
    pupil pupils student students teacher teachers class head office uk england gov sch org
    com net www http https""".split()
)


_MATCHES_ALL = ": it would match nearly every post; write a longer, more specific phrase"


def check_watchlist(cfg: Config, nicknames: Nicknames | None = None) -> None:
    """Raise ConfigError listing every entry of `cfg` that would match everything."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    for si, school in enumerate(cfg.schools):
        base: tuple[Any, ...] = ("schools", si)
        why = _phrase_problem(school.name, "school name")
        if why:
            problems.append(((*base, "name"), why + _MATCHES_ALL))
        for ai, alias in enumerate(school.aliases):
            why = _phrase_problem(alias, "alias")
            if why:
                problems.append(((*base, "aliases", ai), why + _MATCHES_ALL))
        for li, term in enumerate(school.location_terms):
            why = _phrase_problem(term, "location term")
            if why:
                problems.append(((*base, "location_terms", li), why + ": it would count as "
                                 "the school's place in nearly every post"))  # fmt: skip
        for ei, term in enumerate(school.exclude):
            why = _phrase_problem(term, "exclusion")
            if why:
                problems.append(((*base, "exclude", ei), why + ": it would veto nearly "
                                 "every mention"))  # fmt: skip
        for pi, person in enumerate(school.staff):
            where = (*base, "staff", pi)
            keys = keys_of(person.name)
            if not keys or all(len(k) < 2 for k in keys):
                problems.append(((*where, "name"), f"{person.name!r} has no name to match"))
            for ai, alias in enumerate(person.aliases):
                why = _phrase_problem(alias, "staff alias", titles_generic=True)
                if why:
                    problems.append(((*where, "aliases", ai), why + _MATCHES_ALL))
            for hi, handle in enumerate(person.handles):
                why = _phrase_problem(handle, "handle")
                if why:
                    problems.append(((*where, "handles", hi), why + _MATCHES_ALL))
    if problems:
        raise ConfigError([_place(cfg, loc, msg) for loc, msg in problems])


def _phrase_problem(phrase: str, what: str, titles_generic: bool = False) -> str | None:
    """Why `phrase` would match nearly anything, or None if it is specific enough."""
    keys = keys_of(phrase)
    letters = "".join(keys)
    if not keys:
        return f"{what} {phrase!r} has no letters or digits to match"
    if len(letters) < 3:
        return f"{what} {phrase!r} is too short (under 3 letters)"
    generic = COMMON_WORDS | GENERIC_SCHOOL_WORDS
    if titles_generic:
        generic = generic | TITLES | ROLE_TITLES
    if all(k in generic for k in keys):
        return f"{what} {phrase!r} is only common words ({', '.join(keys)})"
    return None


def _place(cfg: Config, loc: tuple[Any, ...], msg: str) -> tuple[str, int | None, str, str]:
    """(file, line, field, message) in the loader's format, the line found from the YAML."""
    name = str(cfg.path) if cfg.path is not None else "<config>"
    line = None
    if cfg.path is not None:
        path = cfg.path if Path(cfg.path).is_absolute() else Path(cfg.path)
        try:
            root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
            line = line_of(root, loc)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            line = None  # the file changed under us: the field path still says where
    return (name, line, dotted_path(loc), msg)
