"""`schoolwatch demo` end to end: loopback site, real crawl processes, real SMTP to a sink."""

from __future__ import annotations

import email
import email.policy
import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("demo") / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "schoolwatch.cli", "demo", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, COLUMNS="200"),
    )
    return proc, out


def test_demo_completes_and_summarises(demo) -> None:  # noqa: ANN001
    proc, _ = demo
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout + proc.stderr
    for expected in (
        "stored",
        "Millbrook Church of England Primary School",
        "Helen Okafor",
        "labels:",
        "delivered over SMTP",
    ):
        assert expected in out, expected


def test_demo_leaves_the_delivered_digest_as_html_and_eml(demo) -> None:  # noqa: ANN001
    proc, out = demo
    emls = sorted(out.glob("digest-*.eml"))
    htmls = sorted(out.glob("digest-*.html"))
    assert emls and htmls, proc.stdout
    bodies = []
    for eml in emls:
        msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        assert msg.get_content_type() == "multipart/alternative"
        assert msg.get_body(("plain",)) is not None and msg.get_body(("html",)) is not None
        assert msg["Message-ID"]
        bodies.append(msg.get_body(("html",)).get_content())
    html = "\n".join(bodies)
    assert "<script>" not in html  # the sample post with a script in its title is escaped
    assert "&lt;script&gt;" in html
    assert "Garden Centre" not in html  # a namesake is not a mention


def test_demo_stores_a_story_carried_by_two_feeds_once(demo) -> None:  # noqa: ANN001
    import sqlite3

    _, out = demo
    db = sqlite3.connect(out / "schoolwatch-demo.db")
    (multi,) = db.execute(
        "select count(*) from (select item_id from sightings group by item_id "
        "having count(distinct source) > 1)"
    ).fetchone()
    assert multi >= 1


def test_demo_alerts_the_safeguarding_lead_at_once(demo) -> None:  # noqa: ANN001
    _, out = demo
    alerts = sorted(out.glob("alert-dsl*.eml"))
    assert alerts, sorted(p.name for p in out.iterdir())
    subjects = [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)["Subject"]
        for p in alerts
    ]
    assert any("Safeguarding" in s for s in subjects), subjects
