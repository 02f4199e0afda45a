"""Outbox queries: queue a finished message, find what is due, claim it, record the outcome.

The delivery policy (backoff, when to give up) lives in alerts.outbox; these only read and write
rows. Every function works inside the caller's transaction and never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.models import Outbox

ERROR_MAX = 2000  # characters of a server's reply worth keeping


def enqueue(
    session: Session,
    *,
    kind: str,
    recipients: Sequence[str],
    subject: str,
    message: str,
    message_id: str,
    now: datetime,
) -> Outbox:
    """Queue a message, due at once. Idempotent on `message_id`: queueing the same id again
    returns the row already there (first one wins) instead of a second copy."""
    existing = session.scalar(select(Outbox).where(Outbox.message_id == message_id))
    if existing is not None:
        return existing
    row = Outbox(
        message_id=message_id,
        kind=kind,
        recipients=list(recipients),
        subject=subject,
        message=message,
        status="pending",
        created_at=now,
        attempts=0,
        next_attempt_at=now,
    )
    try:
        # A savepoint, so that losing a race with another writer of the same id leaves the
        # caller's transaction usable.
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        existing = session.scalar(select(Outbox).where(Outbox.message_id == message_id))
        if existing is None:
            raise
        return existing
    return row


def get(session: Session, outbox_id: int) -> Outbox | None:
    return session.get(Outbox, outbox_id)


def due(session: Session, now: datetime, limit: int = 100) -> list[Outbox]:
    """Pending messages whose next attempt is due, oldest first."""
    stmt = (
        select(Outbox)
        .where(Outbox.status == "pending", Outbox.next_attempt_at <= now)
        .order_by(Outbox.next_attempt_at, Outbox.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def claim(session: Session, outbox_id: int, now: datetime, lease_until: datetime) -> bool:
    """Take a due message for one delivery attempt: count the attempt and hide the message from
    other flushes until `lease_until`. False if it is no longer pending and due (another flush
    took it, or it was sent). A single conditional UPDATE, so two flushes cannot both win."""
    result = session.execute(
        update(Outbox)
        .where(
            Outbox.id == outbox_id,
            Outbox.status == "pending",
            Outbox.next_attempt_at <= now,
        )
        .values(attempts=Outbox.attempts + 1, next_attempt_at=lease_until)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def mark_sent(session: Session, outbox_id: int, now: datetime, note: str | None = None) -> None:
    """The server accepted the message. `note` records a partial refusal, if any."""
    session.execute(
        update(Outbox)
        .where(Outbox.id == outbox_id)
        .values(status="sent", sent_at=now, last_error=_cut(note))
        .execution_options(synchronize_session=False)
    )


def mark_retry(session: Session, outbox_id: int, error: str, next_attempt_at: datetime) -> None:
    """A temporary failure: keep it pending, next attempt at `next_attempt_at`."""
    session.execute(
        update(Outbox)
        .where(Outbox.id == outbox_id, Outbox.status == "pending")
        .values(last_error=_cut(error), next_attempt_at=next_attempt_at)
        .execution_options(synchronize_session=False)
    )


def mark_failed(session: Session, outbox_id: int, error: str) -> None:
    """Given up: the message stays in the table, with the reason, for an admin to see."""
    session.execute(
        update(Outbox)
        .where(Outbox.id == outbox_id, Outbox.status == "pending")
        .values(status="failed", last_error=_cut(error))
        .execution_options(synchronize_session=False)
    )


def counts(session: Session) -> dict[str, int]:
    """How many messages are in each status (for `schoolwatch status` and the digest)."""
    rows = session.execute(select(Outbox.status, func.count()).group_by(Outbox.status))
    return {status: int(n) for status, n in rows}


def _cut(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.replace("\x00", "")
    return text if len(text) <= ERROR_MAX else text[: ERROR_MAX - 1] + "…"


def failed_since(session: Session, since: datetime) -> list[Outbox]:
    """Messages given up on since `since`, oldest first (for the digest and admins)."""
    stmt = (
        select(Outbox)
        .where(Outbox.status == "failed", Outbox.created_at >= since)
        .order_by(Outbox.created_at, Outbox.id)
    )
    return list(session.scalars(stmt))


def get_by_message_id(session: Session, message_id: str) -> Outbox | None:
    return session.scalar(select(Outbox).where(Outbox.message_id == message_id))
