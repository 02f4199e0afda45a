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

from collections.abc import Sequence
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

    def candidates(self, text: str) -> set[int]:
        """Indices of the patterns that may match `text` (a superset of those that do)."""
        if self._set is None:
            return set(self.always)
        hits = {self._index[k] for k in self._set.Match(text) or ()}  # None: no match
        return hits | self.always if self.always else hits
