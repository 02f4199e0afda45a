"""Run only the rules that can match: RE2 says which may, and where, before Python's `re` runs.

Python's `re` runs each of the thirty-odd rule patterns over the whole post in turn, and that
was most of the classifier's time. A Gate reads the literal words each pattern needs in one
pass over the text (RE2's FilteredRE2) and says which patterns may match; a Finder per pattern
says where each can start, or matches it exactly, so `re` (which keeps the exact semantics:
lookbehinds, lazy repeats, the spans for reasons) is tried only there. The RE2 patterns are the
rules loosened so that RE2 accepts them and so that they match at least whatever the real
pattern matches (word-boundary assertions dropped, `\\w` and `\\s` widened to Unicode): a gate
can only let through too much, never hold back a match.

If google-re2 is not installed, or a pattern does not compile in RE2, that pattern is simply
always run: slower, never different.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

try:
    import re2 as _re2
except ImportError:  # pragma: no cover - the dependency is declared; this is belt and braces
    _re2 = None

_WORD = r"\pL\pN_"
_SPACE = r"\s\p{Z}"
MAX_MEM = 256 << 20  # bytes RE2 may use for the gate's automaton (it uses a few MB of it)


def loosen(pattern: str) -> str:
    """A pattern RE2 accepts that matches wherever `pattern` (Python syntax) matches."""
    out: list[str] = []
    resume = 0  # past a dropped lookaround
    for i, tok, in_class in _walk(pattern):
        if i < resume:
            continue
        if not in_class and tok == "(" and pattern.startswith(_LOOKAROUNDS, i):
            resume = _group_end(pattern, i)  # a lookaround only narrows a match: drop it
        elif tok == "\\w":
            out.append(_WORD if in_class else f"[{_WORD}]")
        elif tok == "\\s":
            out.append(_SPACE if in_class else f"[{_SPACE}]")
        elif tok == "\\W" and not in_class:
            out.append(f"[^{_WORD}]")
        elif tok != "\\b" or in_class:  # a boundary only narrows a match: the gate may be wider
            out.append(tok)
    return "".join(out)


_LOOKAROUNDS = ("(?!", "(?<!", "(?=", "(?<=")


def _walk(pattern: str, i: int = 0) -> Iterator[tuple[int, str, bool]]:
    """(index, token, inside a character class) for each token of `pattern` from `i`: an
    escape with what it escapes, or one character. A class's "[" is outside it, its "]" inside."""
    in_class = False
    while i < len(pattern):
        if pattern[i] == "\\":
            yield i, pattern[i : i + 2], in_class
            i += 2
            continue
        c = pattern[i]
        yield i, c, in_class
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        i += 1


def _nesting(pattern: str, i: int = 0) -> Iterator[tuple[int, str, int]]:
    """(index, token, how many groups are open after it) for each token of `pattern` from `i`
    that is outside every character class (escapes respected)."""
    depth = 0
    for j, tok, in_class in _walk(pattern, i):
        if in_class:
            continue
        depth += (tok == "(") - (tok == ")")
        yield j, tok, depth


def _group_end(pattern: str, i: int) -> int:
    """The index just after the group that opens at `i` (escapes and classes respected)."""
    return next((j + 1 for j, tok, depth in _nesting(pattern, i) if depth == 0), len(pattern))


# Python's `(?<!\\w)` at the start of a pattern, for RE2 (which has no lookbehind): the start
# of the text, or a character that is not an ASCII letter, digit or "_" just before. Looser
# than Python's (a letter beyond ASCII is a word character to Python), never stricter.
_NON_WORD_BEFORE = "(?:^|[^A-Za-z0-9_])"
_WORD_START = "(?<!\\w)"


def source(rx: re.Pattern[str]) -> str:
    """A compiled pattern as the text Gate and Finder take: its case-blindness as "(?i)",
    which `gate_form` reads back."""
    return ("(?i)" if rx.flags & re.I else "") + rx.pattern


def gate_form(pattern: str, python_spaces: bool) -> str:
    """The form of `pattern` a Gate's automaton runs: loosened (see `loosen`), and made to
    start after a non-word character when `pattern` itself must (`(?<!\\w)` before all of
    it): an unanchored automaton then follows a pattern only from the start of a word, not
    from every byte, and so needs about half as many states. (Every new post's bytes cost RE2
    new states, and the rest are read from more memory than the processor's cache holds.)"""
    flags = "(?i)" if pattern.startswith("(?i)") else ""
    body = pattern[len(flags) :]
    form = loosen(body)
    if python_spaces:
        form = _widen_space(form)
    if body.startswith(_WORD_START) and not _has_top_level_branch(body):
        form = _NON_WORD_BEFORE + form
    return flags + form


def _has_top_level_branch(pattern: str) -> bool:
    """A "|" outside every group and class: the pattern is alternatives, not one sequence."""
    return any(tok == "|" and depth == 0 for _, tok, depth in _nesting(pattern))


class Gate:
    """Which of `patterns` may match a text; None for a pattern RE2 cannot take (always run).

    RE2's FilteredRE2 knows the literal strings ("atoms") each pattern needs and finds them all
    in one pass of a case-blind literal automaton: the patterns whose atoms are all there may
    match (four or five of the rules' thirty-odd, on a forum post, read alternative by
    alternative: see `_atoms`), the rest cannot. The caller runs those few through their
    Finders, which say exactly where they match. One union
    automaton of all the patterns said more precisely which match (one or two), but on a text
    it had not seen it had to build new states of a huge machine byte by byte: about 200 µs
    for a new forum post, against 16 µs for the atoms (`bench/bench_classify.py`, first
    sight). Where the binding has no FilteredRE2, the union automaton is used.
    """

    def __init__(self, patterns: Sequence[str], python_spaces: bool = False) -> None:
        """`python_spaces`: `\\s` also takes the rest of Python's whitespace (\\v, \\x1c-\\x1f,
        \\x85), as Finder's patterns do, for text that is not lower-cased rule text."""
        self.always: set[int] = set()
        self._match: Any = None  # bytes -> the ids of the patterns that may match
        self._same = False
        if _re2 is None:
            self.always = set(range(len(patterns)))
            return
        self._index: list[int] = []  # the automaton's ids -> our pattern indices
        forms: list[str] = []
        for i, p in enumerate(patterns):
            form = gate_form(p, python_spaces)
            try:
                _re2.compile(form)
            except Exception:  # noqa: BLE001 - RE2 refuses it: run it every time instead
                self.always.add(i)
                continue
            forms.append(form)
            self._index.append(i)
        self._same = not self.always  # then the automaton's ids are the patterns' indices
        if forms:
            self._match = _atoms(forms) or _union(forms)

    def candidates(self, text: str | bytes) -> set[int]:
        """Indices of the patterns that may match `text` (a superset of those that do); bytes
        must be the text in UTF-8."""
        if self._match is None:
            return set(self.always)
        found = self._match(text.encode() if isinstance(text, str) else text) or ()
        if self._same:
            return set(found)
        hits = {self._index[k] for k in found}
        return hits | self.always if self.always else hits


def _atoms(forms: Sequence[str]) -> Callable[[bytes], Any] | None:
    """The Gate's FilteredRE2 (see Gate), or None where this binding has none.

    Each form goes in as its top-level alternatives, so that one alternative without a word
    of three letters to look for ("dm me if", "f*ck") does not make the whole rule run on
    every post, and so that FilteredRE2 does not give up on a rule too big to reduce. The
    alternatives that still have no atoms are matched exactly by a small union automaton of
    their own: small enough to be quick on new text too."""
    low = getattr(_re2, "_re2", None)
    if low is None or not hasattr(low, "Filter"):
        return None
    options = _re2.Options()
    options.never_capture = True
    flt = low.Filter()
    alts: list[str] = []  # filter id -> the alternative's form
    owner: list[int] = []  # filter id -> form index
    for k, form in enumerate(forms):
        for alt in alternatives(form):
            if flt.Add(alt.encode(), options) != len(owner):
                return None
            alts.append(alt)
            owner.append(k)
    if not flt.Compile():
        return None
    match = flt.Match
    always = set(match(b"", True) or ())  # the alternatives with no atoms: never filtered
    if not always:
        if owner == list(range(len(forms))):
            return lambda b: match(b, True)  # True: the patterns that may match, not run them
        return lambda b: {owner[i] for i in match(b, True) or ()}
    rest = sorted(always)
    exact = _union([alts[i] for i in rest])
    rest_owner = [owner[i] for i in rest]

    def candidates(b: bytes) -> set[int]:
        found = {owner[i] for i in match(b, True) or () if i not in always}
        found.update(rest_owner[j] for j in exact(b) or ())
        return found

    return candidates


def alternatives(form: str) -> list[str]:
    """`form` (a gate form) as forms of its top-level alternatives, each with the form's flags
    and start condition: the form matches a text exactly when one of them does."""
    flags = "(?i)" if form.startswith("(?i)") else ""
    body = form[len(flags) :]
    start = _NON_WORD_BEFORE if body.startswith(_NON_WORD_BEFORE) else ""
    body = body[len(start) :]
    wrapped = body.startswith("(?:") and _group_end(body, 0) == len(body)
    inner = body[3:-1] if wrapped else body
    if start and not wrapped:
        return [form]  # the start condition binds to the whole: leave it whole
    cuts = [j for j, tok, depth in _nesting(inner) if tok == "|" and depth == 0]
    if not cuts:
        return [form]
    bounds = zip([-1, *cuts], [*cuts, len(inner)], strict=True)
    return [f"{flags}{start}(?:{inner[a + 1 : b]})" for a, b in bounds]


def _union(forms: Sequence[str]) -> Callable[[bytes], Any]:
    """One automaton of all `forms` that says which match: exact, but slow on new text."""
    options = _re2.Options()
    options.never_capture = True
    # The union of every rule is a large automaton: give RE2 room to keep its DFA, or it
    # throws the DFA away and rebuilds it mid-text (milliseconds per post instead of µs).
    options.max_mem = MAX_MEM
    gate = _re2.Set.SearchSet(options)
    for form in forms:
        gate.Add(form)
    gate.Compile()
    # The compiled set under the wrapper when it is there: its Match on bytes skips the
    # wrapper's Python frame.
    return getattr(gate, "_set", gate).Match  # type: ignore[no-any-return]


# Each Finder's memory budget, and the largest program (RE2 instructions) kept within it: a
# larger pattern (the union of many phrases) is left to Python's `re`.
FINDER_MEM = 32 << 20
FINDER_PROGRAM = 50_000
# Python's `\s` also matches \v, \x1c-\x1f and \x85, which RE2's `\s` and `\p{Z}` do not.
_PY_SPACE = r"\s\p{Z}\x0b\x1c-\x1f\x85"


def _widen_space(loosened: str) -> str:
    return loosened.replace(_SPACE, _PY_SPACE)


# The rules' word-boundary wrapper (pipelines._rules._B): a pattern so wrapped, with no other
# lookaround, anchor or back-reference inside, RE2 can match exactly on ASCII text (below).
_B_OPEN = "(?<!\\w)(?<!\\w')(?:"
_B_CLOSE = ")(?![\\w])"
# Python's `\s` on ASCII text, spelled out for RE2 (whose `\s` lacks \v and \x1c-\x1f).
_PY_PY_SPACE = "\\t\\n\\x0b\\x0c\\r \\x1c-\\x1f"


def exact(pattern: str) -> str | None:
    """An RE2 pattern that, on ASCII text, matches what `pattern` matches at the same start
    with the same end, plus one more character when one follows (see Finder.spans); or None
    when `pattern` is not of that kind.

    RE2's leftmost-first matching is the order a backtracking engine tries things in, for any
    pattern without lookaround or back-references. The wrapper's lookbehinds are checked by the
    caller at the start RE2 gives; its lookahead "no word character next" is the same test as
    "a non-word character or the end next", which RE2 can match (it consumes that character).
    """
    if not (pattern.startswith(_B_OPEN) and pattern.endswith(_B_CLOSE)):
        return None
    inner = pattern[len(_B_OPEN) : -len(_B_CLOSE)]
    out: list[str] = []
    for i, tok, in_class in _walk(inner):
        if tok[0] == "\\":
            e = tok[1:]
            if e == "s":
                out.append(_PY_PY_SPACE if in_class else f"[{_PY_PY_SPACE}]")
            elif e in ("w", "W", "d", "D", "b", "B") or (e and not e.isalnum()):
                out.append(tok)
            else:
                return None  # \S, \A, \Z, a back-reference, an escape RE2 may read otherwise
            continue
        if in_class:
            pass
        elif tok == "[":
            if inner.startswith("[]", i) or inner.startswith("[^]", i):
                return None  # a "]" first in a class: rare, and read differently by RE2
        elif tok in "^$" or inner.startswith("(?", i) and not inner.startswith("(?:", i):
            return None  # an anchor, a lookaround, a named group or inline flags
        out.append(tok)
    return f"(?:{''.join(out)})(?:\\W|\\z)"


_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_APOSTROPHE = ord("'")


class Finder:
    """Where a pattern can start in a text, from RE2, so that Python's `re` is only tried
    there instead of at every position (`matches` gives exactly what `rx.finditer` gives).

    The RE2 pattern is the gate's loosened pattern with `\\s` widened to all of Python's
    whitespace: wherever the Python pattern matches, it matches, so its leftmost start is never
    after the Python pattern's.
    """

    def __init__(self, pattern: str) -> None:
        self._rx: Any = None
        self._search: Callable[[bytes, int], int] = _start_none
        self._match: Any = None
        self._unanchored: Any = None
        self._exact: Any = None  # RE2's exact form of the pattern, when it has one (`spans`)
        if _re2 is None:
            return
        options = _re2.Options()
        options.never_capture = True
        options.max_mem = FINDER_MEM
        try:
            rx = _re2.compile(_widen_space(loosen(pattern)), options)
        except Exception:  # noqa: BLE001 - RE2 refuses it: Python's re alone then
            return
        size = getattr(getattr(rx, "_regexp", None), "ProgramSize", None)
        if size is None or size() > FINDER_PROGRAM:
            return  # too big for its memory budget (RE2 would fall back to a slow NFA)
        # The compiled RE2 object under the wrapper: its Match on bytes costs a fraction of the
        # wrapper's search (which is Python code per call). Fall back to the wrapper if the
        # installed version lays itself out differently.
        low = getattr(rx, "_regexp", None)
        anchor = getattr(getattr(getattr(_re2, "_re2", None), "RE2", None), "Anchor", None)
        if low is not None and anchor is not None and hasattr(low, "Match"):
            # `matches` calls it directly: a Python frame per call costs more than the search.
            self._match, self._unanchored = low.Match, anchor.UNANCHORED
        else:
            self._search = lambda b, pos: _start(rx.search(b, pos))
        self._rx = rx
        # The exact form, when the pattern has one (`spans` then needs no `re` at all).
        form = exact(pattern)
        if form is not None and self._match is not None:
            try:
                ex = _re2.compile(form, options)._regexp
            except Exception:  # noqa: BLE001 - RE2 refuses it: `matches` then
                return
            if ex.ProgramSize() <= FINDER_PROGRAM:
                self._exact = ex.Match

    def spans(self, rx: re.Pattern[str], text: str, btext: bytes | None) -> list[tuple[int, int]]:
        """`[m.span() for m in rx.finditer(text)]` (`rx` compiled from this Finder's pattern);
        `btext` is `text` in UTF-8 (or None). The exact form is for ASCII text only."""
        exact_match = self._exact
        if exact_match is None or btext is None or len(btext) != len(text):
            return [m.span() for m in self.matches(rx, text, btext)]
        out: list[tuple[int, int]] = []
        unanchored, word = self._unanchored, _WORD_BYTES
        pos, n = 0, len(btext)
        while pos <= n:
            a, e = exact_match(unanchored, btext, pos, n)[0]
            if a < 0:
                break
            if e == a:  # an empty match: finditer's rules for those are subtle
                return [m.span() for m in rx.finditer(text)]
            # The wrapper's lookbehinds: no word character, nor one and an apostrophe, before.
            if a and (
                btext[a - 1] in word
                or (btext[a - 1] == _APOSTROPHE and a > 1 and btext[a - 2] in word)
            ):
                pos = a + 1
                continue
            if btext[e - 1] not in word:  # RE2 took the non-word character after the match ...
                if e == n:  # ... or the match ends in one at the end of the text: ask `re`
                    m = rx.match(text, a)
                    if m is None:  # never: RE2 found a match here
                        return [m.span() for m in rx.finditer(text)]
                    e = m.end()
                else:
                    e -= 1
            if e == a:  # an empty match: finditer's rules for those are subtle
                return [m.span() for m in rx.finditer(text)]
            out.append((a, e))
            pos = e
        return out

    def matches(self, rx: re.Pattern[str], text: str, btext: bytes | None) -> list[re.Match[str]]:
        """`list(rx.finditer(text))`; `btext` is `text` in UTF-8 (or None)."""
        if self._rx is None or btext is None:
            return list(rx.finditer(text))
        if len(btext) != len(text):
            return self._utf8_matches(rx, text, btext)
        out: list[re.Match[str]] = []
        search, match = self._search, rx.match
        pos, n = 0, len(text)
        low, unanchored = self._match, self._unanchored
        while pos <= n:
            # RE2's own Match when it is at hand, else the wrapper's search.
            at = search(btext, pos) if low is None else low(unanchored, btext, pos, n)[0][0]
            if at < 0:
                break
            m = match(text, at)
            if m is None:
                pos = at + 1
                continue
            if m.end() == at:  # an empty match: finditer's rules for those are subtle
                return list(rx.finditer(text))
            out.append(m)
            pos = m.end()
        return out

    def _utf8_matches(self, rx: re.Pattern[str], text: str, btext: bytes) -> list[re.Match[str]]:
        """`matches` for text that is not all ASCII: RE2 gives byte offsets in `btext`, turned
        into the text's character offsets by decoding only the bytes between two of them
        (RE2's matches start and `re`'s end on a character's first byte)."""
        low, unanchored, match = self._match, self._unanchored, rx.match
        if low is None:
            return list(rx.finditer(text))
        out: list[re.Match[str]] = []
        pos = chars = 0  # a byte offset in `btext` and the character offset it is at
        n = len(btext)
        while pos <= n:
            at = low(unanchored, btext, pos, n)[0][0]
            if at < 0:
                break
            at_char = chars + len(btext[pos:at].decode())
            m = match(text, at_char)
            if m is None:
                if at == n:
                    break
                # On one character, as `re` would go: its bytes in UTF-8.
                pos, chars = at + len(text[at_char].encode()), at_char + 1
                continue
            end = m.end()
            if end == at_char:  # an empty match: finditer's rules for those are subtle
                return list(rx.finditer(text))
            out.append(m)
            pos, chars = at + len(text[at_char:end].encode()), end
        return out

    def search(self, rx: re.Pattern[str], text: str, btext: bytes | None) -> re.Match[str] | None:
        """`rx.search(text)`; `btext` is `text` in UTF-8 as `search_bytes` gives it, or None.

        RE2 proposes the leftmost place the pattern may start (never after `rx`'s own), `re`
        confirms it there or RE2 looks again one further on: the first confirmed is `rx`'s
        leftmost match, without `re` trying every position of a long page itself.
        """
        if self._rx is None or btext is None:
            return rx.search(text)
        if len(btext) != len(text):
            return self._utf8_search(rx, text, btext)
        match = rx.match
        pos, n = 0, len(text)
        low, unanchored = self._match, self._unanchored
        while pos <= n:
            at = self._search(btext, pos) if low is None else low(unanchored, btext, pos, n)[0][0]
            if at < 0:
                return None
            m = match(text, at)
            if m is not None:
                return m
            pos = at + 1
        return None

    def _utf8_search(self, rx: re.Pattern[str], text: str, btext: bytes) -> re.Match[str] | None:
        """`search` for text that is not all ASCII: as `_utf8_matches` walks, to the first."""
        low, unanchored, match = self._match, self._unanchored, rx.match
        if low is None:
            return rx.search(text)
        pos = chars = 0  # a byte offset in `btext` and the character offset it is at
        n = len(btext)
        while pos <= n:
            at = low(unanchored, btext, pos, n)[0][0]
            if at < 0:
                return None
            at_char = chars + len(btext[pos:at].decode())
            m = match(text, at_char)
            if m is not None:
                return m
            if at == n:
                return None
            pos, chars = at + len(text[at_char].encode()), at_char + 1
        return None


# Every character that is not ASCII: `search_bytes` keeps only these to look at.
_DROP_ASCII = dict.fromkeys(range(128))


def search_bytes(text: str) -> bytes | None:
    """`text` in UTF-8 for `Finder.search`, or None when RE2 might not propose every place a
    case-insensitive pattern matches: Python's `re.I` takes some letters beyond ASCII as
    equal to ASCII ones ("İ" and "ı" to "i", "ſ" to "s") that RE2's case folding keeps apart.
    So beside ASCII only characters without case are let through ("£", "—", emoji), on which
    both engines agree; and a lone surrogate, which is not UTF-8, gives None too."""
    if text.isascii():
        return text.encode("ascii")
    other = text.translate(_DROP_ASCII)
    if other.lower() != other or other.upper() != other:
        return None  # (a case mapping that is not the character itself, or is longer)
    try:
        return text.encode()
    except UnicodeEncodeError:
        return None


def _start(found: Any) -> int:
    return -1 if found is None else int(found.start())


def _start_none(b: bytes, pos: int) -> int:  # pragma: no cover - a placeholder, never called
    return -1


class Quick:
    """`rx.search(s) is not None`, answered by RE2 on the UTF-8 bytes when it can be.

    `same` must be an RE2 pattern that matches a text exactly when `rx` does (for instance
    `[A-Z]{2}` for itself): RE2's DFA answers in a fraction of the time Python's `re` takes.
    """

    def __init__(self, rx: re.Pattern[str], same: str) -> None:
        self._rx = rx
        self._match: Any = None
        if _re2 is None:
            return
        options = _re2.Options()
        options.never_capture = True
        try:
            low = _re2.compile(same, options)._regexp
            self._match = low.Match
            self._unanchored = _re2._re2.RE2.Anchor.UNANCHORED
        except Exception:  # noqa: BLE001 - not this version's layout: Python's re then
            self._match = None

    def found(self, s: str, encoded: bytes | None = None) -> bool:
        """`encoded`, if given, is `s` in UTF-8 (a caller that has it saves encoding again)."""
        if self._match is not None:
            if encoded is not None:
                b = encoded
            else:
                try:
                    b = s.encode()
                except UnicodeEncodeError:  # a lone surrogate: not UTF-8
                    return self._rx.search(s) is not None
            return bool(self._match(self._unanchored, b, 0, len(b))[0][0] >= 0)
        return self._rx.search(s) is not None
