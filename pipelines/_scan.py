"""What one post's scan collects: raw hits (kept or rejected, each with its reason), the
exclusion and location phrases seen, and the helpers that resolve overlapping hits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from pipelines._names import MORE_SCHOOL_LIFE, SCHOOL_CONTEXT
from pipelines.post import Field

FIELDS: tuple[Field, ...] = ("title", "text", "author")
# Between the words of one name: "St. Aidan's", "Millbrook, Cornwall", "J. Ashworth",
# "Fitzgerald-Hughes"; at most one line break (a wrapped line), never a blank line.
PHRASE_GAP = re.compile(r"(?!(?s:.*\n.*\n))\s*[.,\-&/'’]?\s*")
NAME_GAP = re.compile(r"[^\S\n]{1,2}|\.[^\S\n]?|-|[^\S\n]*\n[^\S\n]*")


@dataclass(frozen=True, slots=True)
class Considered:
    """One candidate the matcher weighed, for `schoolwatch explain`."""

    kind: str
    school: str
    name: str
    text: str
    field: Field
    start: int
    end: int
    score: float
    matched: bool
    why: str  # the mention's reason if matched, else why it was turned down
    held: bool = False  # turned down only for want of context (Hit.held)

    def line(self) -> str:
        verdict = "MATCH " if self.matched else "held  " if self.held else "reject"
        if self.kind in ("exclude", "place"):
            verdict = "seen  "
        return (
            f"{verdict} {self.kind:6s} {self.name!r} ({self.school}) {self.field}:"
            f"{self.start}-{self.end} {self.text!r} score {self.score:.0f}: {self.why}"
        )


SURNAME_ALONE = "surname alone"  # a bare staff surname's evidence: it needs the school named or
# school life in the post, a local source is not enough (pipelines._decide)


@dataclass(slots=True)
class Hit:
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
    tied: bool = False  # a handle or configured alias: ties the post to the school by itself
    context: bool = False  # written with a job title ("Headteacher Nadia Rahman")
    placed: str | None = None  # "in Bath" after a school name: the place
    namesake: str | None = None  # "RC Primary" after "St Aidan's": a kind the school is not
    rejected: str | None = None  # why it is not a mention; None when it is one
    # Rejected only for want of context (a weak alias with no school life, a titled staff name
    # nothing ties to school): held, and kept if the post reads as safeguarding (analyse.py).
    held: bool = False

    def overlaps(self, other: Hit) -> bool:
        return self.field == other.field and self.start < other.end and other.start < self.end

    def where(self) -> str:
        return f"{self.field}:{self.start}: {self.name}"


@dataclass
class PostScan:
    fields: dict[Field, str] = field(default_factory=dict)
    words: dict[Field, set[str]] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    excluded: list[tuple[Field, int, int, int, str]] = field(default_factory=list)
    locations: dict[int, list[tuple[Field, int, int, str]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    local: bool = False  # from a source marked `local` (config.schema.Source)

    def reject(self, hit: Hit, why: str, *, held: bool = False) -> None:
        hit.rejected = why
        hit.held = held
        self.notes.append(f"{hit.where()}: {why}")

    def live(self) -> list[Hit]:
        return [h for h in self.hits if h.rejected is None]

    def school_life(self, skip: Callable[[Field, int, int], bool]) -> str | None:
        """The first school-life words in the title or text ("year 9", "pick-up") whose span
        `skip` does not rule out (a word that is part of a school's own name)."""
        for fld, text in self.fields.items():
            if fld == "author":
                continue
            for rx in (SCHOOL_CONTEXT, MORE_SCHOOL_LIFE):
                for m in rx.finditer(text):
                    if not skip(fld, m.start(), m.end()):
                        return m.group()
        return None


def merge_same_evidence(scan: PostScan) -> None:
    """One staff hit per span: identical evidence for several staff becomes one ambiguous hit."""
    by_span: dict[tuple[str, int, int], Hit] = {}
    for h in scan.live():
        if h.kind != "staff":
            continue
        k = (h.field, h.start, h.end)
        prev = by_span.get(k)
        if prev is None:
            h.candidates = h.candidates or ((h.staff,) if h.staff is not None else ())
            by_span[k] = h
            continue
        if h.staff in prev.candidates or h.staff is None:
            h.rejected = "same evidence as another candidate"
            continue
        if h.score > prev.score or (h.strong and not prev.strong):
            h.candidates = (h.staff,)
            by_span[k] = h  # one staff's evidence is better: it wins outright
            prev.rejected = f"weaker evidence than for {h.name}"
        elif h.score == prev.score:
            prev.candidates = prev.candidates + (h.staff,)
            h.rejected = f"same evidence as for {prev.name}: ambiguous"
        else:
            h.rejected = f"weaker evidence than for {prev.name}"


def drop_overlaps(scan: PostScan) -> None:
    """Of overlapping hits of one kind keep the longest, then the best scored."""
    ranked = sorted(scan.live(), key=lambda h: (-(h.end - h.start), -h.score, not h.strong))
    kept: list[Hit] = []
    for h in ranked:
        other = next((k for k in kept if k.kind == h.kind and k.overlaps(h)), None)
        if other is None:
            kept.append(h)
        else:
            h.rejected = f"inside the longer or better match {other.name!r}"
