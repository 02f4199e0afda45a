"""How well the pipeline's answers agree with labelled posts: per-label precision, recall and F1,
relevance, the severity confusion table, and the worst misses. Used by `schoolwatch evaluate`,
`schoolwatch train` (before/after) and the tests that hold the shipped test part to its bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pipelines.analyse import Analyser
from pipelines.examples import Example
from pipelines.post import LABELS, SEVERITIES, Analysis

SEVERITY_ROWS: tuple[str, ...] = (*SEVERITIES, "null")  # null: not relevant


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def add(self, expected: bool, got: bool) -> None:
        if expected and got:
            self.tp += 1
        elif got:
            self.fp += 1
        elif expected:
            self.fn += 1


@dataclass
class Miss:
    example: Example
    analysis: Analysis
    cost: float  # how bad: a missed safeguarding post costs most
    what: list[str]


@dataclass
class Report:
    n: int = 0
    relevance: Counts = field(default_factory=Counts)
    labels: dict[str, Counts] = field(default_factory=lambda: {lb: Counts() for lb in LABELS})
    # severity[expected][got]
    severity: dict[str, dict[str, int]] = field(
        default_factory=lambda: {e: dict.fromkeys(SEVERITY_ROWS, 0) for e in SEVERITY_ROWS}
    )
    misses: list[Miss] = field(default_factory=list)

    @property
    def macro_f1(self) -> float:
        return sum(c.f1 for c in self.labels.values()) / len(self.labels)

    @property
    def severity_accuracy(self) -> float:
        right = sum(self.severity[s][s] for s in SEVERITY_ROWS)
        return right / self.n if self.n else 1.0

    @property
    def false_urgent(self) -> int:
        """Posts made urgent that were not: the alarms that make schools switch a monitor off."""
        return sum(self.severity[e]["urgent"] for e in SEVERITY_ROWS if e != "urgent")

    def worst(self, n: int) -> list[Miss]:
        return sorted(self.misses, key=lambda m: -m.cost)[:n]


_COST = {"safeguarding": 10.0, "staff_conduct": 2.0, "reputation_risk": 1.5}


def score(pairs: Sequence[tuple[Example, Analysis]]) -> Report:
    report = Report()
    for ex, an in pairs:
        report.n += 1
        report.relevance.add(ex.relevant, an.relevant)
        what: list[str] = []
        cost = 0.0
        if ex.relevant != an.relevant:
            what.append("relevant: expected " + ("yes" if ex.relevant else "no"))
            cost += 1.0
        for label in LABELS:
            want, got = label in ex.labels, label in an.labels
            report.labels[label].add(want, got)
            if want != got:
                what.append(("missed " if want else "wrongly gave ") + label)
                cost += _COST.get(label, 1.0) * (1.0 if want else 0.3)
        exp_sev = ex.severity or "null"
        got_sev = (an.severity if an.relevant else None) or "null"
        report.severity[exp_sev][got_sev] += 1
        if exp_sev != got_sev:
            what.append(f"severity {got_sev}, expected {exp_sev}")
            gap = abs(_rank(exp_sev) - _rank(got_sev))
            cost += 0.5 * gap + (3.0 if got_sev == "urgent" or exp_sev == "urgent" else 0.0)
        if what:
            report.misses.append(Miss(ex, an, cost, what))
    return report


def _rank(severity: str) -> int:
    return {"null": -1, "low": 0, "normal": 1, "high": 2, "urgent": 3}[severity]


def format_report(report: Report, worst: int = 10) -> list[str]:
    """The report as lines of text for a terminal."""
    lines = [f"{report.n} labelled posts", ""]
    lines.append(f"{'':20} {'support':>7} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn")
    rows = [("relevant", report.relevance), *report.labels.items()]
    for name, c in rows:
        lines.append(
            f"{name:20} {c.support:7d} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}"
            f" {c.tp:4d}{c.fp:4d}{c.fn:4d}"
        )
    lines.append(f"{'macro F1 (labels)':20} {'':7} {'':6} {'':6} {report.macro_f1:6.3f}")
    lines += ["", "severity (rows: expected, columns: given)"]
    lines.append(f"{'':10}" + "".join(f"{s:>8}" for s in SEVERITY_ROWS))
    for e in SEVERITY_ROWS:
        lines.append(f"{e:10}" + "".join(f"{report.severity[e][g]:8d}" for g in SEVERITY_ROWS))
    lines.append(
        f"severity accuracy {report.severity_accuracy:.3f}; "
        f"urgent given where not expected: {report.false_urgent}"
    )
    misses = report.worst(worst)
    if misses:
        lines += ["", f"worst misses ({len(misses)} of {len(report.misses)})"]
    for m in misses:
        text = " ".join(f"{m.example.title} {m.example.text}".split())
        lines.append(f"- {m.example.id}: {'; '.join(m.what)}")
        lines.append(f"    {text[:140]!r}")
        got = ", ".join(m.analysis.labels) or "no labels"
        lines.append(f"    given: {got}, {m.analysis.severity}")
        for r in m.analysis.reasons[:4]:
            lines.append(f"    because: {r}")
    return lines


def judge(analyser: Analyser, examples: Sequence[Example]) -> Report:
    """Run every example through `analyser` (the whole pipeline) and score the answers."""
    return score([(ex, analyser.analyse(ex.post())) for ex in examples])
