"""The thin Scrapy item-pipeline classes: they call pipelines.analyse and store.items, no more.

    spider --Post--> ImageCachePipeline --Post--> AnalysePipeline --Analysis--> StorePipeline
                     (image URLs -> local files)                        --> store (relevant only)

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
    schoolwatch/images/cached     image files now in the cache (downloaded or already there)
    schoolwatch/images/failed     image URLs not fetched (robots, size cap, not an image, ...)
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.pipelines import media as scrapy_media
from scrapy.pipelines.files import FilesPipeline

from pipelines.post import Analysis, Post

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
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


class NotAnImage(Exception):
    """The URL answered with something other than an image."""


# Scrapy logs a failed media download at ERROR with a traceback unless it is a "filtered"
# request. A missing or refused image is routine (counted and warned once, below), so ours
# are raised as filtered; older Scrapy versions without that class just log louder.
_QUIET_MEDIA_ERROR: type[Exception] = getattr(
    scrapy_media, "_MediaRequestFiltered", scrapy_media.FileException
)


class ImageSkipped(_QUIET_MEDIA_ERROR):  # type: ignore[valid-type,misc]
    """An image that was not cached (robots, size cap, HTTP error, not an image)."""


class ImageCachePipeline(FilesPipeline):
    """Post.images: remote URLs in, local file paths out, for the logo matcher.

    The downloads go through the crawl's own downloader, so robots.txt, the throttle, the user
    agent and the retries apply to them as to pages; each is capped at `crawler.image_max_mb`
    and at most `crawler.images_per_post` per post are fetched. Files are named by a hash of
    their URL, so an image seen again is not fetched again. A failed image is counted and
    dropped from the post; the post itself always goes on. Off when no school has a logo to
    look for (nothing would use the files) and for `sources test` runs.
    """

    def __init__(self, folder: Path, *, crawler: Crawler, per_post: int, max_bytes: int) -> None:
        super().__init__(str(folder), crawler=crawler)
        self.folder = folder
        self.per_post = per_post
        self.max_bytes = max_bytes

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if getattr(crawler.spider, "dry_run", False):
            raise NotConfigured("a test fetch stores nothing")
        cfg = crawl_config(crawler)
        if cfg.crawler.images_per_post == 0 or not any(s.logos for s in cfg.schools):
            raise NotConfigured("no logos to look for")
        folder = cfg.image_cache_dir
        folder.mkdir(parents=True, exist_ok=True)
        max_bytes = int(cfg.crawler.image_max_mb * 1024 * 1024)
        return cls(
            folder, crawler=crawler, per_post=cfg.crawler.images_per_post, max_bytes=max_bytes
        )

    def get_media_requests(self, item: Any, info: Any) -> list[Request]:
        if not isinstance(item, Post):
            return []
        remote = [u for u in item.images if urlsplit(u).scheme in ("http", "https")]
        meta = {"allow_offsite": True, "download_maxsize": self.max_bytes}
        return [Request(u, meta=dict(meta)) for u in remote[: self.per_post]]

    async def media_downloaded(
        self, response: Response, request: Request, info: Any, *, item: Any = None
    ) -> Any:
        ctype = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
        if response.status == 200 and not ctype.startswith("image/"):
            raise NotAnImage(f"{request.url} is {ctype or 'untyped'}, not an image")
        return await super().media_downloaded(response, request, info, item=item)

    def media_failed(self, failure: Any, request: Request, info: Any) -> Any:
        logger.warning("image %s not cached: %s", request.url, failure.value or failure)
        raise ImageSkipped(str(failure.value))

    def item_completed(self, results: list[Any], item: Any, info: Any) -> Any:
        if not isinstance(item, Post):
            return item
        stats = self.crawler.stats
        paths = [str(self.folder / r["path"]) for ok, r in results if ok]
        if stats is not None:
            stats.inc_value("schoolwatch/images/cached", len(paths))
            stats.inc_value("schoolwatch/images/failed", len(results) - len(paths))
        item.images = paths  # local files only: the logo matcher reads them from disk
        return item


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
