"""Lanes end to end: stored items -> routing -> outbox -> a real SMTP server on loopback.

Each lane must reach exactly the right recipients, once; near-duplicates are one alert; the
per-recipient rate limit combines and holds but never drops (alerts.lanes, alerts.urgent)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from alert_fixtures import ADMIN, COMMS, DEPUTY, DSL, HEAD, SCHOOL, add_item, config
from smtp_fixtures import body, closed_port
from sqlalchemy import func, select

from alerts import lanes
from alerts.outbox import flush
from alerts.sink import SmtpSink
from alerts.urgent import route_new_items, similarity, words
from store.db import transaction
from store.models import AlertDelivery, Outbox, QueueItem, RoutedItem

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # a Friday

ITEMS = {
    # name: (text, labels, severity)
    "safeguarding": (
        "Photos of Millbrook Primary pupils in the changing room posted online",
        {"safeguarding": 0.9},
        "urgent",
    ),
    "staff": (
        "Millbrook Primary teacher shouting at children again",
        {"staff_conduct": 0.8},
        "normal",
    ),
    "complaint": (
        "Millbrook Primary ignored my email about the trip refund",
        {"parental_complaint": 0.8},
        "normal",
    ),
    "reputation_high": (
        "Millbrook Primary failing Ofsted report leaked",
        {"reputation_risk": 0.9},
        "high",
    ),
    "reputation_normal": (
        "Millbrook Primary parking is chaos at pickup",
        {"reputation_risk": 0.6},
        "normal",
    ),
    "positive": ("Well done Millbrook Primary choir at the festival", {"positive": 0.9}, "low"),
}


def _store_all(store) -> dict[str, int]:  # noqa: ANN001
    ids = {}
    with transaction(store) as s:
        for i, (name, (text, labels, severity)) in enumerate(ITEMS.items()):
            ids[name] = add_item(
                s, text, labels=labels, severity=severity, seen_at=NOW - timedelta(minutes=10 - i)
            )
    return ids


def _received(sink: SmtpSink) -> dict[str, list[str]]:
    """recipient -> subjects received."""
    got: dict[str, list[str]] = defaultdict(list)
    for m in sink.messages:
        for rcpt in m.rcpt_tos:
            got[rcpt].append(str(m.message["Subject"]))
    return got


def test_route_decisions_follow_the_default_lanes() -> None:
    school = config().school(SCHOOL)
    r = lanes.route(school, ["safeguarding", "parental_complaint"], "urgent")
    assert r.alert_to == [DSL] and r.digest == "count" and r.queue
    assert lanes.route(school, ["staff_conduct"], "normal").alert_to == [HEAD]
    assert lanes.route(school, ["staff_conduct"], "normal").digest == "none"
    assert lanes.route(school, ["reputation_risk"], "high").alert_to == [HEAD]
    assert lanes.route(school, ["reputation_risk"], "normal").alert_to == []
    assert lanes.route(school, ["positive"], "low") == lanes.Route([], [], "full", False)
    assert lanes.route(school, [], None) == lanes.Route([], [], "full", False)


def test_lanes_are_configurable_per_school() -> None:
    cfg = config()
    cfg = config(
        schools=[
            {
                **cfg.schools[0].model_dump(exclude_none=True),
                "lanes": {
                    "positive": {"alert": ["slt"]},
                    "safeguarding": {"alert": ["dsl", "head"]},
                },
            }
        ]
    )
    school = cfg.school(SCHOOL)
    assert lanes.route(school, ["positive"], "low").alert_to == [HEAD, DEPUTY]
    assert lanes.route(school, ["safeguarding"], "urgent").alert_to == [HEAD, DSL]


def test_every_lane_reaches_exactly_the_right_recipients_once(store, sink: SmtpSink) -> None:
    cfg = config(sink.port)
    ids = _store_all(store)
    report = route_new_items(store, cfg, now=NOW)
    assert (report.routed, report.alerts, report.queued) == (6, 3, 1)
    assert flush(store, cfg.smtp, now=NOW).sent == 3
    got = _received(sink)
    assert set(got) == {DSL, HEAD}  # deputy, comms and admin get no immediate alert
    assert len(got[DSL]) == 1 and "Safeguarding" in got[DSL][0] and "URGENT" in got[DSL][0]
    assert len(got[HEAD]) == 2
    assert any("Staff conduct" in s for s in got[HEAD])
    assert any("Reputation risk" in s and "HIGH" in s for s in got[HEAD])
    # The evidence: snippet, link, capture time, matched names, reasons.
    dsl_msg = next(m.message for m in sink.messages if m.rcpt_tos == [DSL])
    text = body(dsl_msg, "plain")
    assert "changing room" in text and "https://forum.example.org/post/" in text
    assert "Captured Fri 20 Nov 08:5" in text and "Matched: " in text
    assert "mentions the school" in text
    # The complaint is in the comms queue, owned by the comms lead.
    with transaction(store) as s:
        queue = s.scalars(select(QueueItem)).all()
        assert [(q.item_id, q.owner, q.status) for q in queue] == [(ids["complaint"], COMMS, "new")]
    # Routing and flushing again changes nothing and sends nothing.
    again = route_new_items(store, cfg, now=NOW + timedelta(minutes=1))
    assert (again.routed, again.alerts) == (0, 0)
    assert flush(store, cfg.smtp, now=NOW + timedelta(minutes=1)).sent == 0
    assert len(sink.messages) == 3
    assert ADMIN not in got and COMMS not in got


def test_smtp_down_then_back_delivers_every_alert_once(store) -> None:
    cfg = config(closed_port())
    _store_all(store)
    route_new_items(store, cfg, now=NOW)
    down = flush(store, cfg.smtp, now=NOW)
    assert down.sent == 0 and down.retried + down.deferred == 3
    with SmtpSink() as sink:
        cfg.smtp.port = sink.port
        later = NOW + timedelta(hours=2)  # past every backoff
        route_new_items(store, cfg, now=later)
        assert flush(store, cfg.smtp, now=later).sent == 3
        assert flush(store, cfg.smtp, now=later + timedelta(hours=2)).sent == 0
        ids = [str(m.message["Message-ID"]) for m in sink.messages]
        assert len(ids) == len(set(ids)) == 3


def test_500_copies_of_one_viral_post_are_one_alert(store, sink: SmtpSink) -> None:
    cfg = config(sink.port)
    post = (
        "Someone is sharing photos of Millbrook Primary pupils with their names and "
        "home addresses, please report this account now"
    )
    with transaction(store) as s:
        for i in range(500):
            variant = [
                f"RT @user{i}: {post}",
                f"{post} https://t.co/x{i}",
                f"{post} #shame{i}",
                f"{post}!!",
            ][i % 4]
            add_item(
                s,
                variant + f" @u{i}",
                labels={"safeguarding": 0.9},
                severity="urgent",
                seen_at=NOW - timedelta(seconds=500 - i),
            )
    report = route_new_items(store, cfg, now=NOW)
    assert (report.routed, report.alerts, report.grouped) == (500, 1, 499)
    flush(store, cfg.smtp, now=NOW)
    assert [m.rcpt_tos for m in sink.messages] == [[DSL]]
    assert "500 near-identical posts" in body(sink.messages[0].message, "plain")
    # More copies an hour later join the same alert: still nothing new is sent.
    with transaction(store) as s:
        add_item(
            s,
            f"{post} (copied again)",
            labels={"safeguarding": 0.9},
            severity="urgent",
            seen_at=NOW + timedelta(hours=1),
        )
    later = route_new_items(store, cfg, now=NOW + timedelta(hours=1))
    assert (later.alerts, later.grouped) == (0, 1)
    # A different post is a different alert.
    with transaction(store) as s:
        add_item(
            s,
            "A man was seen filming Millbrook Primary children at the gate",
            labels={"safeguarding": 0.9},
            severity="urgent",
            seen_at=NOW + timedelta(hours=1),
        )
    assert route_new_items(store, cfg, now=NOW + timedelta(hours=1, minutes=1)).alerts == 1


def test_near_duplicate_similarity() -> None:
    a = words("RT @x: Photos of Millbrook Primary pupils posted https://t.co/abc")
    b = words("Photos of Millbrook Primary pupils posted #awful")
    assert a == b
    assert similarity(a, words("Millbrook Primary choir won the festival")) < 0.3


def test_rate_limit_combines_then_holds_then_sends_everything(store, sink: SmtpSink) -> None:
    cfg = config(sink.port, alerts={"rate_limit": {"count": 3, "per": "1h"}})
    topics = [
        "a stranger at the gate",
        "a pupil's photo shared",
        "threats in a group chat",
        "a pupil named in a fight video",
        "an adult messaging pupils",
    ]
    with transaction(store) as s:
        for i, topic in enumerate(topics):
            add_item(
                s,
                f"Millbrook Primary: {topic} number {i}",
                labels={"safeguarding": 0.9},
                severity="urgent",
                seen_at=NOW - timedelta(minutes=5 - i),
            )
    report = route_new_items(store, cfg, now=NOW)
    assert report.alerts == 3  # two on their own, the last carrying the other three
    flush(store, cfg.smtp, now=NOW)
    assert len(sink.messages) == 3
    assert str(sink.messages[-1].message["Subject"]).startswith("3 alerts")
    with transaction(store) as s:
        add_item(
            s,
            "Millbrook Primary: a completely separate worrying report",
            labels={"safeguarding": 0.9},
            severity="urgent",
            seen_at=NOW,
        )
    held = route_new_items(store, cfg, now=NOW + timedelta(minutes=1))
    assert (held.alerts, held.held) == (0, 1)
    assert route_new_items(store, cfg, now=NOW + timedelta(minutes=30)).alerts == 0
    freed = route_new_items(store, cfg, now=NOW + timedelta(hours=1, minutes=1))
    assert freed.alerts == 1
    flush(store, cfg.smtp, now=NOW + timedelta(hours=1, minutes=1))
    assert len(sink.messages) == 4
    with transaction(store) as s:
        statuses = s.execute(
            select(AlertDelivery.status, func.count()).group_by(AlertDelivery.status)
        ).all()
        assert dict(statuses) == {"sent": 6}
        assert s.scalar(select(func.count()).select_from(Outbox)) == 4
        assert s.scalar(select(func.count()).select_from(RoutedItem)) == 6


def test_items_older_than_the_alert_window_alert_nobody(store, sink: SmtpSink) -> None:
    cfg = config(sink.port)
    with transaction(store) as s:
        add_item(
            s,
            "Old Millbrook Primary safeguarding story",
            labels={"safeguarding": 0.9},
            severity="urgent",
            seen_at=NOW - timedelta(days=4),
        )
    assert route_new_items(store, cfg, now=NOW).routed == 0
    flush(store, cfg.smtp, now=NOW)
    assert sink.messages == []
