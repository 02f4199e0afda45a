"""Run only the rules that can match: one pass of a multi-pattern automaton over the text.

Python's `re` runs each of the twenty-odd rule patterns over the whole post in turn, and that
was most of the classifier's time. RE2's `Set` matches all of them in one linear pass and says
which could match; only those are then run with `re` (which keeps the exact semantics:
lookbehinds, lazy repeats, the spans for reasons). The gate patterns are the rules loosened so
that RE2 accepts them and so that they match at least whatever the real pattern matches
(word-boundary assertions dropped, `\\w` and `\\s` widened to Unicode): a gate can only let
through too much, never hold back a match.

If google-re2 is not installed, or a pattern does not compile in RE2, that pattern is simply
always run: slower, never different.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
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
    i, in_class = 0, False
    while i < len(pattern):
        if pattern.startswith("(?<![\\w'])", i) or pattern.startswith("(?<!\\w)", i):
            i += len("(?<![\\w'])") if pattern.startswith("(?<![\\w'])", i) else len("(?<!\\w)")
            continue
        if pattern.startswith("(?![\\w])", i) or pattern.startswith("(?!\\w)", i):
            i += len("(?![\\w])") if pattern.startswith("(?![\\w])", i) else len("(?!\\w)")
            continue
        if not in_class and pattern.startswith(("(?!", "(?<!", "(?=", "(?<="), i):
            i = _group_end(pattern, i)  # any other lookaround only narrows a match: drop it
            continue
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            e = pattern[i + 1]
            if e == "w":
                out.append(_WORD if in_class else f"[{_WORD}]")
            elif e == "s":
                out.append(_SPACE if in_class else f"[{_SPACE}]")
            elif e == "W" and not in_class:
                out.append(f"[^{_WORD}]")
            elif e == "b" and not in_class:
                pass  # a boundary only narrows a match; the gate may be wider
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        out.append(c)
        i += 1
    return "".join(out)


def _group_end(pattern: str, i: int) -> int:
    """The index just after the group that opens at `i` (escapes and classes respected)."""
    depth, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


class Gate:
    """Which of `patterns` may match a text; None for a pattern RE2 cannot take (always run)."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.always: set[int] = set()
        self._set: Any = None
        self._same = False
        if _re2 is None:
            self.always = set(range(len(patterns)))
            return
        options = _re2.Options()
        # The union of every rule is a large automaton: give RE2 room to keep its DFA, or it
        # throws the DFA away and rebuilds it mid-text (milliseconds per post instead of µs).
        options.max_mem = MAX_MEM
        options.never_capture = True
        gate = _re2.Set.SearchSet(options)
        self._index: list[int] = []  # the set's ids -> our pattern indices
        for i, p in enumerate(patterns):
            try:
                _re2.compile(loosen(p))
                gate.Add(loosen(p))
                self._index.append(i)
            except Exception:  # noqa: BLE001 - RE2 refuses it: run it every time instead
                self.always.add(i)
        if self._index:
            gate.Compile()
            self._set = gate
        self._same = not self.always  # then the set's ids are the patterns' indices

    def candidates(self, text: str | bytes) -> set[int]:
        """Indices of the patterns that may match `text` (a superset of those that do); bytes
        must be the text in UTF-8."""
        if self._set is None:
            return set(self.always)
        found = self._set.Match(text) or ()  # None: no match
        if self._same:
            return set(found)
        hits = {self._index[k] for k in found}
        return hits | self.always if self.always else hits


# Each Finder's memory budget, and the largest program (RE2 instructions) kept within it: a
# larger pattern (the union of many phrases) is left to Python's `re`.
FINDER_MEM = 32 << 20
FINDER_PROGRAM = 50_000
# Python's `\s` on ASCII text also matches \v and \x1c-\x1f, which RE2's `\s` does not.
_ASCII_SPACE = r"\s\p{Z}\x0b\x1c-\x1f"


def _widen_space(loosened: str) -> str:
    return loosened.replace(_SPACE, _ASCII_SPACE)


class Finder:
    """Where a pattern can start in ASCII text, from RE2, so that Python's `re` is only tried
    there instead of at every position (`matches` gives exactly what `rx.finditer` gives).

    The RE2 pattern is the gate's loosened pattern with `\\s` widened to Python's ASCII
    whitespace: wherever the Python pattern matches, it matches, so its leftmost start is never
    after the Python pattern's.
    """

    def __init__(self, pattern: str) -> None:
        self._rx: Any = None
        self._search: Callable[[bytes, int], int] = _start_none
        self._match: Any = None
        self._unanchored: Any = None
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

    def matches(self, rx: re.Pattern[str], text: str, btext: bytes | None) -> list[re.Match[str]]:
        """`list(rx.finditer(text))`; `btext` is `text` encoded when it is all ASCII, else None."""
        if self._rx is None or btext is None:
            return list(rx.finditer(text))
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

    def search(self, rx: re.Pattern[str], text: str, btext: bytes | None) -> re.Match[str] | None:
        """`rx.search(text)`; `btext` is `text` encoded when it is all ASCII, else None.

        RE2 proposes the leftmost place the pattern may start (never after `rx`'s own), `re`
        confirms it there or RE2 looks again one further on: the first confirmed is `rx`'s
        leftmost match, without `re` trying every position of a long page itself.
        """
        if self._rx is None or btext is None:
            return rx.search(text)
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
