"""Spidermon monitors run at the end of every crawl: did the source fail, were errors logged,
did a source that usually has entries come back with none?

They run when the engine stops (after the spider recorded its outcome), and their verdicts
go to the crawl log as Spidermon's report. The admin emails about a failing source are not
sent from here: they are queued with the recorded state (schoolwatch/source_alerts.py), so
that they go out exactly once per failure streak whatever process runs the crawl.
"""

from __future__ import annotations

from typing import Any

from spidermon import Monitor, MonitorSuite, monitors


def _spider(monitor: Monitor) -> Any:
    return monitor.data.spider


@monitors.name("schoolwatch source")
class SourceMonitor(Monitor):  # type: ignore[misc]
    @monitors.name("the source was read")
    def test_source_was_read(self) -> None:
        outcome = getattr(_spider(self), "outcome", None)
        if outcome is None:
            self.skipTest("not a schoolwatch source spider")
            return
        self.assertNotEqual(
            outcome.status, "failed", msg=f"{outcome.error_class}: {outcome.message}"
        )

    @monitors.name("no errors logged")
    def test_no_errors_logged(self) -> None:
        errors = int(self.data.stats.get("log_count/ERROR", 0))
        self.assertEqual(errors, 0, msg=f"{errors} error(s) in the crawl log")

    @monitors.name("entries from a source that usually has some")
    def test_entries_when_usual(self) -> None:
        spider = _spider(self)
        outcome = getattr(spider, "outcome", None)
        if outcome is None or outcome.status == "not_modified":
            self.skipTest("nothing to count")
            return
        usual = getattr(spider, "usual_items", 0)
        if not usual:
            self.skipTest("the source has not had entries before")
            return
        self.assertGreater(outcome.items, 0, msg=f"no entries, though it had {usual} before")


class SourceMonitorSuite(MonitorSuite):  # type: ignore[misc]
    monitors = [SourceMonitor]
