"""Scrapy settings for schoolwatch crawls: the defaults, for every run.

Per-run values (user agent contact, delays, limits, retries, cache) come from the config
file and are applied by the spider when the crawl starts (crawler/spiders/base.py,
`SourceSpider.apply_config_settings`), so `scrapy list` works without a config file.
"""

from __future__ import annotations

from schoolwatch import __version__

BOT_NAME = "schoolwatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
# Our `crawl` command: the stock one, plus an exit status that says whether the source failed.
COMMANDS_MODULE = "crawler.commands"

# The config file to read: `-s SCHOOLWATCH_CONFIG=/abs/path.yaml`; when unset, the
# SCHOOLWATCH_CONFIG environment variable, else ./schoolwatch.yaml (config.loader).
SCHOOLWATCH_CONFIG = None

# Politeness is not optional: robots.txt is always obeyed and the crawler says who it is.
# The contact URL or address from `crawler.contact` is added per run.
ROBOTSTXT_OBEY = True
USER_AGENT = f"schoolwatch/{__version__}"
COOKIES_ENABLED = False  # public content only: no sessions, no logins

# Throttling: AutoThrottle adapts to the server's latency but never goes below DOWNLOAD_DELAY.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0

# Limits (replaced from the config's `crawler:` section per run).
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2

# The HTTP cache is off unless the config turns it on. When on, it must honour the server's
# caching headers: the default "dummy" policy would replay the first copy of a feed forever.
HTTPCACHE_ENABLED = False
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"
HTTPCACHE_DIR = "httpcache"

# Items flow from the spider into the thin pipeline classes; all the thinking is in pipelines/.
ITEM_PIPELINES = {
    "pipelines.itempipelines.ImageCachePipeline": 200,  # image URLs -> local files (logos)
    "pipelines.itempipelines.AnalysePipeline": 300,
    "pipelines.itempipelines.StorePipeline": 800,
}

# Spidermon checks every crawl when it ends (crawler/monitors.py); the report goes to the log.
SPIDERMON_ENABLED = True
EXTENSIONS = {"spidermon.contrib.scrapy.extensions.Spidermon": 500}
SPIDERMON_ENGINE_STOP_MONITORS = ["crawler.monitors.SourceMonitorSuite"]

# No control ports on a crawl process: nobody should be able to steer it from outside.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
