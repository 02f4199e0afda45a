"""Source health rules on a real database (SQLite and PostgreSQL): "empty for longer than
usual", and the admin emails after N failures in a row and on recovery (once each)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from config.schema import Config
from schoolwatch.source_alerts import alert_on_change
from store import sources
from store.db import transaction
from store.models import Outbox

T0 = datetime(2025, 4, 7, 8, 0, tzinfo=UTC)
URL = "https://news.example/feed.xml"


def _config(admins: bool = True) -> Config:
    recipients = [{"email": "head@school.sch.uk", "roles": ["slt"]}]
    if admins:
        recipients.append({"email": "it@school.sch.uk", "roles": ["admin", "slt"]})
    return Config.model_validate(
        {
            "schools": [{"name": "Millbrook Primary", "recipients": recipients}],
            "crawler": {"alert_after_failures": 3},
            "smtp": {"from": "schoolwatch@school.sch.uk"},
        }
    )


def _crawl(store: sessionmaker[Session], cfg: Config, ok: bool, now: datetime) -> str | None:
    """One recorded crawl outcome, as the spider records it."""
    with transaction(store) as session:
        before = sources.get_state(session, "news")
        failures = before.consecutive_failures if before else 0
        success = before.last_success_at if before else None
        if ok:
            state = sources.record_success(
                session, "news", url=URL, items=4, etag=None, last_modified=None, now=now
            )
        else:
            state = sources.record_failure(
                session, "news", url=URL, error_class="blocked", message="HTTP 403", now=now
            )
        return alert_on_change(
            session, cfg, state, failures_before=failures, last_success_before=success, now=now
        )


def _outbox(store: sessionmaker[Session]) -> list[Outbox]:
    with store() as session:
        return list(session.scalars(select(Outbox).order_by(Outbox.id)))


def test_down_once_after_n_failures_then_up_once_then_a_new_streak(store) -> None:
    cfg = _config()
    keys = [_crawl(store, cfg, ok=False, now=T0 + timedelta(hours=h)) for h in range(5)]
    assert keys[:2] == [None, None]
    assert keys[2] == keys[3] == keys[4] == "source-down-news-never"  # same streak, same id
    [down] = _outbox(store)
    assert down.recipients == ["it@school.sch.uk"] and down.kind == "alert"
    assert down.subject == "schoolwatch: source news is failing (blocked)"
    assert "failed 3 crawls in a row" in down.message and "HTTP 403" in down.message

    assert _crawl(store, cfg, ok=True, now=T0 + timedelta(hours=6)) == "source-up-news-never"
    assert _crawl(store, cfg, ok=True, now=T0 + timedelta(hours=7)) is None  # only once
    for h in (8, 9, 10):
        key = _crawl(store, cfg, ok=False, now=T0 + timedelta(hours=h))
    assert key == "source-down-news-20250407T150000"  # named by the last success before it
    subjects = [row.subject for row in _outbox(store)]
    assert subjects == [
        "schoolwatch: source news is failing (blocked)",
        "schoolwatch: source news works again",
        "schoolwatch: source news is failing (blocked)",
    ]
    assert len({row.message_id for row in _outbox(store)}) == 3


def test_no_admin_recipient_means_no_email_and_a_warning(store, caplog) -> None:
    cfg = _config(admins=False)
    for h in range(3):
        _crawl(store, cfg, ok=False, now=T0 + timedelta(hours=h))
    assert _outbox(store) == []
    assert "no recipient has the admin role" in caplog.text


@pytest.mark.parametrize(
    ("had_items", "quiet_for", "failing"),
    [
        (False, timedelta(days=30), False),
        (True, timedelta(days=1), False),
        (True, timedelta(days=4), True),
    ],
)
def test_empty_is_a_failure_only_for_a_source_that_had_entries_and_only_after_a_while(
    store, had_items: bool, quiet_for: timedelta, failing: bool
) -> None:
    with transaction(store) as session:
        sources.record_success(
            session, "news", url=URL, items=3 if had_items else 0, etag='"v1"', last_modified=None,
            now=T0,
        )  # fmt: skip
    with transaction(store) as session:
        state = sources.record_empty(
            session, "news", url=URL, empty_after=timedelta(days=3), now=T0 + quiet_for
        )
        assert state.etag is None
        assert (state.last_error_class == "empty") is failing
        assert state.consecutive_failures == (1 if failing else 0)
        if had_items:
            assert state.last_success_at == T0  # an empty read is not a success with entries
        if failing:
            assert "no entries since 2025-04-07 08:00 UTC (it had 3 before)" in state.last_error
