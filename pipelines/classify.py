"""Label a matched post and say how urgent it is, with the phrases that decided it.

A transparent first version: the phrase rules in `pipelines._rules`, weighted by how close each
phrase is to a mention of the school or staff member (target-aware), with negation ("not a
complaint, but"), hyperbole ("killer results", "I'll kill whoever invented homework") and sarcasm
("Well done Millbrook, losing another coat 🙄") handled before anything is counted. Labels are
only ever asked for about relevant posts; `pipelines.analyse` makes sure of that.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from config.schema import Config
from pipelines._rules import (
    HYPERBOLE,
    NEGATION,
    RULES,
    SARCASM,
    SARCASTIC_PRAISE,
    STAFF_NEGATIVE,
    WORK_TALK,
    Rule,
)
from pipelines.post import LABELS, Field, Label, Mention, Post, Severity

THRESHOLD = 0.5  # a label is given at this score or above
_RANK: dict[Severity, int] = {"low": 0, "normal": 1, "high": 2, "urgent": 3}
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)|\n+")


@dataclass
class Verdict:
    labels: list[Label] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)  # every label -> 0..1
    severity: Severity = "low"
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Signal:
    label: Label
    weight: float  # the rule's weight times how near the phrase is to a mention
    floor: Severity | None
    why: str
    text: str
    rule: int  # index into the rules, so repeats of one rule count once


class Classifier:
    def __init__(self, rules: Sequence[Rule] = RULES) -> None:
        self.rules = tuple(rules)

    @classmethod
    def from_config(cls, cfg: Config) -> Classifier:
        # The first version's rules are the same for every school; the config is the place for
        # per-school phrase lists when they come.
        return cls()

    def classify(self, post: Post, mentions: Sequence[Mention]) -> Verdict:
        """Labels, scores, severity and reasons for a normalised post about `mentions`."""
        signals: list[_Signal] = []
        notes: list[str] = []
        for fld in ("title", "text"):
            raw = getattr(post, fld) or ""
            if raw:
                self._scan(raw.replace("’", "'"), fld, mentions, signals, notes)
        signals.extend(self._staff_conduct(post, mentions))

        scores = {label: _combine(s for s in signals if s.label == label) for label in LABELS}
        labels = [label for label in LABELS if scores[label] >= THRESHOLD]
        severity, why = _severity(labels, signals)
        reasons = []
        for label in labels:
            top = sorted((s for s in signals if s.label == label), key=lambda s: -s.weight)[:3]
            said = ", ".join(f"{s.why} {s.text!r}" for s in top)
            reasons.append(f"{label} {scores[label]:.2f}: {said}")
        reasons.append(f"severity {severity}: {why}")
        reasons.extend(dict.fromkeys(notes))
        return Verdict(labels, {k: round(v, 3) for k, v in scores.items()}, severity, reasons)

    def _scan(
        self,
        s: str,
        fld: Field,
        mentions: Sequence[Mention],
        signals: list[_Signal],
        notes: list[str],
    ) -> None:
        anchors = [(m.start, m.end) for m in mentions if m.field == fld]
        low = s.lower()
        fast = len(low) == len(s)  # lower() keeps offsets (it does unless e.g. 'İ' is present)
        text, pick = (low, 1) if fast else (s, 0)
        hyperbole = [m.span() for m in HYPERBOLE[pick].finditer(text)]
        sentences = _sentences(s)
        sarcastic: dict[int, bool] = {}
        parent_voice = False
        sarcasm_seen = ""
        for ri, rule in enumerate(self.rules):
            rx = rule.lower if fast and rule.lower is not None else rule.pattern
            for m in rx.finditer(text):
                a, b = m.span()
                said = s[a:b]
                sent = _sentence_of(sentences, a)
                if rule.label == "safeguarding" and any(a < e and x < b for x, e in hyperbole):
                    notes.append(f"figure of speech, not counted: {said!r}")
                    continue
                if rule.negatable and NEGATION[pick].search(
                    text, max(sentences[sent][0], a - 40), a
                ):
                    notes.append(f"negated, not counted: {s[max(0, a - 12) : b].strip()!r}")
                    continue
                if rule.label == "positive":
                    if sent not in sarcastic:
                        sarcastic[sent] = SARCASM[pick].search(text, *sentences[sent]) is not None
                    if sarcastic[sent]:
                        sarcasm_seen = s[slice(*sentences[sent])].strip()
                        continue
                if rule.why == "a parent speaking":
                    parent_voice = True
                near = _nearness(fld, a, b, anchors, bool(mentions))
                signals.append(
                    _Signal(rule.label, rule.weight * near, rule.floor, rule.why, said, ri)
                )
        whole = SARCASTIC_PRAISE[pick].search(text) if not sarcasm_seen else None
        if whole is not None:
            sarcasm_seen = s[slice(*sentences[_sentence_of(sentences, whole.start())])].strip()
        if sarcasm_seen:
            label: Label = "parental_complaint" if parent_voice else "reputation_risk"
            signals.append(_Signal(label, 0.55, "normal", "sarcastic praise", sarcasm_seen, -1))
            notes.append(f"praise read as sarcasm: {sarcasm_seen[:80]!r}")

    def _staff_conduct(self, post: Post, mentions: Sequence[Mention]) -> list[_Signal]:
        """The author is a member of staff and the post talks about pupils, colleagues or school."""
        author = next((m for m in mentions if m.kind == "staff" and m.field == "author"), None)
        if author is None:
            return []
        body = f"{post.title}\n{post.text}"
        talk = WORK_TALK.search(body)
        about_school = next((m for m in mentions if m.field != "author"), None)
        if talk is None and about_school is None:
            return []
        topic = talk.group() if talk else about_school.text if about_school else ""
        out = [
            _Signal(
                "staff_conduct", 0.6, "normal", f"author is {author.name}; talks about", topic, -2
            )  # fmt: skip
        ]
        bad = STAFF_NEGATIVE.search(body)
        if bad:
            out.append(
                _Signal("staff_conduct", 0.8, "high", "staff member writes", bad.group(), -3)
            )
        return out


def _sentences(s: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in _SENTENCE_END.finditer(s):
        out.append((start, m.end()))
        start = m.end()
    if start < len(s) or not out:
        out.append((start, len(s)))
    return out


def _sentence_of(sentences: list[tuple[int, int]], pos: int) -> int:
    for i, (a, b) in enumerate(sentences):
        if a <= pos < b:
            return i
    return len(sentences) - 1


def _nearness(fld: Field, a: int, b: int, anchors: list[tuple[int, int]], any_m: bool) -> float:
    """1.0 beside a mention, less further away: a phrase about the target counts more."""
    if not any_m:
        return 0.5
    if not anchors:  # the mention is in another field (title, author): the post is about it
        return 1.0 if fld == "title" else 0.8
    gap = min(max(0, x - b, a - e) for x, e in anchors)
    if gap <= 80:
        return 1.0
    return 0.8 if gap <= 250 else 0.55


def _combine(signals: Iterable[_Signal]) -> float:
    """Noisy-or over the distinct phrases matched: repeats of one phrase do not pile up."""
    best: dict[tuple[int, str], float] = {}
    for s in signals:
        k = (s.rule, s.text.casefold())
        best[k] = max(best.get(k, 0.0), s.weight)
    miss = 1.0
    for w in best.values():
        miss *= 1.0 - min(w, 0.99)
    return 1.0 - miss


def _severity(labels: list[Label], signals: list[_Signal]) -> tuple[Severity, str]:
    severity: Severity = "low"
    why = "no concern found" if not labels else "praise only"
    if "staff_conduct" in labels:
        severity, why = "normal", "a member of staff posting about school"
    if "parental_complaint" in labels or "reputation_risk" in labels:
        severity, why = "normal", "complaint or criticism"
    if "safeguarding" in labels:
        severity, why = "high", "possible risk to a child"
    for s in signals:
        if s.label not in labels or s.floor is None:
            continue
        floor = s.floor
        if floor == "urgent" and s.weight < 0.6:
            floor = "high"  # an alarming phrase far from the mention: look soon, not at once
        if _RANK[floor] > _RANK[severity]:
            severity, why = floor, f"{s.why} {s.text!r}"
    return severity, why
