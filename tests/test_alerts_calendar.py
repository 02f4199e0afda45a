"""School days with a frozen clock: the digest on school days only (no weekends, no half-term),
at the right local hour on both sides of the October clock change; complaint deadlines; one
heartbeat per school per local day (alerts.calendar, scheduler.Jobs.digest)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from alert_fixtures import SCHOOL, add_item, config
from sqlalchemy import select

from alerts import calendar
from alerts.digest import queue_digests
from alerts.outbox import flush
from alerts.sink import SmtpSink
from alerts.urgent import route_new_items
from schoolwatch.crawl import CrawlResult
from schoolwatch.scheduler import Jobs, build_scheduler
from store.db import transaction
from store.models import QueueItem

LONDON = ZoneInfo("Europe/London")
HALF_TERM = [{"from": "2026-10-26", "to": "2026-10-30", "name": "Autumn half-term"}]


class _NoCrawls:
    def run_one(self, source):  # noqa: ANN001, ANN201
        return CrawlResult(source.name, 0, 0.0)


def test_digests_fire_on_school_days_only_at_0730_local_across_the_clock_change(
    store, sink: SmtpSink
) -> None:
    cfg = config(sink.port, holidays=HALF_TERM)
    jobs = Jobs(cfg, store, _NoCrawls())  # type: ignore[arg-type]
    trigger = build_scheduler(cfg, jobs, start_crawls_now=False).get_job("digest").trigger
    fired: list[datetime] = []
    at = datetime(2026, 10, 22, 0, 0, tzinfo=LONDON)  # Thursday before the change
    while True:
        at = trigger.get_next_fire_time(None, at + timedelta(seconds=1))
        if at >= datetime(2026, 11, 4, tzinfo=LONDON):
            break
        fired.append(at)
    sent_on: list[datetime] = []
    for when in fired:
        before = len(sink.messages)
        jobs.digest(now=when.astimezone(UTC))  # the job decides, with the clock frozen there
        if len(sink.messages) > before:
            sent_on.append(when.astimezone(UTC))
    utc = [(d.date(), d.hour, d.minute) for d in sent_on]
    assert utc == [
        (date(2026, 10, 22), 6, 30),  # Thursday, BST: 07:30 local is 06:30 UTC
        (date(2026, 10, 23), 6, 30),  # Friday
        # Sat 24, Sun 25 (clocks go back): none. Mon 26 - Fri 30: half-term, none.
        (date(2026, 11, 2), 7, 30),  # Monday, GMT: 07:30 local is 07:30 UTC
        (date(2026, 11, 3), 7, 30),
    ]
    for when in sent_on:
        assert when.astimezone(LONDON).hour == 7 and when.astimezone(LONDON).minute == 30
    # Called on a Saturday or in half-term anyway (a misfire, a hand-run job): still nothing.
    for day in (
        datetime(2026, 10, 24, 7, 30, tzinfo=LONDON),
        datetime(2026, 10, 28, 7, 30, tzinfo=LONDON),
    ):
        assert jobs.digest(now=day.astimezone(UTC)) == []
    assert len(sink.messages) == 4


def test_school_days_and_holiday_names() -> None:
    cfg = config(holidays=HALF_TERM)
    assert calendar.is_school_day(cfg, date(2026, 10, 23))
    assert not calendar.is_school_day(cfg, date(2026, 10, 24))  # Saturday
    assert not calendar.is_school_day(cfg, date(2026, 10, 28))
    assert calendar.holiday_name(cfg, date(2026, 10, 28)) == "Autumn half-term"
    assert calendar.next_school_day(cfg, date(2026, 10, 23)) == date(2026, 11, 2)


@pytest.mark.parametrize(
    "policy,holidays,found,due",
    [
        # Friday afternoon, next-school-day policy: Monday at the end of the school day.
        ("next_school_day", [], datetime(2026, 11, 20, 15, 0), datetime(2026, 11, 23, 16, 0)),
        # ... and the Monday after half-term when half-term follows; BST -> GMT on the way.
        ("next_school_day", HALF_TERM, datetime(2026, 10, 23, 15, 0), datetime(2026, 11, 2, 16, 0)),
        # 48 hours from Friday afternoon lands on Sunday: the same time on Monday.
        ("48h", [], datetime(2026, 11, 20, 15, 0), datetime(2026, 11, 23, 15, 0)),
        # 48 hours from Monday morning is Wednesday morning.
        ("48h", [], datetime(2026, 11, 16, 9, 0), datetime(2026, 11, 18, 9, 0)),
    ],
)
def test_complaint_due_times(policy: str, holidays: list, found: datetime, due: datetime) -> None:
    cfg = config(holidays=holidays, complaints={"due": policy, "day_ends": "16:00"})
    got = calendar.complaint_due(cfg, found.replace(tzinfo=LONDON))
    assert got.astimezone(LONDON).replace(tzinfo=None) == due


def test_a_complaint_found_on_friday_afternoon_is_queued_due_next_school_day(store) -> None:
    cfg = config(complaints={"due": "next_school_day"})
    friday = datetime(2026, 11, 20, 15, 10, tzinfo=LONDON).astimezone(UTC)
    with transaction(store) as s:
        add_item(
            s,
            "Millbrook Primary never answers the phone, again",
            labels={"parental_complaint": 0.8},
            seen_at=friday,
        )
    route_new_items(store, cfg, now=friday + timedelta(minutes=1))
    with transaction(store) as s:
        [row] = s.scalars(select(QueueItem)).all()
        assert row.due_at.astimezone(LONDON) == datetime(2026, 11, 23, 16, 0, tzinfo=LONDON)


def test_the_nothing_new_heartbeat_is_sent_once_per_school_per_local_day(
    store, sink: SmtpSink
) -> None:
    cfg = config(sink.port)
    morning = datetime(2026, 11, 20, 7, 30, tzinfo=UTC)
    assert len(queue_digests(store, cfg, now=morning)) == 1  # the scheduler's run
    assert queue_digests(store, cfg, now=morning + timedelta(hours=2)) == []  # by hand, later
    # Something new later the same day is still sent: only an empty heartbeat is limited.
    with transaction(store) as s:
        add_item(s, "Millbrook Primary fun run on Saturday", seen_at=morning + timedelta(hours=3))
    assert len(queue_digests(store, cfg, now=morning + timedelta(hours=4))) == 1
    # Just after local midnight is a new day (on GMT here; see the clock-change test above).
    assert len(queue_digests(store, cfg, now=datetime(2026, 11, 21, 0, 5, tzinfo=UTC))) == 1
    flush(store, cfg.smtp, now=datetime(2026, 11, 21, 0, 6, tzinfo=UTC))
    subjects = [str(m.message["Subject"]) for m in sink.messages]
    assert [("nothing new" in s) for s in subjects] == [True, False, True]
    assert all(SCHOOL in s for s in subjects)
