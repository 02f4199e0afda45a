"""The transactional outbox: queue, flush to a real SMTP server on loopback, retry, give up, and
the documented at-least-once behaviour after a crash (store.outbox, alerts.outbox)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from smtp_fixtures import FROM, closed_port, smtp_config
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from alerts import outbox as alerts_outbox
from alerts.mail import build_message, message_text
from alerts.outbox import MAX_ATTEMPTS, backoff, flush, lease_for
from alerts.sink import RecordingHandler, SmtpSink
from alerts.smtp import SmtpConfigError
from store import outbox as outbox_store
from store.db import transaction
from store.models import Outbox

NOW = datetime(2026, 11, 20, 7, 30, tzinfo=UTC)
TO = ["head@millbrook.example.sch.uk"]


def _queue(factory: sessionmaker[Session], key: str = "alert-1", now: datetime = NOW) -> int:
    msg = build_message(
        from_addr=FROM, to=TO, subject=f"Test {key}", text="body\n", html=None, key=key, date=now
    )
    with transaction(factory) as session:
        row = outbox_store.enqueue(
            session,
            kind="alert",
            recipients=TO,
            subject=f"Test {key}",
            message=message_text(msg),
            message_id=str(msg["Message-ID"]),
            now=now,
        )
        return row.id


def _row(factory: sessionmaker[Session], outbox_id: int) -> Outbox:
    with factory() as session:
        row = session.get(Outbox, outbox_id)
        assert row is not None
        return row


class _DataReply(RecordingHandler):
    """A server that answers DATA with a fixed reply (and records nothing)."""

    def __init__(self, reply: str) -> None:
        super().__init__()
        self.reply = reply

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        return self.reply


def test_enqueue_is_idempotent_on_message_id(store: sessionmaker[Session]) -> None:
    first = _queue(store)
    assert _queue(store, now=NOW + timedelta(hours=1)) == first
    with store() as session:
        assert session.scalar(select(func.count()).select_from(Outbox)) == 1
    row = _row(store, first)
    assert (row.status, row.attempts, row.created_at, row.next_attempt_at) == (
        "pending",
        0,
        NOW,
        NOW,
    )


def test_backoff_doubles_from_one_minute_and_caps_at_an_hour() -> None:
    minutes = [backoff(n) / timedelta(minutes=1) for n in range(1, 11)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60, 60]
    assert backoff(10_000) == timedelta(hours=1)


def test_flush_delivers_and_marks_sent_once(store, sink: SmtpSink) -> None:
    outbox_id = _queue(store)
    report = flush(store, smtp_config(sink.port), now=NOW)
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    row = _row(store, outbox_id)
    assert (row.status, row.sent_at, row.attempts, row.last_error) == ("sent", NOW, 1, None)
    [received] = sink.messages
    assert received.rcpt_tos == TO
    assert received.data.rstrip(b"\r\n") == row.message.encode().rstrip(b"\r\n")
    # Nothing is sent twice.
    again = flush(store, smtp_config(sink.port), now=NOW + timedelta(days=1))
    assert (again.sent, again.retried, again.failed) == (0, 0, 0)
    assert len(sink.messages) == 1


def test_a_message_not_yet_due_waits(store, sink: SmtpSink) -> None:
    _queue(store, now=NOW + timedelta(minutes=5))
    assert flush(store, smtp_config(sink.port), now=NOW).sent == 0
    assert sink.messages == []
    assert flush(store, smtp_config(sink.port), now=NOW + timedelta(minutes=5)).sent == 1


def test_smtp_down_marks_nothing_sent_and_the_next_flush_delivers_exactly_once(store) -> None:
    port = closed_port()
    first, second = _queue(store, "alert-1"), _queue(store, "alert-2")
    report = flush(store, smtp_config(port), now=NOW)
    # The first attempt finds the server down; the second message is not even tried.
    assert (report.sent, report.retried, report.failed, report.deferred) == (0, 1, 0, 1)
    row1, row2 = _row(store, first), _row(store, second)
    assert (row1.status, row1.attempts, row1.next_attempt_at) == (
        "pending",
        1,
        NOW + timedelta(minutes=1),
    )
    assert row1.last_error is not None and "refused the connection" in row1.last_error
    assert (row2.status, row2.attempts) == ("pending", 0)

    with SmtpSink(port=port) as server:
        later = NOW + timedelta(minutes=2)
        report = flush(store, smtp_config(port), now=later)
        assert (report.sent, report.retried, report.failed) == (2, 0, 0)
        assert flush(store, smtp_config(port), now=later + timedelta(hours=2)).sent == 0
        ids = [m.message["Message-ID"] for m in server.messages]
    assert len(ids) == 2 and len(set(ids)) == 2
    assert {_row(store, first).status, _row(store, second).status} == {"sent"}


def test_temporary_errors_back_off_then_fail_after_max_attempts(store) -> None:
    outbox_id = _queue(store)
    with SmtpSink(handler=_DataReply("451 4.3.0 Try again later")) as server:
        cfg = smtp_config(server.port)
        at = NOW
        waits = []
        for attempt in range(1, MAX_ATTEMPTS):
            report = flush(store, cfg, now=at)
            assert (report.retried, report.failed) == (1, 0)
            row = _row(store, outbox_id)
            assert (row.status, row.attempts) == ("pending", attempt)
            waits.append((row.next_attempt_at - at) / timedelta(minutes=1))
            # A flush before the retry is due does nothing.
            assert flush(store, cfg, now=row.next_attempt_at - timedelta(seconds=1)).retried == 0
            at = row.next_attempt_at
        report = flush(store, cfg, now=at)
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert (report.retried, report.failed) == (0, 1)
    row = _row(store, outbox_id)
    assert (row.status, row.attempts, row.sent_at) == ("failed", MAX_ATTEMPTS, None)
    assert row.last_error is not None and row.last_error.startswith("gave up after 10 attempts")
    assert "451" in row.last_error


def test_a_permanent_error_fails_at_once(store) -> None:
    outbox_id = _queue(store)
    with SmtpSink(handler=_DataReply("554 5.7.1 Rejected as spam")) as server:
        report = flush(store, smtp_config(server.port), now=NOW)
    assert (report.sent, report.retried, report.failed) == (0, 0, 1)
    row = _row(store, outbox_id)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error is not None and "554 5.7.1 Rejected as spam" in row.last_error
    assert report.errors and "554" in report.errors[0]


def test_a_crash_between_send_and_mark_resends_with_the_same_message_id(
    store,
    sink: SmtpSink,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outbox_id = _queue(store)
    real_mark_sent = outbox_store.mark_sent
    calls = {"n": 0}

    def crash_once(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("power cut")
        return real_mark_sent(*args, **kwargs)

    monkeypatch.setattr(alerts_outbox.outbox_store, "mark_sent", crash_once)
    cfg = smtp_config(sink.port)
    with pytest.raises(RuntimeError, match="power cut"):
        flush(store, cfg, now=NOW)
    assert len(sink.messages) == 1
    row = _row(store, outbox_id)
    assert (row.status, row.attempts) == ("pending", 1)

    # While the lease runs, no other flush takes it (the first might still be sending).
    assert flush(store, cfg, now=NOW + timedelta(minutes=1)).sent == 0
    report = flush(store, cfg, now=NOW + lease_for(cfg))
    assert report.sent == 1
    first, second = sink.messages
    assert first.message["Message-ID"] == second.message["Message-ID"]
    assert first.data == second.data  # the same stored bytes, so a receiver sees a duplicate
    row = _row(store, outbox_id)
    assert (row.status, row.attempts) == ("sent", 2)
    assert flush(store, cfg, now=NOW + timedelta(days=1)).sent == 0


def test_a_message_whose_attempts_all_crashed_is_failed_not_retried_forever(
    store,
    sink: SmtpSink,
) -> None:
    outbox_id = _queue(store)
    with transaction(store) as session:
        row = session.get(Outbox, outbox_id)
        assert row is not None
        row.attempts = MAX_ATTEMPTS
    report = flush(store, smtp_config(sink.port), now=NOW)
    assert report.failed == 1 and sink.messages == []
    assert _row(store, outbox_id).status == "failed"


def test_claim_is_exclusive(store: sessionmaker[Session]) -> None:
    outbox_id = _queue(store)
    lease = NOW + timedelta(minutes=10)
    with transaction(store) as session:
        assert outbox_store.claim(session, outbox_id, NOW, lease)
    with transaction(store) as session:
        assert not outbox_store.claim(session, outbox_id, NOW, lease)
        assert outbox_store.due(session, NOW, 10) == []
        assert [r.id for r in outbox_store.due(session, lease, 10)] == [outbox_id]


def test_a_partial_refusal_is_sent_with_a_note(store) -> None:
    class _NoDeputy(RecordingHandler):
        async def handle_RCPT(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
            if address.startswith("deputy"):
                return "550 5.1.1 No such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    msg = build_message(
        from_addr=FROM, to=TO, subject="s", text="t\n", html=None, key="k", date=NOW
    )
    recipients = [TO[0], "deputy@millbrook.example.sch.uk"]
    with transaction(store) as session:
        outbox_id = outbox_store.enqueue(
            session,
            kind="digest",
            recipients=recipients,
            subject="s",
            message=message_text(msg),
            message_id=str(msg["Message-ID"]),
            now=NOW,
        ).id
    with SmtpSink(handler=_NoDeputy()) as server:
        report = flush(store, smtp_config(server.port), now=NOW)
        assert server.messages[0].rcpt_tos == TO
    assert report.sent == 1
    row = _row(store, outbox_id)
    assert row.status == "sent"
    assert (
        row.last_error
        == "accepted, except: deputy@millbrook.example.sch.uk: 550 5.1.1 No such user"
    )


def test_a_config_error_touches_no_message(store, monkeypatch: pytest.MonkeyPatch) -> None:
    outbox_id = _queue(store)
    monkeypatch.setenv("SW_OUTBOX_USER", "bot")
    monkeypatch.delenv("SW_OUTBOX_PASSWORD", raising=False)
    cfg = smtp_config(
        closed_port(), username_env="SW_OUTBOX_USER", password_env="SW_OUTBOX_PASSWORD"
    )
    with pytest.raises(SmtpConfigError, match="SW_OUTBOX_PASSWORD"):
        flush(store, cfg, now=NOW)
    row = _row(store, outbox_id)
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 0, NOW)
