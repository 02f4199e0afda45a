"""What every schoolwatch spider shares: one source per run, its config, its recorded outcome.

A run crawls ONE source from the config:

    SCRAPY_SETTINGS_MODULE=crawler.settings python -m scrapy crawl feed -a source=stroud-news \\
        -s SCHOOLWATCH_CONFIG=/abs/path/schoolwatch.yaml

The config is read when the crawl starts (not at import, so `scrapy list` needs no config).
When the run ends, its outcome is written to the source's state (store.sources): a success
with the entries read and any warnings, a 304 "not modified", or a failure with a class:

    not_found    the server answered 404 or 410
    server_error the server answered 5xx (after retries)
    blocked      401, 403, 429 or a bot-protection page: reported as blocked, never evaded
    http_error   any other 4xx answer
    empty        read, but no entries for longer than the source's `empty_after` although
                 it had some before (store.sources.record_empty)
    timeout      no answer within crawler.timeout
    too_large    the body exceeded crawler.max_download_mb
    robots       robots.txt disallows the URL (we never fetch it)
    dns          the host name does not resolve
    connection   refused, reset or broken connection, TLS failure
    offsite      redirected outside the source's allowed domains
    not_a_feed   an HTML page (or other JSON) where a feed was expected
    parse_error  the body could not be read as the expected format
    interrupted  the crawl was stopped before it finished (e.g. SIGTERM)
    error        anything else (the message says what)

Exit status of `scrapy crawl` (set by crawler/commands/crawl.py):

    0  the source was read (or answered 304); warnings may have been recorded
    1  the crawl could not start: bad config, unknown source, wrong spider for its kind,
       database unreachable. Nothing was recorded; the message says why.
    2  command-line usage error (Scrapy's own)
    3  the source failed; the failure is recorded on its state
    4  the crawl ran but the database could not record its state or some of its items
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, Self

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectError, DNSLookupError, TCPTimedOutError
from twisted.internet.error import TimeoutError as TxTimeoutError
from twisted.python.failure import Failure

from schoolwatch import __version__

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from sqlalchemy.orm import Session, sessionmaker

    from config.schema import Config, Source

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_SETUP_FAILED = 1
EXIT_SOURCE_FAILED = 3
EXIT_STORE_FAILED = 4

# Stats keys other parts read (the crawl command, tests).
STAT_STORE_FAILED = "schoolwatch/items/store_failed"
STAT_ANALYSE_FAILED = "schoolwatch/items/analyse_failed"


class SourceSetupError(Exception):
    """The crawl cannot start; the message says what to fix."""


@dataclass
class CrawlOutcome:
    """What happened to the source in this run; written to its state when the spider closes."""

    status: Literal["pending", "ok", "not_modified", "failed"] = "pending"
    items: int = 0
    warnings: list[str] = field(default_factory=list)
    error_class: str | None = None
    message: str = ""
    etag: str | None = None
    last_modified: str | None = None
    state_recorded: bool = False

    def fail(self, error_class: str, message: str, *, override: bool = False) -> None:
        # The first failure is the cause; later ones follow from it. An interruption overrides.
        if self.status != "failed" or override:
            self.status, self.error_class, self.message = "failed", error_class, message

    def summary(self) -> str:
        if self.status == "failed":
            return f"FAILED ({self.error_class}): {self.message}"
        if self.status == "not_modified":
            return "not modified since the last crawl (304)"
        warned = f", {len(self.warnings)} warning(s)" if self.warnings else ""
        return f"ok, {self.items} entries read{warned}"


class SourceSpider(scrapy.Spider):
    """Base class: `-a source=NAME` picks the source; `name` must equal the source's kind."""

    config: Config
    source: Source
    store: sessionmaker[Session]

    def __init__(
        self, source: str | None = None, *args: Any, dry_run: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.source_name = source
        self.outcome = CrawlOutcome()
        # `-a dry_run=1` (`schoolwatch sources test`): fetch and extract, record nothing.
        self.dry_run = dry_run.lower() in ("1", "true", "yes")
        self.usual_items = 0  # entries the source had given before this run (monitors)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        try:
            spider.setup(crawler)
        except SourceSetupError as e:
            logger.error("cannot crawl: %s", e)
            raise
        return spider

    def setup(self, crawler: Crawler) -> None:
        """Load the config, find the source, apply its settings and open the store."""
        from config.loader import ConfigError, default_config_path, load_config
        from store.errors import StoreError, masked_url
        from store.migrate import open_store

        if not self.source_name:
            raise SourceSetupError(
                f"name the source to crawl: scrapy crawl {self.name} -a source=NAME"
            )
        path = default_config_path(crawler.settings.get("SCHOOLWATCH_CONFIG"))
        try:
            self.config = load_config(path)
        except ConfigError as e:
            raise SourceSetupError(f"the config is not usable:\n{e}") from None
        try:
            self.source = self.config.source(self.source_name)
        except KeyError:
            known = ", ".join(s.name for s in self.config.sources) or "none"
            raise SourceSetupError(
                f"{path}: no source named {self.source_name!r} (known: {known})"
            ) from None
        if self.source.kind != self.name:
            raise SourceSetupError(
                f"{path}: source {self.source.name!r} is a {self.source.kind!r} source; "
                f"crawl it with `scrapy crawl {self.source.kind} -a source={self.source.name}`"
            )
        if not self.source.enabled:
            logger.info(
                "source %s is disabled in the config; crawling it as asked", self.source.name
            )
        self.allowed_domains = list(self.source.domains)  # the offsite middleware drops the rest
        self.apply_config_settings(crawler.settings, self.config)
        # Alembic announces its plugins at INFO on every start; a crawl log has no use for that.
        logging.getLogger("alembic").setLevel(logging.WARNING)
        if self.dry_run:
            return  # no database: a test fetch must not change anything
        try:
            self.store = open_store(self.config.database_url)
        except StoreError as e:
            raise SourceSetupError(str(e)) from None
        except Exception as e:  # noqa: BLE001 - any driver error means "cannot open"
            raise SourceSetupError(
                f"cannot open the database {masked_url(self.config.database_url)}: "
                f"{type(e).__name__}: {e}"
            ) from None
        self.usual_items = self._previous_total()

    def _previous_total(self) -> int:
        """Entries the source has given before (0: new or always quiet), for the monitors."""
        from store import sources
        from store.db import transaction

        try:
            with transaction(self.store) as session:
                state = sources.get_state(session, self.source.name)
                return state.total_items if state is not None else 0
        except Exception as e:  # noqa: BLE001 - the crawl itself will report the database
            logger.warning("cannot read the state of %s: %s", self.source.name, e)
            return 0

    @staticmethod
    def apply_config_settings(settings: BaseSettings, cfg: Config) -> None:
        """The config's `crawler:` section as Scrapy settings (spider priority: -s still wins)."""
        c = cfg.crawler
        maxsize = int(c.max_download_mb * 1024 * 1024)
        contact = f" (+{c.contact})" if c.contact else ""
        if not c.contact:
            logger.warning(
                "crawler.contact is not set: site owners cannot reach you about the crawl"
            )
        values: dict[str, Any] = {
            "USER_AGENT": f"schoolwatch/{__version__}{contact}",
            "CONCURRENT_REQUESTS_PER_DOMAIN": c.concurrency_per_domain,
            "DOWNLOAD_DELAY": c.download_delay,
            "AUTOTHROTTLE_START_DELAY": c.download_delay,
            "DOWNLOAD_MAXSIZE": maxsize,
            "DOWNLOAD_WARNSIZE": maxsize // 2,
            "DOWNLOAD_TIMEOUT": c.timeout,
            "RETRY_ENABLED": c.retries > 0,
            "RETRY_TIMES": c.retries,
            "HTTPCACHE_ENABLED": c.httpcache,
        }
        for key, value in values.items():
            settings.set(key, value, priority="spider")

    # -- during the crawl --------------------------------------------------------------------

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)

    def warn(self, message: str) -> None:
        logger.warning("source %s: %s", self.source.name, message)
        self.outcome.warnings.append(message)

    def request(self, url: str, callback: Any, *, page: int = 1, **kwargs: Any) -> scrapy.Request:
        meta = dict(kwargs.pop("meta", {}), sw_page=page)
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta, **kwargs)

    def on_error(self, failure: Failure) -> None:
        """A request failed: the source fails if it was the first page, else it is a warning."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else self.source.url
        page = request.meta.get("sw_page", 1) if request is not None else 1
        error_class, message = classify_failure(failure, url, self.config)
        if page == 1:
            logger.error("source %s: %s: %s", self.source.name, error_class, message)
            self.outcome.fail(error_class, message)
        else:
            self.warn(f"page {page} skipped ({error_class}): {message}")

    # -- at the end ----------------------------------------------------------------------------

    def closed(self, reason: str) -> None:
        o = self.outcome
        if reason != "finished":
            o.fail(
                "interrupted",
                f"the crawl of {self.source.url} stopped early ({reason})",
                override=True,
            )
        elif o.status == "pending":
            o.fail("error", f"the crawl of {self.source.url} ended without an answer")
        stats = self.crawler.stats
        unanalysed = stats.get_value(STAT_ANALYSE_FAILED, 0) if stats is not None else 0
        if unanalysed:  # a post lost to a bug is shown in the source's health, not only logged
            self.warn(
                f"{unanalysed} post(s) could not be analysed and were not stored "
                f"(the crawl log has the error)"
            )
        self.record_outcome()
        if stats is not None:
            stats.set_value("schoolwatch/outcome", o.status)
            stats.set_value("schoolwatch/entries", o.items)
            if o.error_class:
                stats.set_value("schoolwatch/error_class", o.error_class)
        log = logger.error if o.status == "failed" else logger.info
        log("source %s: %s", self.source.name, o.summary())

    def record_outcome(self) -> None:
        from datetime import timedelta

        from schoolwatch.source_alerts import alert_on_change
        from store import sources
        from store.db import transaction

        if self.dry_run:
            self.outcome.state_recorded = True  # nothing to record, by request
            return
        o, name, url, now = self.outcome, self.source.name, self.source.url, self.now()
        try:
            with transaction(self.store) as session:
                before = sources.get_state(session, name)
                failures_before = before.consecutive_failures if before else 0
                success_before = before.last_success_at if before else None
                if o.status == "ok" and o.items == 0:
                    state = sources.record_empty(
                        session,
                        name,
                        url=url,
                        empty_after=timedelta(seconds=self.source.empty_after),
                        warnings=list(o.warnings),
                        now=now,
                    )
                    if state.last_error_at == now:  # empty for too long: now a failure
                        o.fail("empty", state.last_error or "no entries")
                elif o.status == "failed":
                    state = sources.record_failure(
                        session,
                        name,
                        url=url,
                        error_class=o.error_class or "error",
                        message=o.message,
                        now=now,
                    )
                elif o.status == "not_modified":
                    state = sources.record_not_modified(session, name, url=url, now=now)
                else:
                    state = sources.record_success(
                        session,
                        name,
                        url=url,
                        items=o.items,
                        etag=o.etag,
                        last_modified=o.last_modified,
                        warnings=list(o.warnings),
                        now=now,
                    )
                alert_on_change(
                    session,
                    self.config,
                    state,
                    failures_before=failures_before,
                    last_success_before=success_before,
                    now=now,
                )
            o.state_recorded = True
        except Exception as e:  # noqa: BLE001 - reported, and the exit status says so
            logger.error(
                "source %s: could not record the outcome in the database: %s: %s",
                name,
                type(e).__name__,
                e,
            )

    def exit_status(self) -> int:
        stats = self.crawler.stats
        store_failures = stats.get_value(STAT_STORE_FAILED, 0) if stats is not None else 0
        if not self.outcome.state_recorded or store_failures:
            return EXIT_STORE_FAILED
        return EXIT_SOURCE_FAILED if self.outcome.status == "failed" else EXIT_OK


def classify_failure(failure: Failure, url: str, cfg: Config) -> tuple[str, str]:
    """(error class, message naming the URL) for a failed request."""
    exc = failure.value
    if failure.check(HttpError):
        response = exc.response
        message = f"HTTP {response.status} from {response.url}"
        wall = bot_wall(response)
        if wall or response.status in (401, 403, 429):
            why = (
                wall
                or {401: "login required", 403: "forbidden", 429: "rate limited"}[response.status]
            )
            return "blocked", f"{message} ({why}); reported as blocked, not worked around"
        if response.status in (404, 410):
            return "not_found", message
        if response.status >= 500:
            return "server_error", message
        return "http_error", message
    if failure.check(IgnoreRequest):
        text = str(exc)
        if "robots.txt" in text:
            return "robots", f"robots.txt disallows {url} for our user agent"
        if "offsite" in text.lower():
            return "offsite", f"{url} is outside the source's allowed domains"
        return "error", f"request to {url} dropped: {text}"
    if failure.check(DownloadTimeoutError, TxTimeoutError, TCPTimedOutError):
        return "timeout", f"no answer from {url} within {cfg.crawler.timeout:g} s"
    if failure.check(DownloadCancelledError):
        # Scrapy cancels a download for one reason while the crawl runs: DOWNLOAD_MAXSIZE,
        # announced by Content-Length or reached while reading. (A crawl stopped early is
        # recorded as `interrupted` by SourceSpider.closed.)
        return (
            "too_large",
            f"{url} is larger than crawler.max_download_mb ({cfg.crawler.max_download_mb:g} MB)",
        )
    if failure.check(CannotResolveHostError, DNSLookupError):
        return "dns", f"cannot resolve the host of {url}: {exc}"
    if failure.check(
        DownloadConnectionRefusedError,
        DownloadFailedError,
        ResponseDataLossError,
        ConnectError,
    ):
        return "connection", f"connection to {url} failed: {type(exc).__name__}: {exc}"
    return "error", f"{url}: {type(exc).__name__}: {exc}"


# Signs of a bot-protection page (Cloudflare, Akamai, DataDome, PerimeterX, hCaptcha/reCAPTCHA).
_WALL_HEADERS = ("cf-mitigated", "x-datadome", "x-px-blocked")
_WALL_TEXT = (
    b"<title>just a moment...</title>",
    b"attention required! | cloudflare",
    b"cf-challenge",
    b"challenges.cloudflare.com",
    b"captcha-delivery.com",
    b"/_incapsula_resource",
    b"px-captcha",
    b"g-recaptcha",
    b"h-captcha",
    b"access denied</title>",
)


def bot_wall(response: Any) -> str | None:
    """What kind of bot wall `response` is, or None. We stop there: a wall is never evaded."""
    for name in _WALL_HEADERS:
        if response.headers.get(name):
            return f"bot protection ({name} header)"
    head = bytes(getattr(response, "body", b"")[:20000]).lower()
    for marker in _WALL_TEXT:
        if marker in head:
            return f"bot protection page ({marker.decode()!r})"
    return None
