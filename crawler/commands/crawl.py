"""`scrapy crawl`, with an exit status that says how the source fared.

Scrapy's own command exits 0 whenever the spider started, even when every request failed.
Ours runs the crawl the same way and then asks the spider (crawler/spiders/base.py documents
the codes): 0 read, 1 could not start, 3 the source failed (recorded), 4 the database could not
record the outcome or some items.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler.spiders.base import EXIT_SETUP_FAILED, SourceSetupError, SourceSpider

logger = logging.getLogger(__name__)


class Command(ScrapyCrawlCommand):
    def short_desc(self) -> str:
        return "Crawl one source: scrapy crawl KIND -a source=NAME (KIND: the source's kind)"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider: scrapy crawl KIND -a source=NAME")
        assert self.crawler_process is not None
        crawler = self._create_crawler(args[0])
        running = self.crawler_process.crawl(crawler, **opts.spargs)
        _quiet_setup_errors(running)
        self.crawler_process.start()
        spider = getattr(crawler, "spider", None)
        if self.crawler_process.bootstrap_failed or not isinstance(spider, SourceSpider):
            self.exitcode = EXIT_SETUP_FAILED
        else:
            self.exitcode = spider.exit_status()


def _quiet_setup_errors(running: Any) -> None:
    """A SourceSetupError was already logged as one clear line: no traceback for it."""

    def on_task_done(task: asyncio.Future[Any]) -> None:
        if task.cancelled():
            return
        exc = task.exception()  # retrieving it stops asyncio printing "never retrieved"
        if exc is not None and not isinstance(exc, SourceSetupError):
            logger.error("the crawl crashed", exc_info=exc)

    def on_failure(failure: Failure) -> None:
        if not failure.check(SourceSetupError):
            logger.error("the crawl crashed", exc_info=failure.value)

    if isinstance(running, asyncio.Future):
        running.add_done_callback(on_task_done)
    elif isinstance(running, Deferred):
        running.addErrback(on_failure)
