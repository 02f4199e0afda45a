"""Telling admins about email given up on, so a silent failure is never silent.

Every message the outbox marked `failed` (a permanent SMTP error, or retries used up) in the
last `LOOKBACK` gets one notice to the `admin` recipients of each school it was meant for. The
notice's Message-ID is derived from the failed message's id, and the outbox refuses a second
message with the same id, so each failure is reported once however often this runs. Notices
that fail themselves are not reported again (that would loop); they still show in the digest.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from alerts import mail
from alerts.outbox import enqueue_email
from config.schema import Config
from store import outbox as outbox_store
from store.db import transaction

LOOKBACK = timedelta(days=7)
NOTICE_KIND = "failure"


def notify_admins(
    factory: sessionmaker[Session], cfg: Config, *, now: datetime | None = None
) -> int:
    """Queue a notice for every failed message not yet reported; how many were queued."""
    now = now or datetime.now(UTC)
    queued = 0
    with transaction(factory) as session:
        for row in outbox_store.failed_since(session, now - LOOKBACK):
            if row.kind == NOTICE_KIND:
                continue
            for school in cfg.schools:
                if not set(row.recipients) & {r.email for r in school.recipients}:
                    continue
                admins = school.recipients_for("admin")
                if not admins:
                    continue
                text = (
                    f"schoolwatch could not deliver an email and has stopped trying.\n\n"
                    f"  To:      {', '.join(row.recipients)}\n"
                    f"  Subject: {row.subject}\n"
                    f"  Queued:  {row.created_at:%Y-%m-%d %H:%M} UTC, {row.attempts} attempt(s)\n"
                    f"  Error:   {row.last_error or 'unknown'}\n\n"
                    "Check the address and the smtp settings; the next SLT digest lists it too.\n"
                )
                msg = mail.build_message(
                    from_addr=cfg.smtp.from_,
                    to=admins,
                    subject=f"Email not delivered: {row.subject}",
                    text=text,
                    html=None,
                    key=f"failed-{row.id}-{school.name}",
                    date=now,
                )
                before = outbox_store.get_by_message_id(session, str(msg["Message-ID"]))
                if before is not None:
                    continue
                enqueue_email(session, msg, kind=NOTICE_KIND, recipients=admins, now=now)
                queued += 1
    return queued
