"""The comms queue: reminders before a complaint is due, escalation to SLT when it is overdue,
and the updates people make (owner, status; "not relevant" and corrected labels kept as feedback).

Each reminder or escalation is one transaction: the queue row's change and the outbox message
commit together, so a reminder is sent (at least once) exactly when it is recorded as sent.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from alerts import mail
from alerts.digest import entry_for, local_when
from alerts.outbox import enqueue_email
from config.schema import Config, is_email_address
from store import queue as queue_store
from store.db import transaction
from store.feedback import check_correction, correction_row, feedback_row
from store.models import Feedback, Item, QueueItem
from store.queue import OPEN_STATUSES, QUEUE_STATUSES

log = logging.getLogger(__name__)

# Only these may be answered by a reminder/escalation: an item someone marked replied, closed
# or not relevant is finished; an escalated one has already gone to SLT.
_UNANSWERED = ("new", "acknowledged")


class QueueError(Exception):
    """A queue command that cannot be done (unknown id, bad status); the message says why."""


@dataclass
class QueueReport:
    reminded: int = 0
    escalated: int = 0


def remind_and_escalate(
    factory: sessionmaker[Session], cfg: Config, *, now: datetime | None = None
) -> QueueReport:
    now = now or datetime.now(UTC)
    report = QueueReport()
    remind_before = timedelta(seconds=cfg.complaints.remind_before)
    with transaction(factory) as session:
        rows = queue_store.queue_items(session, statuses=_UNANSWERED)
        for row in rows:
            try:
                school = cfg.school(row.school)
            except KeyError:
                continue  # a school removed from the config: nobody to tell
            item = session.get(Item, row.item_id)
            if item is None:
                continue
            if row.due_at <= now and row.escalated_at is None:
                slt = school.recipients_for("slt")
                if slt:
                    _queue_message(session, cfg, row, item, slt, "escalate", now)
                row.status, row.escalated_at = "escalated", now
                row.updated_at, row.updated_by = now, "schoolwatch"
                report.escalated += 1
            elif row.reminders_sent == 0 and row.due_at - remind_before <= now < row.due_at:
                to = [row.owner] if row.owner else school.recipients_for("comms")
                if to:
                    _queue_message(session, cfg, row, item, to, "remind", now)
                row.reminders_sent, row.reminded_at = row.reminders_sent + 1, now
                report.reminded += 1
    return report


def _queue_message(
    session: Session,
    cfg: Config,
    row: QueueItem,
    item: Item,
    to: list[str],
    kind: str,
    now: datetime,
) -> None:
    tz = cfg.digest.tzinfo
    entry = entry_for(item, row.school)
    title = " ".join(s.text for s in entry.title) or " ".join(s.text for s in entry.snippet)
    due = local_when(row.due_at, tz)
    if kind == "remind":
        subject = f"Reply due {due}: parent post about {row.school} (queue #{row.id})"
        opening = f"A parent's post about {row.school} is due a reply by {due}."
    else:
        subject = f"OVERDUE since {due}: parent post about {row.school} (queue #{row.id})"
        opening = (
            f"A parent's post about {row.school} was due a reply by {due} and is still "
            f"{row.status}. Owner: {row.owner or 'nobody'}."
        )
    lines = [
        opening,
        "",
        f"  {title}",
        f"  {' '.join(s.text for s in entry.snippet)}",
        f"  Found {local_when(entry.seen_at, tz)}" + (f"; {entry.link}" if entry.link else ""),
        "",
        f"See a reply draft:   schoolwatch queue draft {row.id}",
        f"Update the status:   schoolwatch queue status {row.id} acknowledged|replied|closed",
        f"Not about us:        schoolwatch queue status {row.id} not_relevant",
        f"Correct the labels:  schoolwatch queue relabel {row.id} --labels LABEL,... "
        "--severity urgent|high|normal|low",
    ]
    msg = mail.build_message(
        from_addr=cfg.smtp.from_,
        to=to,
        subject=subject,
        text="\n".join(lines) + "\n",
        html=None,
        key=f"queue-{kind}-{row.id}",
        date=now,
    )
    enqueue_email(session, msg, kind=kind, recipients=to, now=now)


def get(session: Session, queue_id: int) -> QueueItem:
    """The queue item, or a QueueError naming the id."""
    row = queue_store.queue_item(session, queue_id)
    if row is None:
        raise QueueError(f"no comms queue item #{queue_id}")
    return row


def assign(
    factory: sessionmaker[Session], queue_id: int, owner: str, *, by: str, now: datetime
) -> QueueItem:
    owner = owner.strip()
    if not is_email_address(owner):  # reminders go to the owner: a typo would bounce later
        raise QueueError(f"expected the owner's email address, got {owner!r}")
    with transaction(factory) as session:
        row = get(session, queue_id)
        row.owner, row.updated_at, row.updated_by = owner, now, by
        return row


def set_status(
    factory: sessionmaker[Session],
    queue_id: int,
    status: str,
    *,
    by: str,
    now: datetime,
    note: str = "",
) -> QueueItem:
    """Change an item's status. `not_relevant` also records Feedback(relevant=False) with a
    snapshot of the post, in the same transaction, for the matcher and classifier."""
    status = status.replace("-", "_").replace(" ", "_").lower()
    if status not in QUEUE_STATUSES:
        raise QueueError(f"unknown status {status!r}; expected one of {', '.join(QUEUE_STATUSES)}")
    with transaction(factory) as session:
        row = get(session, queue_id)
        row.status, row.updated_at, row.updated_by = status, now, by
        if note:
            row.note = (row.note + "\n" if row.note else "") + note
        if status == "not_relevant":
            session.add(
                feedback_row(
                    row.item_id,
                    session.get(Item, row.item_id),
                    relevant=False,
                    labels=None,
                    severity=None,
                    by=by,
                    now=now,
                    school=row.school,
                    note=note or "marked not relevant in the comms queue",
                )
            )
        return row


@dataclass
class Relabelled:
    """What `relabel` did: the queue row, the feedback row's id and the corrected labels."""

    row: QueueItem
    feedback_id: int
    labels: list[str]
    severity: str
    closed: bool  # it left the complaint clock (no longer a parental complaint)
    safeguarding_added: bool  # labelled safeguarding now, but not by the pipeline: no DSL alert


def relabel(
    factory: sessionmaker[Session],
    queue_id: int,
    labels: Sequence[str],
    severity: str,
    *,
    by: str,
    now: datetime,
    note: str = "",
) -> Relabelled:
    """Record what a queue item's labels and severity should have been, for `schoolwatch train`.

    One transaction: the Feedback row (with the post's snapshot and the item's school), a note
    on the queue item and, when the labels no longer include parental_complaint, closing an open
    item so that no reminder or escalation follows. Nothing changes if any of it fails.
    """
    try:
        wanted = check_correction(labels, severity)
    except ValueError as e:
        raise QueueError(str(e)) from e
    with transaction(factory) as session:
        row = get(session, queue_id)
        item = session.get(Item, row.item_id)
        if item is None:
            raise QueueError(f"#{queue_id}: its post has been purged")
        feedback = correction_row(
            item,
            labels=wanted,
            severity=severity,
            by=by,
            now=now,
            school=row.school,
            note=note,
        )
        session.add(feedback)
        text = f"labels corrected to {', '.join(wanted) or 'no label'} ({severity}) by {by}"
        closed = "parental_complaint" not in wanted and is_open(row)
        if closed:
            text += "; closed: not a parental complaint"
            row.status = "closed"
        elif "parental_complaint" not in wanted:
            text += "; not a parental complaint"
        if note:
            text += f"; note: {note}"
        row.note = (row.note + "\n" if row.note else "") + text
        row.updated_at, row.updated_by = now, by
        session.flush()
        return Relabelled(
            row=row,
            feedback_id=feedback.id,
            labels=wanted,
            severity=severity,
            closed=closed,
            safeguarding_added="safeguarding" in wanted
            and "safeguarding" not in {lb.label for lb in item.labels},
        )


def latest_correction(session: Session, row: QueueItem) -> Feedback | None:
    """The newest feedback on the queue item's post (for its school, or for every school)."""
    stmt = (
        select(Feedback)
        .where(
            Feedback.item_id == row.item_id,
            or_(Feedback.school == row.school, Feedback.school.is_(None)),
        )
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def is_open(row: QueueItem) -> bool:
    return row.status in OPEN_STATUSES
