"""Queries on the feedback table: the comms lead's corrections, as the classifier learns from them.

A correction keeps a snapshot of the post's words (title, text, author) so that it outlives the
item it corrected; the retention purge deletes it like everything else (store.retention).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pipelines.examples import Example, ExamplesError, parse_example
from pipelines.post import LABELS, SEVERITIES
from store.db import transaction
from store.errors import StoreError
from store.models import Feedback, Item

FEEDBACK_WEIGHT = 3.0  # a school's own correction counts as much as three shipped examples


def check_correction(labels: Sequence[str], severity: str) -> list[str]:
    """The labels in their usual order, or ValueError naming an unknown label or severity."""
    bad = [lb for lb in labels if lb not in LABELS]
    if bad:
        raise ValueError(f"unknown label {bad[0]!r}; expected some of {', '.join(LABELS)}")
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}; expected one of {', '.join(SEVERITIES)}")
    return [lb for lb in LABELS if lb in labels]


def feedback_row(
    item_id: int,
    item: Item | None,
    *,
    relevant: bool,
    labels: list[str] | None,
    severity: str | None,
    by: str,
    now: datetime,
    school: str | None = None,
    note: str = "",
) -> Feedback:
    """A Feedback row with a snapshot of the post's words (blank if `item` is gone), so that it
    outlives the item; not added to any session. `labels` None: a judgement of relevance only."""
    return Feedback(
        item_id=item_id,
        school=school,
        relevant=relevant,
        labels=labels,
        severity=severity,
        title=item.title if item else "",
        text=item.text if item else "",
        author=item.author if item else "",
        note=note,
        created_by=by,
        created_at=now,
    )


def correction_row(
    item: Item,
    *,
    labels: Sequence[str],
    severity: str,
    by: str,
    now: datetime,
    school: str | None = None,
    note: str = "",
) -> Feedback:
    """The Feedback row saying what `item`'s labels and severity should have been. `labels` and
    `severity` are what check_correction returned and accepted."""
    return feedback_row(
        item.id, item, relevant=True, labels=list(labels), severity=severity, by=by, now=now,
        school=school, note=note,
    )  # fmt: skip


def record_correction(
    factory: sessionmaker[Session],
    item_id: int,
    *,
    labels: Sequence[str],
    severity: str,
    by: str,
    now: datetime,
    school: str | None = None,
    note: str = "",
) -> int:
    """Store what an item's labels and severity should have been; returns the feedback id.

    Raises ValueError for an unknown label or severity and StoreError for an unknown item.
    """
    wanted = check_correction(labels, severity)  # before touching the database
    with transaction(factory) as session:
        item = session.get(Item, item_id)
        if item is None:
            raise StoreError(f"no item {item_id} in the database (it may have been purged)")
        row = correction_row(
            item, labels=wanted, severity=severity, by=by, now=now, school=school, note=note
        )
        session.add(row)
        session.flush()
        return row.id


def labelled_feedback(
    factory: sessionmaker[Session], schools: Sequence[str] | None = None
) -> tuple[list[Example], list[str]]:
    """Corrections that judged labels, as training examples, oldest first; and problems.

    Feedback that only judged relevance (labels is null) is for the matcher, not here. When one
    item was corrected several times the latest correction wins. A row that cannot be used is
    reported in the second list ("feedback #7: ...") and skipped; the others still count.
    """
    # Filtered in Python: the JSON column keeps None as JSON null, which SQL sees as not NULL.
    stmt = select(Feedback).order_by(Feedback.created_at, Feedback.id)
    with factory() as session:
        rows = [r for r in session.scalars(stmt) if r.labels is not None]
    latest: dict[object, Feedback] = {}
    for row in rows:  # oldest first, so a later correction of the same item replaces it
        latest[row.item_id if row.item_id is not None else ("row", row.id)] = row
    examples, problems = [], []
    for row in latest.values():
        if row.relevant is False:
            continue
        if schools is not None and row.school is not None and row.school not in schools:
            continue  # another school's correction (a school-less one counts for all)
        where = f"feedback #{row.id}"
        try:
            ex = parse_example(
                {
                    "id": where,
                    "text": row.text,
                    "title": row.title,
                    "author": row.author,
                    "labels": row.labels,
                    "severity": row.severity or ("low" if not row.labels else "normal"),
                },
                where,
            )
        except ExamplesError as e:
            problems.append(str(e))
            continue
        ex.weight = FEEDBACK_WEIGHT
        examples.append(ex)
    return examples, problems
