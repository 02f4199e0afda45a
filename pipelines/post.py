"""The value types that flow through the pipeline: a raw post in, an analysis out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Label = Literal[
    "safeguarding", "reputation_risk", "parental_complaint", "staff_conduct", "positive"
]
LABELS: tuple[Label, ...] = (
    "safeguarding",
    "reputation_risk",
    "parental_complaint",
    "staff_conduct",
    "positive",
)
Severity = Literal["urgent", "high", "normal", "low"]
SEVERITIES: tuple[Severity, ...] = ("urgent", "high", "normal", "low")
MentionKind = Literal["school", "staff", "logo"]
Field = Literal["title", "text", "author"]


@dataclass
class Post:
    """One post or feed entry as a spider (or a JSON line) gives it, before normalisation."""

    text: str
    id: str | None = None
    title: str = ""
    author: str = ""
    url: str = ""
    source: str = ""
    published: datetime | None = None
    images: list[str] = field(default_factory=list)
    fetched_at: datetime | None = None
    # False when `url` is only the page or feed the post was found on, not its own address:
    # several posts share such a URL, so it must not be used to tell them apart or merge them.
    permalink: bool = True


@dataclass
class Mention:
    """A place in a post where a watchlist entry was found.

    `start`/`end` are character offsets into the *normalised* field named by `field`.
    """

    kind: MentionKind
    school: str
    name: str
    text: str
    field: Field
    start: int
    end: int
    score: float
    reason: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "school": self.school,
            "name": self.name,
            "text": self.text,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 1),
            "reason": self.reason,
        }


@dataclass
class Analysis:
    """What the pipeline concluded about a post: the `classify` output, and what is stored."""

    post: Post  # normalised copy
    canonical_url: str
    fingerprint: str
    mentions: list[Mention] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    severity: Severity | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def relevant(self) -> bool:
        return bool(self.mentions)

    @property
    def schools(self) -> list[str]:
        """Schools this post is about, in first-mention order."""
        seen: dict[str, None] = {}
        for m in self.mentions:
            seen.setdefault(m.school, None)
        return list(seen)

    def as_json(self) -> dict[str, object]:
        """The object `schoolwatch classify` prints for this post (DESIGN.md contract)."""
        return {
            "id": self.post.id,
            "relevant": self.relevant,
            "mentions": [m.as_json() for m in self.mentions],
            "labels": list(self.labels),
            "scores": {k: round(v, 3) for k, v in self.scores.items()},
            "severity": self.severity if self.relevant else None,
            "reasons": list(self.reasons),
        }
