"""The scheduler: the right jobs, the digest at the right local time, failures contained."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from config import load_config_text
from schoolwatch.crawl import CrawlResult
from schoolwatch.scheduler import Jobs, build_scheduler

LONDON = ZoneInfo("Europe/London")
CONFIG = """
schools: [{name: Millbrook Primary}]
sources:
  - {name: news, kind: feed, url: "http://127.0.0.1:9/rss", every: 15m}
  - {name: paused, kind: feed, url: "http://127.0.0.1:9/paused", every: 1h, enabled: false}
digest: {time: "07:30", days: [mon, tue, wed, thu, fri], timezone: Europe/London}
"""


class _Runner:
    def __init__(self, fail: bool = False):
        self.fail = fail
        self.ran: list[str] = []

    def run_one(self, source):  # noqa: ANN001, ANN201
        self.ran.append(source.name)
        if self.fail:
            raise OSError("fork failed")
        return CrawlResult(source.name, 0, 0.1)


def _scheduler(runner: _Runner | None = None):  # noqa: ANN202
    cfg = load_config_text(CONFIG)
    jobs = Jobs(cfg, factory=None, runner=runner or _Runner())  # type: ignore[arg-type]
    return build_scheduler(cfg, jobs), jobs


def test_jobs_have_stable_ids_and_safe_defaults() -> None:
    scheduler, _ = _scheduler()
    scheduler.start(paused=True)  # job defaults are applied when jobs reach the job store
    jobs = {j.id: j for j in scheduler.get_jobs()}
    scheduler.shutdown(wait=False)
    assert set(jobs) == {"crawl:news", "outbox-flush", "digest", "retention"}  # disabled: none
    for job in jobs.values():
        assert job.coalesce is True and job.max_instances == 1
        assert job.misfire_grace_time >= 15 * 60
    assert jobs["crawl:news"].trigger.interval.total_seconds() == 15 * 60
    assert jobs["outbox-flush"].trigger.interval.total_seconds() == 60


@pytest.mark.parametrize(
    "now,expected",
    [
        # a Thursday morning after 07:30 -> Friday 07:30 (British Summer Time)
        (datetime(2026, 10, 22, 8, 0, tzinfo=LONDON), datetime(2026, 10, 23, 7, 30)),
        # Friday after the digest -> Monday; the clocks went back on Sunday 25 October
        (datetime(2026, 10, 23, 8, 0, tzinfo=LONDON), datetime(2026, 10, 26, 7, 30)),
        # Saturday and Sunday: none
        (datetime(2026, 10, 24, 6, 0, tzinfo=LONDON), datetime(2026, 10, 26, 7, 30)),
        # spring: clocks go forward on Sunday 29 March 2026
        (datetime(2026, 3, 27, 9, 0, tzinfo=LONDON), datetime(2026, 3, 30, 7, 30)),
        # before 07:30 on a school day: today
        (datetime(2026, 11, 20, 6, 59, tzinfo=LONDON), datetime(2026, 11, 20, 7, 30)),
    ],
)
def test_digest_fires_at_local_time_on_school_days(now: datetime, expected: datetime) -> None:
    scheduler, _ = _scheduler()
    trigger = scheduler.get_job("digest").trigger
    fire = trigger.get_next_fire_time(None, now)
    assert fire.astimezone(LONDON).replace(tzinfo=None) == expected


def test_digest_is_0730_local_on_both_sides_of_the_october_change() -> None:
    scheduler, _ = _scheduler()
    trigger = scheduler.get_job("digest").trigger
    before = trigger.get_next_fire_time(None, datetime(2026, 10, 23, 0, 0, tzinfo=LONDON))
    after = trigger.get_next_fire_time(None, datetime(2026, 10, 26, 0, 0, tzinfo=LONDON))
    assert before.utcoffset().total_seconds() == 3600 and before.hour == 7  # BST: 06:30 UTC
    assert after.utcoffset().total_seconds() == 0 and after.hour == 7  # GMT: 07:30 UTC


def test_a_crawl_that_cannot_start_is_logged_not_raised(caplog) -> None:
    _, jobs = _scheduler(_Runner(fail=True))
    with caplog.at_level(logging.ERROR):
        jobs.crawl("news")
    assert "crawl news could not be started" in caplog.text


def test_flush_failure_is_logged_not_raised(caplog, monkeypatch) -> None:
    import alerts.outbox

    def broken(*a, **k):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("database is locked")

    monkeypatch.setattr(alerts.outbox, "flush", broken)
    _, jobs = _scheduler()
    with caplog.at_level(logging.ERROR):
        jobs.flush()
    assert "outbox flush failed" in caplog.text


def test_run_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    cfg = tmp_path / "sw.yaml"
    cfg.write_text(
        "schools: [{name: Millbrook Primary}]\n"
        f"storage: sqlite:///{tmp_path / 'sw.db'}\n"
        "smtp: {host: 127.0.0.1, port: 9}\n"
    )
    # (faulthandler: if it ever hangs, SIGABRT below prints where every thread is.)
    command = [sys.executable, "-X", "faulthandler", "-m", "schoolwatch.cli", "run"]
    proc = subprocess.Popen(
        [*command, "--config", str(cfg)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:  # wait until the scheduler has started its jobs
        seen.append(line)
        if "scheduled" in line and "retention" in line:
            break
    proc.send_signal(signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        # Seen once in CI (2026-12-05), not reproduced since: say where it was stuck.
        proc.send_signal(signal.SIGABRT)
        out, _ = proc.communicate(timeout=30)
        pytest.fail("still running 60 s after SIGTERM; output and threads:\n" + "".join(seen) + out)
    assert proc.returncode == 0, "".join(seen) + out
    assert "stopped" in out


def test_a_locked_database_is_logged_and_the_next_flush_delivers(
    tmp_path: Path, caplog, sink
) -> None:
    """The daemon survives a database that is briefly locked: the flush logs it and the next
    one routes and sends what was waiting (real SQLite lock, real SMTP sink)."""
    import sqlite3
    from datetime import UTC, timedelta

    from alert_fixtures import DSL, add_item, config

    from store.db import make_engine, session_factory, transaction
    from store.migrate import upgrade

    db = tmp_path / "locked.db"
    engine = make_engine(f"sqlite:///{db}", connect_args={"timeout": 0.2})
    upgrade(engine)
    factory = session_factory(engine)
    cfg = config(sink.port)
    with transaction(factory) as s:
        add_item(
            s,
            "Photos of Millbrook Primary pupils shared",
            labels={"safeguarding": 0.9},
            severity="urgent",
            seen_at=datetime.now(UTC) - timedelta(minutes=1),
        )
    jobs = Jobs(cfg, factory, _Runner())
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with caplog.at_level(logging.ERROR):
            jobs.flush()  # must not raise
        assert "alert routing failed" in caplog.text and "locked" in caplog.text
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert sink.messages == []
    jobs.flush()
    assert [m.rcpt_tos for m in sink.messages] == [[DSL]]
    engine.dispose()


def test_a_crashed_crawl_is_logged_and_what_it_stored_is_still_routed(caplog) -> None:
    class _Crashed(_Runner):
        def run_one(self, source):  # noqa: ANN001, ANN201
            return CrawlResult(source.name, -9, 0.5, ["Traceback ...", "MemoryError"])

    _, jobs = _scheduler(_Crashed())
    flushed = []
    jobs.flush = lambda: flushed.append(True)  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR):
        jobs.crawl("news")
    assert "crawl news exited with -9" in caplog.text and "MemoryError" in caplog.text
    assert flushed == [True]


def test_the_nightly_purge_also_deletes_old_cached_images(tmp_path: Path) -> None:
    import time as _time

    from store.migrate import open_store

    cfg = load_config_text(
        "schools: [{name: Millbrook Primary}]\n"
        f"storage: sqlite:///{tmp_path / 'sw.db'}\nretention_days: 30\n"
    )
    old = cfg.image_cache_dir / "old.jpg"
    new = cfg.image_cache_dir / "new.jpg"
    old.parent.mkdir(parents=True)
    for path, age_days in ((old, 40), (new, 1)):
        path.write_bytes(b"\xff\xd8")
        stamp = _time.time() - age_days * 86400
        os.utime(path, (stamp, stamp))
    jobs = Jobs(cfg, open_store(cfg.database_url), runner=_Runner())  # type: ignore[arg-type]
    jobs.purge()
    assert not old.exists() and new.exists()
