"""Find the configured schools and staff in a normalised post, and say why each was found.

Precision first (DESIGN.md). A school is found by its name, an alias, a hashtag (CamelCase
hashtags are read word by word), a handle or its web domain. A short alias of a common name
("Millbrook Primary") needs corroboration: one of the school's `location_terms` outside the
mention itself, a stronger mention of the school, or one of its staff. A configured `exclude`
phrase ("Millbrook Garden Centre") vetoes what it overlaps and weak mentions anywhere in the post;
a written-out name placed somewhere else ("St Mary's Primary School in Bath") is a namesake.

A staff member is found by full name (given name exact, a known nickname or one typo), by initial
+ surname, by title + surname, by a configured alias or a handle; by first name alone only when
no other staff member has it and the post names their school. A surname alone never counts, and
any staff evidence counts only in a post about school (the school named, or school-life words):
the footballer Harry Kane is not the PE teacher Harry Kane. Ambiguous evidence (two staff called
Smith) is reported in the notes with every candidate, not guessed.

Speed: most words of most posts are nothing to us. Each field's distinct words are checked
against sets of words already known to be boring or watched (set arithmetic in C); only the
neighbourhood of a watched word is tokenised and scanned. rapidfuzz only proposes which watch
words a new text word may be (one typo, looked up once per distinct word); structural checks
decide.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from config.schema import Config
from pipelines._names import (
    _TOKEN,
    BUILTIN_NICKNAMES,
    COMMON_SURNAMES,
    EVERYDAY_NAME_WORDS,
    GENERIC_SCHOOL_WORDS,
    ROLE_TITLES,
    TITLES,
    Nicknames,
    Token,
    camel_parts,
    is_mixed_case,
    key,
    keys_of,
    split_name,
    tokenise,
)
from pipelines._scan import (
    FIELDS,
    NAME_GAP,
    PHRASE_GAP,
    SURNAME_ALONE,
    Considered,
    Hit,
    PostScan,
    drop_overlaps,
    merge_same_evidence,
)
from pipelines._school import Phrase, other_kind, own_kind_words, placed_at, school_phrases
from pipelines.post import Field, Mention, Post

_ALL_TITLES = TITLES | ROLE_TITLES
_FUZZY_CACHE_MAX = 200_000
_WORD_CACHE_MAX = 400_000


@dataclass(frozen=True, slots=True)
class _Staff:
    index: int
    school: int
    name: str
    given: tuple[str, ...]
    surname: tuple[str, ...]
    first_forms: frozenset[str]
    common: bool  # a common surname: title/initial alone is weak evidence


class Watchlist:
    """Everything needed to match a config's schools and staff, compiled once."""

    def __init__(self, cfg: Config, nicknames: Nicknames) -> None:
        self.schools = [s.name for s in cfg.schools]
        self.location_needed = [bool(s.location_terms) for s in cfg.schools]
        self.local_sources = frozenset(s.name for s in cfg.sources if s.local)
        self._location_keys = [[keys_of(t) for t in s.location_terms] for s in cfg.schools]
        self.nicknames = nicknames
        self.staff: list[_Staff] = []
        self._phrases: dict[str, list[Phrase]] = {}  # first key -> phrases starting with it
        self._surnames: dict[str, list[_Staff]] = {}  # last surname key -> staff
        self._surname_count: dict[tuple[str, ...], int] = {}
        self._vocab: set[str] = set()  # every key a phrase or name can start/contain
        fuzzy_words: set[str] = set()
        longest = 12
        self._own_kind: list[frozenset[str]] = []  # kind words each school's names use
        # The schools' own @handles, for accounts named after them ("@StAidansAcad_Official").
        self._school_handles: list[tuple[str, Phrase]] = []
        for si, school in enumerate(cfg.schools):
            phrases = school_phrases(si, school.name, school.aliases)
            self._own_kind.append(own_kind_words(phrases))
            self._school_handles += [
                (ph.keys[0], ph)
                for ph in phrases
                if ph.label.startswith("@") and len(ph.keys) == 1 and len(ph.keys[0]) >= 6
            ]
            for ph in phrases:
                self._add_phrase(ph)
                if ph.fuzzy:
                    fuzzy_words.update(
                        k for k in ph.keys if len(k) >= 6 and k not in GENERIC_SCHOOL_WORDS
                    )
            for term in school.exclude:
                self._add_phrase(Phrase("exclude", si, keys_of(term), term))
            for term in school.location_terms:
                self._add_phrase(Phrase("location", si, keys_of(term), term))
            for person in school.staff:
                self._add_staff(si, person.name, person.aliases, person.handles, fuzzy_words)
            longest = max([longest, *(len(t) for t in [school.name, *school.aliases])])
        self._fuzzy_buckets: dict[int, list[str]] = {}
        for w in sorted(fuzzy_words):
            self._fuzzy_buckets.setdefault(len(w), []).append(w)
        self._fuzzy_cache: dict[str, tuple[tuple[str, float], ...]] = {}
        # Words every match starts or ends on: a phrase's first word or a surname's last.
        self._anchors = frozenset(self._phrases) | frozenset(self._surnames)
        # First names held by exactly one staff member (for "first name alone").
        owners: dict[str, set[int]] = {}
        for p in self.staff:
            for form in p.first_forms:
                owners.setdefault(form, set()).add(p.index)
        self._unique_first = {
            f: self.staff[next(iter(ix))]
            for f, ix in owners.items()
            if len(ix) == 1 and len(f) >= 3 and f not in EVERYDAY_NAME_WORDS
        }
        # Raw text words already classified: watched (worth a look) or boring.
        self._hot: dict[str, tuple[int, int]] = {}
        self._boring: set[str] = set()
        self._first_hot: set[str] = set()
        self._first_boring: set[str] = set()
        # How much text around a watched word a match can span.
        self._before = 24 + max([0, *(len(m.name) for s in cfg.schools for m in s.staff)])
        self._after = 2 * longest + 32

    @classmethod
    def from_config(cls, cfg: Config) -> Watchlist:
        """Compile `cfg`; raises config.ConfigError if a nickname file is missing or malformed,
        or if a watchlist entry would match nearly every post (pipelines.watchlist_guard)."""
        from pipelines.watchlist_guard import check_watchlist

        paths = [BUILTIN_NICKNAMES]
        for school in cfg.schools:
            if school.nicknames_file is not None:
                p = school.nicknames_file
                paths.append(p if p.is_absolute() else Path(cfg.base_dir) / p)
        nicknames = Nicknames.load(dict.fromkeys(paths))
        check_watchlist(cfg, nicknames)
        return cls(cfg, nicknames)

    # -- compiling -------------------------------------------------------------------------

    def _add_phrase(self, ph: Phrase) -> None:
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
            self._add_phrase(Phrase("staff_alias", index, keys_of(alias), alias))
        for handle in handles:
            self._add_phrase(Phrase("handle", index, keys_of(handle), handle, sigil=True))

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

    def _look_alike(self, word_key: str) -> Phrase | None:
        """The school handle a longer handle begins with ("staidansacad_official"), if any."""
        for k, ph in self._school_handles:
            if len(word_key) > len(k) and word_key.replace("_", "").startswith(k):
                return ph
        return None

    def _reach(self, raw: str) -> tuple[int, int] | None:
        """How far before and after the text word `raw` a match through it may reach: a
        phrase's first word reaches forward, a surname's last word back. None: not watched."""
        keys = [key(raw)]
        if "'" in raw or "’" in raw:
            keys.append(key(raw[:-2]))
        parts = camel_parts(Token(0, len(raw), raw, keys[0], keys[0]))
        before = after = -1
        if self._look_alike(keys[0]) is not None:
            before, after = 1, 4
        for k in keys + [p.key for p in parts]:
            for c, _ in self._candidates(k):
                if c in self._phrases:
                    before, after = max(before, 1), max(after, self._after)
                if c in self._surnames:
                    before, after = max(before, self._before), max(after, 4)
        if before < 0:
            return None
        return (before, after) if not parts else (max(before, 1), max(after, 4))

    def _hot_words(self, text: str) -> tuple[set[str], dict[str, tuple[int, int]]]:
        """(all distinct words of `text`, the watched ones among them with their reach)."""
        words = set(_TOKEN.findall(text))
        unknown = words - self._boring
        if not unknown:
            return words, {}
        known = self._hot
        hot = {w: known[w] for w in unknown if w in known}
        if len(hot) < len(unknown):
            if len(self._boring) + len(known) > _WORD_CACHE_MAX:
                self._boring.clear()
                known.clear()
            for w in unknown:
                if w in hot:
                    continue
                reach = self._reach(w)
                if reach is None:
                    self._boring.add(w)
                else:
                    known[w] = hot[w] = reach
        return words, hot

    def _windows(self, text: str, hot: dict[str, tuple[int, int]]) -> list[list[Token]]:
        """Token runs around each occurrence of the words `hot` (merged where they overlap)."""
        spans: list[tuple[int, int]] = []
        n = len(text)
        for w, (before, after) in hot.items():
            i = text.find(w)
            while i >= 0:
                spans.append((max(0, i - before), min(n, i + len(w) + after)))
                i = text.find(w, i + len(w))
        spans.sort()
        runs: list[list[Token]] = []
        cur_s, cur_e = -1, -1
        for s, e in spans:
            if s <= cur_e:
                cur_e = max(cur_e, e)
                continue
            if cur_e >= 0:
                runs.append(self._run(text, cur_s, cur_e))
            cur_s, cur_e = s, e
        if cur_e >= 0:
            runs.append(self._run(text, cur_s, cur_e))
        return runs

    @staticmethod
    def _run(text: str, s: int, e: int) -> list[Token]:
        # Widen to whole words so that no token is cut in two.
        while s > 0 and not text[s - 1].isspace():
            s -= 1
        n = len(text)
        while e < n and not text[e].isspace():
            e += 1
        return tokenise(text, s, e)

    def _similarity(self, tok: Token, target: str, fuzzy: bool) -> float | None:
        """How well `tok` spells the watch word `target` (a word inside a phrase or surname)."""
        if tok.key == target or tok.base == target:
            return 100.0
        if fuzzy and len(target) >= 5 and len(tok.key) >= 4:
            # Compared directly, so generic words get their typos too ("Primery", "Acadamy").
            edits = 1 if len(target) < 9 else 2
            if OSA.distance(tok.key, target, score_cutoff=edits) <= edits:
                return fuzz.ratio(tok.key, target)
        return None

    # -- matching --------------------------------------------------------------------------

    def find(self, post: Post) -> list[Mention]:
        """Mentions in `post` (already normalised), in field order then position."""
        return self.find_explained(post)[0]

    def find_explained(self, post: Post) -> tuple[list[Mention], list[str]]:
        """Mentions, and notes on candidates that were rejected (for previews and reasons)."""
        mentions, _, notes = self.find_held(post)
        return mentions, notes

    def find_held(self, post: Post) -> tuple[list[Mention], list[Mention], list[str]]:
        """Mentions; the candidates held back only for want of context (a weak alias with no
        school life round it, a titled staff name nothing ties to school), which are mentions
        if the post reads as safeguarding (pipelines.analyse); and the notes."""
        scan = self._scan(post)
        order = {f: i for i, f in enumerate(FIELDS)}
        hits = sorted(scan.hits, key=lambda h: (order[h.field], h.start, h.end))
        mentions = [
            Mention(**self._where(h, scan), reason=h.reason) for h in hits if not h.rejected
        ]
        held = [
            Mention(**self._where(h, scan), reason=f"{h.reason}, held for want of context")
            for h in hits
            if h.rejected and h.held
        ]
        return mentions, held, scan.notes

    def _where(self, h: Hit, scan: PostScan) -> dict[str, Any]:
        """What a hit is and where it stands: the part a Mention and a Considered share."""
        return {
            "kind": h.kind,
            "school": self.schools[h.school],
            "name": h.name,
            "text": scan.fields[h.field][h.start : h.end],
            "field": h.field,
            "start": h.start,
            "end": h.end,
            "score": h.score,
        }

    def explain(self, post: Post) -> list[Considered]:
        """Every candidate the matcher considered in `post`, matched or not, and why."""
        scan = self._scan(post)
        order = {f: i for i, f in enumerate(FIELDS)}
        out = [
            Considered(
                **self._where(h, scan),
                matched=h.rejected is None,
                why=h.reason if h.rejected is None else h.rejected,
                held=h.held,
            )
            for h in scan.hits
        ]
        for f, s, e, owner, label in scan.excluded:
            why = f"exclusion {label!r}: vetoes what it overlaps, and weak aliases anywhere"
            out.append(Considered("exclude", self.schools[owner], label,
                                  scan.fields[f][s:e], f, s, e, 100.0, False, why))  # fmt: skip
        for owner, places in scan.locations.items():
            for f, s, e, label in places:
                why = f"location term {label!r}: corroborates the school's weak aliases"
                out.append(Considered("place", self.schools[owner], label,
                                      scan.fields[f][s:e], f, s, e, 100.0, False, why))  # fmt: skip
        out.sort(key=lambda c: (order[c.field], c.start, c.end, not c.matched))
        return list(dict.fromkeys(out))  # rewrites of one name can give the same candidate

    def _scan(self, post: Post) -> PostScan:
        scan = PostScan(local=bool(post.source) and post.source in self.local_sources)
        for fld in FIELDS:
            text = getattr(post, fld) or ""
            if not text:
                continue
            scan.fields[fld] = text
            words, hot = self._hot_words(text)
            scan.words[fld] = words
            if not hot:
                continue
            mixed = is_mixed_case(text)
            for tokens in self._windows(text, hot):
                self._scan_tokens(scan, fld, text, tokens, mixed)
        self._settle(scan)
        return scan

    def _scan_tokens(
        self, scan: PostScan, fld: Field, text: str, tokens: list[Token], mixed: bool
    ) -> None:
        before = len(scan.hits)
        self._scan_phrases(scan, fld, text, tokens, mixed)
        self._scan_names(scan, fld, text, tokens, mixed)
        # A CamelCase hashtag or handle is also read word by word (#MillbrookPrimaryStroud),
        # and so is a user name joined by underscores (staidans_exposed).
        for tok in tokens:
            sigil = text[tok.start - 1] if tok.start and text[tok.start - 1] in "#@" else ""
            if not sigil and "_" not in tok.raw:
                continue
            if any(h.start <= tok.start - 1 and tok.end <= h.end for h in scan.hits[before:]):
                continue  # the whole tag is a configured one
            like = self._look_alike(tok.key) if sigil == "@" else None
            if like is not None:
                # An account named after the school's own: the school's, a club's or a fake
                # one (misuse of its name); about the school whichever it is.
                scan.hits.append(
                    Hit("school", like.owner, self.schools[like.owner], fld, tok.start - 1,
                        tok.end, 100.0, f"handle @{tok.raw} named after {like.label}", True)
                )  # fmt: skip
                continue
            parts = camel_parts(tok)
            if parts:
                first = len(scan.hits)
                self._scan_phrases(scan, fld, text, parts, True, tag=True)
                self._scan_names(scan, fld, text, parts, True)
                where = {"#": "hashtag", "@": "handle"}.get(sigil, "user name")
                for h in scan.hits[first:]:
                    h.reason += f"; in {where}"

    def _scan_phrases(
        self,
        scan: PostScan,
        fld: Field,
        text: str,
        tokens: list[Token],
        mixed: bool,
        tag: bool = False,
    ) -> None:
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
                        if s is None or not PHRASE_GAP.fullmatch(text, prev.end, cur.start):
                            break
                        scores.append(s)
                    else:
                        self._phrase_hit(scan, fld, text, tokens, i, end_i, ph, scores, mixed, tag)

    def _phrase_hit(
        self,
        scan: PostScan,
        fld: Field,
        text: str,
        tokens: list[Token],
        i: int,
        end_i: int,
        ph: Phrase,
        scores: list[float],
        mixed: bool,
        tag: bool,
    ) -> None:
        start, end = tokens[i].start, tokens[end_i - 1].end
        if ph.exact_raw is not None and tokens[i].raw != ph.exact_raw:
            return
        sigil = not tag and start > 0 and text[start - 1] in "@#"
        if ph.sigil and not sigil and fld != "author":
            return
        if ph.kind == "exclude":
            scan.excluded.append((fld, start, end, ph.owner, ph.label))
            return
        if ph.kind == "location":
            scan.locations.setdefault(ph.owner, []).append((fld, start, end, ph.label))
            return
        if sigil and (len(ph.keys) == 1 or ph.label.lstrip()[:1] in "@#"):
            start -= 1  # the '#' or '@' is part of a hashtag or handle, not of a domain
        score = sum(scores) / len(scores)
        typo = "" if score == 100 else f"; fuzzy {score:.0f}"
        if ph.kind == "school":
            # Carry the span over a trailing "School"/"Academy" the alias left out.
            j = end_i
            if j < len(tokens) and tokens[j].key in ("school", "academy"):
                if PHRASE_GAP.fullmatch(text, tokens[j - 1].end, tokens[j].start):
                    end = tokens[j].end
                    j += 1
            what = "school name" if ph.label == self.schools[ph.owner] else f"alias {ph.label!r}"
            hit = Hit("school", ph.owner, self.schools[ph.owner], fld, start, end, score,
                      what + typo, ph.strong)  # fmt: skip
            if ph.placeable and not tag:
                hit.placed = placed_at(text, end)
                if not ph.strong:
                    after: list[str] = []
                    while j < len(tokens) and len(after) < 4:
                        if not PHRASE_GAP.fullmatch(text, tokens[j - 1].end, tokens[j].start):
                            break
                        after.append(tokens[j].key)
                        j += 1
                    hit.namesake = other_kind(after, self._own_kind[ph.owner])
            scan.hits.append(hit)
            return
        person = self.staff[ph.owner]
        if len(ph.keys) == 1 and mixed and not tokens[i].raw[:1].isupper() and not sigil:
            return  # a one-word alias written in lower case in cased text is just a word
        what = f"handle {ph.label}" if ph.kind == "handle" else f"configured alias {ph.label!r}"
        scan.hits.append(
            Hit("staff", person.school, person.name, fld, start, end, score, what + typo, True,
                person.index, (person.index,), tied=True)
        )  # fmt: skip

    def _scan_names(
        self, scan: PostScan, fld: Field, text: str, tokens: list[Token], mixed: bool
    ) -> None:
        for i, tok in enumerate(tokens):
            cands = self._candidates(tok.base)
            if tok.base != tok.key:
                cands = cands + self._candidates(tok.key)
            done: set[int] = set()  # "Okafor's": the base and the whole word may both match
            for last, last_score in cands:
                for person in self._surnames.get(last, ()):
                    if person.index in done:
                        continue
                    hit = self._name_at(fld, text, tokens, i, last_score, person, mixed)
                    if hit is not None:
                        done.add(person.index)
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
    ) -> Hit | None:
        """The staff evidence ending at token i (the surname's last word), or None."""
        n = len(person.surname)
        j = i - n + 1
        if j < 0:
            return None
        scores = [last_score]
        for k in range(n - 1):
            s = self._similarity(tokens[j + k], person.surname[k], True)
            if s is None or not NAME_GAP.fullmatch(
                text, tokens[j + k].end, tokens[j + k + 1].start
            ):
                return None
            scores.append(s)
        surname_toks = tokens[j : i + 1]
        lower_surname = mixed and any(not t.capitalised for t in surname_toks)
        if lower_surname and any(t.key in EVERYDAY_NAME_WORDS for t in surname_toks):
            return None
        surname_score = sum(scores) / len(scores)
        surname_exact = surname_score == 100
        sn = f"surname {'exact' if surname_exact else f'fuzzy {surname_score:.0f}'}"

        def joined(a: int, b: int) -> bool:  # tokens a and b (a < b) sit next to each other
            return a >= 0 and bool(NAME_GAP.fullmatch(text, tokens[a].end, tokens[b].start))

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
        titled = joined(t, start_i) and tokens[t].key in _ALL_TITLES
        if titled:
            role = tokens[t].key not in TITLES  # "Headteacher Nadia Rahman": not in the span
            if not evidence:
                evidence = ("job title + " if role else "title + ") + sn
                strong = surname_exact and not person.common
            else:
                evidence = ("job title + " if role else "title + ") + evidence
            if not role:
                start_i = t
        if not evidence:
            # A surname alone: only one that is rare, written exactly, and nobody else's on the
            # staff, and not part of somebody else's name or a place ("Billy Thornton",
            # "Thornton Heath"). Never strong: it stands only where the post is about school
            # (pipelines._decide), and is held otherwise.
            if not (surname_exact and not person.common and len(person.surname[-1]) >= 5
                    and self._surname_count.get(person.surname, 0) == 1):  # fmt: skip
                return None
            if (
                any(
                    0 <= k < len(tokens) and tokens[k].capitalised and joined(min(k, x), max(k, x))
                    for k, x in ((j - 1, j), (i + 1, i))
                )
                and mixed
            ):
                return None
            evidence = SURNAME_ALONE
        if lower_surname and not titled:
            return None  # "Will power": in cased text a name without a title is capitalised
        if self._surname_count.get(person.surname, 0) == 1:
            evidence += "; unique among staff"
        return Hit(
            "staff", person.school, person.name, fld, tokens[start_i].start, tokens[i].end,
            score, evidence, strong, person.index,
            context=titled and tokens[t].key in ROLE_TITLES,
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

    def _settle(self, scan: PostScan) -> None:
        """Mark each raw hit kept or rejected (with the reason), and write the notes."""
        from pipelines._decide import settle

        settle(self, scan)

    def first_name_hits(self, scan: PostScan, schools_named: set[int]) -> list[Hit]:
        """Lone first names of staff at the schools named in the post (a second, narrow pass)."""
        out: list[Hit] = []
        for fld, text in scan.fields.items():
            words = scan.words.get(fld, set())
            unknown = words - self._first_boring
            for w in unknown - self._first_hot:
                (self._first_hot if key(w) in self._unique_first else self._first_boring).add(w)
            hot = [w for w in unknown if w in self._first_hot]
            if not hot:
                continue
            mixed = is_mixed_case(text)
            for tokens in self._windows(text, dict.fromkeys(hot, (16, 16))):
                for i, tok in enumerate(tokens):
                    person = self._unique_first.get(tok.key)
                    if person is None or person.school not in schools_named:
                        continue
                    if not tok.capitalised or (not mixed and fld != "title"):
                        continue  # in all-lower or all-caps text a name is not told from a word
                    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
                    if (
                        nxt is not None
                        and nxt.capitalised
                        and NAME_GAP.fullmatch(text, tok.end, nxt.start)
                    ):
                        continue  # "Helen Smith": somebody else's full name
                    how = "first name" if tok.key == person.given[0] else f"nickname {tok.raw!r}"
                    out.append(
                        Hit("staff", person.school, person.name, fld, tok.start, tok.end, 60.0,
                            f"{how} alone; unique among staff", False, person.index,
                            (person.index,))
                    )  # fmt: skip
        return out

    def location_of(self, school: int, place: str) -> bool:
        """Is `place` (words after 'in') one of the school's location terms?"""
        got = keys_of(place)
        return any(got[: len(k)] == k for k in self._location_keys[school])

    def staff_member(self, index: int) -> _Staff:
        return self.staff[index]

    def context_in(self, scan: PostScan) -> str | None:
        """The first school-life words in the post's title or text, if any. Words inside a
        rejected school name (a namesake: "St Mary's Primary in Bath") do not count."""
        namesakes = [h for h in scan.hits if h.kind == "school" and h.rejected]
        return scan.school_life(
            lambda fld, a, b: any(h.field == fld and h.start <= a and b <= h.end for h in namesakes)
        )


__all__ = ["Watchlist", "Considered", "Hit", "drop_overlaps", "merge_same_evidence"]
