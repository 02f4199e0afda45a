"""The outbox flush: deliver queued messages, retry with backoff, give up visibly.

Messages are queued (store.outbox.enqueue) in the same transaction as the state they report, so
a message exists if and only if that state was committed. `flush` then delivers them:

1. claim: in its own committed transaction, count the attempt and hide the message from other
   flushes until a lease runs out (`lease_for`);
2. send the stored bytes over SMTP, outside any transaction;
3. record the outcome in a new transaction: sent (only after the server accepted the message),
   retry later (temporary error: 1 min, 2, 4, ... capped at 1 h), or failed (a permanent error,
   or `MAX_ATTEMPTS` attempts used up).

The exact guarantee is AT-LEAST-ONCE delivery with a stable Message-ID:

- Never lost: a message leaves `pending` only as `sent` (the server said 250 to DATA) or
  `failed` (kept in the table with the reason). A crash or a stopped SMTP server at any point
  leaves it pending, and a later flush tries again.
- Possibly sent twice, recognisably: if the process dies (or the database write fails) after the
  server accepted the message but before step 3 committed, the lease runs out and the next flush
  sends the same stored bytes again, with the same Message-ID, which mail clients and servers use
  to recognise the copy. The same happens if one SMTP conversation outlasts the lease. No other
  path sends a message twice: two flushes running at once cannot claim the same message.

A recipient refused while others were accepted is recorded on the sent message (`last_error`),
not retried, because a retry would repeat the accepted copies.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from sqlalchemy.orm import Session, sessionmaker

from alerts import mail, smtp
from config.schema import Smtp
from store import outbox as outbox_store
from store.db import transaction
from store.models import Outbox

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
MIN_LEASE = timedelta(minutes=10)

Sender = Callable[[Smtp, str, Sequence[str]], smtp.Delivery]


@dataclass
class FlushReport:
    """What one flush did. `deferred`: not tried because the server was unreachable (they stay
    due and are tried by the next flush)."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    deferred: int = 0
    errors: list[str] = field(default_factory=list)


def enqueue_email(
    session: Session,
    msg: EmailMessage,
    *,
    kind: str,
    recipients: Sequence[str],
    now: datetime,
) -> Outbox:
    """Queue a built message in the caller's transaction (idempotent on its Message-ID)."""
    return outbox_store.enqueue(
        session,
        kind=kind,
        recipients=recipients,
        subject=str(msg["Subject"]),
        message=mail.message_text(msg),
        message_id=str(msg["Message-ID"]),
        now=now,
    )


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: 1 min, 2, 4, ... at most 1 h."""
    exponent = min(max(attempts, 1) - 1, 20)  # 2**20 minutes is far past the cap already
    return min(FIRST_RETRY * (2**exponent), LONGEST_RETRY)


def lease_for(smtp_cfg: Smtp) -> timedelta:
    """How long a claimed message is hidden from other flushes: longer than one SMTP
    conversation can take (about eight round trips, each up to the configured timeout)."""
    return max(MIN_LEASE, timedelta(seconds=8 * smtp_cfg.timeout))


def flush(
    factory: sessionmaker[Session],
    smtp_cfg: Smtp,
    *,
    now: datetime | None = None,
    limit: int = 100,
    max_attempts: int = MAX_ATTEMPTS,
    sender: Sender | None = None,
) -> FlushReport:
    """Send every due pending message (up to `limit`), one commit per message.

    `now` freezes the clock (tests, `schoolwatch digest --send`); by default each step reads
    the real clock. Raises `SmtpConfigError` before touching any message when the SMTP settings
    cannot work (e.g. an unset password variable): the messages are fine and stay queued.
    Database errors propagate; whatever was claimed is retried when its lease runs out.
    """
    smtp.credentials(smtp_cfg)
    send = sender or smtp.send

    def clock() -> datetime:
        return now if now is not None else datetime.now(UTC)

    report = FlushReport()
    with transaction(factory) as session:
        due = [(row.id, row.attempts) for row in outbox_store.due(session, clock(), limit)]

    for position, (outbox_id, attempts_so_far) in enumerate(due):
        if attempts_so_far >= max_attempts:
            # Only reachable when earlier attempts ended without a recorded outcome (crashes).
            error = f"gave up: {attempts_so_far} attempts ended without a result"
            _record_failed(factory, outbox_id, error, report)
            continue
        claimed = _claim(factory, outbox_id, smtp_cfg, clock())
        if claimed is None:
            continue
        message, recipients, attempts = claimed
        if not recipients:
            _record_failed(factory, outbox_id, "no recipients", report)
            continue
        try:
            delivery = send(smtp_cfg, message, recipients)
        except smtp.PermanentSmtpError as e:
            _record_failed(factory, outbox_id, str(e), report)
            continue
        except smtp.TemporarySmtpError as e:
            if attempts >= max_attempts:
                _record_failed(
                    factory, outbox_id, f"gave up after {attempts} attempts: {e}", report
                )
            else:
                retry_at = clock() + backoff(attempts)
                with transaction(factory) as session:
                    outbox_store.mark_retry(session, outbox_id, str(e), retry_at)
                report.retried += 1
                report.errors.append(f"outbox {outbox_id}: {e}")
                log.warning("outbox %s: %s; retrying at %s", outbox_id, e, retry_at.isoformat())
            if e.unreachable:
                # The others would wait for the same timeout and fail the same way.
                report.deferred += len(due) - position - 1
                break
            continue
        note = None
        if delivery.refused:
            note = "accepted, except: " + "; ".join(
                f"{a}: {r}" for a, r in delivery.refused.items()
            )
            log.warning("outbox %s: %s", outbox_id, note)
        with transaction(factory) as session:
            outbox_store.mark_sent(session, outbox_id, clock(), note)
        report.sent += 1
    return report


def _claim(
    factory: sessionmaker[Session], outbox_id: int, smtp_cfg: Smtp, now: datetime
) -> tuple[str, list[str], int] | None:
    """(message, recipients, attempt number) if this flush got the message, else None."""
    with transaction(factory) as session:
        if not outbox_store.claim(session, outbox_id, now, now + lease_for(smtp_cfg)):
            return None
        row = outbox_store.get(session, outbox_id)
        if row is None:
            return None
        session.refresh(row)
        return row.message, list(row.recipients), row.attempts


def _record_failed(
    factory: sessionmaker[Session], outbox_id: int, error: str, report: FlushReport
) -> None:
    with transaction(factory) as session:
        outbox_store.mark_failed(session, outbox_id, error)
    report.failed += 1
    report.errors.append(f"outbox {outbox_id}: {error}")
    log.error("outbox %s failed: %s", outbox_id, error)
