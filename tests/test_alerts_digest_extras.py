"""The digest's newer parts: week-on-week counts, the 14-day chart, email that failed."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from alert_fixtures import SCHOOL, add_item, config
from PIL import Image

from alerts.chart import COLOURS
from alerts.digest import build_digest, render_digest
from store import outbox as outbox_store
from store.db import transaction

NOW = datetime(2026, 11, 20, 7, 30, tzinfo=UTC)


def test_trends_compare_this_week_with_last_and_never_count_head_only_labels(store) -> None:
    with transaction(store) as s:
        for days_ago in (1, 2, 3, 9):
            add_item(
                s,
                f"Millbrook Primary complaint {days_ago}",
                labels={"parental_complaint": 0.8},
                seen_at=NOW - timedelta(days=days_ago),
            )
        add_item(
            s,
            "Millbrook Primary teacher conduct",
            labels={"staff_conduct": 0.8},
            seen_at=NOW - timedelta(days=1),
        )
        add_item(s, "Millbrook Primary old news", seen_at=NOW - timedelta(days=20))
    with store() as s:
        content = build_digest(s, config(), SCHOOL, now=NOW)
    assert [(t.label, t.this_week, t.last_week) for t in content.trends] == [
        ("parental_complaint", 3, 1)
    ]
    _, html, text = render_digest(content, config())
    assert "Parent complaints: 3 / 1" in text
    assert "conduct" not in text.lower()


def test_chart_draws_a_bar_per_day_in_the_label_colour(store) -> None:
    with transaction(store) as s:
        for i in range(6):
            add_item(
                s,
                f"Millbrook Primary safeguarding worry {i}",
                labels={"safeguarding": 0.9},
                severity="urgent",
                seen_at=NOW - timedelta(hours=2 + i),
            )
        add_item(
            s, "Millbrook Primary choir", labels={"positive": 0.9}, seen_at=NOW - timedelta(days=5)
        )
    with store() as s:
        content = build_digest(s, config(), SCHOOL, now=NOW)
    assert content.chart is not None
    image = Image.open(io.BytesIO(content.chart)).convert("RGB")
    assert image.size == (640, 240)
    colours = {image.getpixel((x, y)) for x in range(0, 640, 2) for y in range(30, 200, 2)}
    assert COLOURS["safeguarding"] in colours and COLOURS["positive"] in colours
    assert COLOURS["parental_complaint"] not in colours  # no such items, no such bars
    # The rightmost bar (today) is the tall one: six items against one.
    tall = [y for y in range(30, 204) if image.getpixel((608, y)) == COLOURS["safeguarding"]]
    assert len(tall) > 100
    # A school with nothing in 14 days gets no chart (and no empty image) at all.
    quiet = config()
    quiet.schools[0].name = "Quiet School"
    with store() as s:
        assert build_digest(s, quiet, "Quiet School", now=NOW).chart is None


def test_a_permanently_failed_email_is_shown_in_the_next_digest(store) -> None:
    cfg = config()
    with transaction(store) as s:
        row = outbox_store.enqueue(
            s,
            kind="alert",
            recipients=["dsl@millbrook.example.sch.uk"],
            subject="[URGENT] Safeguarding",
            message="x",
            message_id="<a@b>",
            now=NOW - timedelta(hours=5),
        )
        outbox_store.mark_failed(s, row.id, "550 mailbox unavailable")
        other = outbox_store.enqueue(
            s,
            kind="alert",
            recipients=["someone@else.example"],
            subject="another school's post",
            message="x",
            message_id="<c@d>",
            now=NOW - timedelta(hours=5),
        )
        outbox_store.mark_failed(s, other.id, "550 no")
    with store() as s:
        content = build_digest(s, cfg, SCHOOL, now=NOW)
    assert [(f.recipients, f.error) for f in content.failed_mail] == [
        (["dsl@millbrook.example.sch.uk"], "550 mailbox unavailable")
    ]
    _, html, text = render_digest(content, cfg)
    assert "Email that could not be delivered" in text and "550 mailbox unavailable" in html
    assert "another school" not in text
