"""`schoolwatch run`: the one long-running scheduler process (APScheduler 3.11).

Jobs: each source at its interval (a crawl child process each), the outbox flush every
`alerts.flush_every` (1 minute by default: route newly stored items to their lanes, send comms
queue reminders and escalations, then send queued email), the digest at the configured local
time on school days (the configured days, minus holidays), and the daily retention purge.
A crawl that stored something is followed at once by a flush, so an urgent alert does not wait
for the next tick. coalesce + max_instances=1: a slow crawl is never started twice, and runs
missed while the machine slept collapse into one.

Every job catches and logs its own failure (a crawl that crashes, a database that is locked,
an SMTP server that is down) and the next run tries again: the daemon itself never stops.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import Session, sessionmaker

from config.schema import Config, Source
from schoolwatch.crawl import CrawlRunner

log = logging.getLogger("schoolwatch.run")

RETENTION_AT = (3, 15)  # local time of the daily purge


class Jobs:
    """What the scheduler calls. Each job logs its own failure and never raises into APScheduler."""

    def __init__(self, cfg: Config, factory: sessionmaker[Session], runner: CrawlRunner):
        self.cfg = cfg
        self.factory = factory
        self.runner = runner
        # The scheduled flush and the one after a crawl must not interleave in this process
        # (they would be safe, but one would only lose races to the other).
        self._flush_lock = threading.Lock()

    def crawl(self, source_name: str) -> None:
        source = self.cfg.source(source_name)
        try:
            result = self.runner.run_one(source)
        except Exception:
            log.exception("crawl %s could not be started", source_name)
            return
        if result.ok:
            log.info("crawl %s finished in %.1fs", source_name, result.seconds)
        else:
            tail = " | ".join(result.problem_lines(3))
            log.error("crawl %s exited with %s: %s", source_name, result.returncode, tail)
        # Whatever the crawl stored (a failed crawl may have stored some) is routed now.
        self.flush()

    def flush(self) -> None:
        from alerts.failures import notify_admins
        from alerts.outbox import flush
        from alerts.queue import remind_and_escalate
        from alerts.urgent import route_new_items

        with self._flush_lock:
            try:
                routed = route_new_items(self.factory, self.cfg)
                if routed.alerts or routed.queued:
                    log.info(
                        "routed %d item(s): %d alert(s) queued, %d grouped, %d held, "
                        "%d into the comms queue",
                        routed.routed,
                        routed.alerts,
                        routed.grouped,
                        routed.held,
                        routed.queued,
                    )
                remind_and_escalate(self.factory, self.cfg)
                # Email given up on (by an earlier flush) is reported to admins, once each.
                notify_admins(self.factory, self.cfg)
            except Exception:
                # e.g. the database is locked: the email already queued can still go.
                log.exception("alert routing failed; will retry at the next flush")
            try:
                report = flush(self.factory, self.cfg.smtp)
            except Exception:
                log.exception("outbox flush failed; will retry at the next flush")
                return
        if report.sent or report.retried or report.failed:
            log.info(
                "outbox: %s sent, %s to retry, %s failed",
                report.sent,
                report.retried,
                report.failed,
            )

    def digest(self, now: datetime | None = None) -> list[int]:
        """Queue and send the SLT digests if today is a school day; the outbox ids queued."""
        from alerts.calendar import holiday_name, is_school_day, local_date
        from alerts.digest import queue_digests

        now = now or datetime.now(UTC)
        today = local_date(self.cfg, now)
        if not is_school_day(self.cfg, today):
            why = holiday_name(self.cfg, today) or "not a school day"
            log.info("no digest on %s: %s", today.isoformat(), why)
            return []
        try:
            ids = queue_digests(self.factory, self.cfg, now=now)
        except Exception:
            log.exception("building the digest failed")
            return []
        log.info("digest queued: %d message(s)", len(ids))
        self.flush()
        return ids

    def purge(self) -> None:
        from store.retention import purge, purge_files

        cutoff = datetime.now(UTC) - timedelta(days=self.cfg.retention_days)
        try:
            with self.factory() as session, session.begin():
                report = purge(session, older_than=cutoff)
        except Exception:
            log.exception("retention purge failed")
            return
        log.info("retention purge before %s: %s", cutoff.date(), report)
        try:
            files = purge_files(self.cfg.image_cache_dir, older_than=cutoff)
        except OSError:
            log.exception("purging cached images in %s failed", self.cfg.image_cache_dir)
            return
        if files:
            log.info("retention purge: %d cached image(s) deleted", files)


def build_scheduler(
    cfg: Config, jobs: Jobs, *, start_crawls_now: bool = True
) -> BackgroundScheduler:
    tz = cfg.digest.tzinfo
    scheduler = BackgroundScheduler(
        timezone=tz,
        executors={"default": ThreadPoolExecutor(max_workers=4)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 15 * 60},
    )
    now = datetime.now(tz)
    for source in cfg.sources:
        if source.enabled:
            _add_crawl(scheduler, jobs, source, now if start_crawls_now else None)
    scheduler.add_job(
        jobs.flush,
        IntervalTrigger(seconds=cfg.alerts.flush_every),
        id="outbox-flush",
        name="send queued email",
        next_run_time=now,
    )
    scheduler.add_job(
        jobs.digest,
        CronTrigger(
            day_of_week=",".join(cfg.digest.days),
            hour=cfg.digest.time.hour,
            minute=cfg.digest.time.minute,
            timezone=tz,
        ),
        id="digest",
        name="SLT digest",
        misfire_grace_time=3 * 3600,  # a digest late by a reboot is still worth sending
    )
    scheduler.add_job(
        jobs.purge,
        CronTrigger(hour=RETENTION_AT[0], minute=RETENTION_AT[1], timezone=tz),
        id="retention",
        name="retention purge",
    )
    return scheduler


def _add_crawl(
    scheduler: BackgroundScheduler, jobs: Jobs, source: Source, first: datetime | None
) -> None:
    kw = {"next_run_time": first} if first else {}
    scheduler.add_job(
        jobs.crawl,
        IntervalTrigger(seconds=source.every),
        args=[source.name],
        id=f"crawl:{source.name}",
        name=f"crawl {source.name}",
        **kw,
    )


def run_forever(cfg: Config, config_path: Path) -> int:
    """Run until SIGTERM or SIGINT; then stop starting jobs, stop running crawls, exit 0."""
    from store.migrate import open_store

    # APScheduler logs every run of every job at INFO: with a flush each minute that buries
    # what matters. Jobs log their own outcome; failures still come through as warnings.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    factory = open_store(cfg.database_url)
    runner = CrawlRunner(config_path)
    jobs = Jobs(cfg, factory, runner)
    scheduler = build_scheduler(cfg, jobs)
    stop = threading.Event()

    def _on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    scheduler.start()
    for job in scheduler.get_jobs():
        log.info("scheduled %-28s next %s", job.name, job.next_run_time)
    # Wake each second rather than block in one wait: the signal handler then runs within a
    # second whatever the main thread was blocked in.
    while not stop.wait(1.0):
        pass
    scheduler.shutdown(wait=False)
    runner.stop()
    log.info("stopped")
    return 0
