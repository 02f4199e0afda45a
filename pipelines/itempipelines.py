"""The thin Scrapy item-pipeline classes: they call pipelines.analyse and store.items, no more.

    spider --Post--> AnalysePipeline --Analysis--> StorePipeline --> store (relevant only)

Posts about none of the configured schools or staff are counted but not stored: keep only
what the purpose needs. A post that cannot be analysed or stored is logged with its URL and
counted; the others carry on.

Stats (shown at the end of every crawl):
    schoolwatch/items/read        posts the spider produced
    schoolwatch/items/relevant    about a configured school or staff member
    schoolwatch/items/stored      new items stored
    schoolwatch/items/duplicate   already stored (from this or another source)
    schoolwatch/items/new_sighting  duplicates seen at a new (source, URL): recorded
    schoolwatch/items/analyse_failed, schoolwatch/items/store_failed
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import DropItem

from pipelines.post import Analysis, Post

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector
    from sqlalchemy.orm import Session, sessionmaker

    from config.schema import Config
    from pipelines.analyse import Analyser

logger = logging.getLogger(__name__)

STAT = "schoolwatch/items/"


def crawl_config(crawler: Crawler) -> Config:
    """The config the spider loaded for this crawl, else the one the settings name."""
    from config.loader import default_config_path, load_config

    cfg = getattr(crawler.spider, "config", None)
    if cfg is not None:
        return cfg  # type: ignore[no-any-return]
    return load_config(default_config_path(crawler.settings.get("SCHOOLWATCH_CONFIG")))


def _stats(crawler: Crawler) -> StatsCollector:
    assert crawler.stats is not None
    return crawler.stats


class AnalysePipeline:
    """Post -> Analysis (normalise, fingerprint, match, classify: all in pipelines.analyse)."""

    def __init__(self, analyser: Analyser, stats: StatsCollector) -> None:
        self.analyser = analyser
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        from config.loader import ConfigError
        from crawler.spiders.base import SourceSetupError
        from pipelines.analyse import Analyser

        try:
            analyser = Analyser(crawl_config(crawler))
        except ConfigError as e:  # e.g. a nicknames file named in the config is missing
            logger.error("cannot crawl: the config is not usable:\n%s", e)
            raise SourceSetupError(str(e)) from None
        return cls(analyser, _stats(crawler))

    def process_item(self, item: Any) -> Analysis:
        if not isinstance(item, Post):
            raise DropItem(f"expected a Post from the spider, got {type(item).__name__}")
        self.stats.inc_value(STAT + "read")
        try:
            analysis = self.analyser.analyse(item)
        except Exception as e:
            self.stats.inc_value(STAT + "analyse_failed")
            logger.exception("cannot analyse the post at %s (source %s)", item.url, item.source)
            raise DropItem(f"analysis failed for {item.url}: {type(e).__name__}: {e}") from e
        if analysis.relevant:
            self.stats.inc_value(STAT + "relevant")
        return analysis


class StorePipeline:
    """Saves relevant analyses, one transaction per item so one failure loses only that item."""

    def __init__(self, factory: sessionmaker[Session], stats: StatsCollector) -> None:
        self.factory = factory
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        factory = getattr(crawler.spider, "store", None)
        if factory is None:  # not a SourceSpider: open the store the config names
            from store.migrate import open_store

            factory = open_store(crawl_config(crawler).database_url)
        return cls(factory, _stats(crawler))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Analysis) or not item.relevant:
            return item  # counted by AnalysePipeline; not ours to keep
        from store.db import transaction
        from store.items import save_analysis

        post = item.post
        try:
            with transaction(self.factory) as session:
                result = save_analysis(
                    session, item, source=post.source, seen_at=post.fetched_at or _now()
                )
        except Exception:
            self.stats.inc_value(STAT + "store_failed")
            logger.exception("cannot store the post at %s (source %s)", post.url, post.source)
            return item  # not dropped: it is still exported, and the exit status says so
        if result.created:
            self.stats.inc_value(STAT + "stored")
        else:
            self.stats.inc_value(STAT + "duplicate")
            if result.new_sighting:
                self.stats.inc_value(STAT + "new_sighting")
        return item


def _now() -> datetime:
    return datetime.now(UTC)
