"""Find the configured schools and staff in a normalised post, and say why each was found.

Precision first (DESIGN.md). A school is found by its name, an alias, a hashtag, a handle or its
web domain; a short alias of a common name ("Millbrook Primary") needs corroboration: one of the
school's `location_terms`, a stronger mention of the school, or one of its staff. A configured
`exclude` phrase ("Millbrook Garden Centre") vetoes what it overlaps, and vetoes weak mentions
anywhere in the post.

A staff member is found by full name (given name exact, a known nickname or one typo), by initial
+ surname, by title + surname, by a configured alias or a handle. A surname alone never counts.
rapidfuzz only proposes which watch words a text word may be (one typo, looked up once per distinct
word); structural checks decide. A common surname ("Mr Price") needs the post to be about school
life. Ambiguous evidence (two staff called Smith) is dropped unless a school mention settles it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from config.schema import Config
from pipelines._names import (
    BUILTIN_NICKNAMES,
    COMMON_SURNAMES,
    DENOMINATION_WORDS,
    EVERYDAY_NAME_WORDS,
    GENERIC_SCHOOL_WORDS,
    SAINT_FORMS,
    SCHOOL_CONTEXT,
    SCHOOL_SYNONYMS,
    TITLES,
    Nicknames,
    Token,
    is_mixed_case,
    key,
    keys_of,
    split_name,
    tokenise,
    words,
)
from pipelines.post import Field, Mention, Post

PhraseKind = Literal["school", "staff_alias", "handle", "exclude", "location"]
_FIELDS: tuple[Field, ...] = ("title", "text", "author")
# Between the words of one name: "St. Aidan's", "Millbrook, Cornwall", "J. Ashworth",
# "Fitzgerald-Hughes"; at most one line break (a wrapped line), never a blank line.
_PHRASE_GAP = re.compile(r"(?!(?s:.*\n.*\n))\s*[.,\-&/'’]?\s*")
_NAME_GAP = re.compile(r"[^\S\n]{1,2}|\.[^\S\n]?|-|[^\S\n]*\n[^\S\n]*")
_FUZZY_CACHE_MAX = 200_000


@dataclass(frozen=True, slots=True)
class _Phrase:
    kind: PhraseKind
    owner: int  # school index, or staff index for staff_alias / handle
    keys: tuple[str, ...]
    label: str  # as configured, for reasons
    strong: bool = True
    fuzzy: bool = False
    exact_raw: str | None = None  # acronyms match only in capitals: "MCEPS", not "mceps"
    sigil: bool = False  # handles need '@'/'#' in front, except in the author field


@dataclass(frozen=True, slots=True)
class _Staff:
    index: int
    school: int
    name: str
    given: tuple[str, ...]
    surname: tuple[str, ...]
    first_forms: frozenset[str]
    common: bool  # a common surname: title/initial alone is weak evidence


@dataclass(slots=True)
class _Hit:
    kind: Literal["school", "staff"]
    school: int
    name: str
    field: Field
    start: int
    end: int
    score: float
    reason: str
    strong: bool
    staff: int | None = None
    candidates: tuple[int, ...] = ()  # staff sharing this exact evidence

    def overlaps(self, other: _Hit) -> bool:
        return self.field == other.field and self.start < other.end and other.start < self.end


@dataclass
class _PostScan:
    fields: dict[Field, tuple[str, list[Token]]]
    hits: list[_Hit] = field(default_factory=list)
    excluded: list[tuple[Field, int, int, int, str]] = field(default_factory=list)
    locations: dict[int, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class Watchlist:
    """Everything needed to match a config's schools and staff, compiled once."""

    def __init__(self, cfg: Config, nicknames: Nicknames) -> None:
        self.schools = [s.name for s in cfg.schools]
        self.location_needed = [bool(s.location_terms) for s in cfg.schools]
        self.nicknames = nicknames
        self.staff: list[_Staff] = []
        self._phrases: dict[str, list[_Phrase]] = {}  # first key -> phrases starting with it
        self._surnames: dict[str, list[_Staff]] = {}  # last surname key -> staff
        self._surname_count: dict[tuple[str, ...], int] = {}
        self._vocab: set[str] = set()  # every key a phrase or name can start/contain
        fuzzy_words: set[str] = set()
        for si, school in enumerate(cfg.schools):
            for ph in _school_phrases(si, school.name, school.aliases):
                self._add_phrase(ph)
                if ph.fuzzy:
                    fuzzy_words.update(
                        k for k in ph.keys if len(k) >= 6 and k not in GENERIC_SCHOOL_WORDS
                    )
            for term in school.exclude:
                self._add_phrase(_Phrase("exclude", si, keys_of(term), term))
            for term in school.location_terms:
                self._add_phrase(_Phrase("location", si, keys_of(term), term))
            for person in school.staff:
                self._add_staff(si, person.name, person.aliases, person.handles, fuzzy_words)
        self._fuzzy_buckets: dict[int, list[str]] = {}
        for w in sorted(fuzzy_words):
            self._fuzzy_buckets.setdefault(len(w), []).append(w)
        self._fuzzy_cache: dict[str, tuple[tuple[str, float], ...]] = {}
        # Words every match starts or ends on: a phrase's first word or a surname's last.
        self._anchors = frozenset(self._phrases) | frozenset(self._surnames)

    @classmethod
    def from_config(cls, cfg: Config) -> Watchlist:
        """Compile `cfg`; raises config.ConfigError if a nickname file is missing or malformed."""
        paths = [BUILTIN_NICKNAMES]
        for school in cfg.schools:
            if school.nicknames_file is not None:
                p = school.nicknames_file
                paths.append(p if p.is_absolute() else Path(cfg.base_dir) / p)
        return cls(cfg, Nicknames.load(dict.fromkeys(paths)))

    # -- compiling -------------------------------------------------------------------------

    def _add_phrase(self, ph: _Phrase) -> None:
        if not ph.keys:
            return
        self._phrases.setdefault(ph.keys[0], []).append(ph)
        self._vocab.update(ph.keys)

    def _add_staff(
        self,
        school: int,
        name: str,
        aliases: Iterable[str],
        handles: Iterable[str],
        fuzzy_words: set[str],
    ) -> None:
        given, surname = split_name(name)
        index = len(self.staff)
        person = _Staff(
            index=index,
            school=school,
            name=name,
            given=given,
            surname=surname,
            first_forms=self.nicknames.forms(given[0]) if given else frozenset(),
            common=len(surname) == 1 and surname[0] in COMMON_SURNAMES,
        )
        self.staff.append(person)
        self._surnames.setdefault(surname[-1], []).append(person)
        self._surname_count[surname] = self._surname_count.get(surname, 0) + 1
        self._vocab.update(surname)
        self._vocab.update(person.first_forms)
        fuzzy_words.update(k for k in surname if len(k) >= 6)
        if given and len(given[0]) >= 5:
            fuzzy_words.add(given[0])
        for alias in aliases:
            self._add_phrase(_Phrase("staff_alias", index, keys_of(alias), alias))
        for handle in handles:
            self._add_phrase(_Phrase("handle", index, keys_of(handle), handle, sigil=True))

    # -- word lookup -----------------------------------------------------------------------

    def _candidates(self, word: str) -> tuple[tuple[str, float], ...]:
        """Watch words `word` may stand for: itself if watched, else those one typo away."""
        if word in self._vocab:
            return ((word, 100.0),)
        hit = self._fuzzy_cache.get(word)
        if hit is not None:
            return hit
        found: tuple[tuple[str, float], ...] = ()
        if len(word) >= 5:
            max_edits = 1 if len(word) < 9 else 2
            pool = [
                w
                for n in range(len(word) - max_edits, len(word) + max_edits + 1)
                for w in self._fuzzy_buckets.get(n, ())
            ]
            if pool:
                near = process.extract(
                    word, pool, scorer=OSA.distance, score_cutoff=max_edits, limit=None
                )
                found = tuple((w, fuzz.ratio(word, w)) for w, _, _ in near)
        if len(self._fuzzy_cache) >= _FUZZY_CACHE_MAX:
            self._fuzzy_cache.clear()
        self._fuzzy_cache[word] = found
        return found

    def _may_match(self, text: str) -> bool:
        """Cheap pre-check: does any word of `text` stand for a watch word? (Most posts: no.)"""
        anchors = self._anchors
        for w in set(words(text)):
            if any(c in anchors for c, _ in self._candidates(key(w))):
                return True
            if ("'" in w or "’" in w) and any(
                c in anchors for c, _ in self._candidates(key(w[:-2]))
            ):
                return True
        return False

    def _similarity(self, tok: Token, target: str, fuzzy: bool) -> float | None:
        if tok.key == target or tok.base == target:
            return 100.0
        if fuzzy:
            for w, score in self._candidates(tok.key):
                if w == target:
                    return score
        return None

    # -- matching --------------------------------------------------------------------------

    def find(self, post: Post) -> list[Mention]:
        """Mentions in `post` (already normalised), in field order then position."""
        return self.find_explained(post)[0]

    def find_explained(self, post: Post) -> tuple[list[Mention], list[str]]:
        """Mentions, and notes on near-misses that were rejected (for previews and reasons)."""
        scan = _PostScan(
            fields={
                f: (s, tokenise(s) if self._may_match(s) else [])
                for f in _FIELDS
                if (s := getattr(post, f) or "")
            }
        )
        for fld, (text, tokens) in scan.fields.items():
            self._scan_phrases(scan, fld, text, tokens)
            self._scan_names(scan, fld, text, tokens)
        hits = self._settle(scan)
        order = {f: i for i, f in enumerate(_FIELDS)}
        hits.sort(key=lambda h: (order[h.field], h.start, h.end))
        mentions = [
            Mention(
                kind=h.kind,
                school=self.schools[h.school],
                name=h.name,
                text=scan.fields[h.field][0][h.start : h.end],
                field=h.field,
                start=h.start,
                end=h.end,
                score=h.score,
                reason=h.reason,
            )
            for h in hits
        ]
        return mentions, scan.notes

    def _scan_phrases(self, scan: _PostScan, fld: Field, text: str, tokens: list[Token]) -> None:
        mixed = is_mixed_case(text)
        for i, tok in enumerate(tokens):
            cands = self._candidates(tok.key)
            if tok.base != tok.key:
                cands = self._candidates(tok.base) + cands
            for first, first_score in cands:
                for ph in self._phrases.get(first, ()):
                    if first_score < 100 and not ph.fuzzy:
                        continue
                    end_i = i + len(ph.keys)
                    if end_i > len(tokens):
                        continue
                    scores = [first_score]
                    for k in range(1, len(ph.keys)):
                        prev, cur = tokens[i + k - 1], tokens[i + k]
                        s = self._similarity(cur, ph.keys[k], ph.fuzzy)
                        if s is None or not _PHRASE_GAP.fullmatch(text[prev.end : cur.start]):
                            break
                        scores.append(s)
                    else:
                        self._phrase_hit(scan, fld, text, tokens, i, end_i, ph, scores, mixed)

    def _phrase_hit(
        self,
        scan: _PostScan,
        fld: Field,
        text: str,
        tokens: list[Token],
        i: int,
        end_i: int,
        ph: _Phrase,
        scores: list[float],
        mixed: bool,
    ) -> None:
        start, end = tokens[i].start, tokens[end_i - 1].end
        if ph.exact_raw is not None and tokens[i].raw != ph.exact_raw:
            return
        sigil = start > 0 and text[start - 1] in "@#"
        if ph.sigil and not sigil and fld != "author":
            return
        if ph.kind == "exclude":
            scan.excluded.append((fld, start, end, ph.owner, ph.label))
            return
        if ph.kind == "location":
            scan.locations.setdefault(ph.owner, ph.label)
            return
        if sigil:
            start -= 1
        score = sum(scores) / len(scores)
        typo = "" if score == 100 else f"; fuzzy {score:.0f}"
        if ph.kind == "school":
            # Carry the span over a trailing "School"/"Academy" the alias left out.
            j = end_i
            while j < len(tokens) and tokens[j].key in ("school", "academy") and j - end_i < 1:
                if not _PHRASE_GAP.fullmatch(text[tokens[j - 1].end : tokens[j].start]):
                    break
                end = tokens[j].end
                j += 1
            what = "school name" if ph.label == self.schools[ph.owner] else f"alias {ph.label!r}"
            scan.hits.append(
                _Hit(
                    "school",
                    ph.owner,
                    self.schools[ph.owner],
                    fld,
                    start,
                    end,
                    score,
                    what + typo,
                    ph.strong,
                )  # fmt: skip
            )
            return
        person = self.staff[ph.owner]
        if len(ph.keys) == 1 and mixed and not tokens[i].raw[:1].isupper() and not sigil:
            return  # a one-word alias written in lower case in cased text is just a word
        what = f"handle {ph.label}" if ph.kind == "handle" else f"configured alias {ph.label!r}"
        scan.hits.append(
            _Hit(
                "staff",
                person.school,
                person.name,
                fld,
                start,
                end,
                score,
                what + typo,
                True,
                person.index,
                (person.index,),
            )  # fmt: skip
        )

    def _scan_names(self, scan: _PostScan, fld: Field, text: str, tokens: list[Token]) -> None:
        mixed = is_mixed_case(text)
        for i, tok in enumerate(tokens):
            cands = self._candidates(tok.base)
            if tok.base != tok.key:
                cands = cands + self._candidates(tok.key)
            for last, last_score in cands:
                for person in self._surnames.get(last, ()):
                    hit = self._name_at(fld, text, tokens, i, last_score, person, mixed)
                    if hit is not None:
                        scan.hits.append(hit)

    def _name_at(
        self,
        fld: Field,
        text: str,
        tokens: list[Token],
        i: int,
        last_score: float,
        person: _Staff,
        mixed: bool,
    ) -> _Hit | None:
        """The staff evidence ending at token i (the surname's last word), or None."""
        n = len(person.surname)
        j = i - n + 1
        if j < 0:
            return None
        scores = [last_score]
        for k in range(n - 1):
            s = self._similarity(tokens[j + k], person.surname[k], True)
            if s is None or not _NAME_GAP.fullmatch(
                text[tokens[j + k].end : tokens[j + k + 1].start]
            ):
                return None
            scores.append(s)
        surname_toks = tokens[j : i + 1]
        if mixed and any(t.key in EVERYDAY_NAME_WORDS and not t.capitalised for t in surname_toks):
            return None
        surname_score = sum(scores) / len(scores)
        surname_exact = surname_score == 100
        sn = f"surname {'exact' if surname_exact else f'fuzzy {surname_score:.0f}'}"

        def joined(a: int, b: int) -> bool:  # tokens a and b (a < b) sit next to each other
            return a >= 0 and bool(_NAME_GAP.fullmatch(text[tokens[a].end : tokens[b].start]))

        start_i, evidence, strong, score = j, "", False, surname_score
        p = j - 1
        given = self._given_at(tokens, p, person, surname_exact, mixed) if joined(p, j) else None
        if given is None and joined(p, j) and person.given and len(tokens[p].raw) == 1:
            # Initials: "J Ashworth", "J. P. Ashworth"; the first must be the given name's.
            q = p
            while q - 1 >= 0 and len(tokens[q - 1].raw) == 1 and joined(q - 1, q):
                q -= 1
            initials = tokens[q : p + 1]
            dotted = text[tokens[p].end : tokens[p].end + 1] == "."
            if (
                all(t.raw.isupper() for t in initials)
                and initials[0].key == person.given[0][0]
                and (dotted or initials[0].raw not in ("A", "I") or len(initials) > 1)
            ):
                start_i, evidence = q, "initial + " + sn
                strong = surname_exact and not person.common
        elif given is not None:
            start_i, how, given_score = given
            evidence = f"{how} + {sn}"
            strong = not person.common and surname_exact
            score = (surname_score * n + given_score) / (n + 1)
        t = start_i - 1
        if joined(t, start_i) and tokens[t].key in TITLES:
            if not evidence:
                evidence = "title + " + sn
                strong = surname_exact and not person.common
            else:
                evidence = "title + " + evidence
            start_i = t
        if not evidence:
            return None  # a surname alone is not a match
        if self._surname_count.get(person.surname, 0) == 1:
            evidence += "; unique among staff"
        return _Hit(
            "staff", person.school, person.name, fld, tokens[start_i].start, tokens[i].end,
            score, evidence, strong, person.index,
        )  # fmt: skip

    def _given_at(
        self, tokens: list[Token], p: int, person: _Staff, surname_exact: bool, mixed: bool
    ) -> tuple[int, str, float] | None:
        """(start token, how, score) if a given name of `person` ends at token p."""
        if not person.given or p < 0:
            return None
        tok = tokens[p]
        if mixed and not tok.capitalised:
            return None
        if tok.key == person.given[0]:
            return p, "first name", 100.0
        if tok.key in person.first_forms:
            return p, f"nickname {tok.raw!r}", 100.0
        if len(person.given) > 1 and tok.key in person.given[1:] and p >= 1:
            inner = self._given_at(tokens, p - 1, person, surname_exact, mixed)
            if inner is not None:
                return inner[0], inner[1] + " + middle name", inner[2]
        if surname_exact and len(person.given[0]) >= 5 and len(tok.key) >= 4:
            if OSA.distance(tok.key, person.given[0]) <= 1 and tok.key not in self._vocab:
                return p, "first name fuzzy", fuzz.ratio(tok.key, person.given[0])
        return None

    # -- deciding --------------------------------------------------------------------------

    def _settle(self, scan: _PostScan) -> list[_Hit]:
        """Apply exclusions, overlaps, ambiguity and context rules to the raw hits."""
        notes = scan.notes
        excluded_schools = {owner for _, _, _, owner, _ in scan.excluded}
        hits: list[_Hit] = []
        for h in scan.hits:
            veto = next(
                (lab for f, s, e, _, lab in scan.excluded
                 if h.kind == "school" and f == h.field and s < h.end and h.start < e),
                None,
            )  # fmt: skip
            if veto is not None:
                notes.append(f"{h.field}:{h.start}: not {h.name}: inside excluded {veto!r}")
            else:
                hits.append(h)
        hits = _merge_same_evidence(hits)
        hits = _drop_overlaps(hits)

        school_strong = {h.school for h in hits if h.kind == "school" and h.strong}
        staff_strong = {h.school for h in hits if h.kind == "staff" and h.strong and h.candidates}
        # A weak school alias stands with corroboration and no exclusion phrase in the post.
        kept: list[_Hit] = []
        for h in hits:
            if h.kind != "school" or h.strong:
                kept.append(h)
                continue
            where = f"{h.field}:{h.start}: {h.name}"
            if h.school in excluded_schools:
                notes.append(f"{where}: weak alias ignored: the post has an excluded phrase")
            elif not self.location_needed[h.school]:
                kept.append(h)
            elif h.school in scan.locations:
                h.reason += f" + location {scan.locations[h.school]!r}"
                kept.append(h)
            elif h.school in school_strong or h.school in staff_strong:
                h.reason += " + corroborated by another mention"
                kept.append(h)
            else:
                notes.append(f"{where}: {h.reason} needs location context; none found")
        schools_found = {h.school for h in kept if h.kind == "school"}

        text_blob = " ".join(t for f, (t, _) in scan.fields.items() if f != "author")
        needs_context = any(h.kind == "staff" and not h.strong for h in kept)
        school_life = SCHOOL_CONTEXT.search(text_blob) if needs_context else None
        out: list[_Hit] = []
        for h in kept:
            if h.kind == "staff":
                if len(h.candidates) > 1:
                    settled = [c for c in h.candidates if self.staff[c].school in schools_found]
                    if len(settled) != 1:
                        names = ", ".join(self.staff[c].name for c in h.candidates)
                        notes.append(f"{h.field}:{h.start}: ambiguous between {names}")
                        continue
                    person = self.staff[settled[0]]
                    h.name, h.school, h.staff = person.name, person.school, person.index
                    h.reason += "; school named in post settles which"
                if not h.strong:
                    if h.school in schools_found:
                        h.reason += "; school named in post"
                    elif h.school in staff_strong:
                        h.reason += "; corroborated by a firmer staff mention"
                    elif school_life:
                        h.reason += f"; school context {school_life.group()!r}"
                    else:
                        notes.append(
                            f"{h.field}:{h.start}: {h.name}: {h.reason} but nothing ties the "
                            "post to school"
                        )
                        continue
            out.append(h)
        return out


def _merge_same_evidence(hits: list[_Hit]) -> list[_Hit]:
    """One staff hit per span: identical evidence for several staff becomes one ambiguous hit."""
    by_span: dict[tuple[str, int, int], _Hit] = {}
    out: list[_Hit] = []
    for h in hits:
        if h.kind != "staff":
            out.append(h)
            continue
        k = (h.field, h.start, h.end)
        if k in by_span:
            prev = by_span[k]
            if h.staff not in prev.candidates and h.staff is not None:
                if h.score > prev.score or (h.strong and not prev.strong):
                    h.candidates = (h.staff,)
                    by_span[k] = h  # one staff's evidence is better: it wins outright
                    out[out.index(prev)] = h
                elif h.score == prev.score:
                    prev.candidates = prev.candidates + (h.staff,)
            continue
        h.candidates = h.candidates or ((h.staff,) if h.staff is not None else ())
        by_span[k] = h
        out.append(h)
    return out


def _drop_overlaps(hits: list[_Hit]) -> list[_Hit]:
    """Of overlapping hits of one kind keep the longest, then the best scored."""
    ranked = sorted(hits, key=lambda h: (-(h.end - h.start), -h.score, not h.strong))
    kept: list[_Hit] = []
    for h in ranked:
        if not any(k.kind == h.kind and k.overlaps(h) for k in kept):
            kept.append(h)
    return kept


def _school_phrases(si: int, name: str, aliases: list[str]) -> list[_Phrase]:
    """The name and aliases, the usual rewrites of each, and their one-word hashtag forms."""
    out: dict[tuple[str, ...], _Phrase] = {}

    def add(ph: _Phrase) -> None:
        if ph.keys and (ph.keys not in out or (ph.strong and not out[ph.keys].strong)):
            out[ph.keys] = ph

    for label in [name, *aliases]:
        raw = label.strip()
        keys = keys_of(raw)
        if not keys:
            continue
        if raw[0] in "@#":  # a handle or hashtag: distinctive, written one way
            add(_Phrase("school", si, keys, label))
            continue
        if "." in raw and " " not in raw:  # a web domain
            add(_Phrase("school", si, keys, label))
            continue
        if len(keys) == 1 and raw.isupper() and raw.isalpha():  # an acronym
            add(_Phrase("school", si, keys, label, exact_raw=raw))
            continue
        canonical = label == name
        for variant in _rewrites(keys):
            strong = canonical or _distinctive(variant)
            add(_Phrase("school", si, variant, label, strong=strong, fuzzy=True))
            if variant[-1] in ("school", "academy") and len(variant) > 2:
                short = variant[:-1]
                add(_Phrase("school", si, short, label, strong=_distinctive(short), fuzzy=True))
            joined = "".join(variant)
            if len(variant) > 1 and len(joined) >= 8:
                add(_Phrase("school", si, (joined,), label, strong=strong))
    return list(out.values())


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


def _distinctive(keys: tuple[str, ...]) -> bool:
    """Does this phrase name one school rather than any school in a place of that name?"""
    own = sum(1 for k in keys if k not in GENERIC_SCHOOL_WORDS)
    denomination = any(k in DENOMINATION_WORDS for k in keys) or any(
        keys[i : i + 3] == ("c", "of", "e") for i in range(len(keys))
    )
    return own + denomination >= 2
