"""The `feed` spider: one RSS, Atom or JSON Feed source per run, fetched conditionally.

The validators from the last good fetch (ETag, Last-Modified) are sent back as If-None-Match /
If-Modified-Since; a 304 means nothing new. Parsing is in crawler/spiders/feedformats.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Response

from crawler.spiders.base import SourceSpider
from crawler.spiders.feedformats import FeedParseError, NotAFeed, read_feed
from pipelines.post import Post

# Headers feedparser uses: the declared encoding, the language and (set by us) the base URL.
_HEADERS_FOR_PARSER = ("content-type", "content-language", "etag", "last-modified")


class FeedSpider(SourceSpider):
    name = "feed"

    async def start(self) -> AsyncIterator[Any]:
        yield self.request(
            self.source.url,
            self.parse,
            headers=self.conditional_headers(),
            meta={"handle_httpstatus_list": [304]},
            dont_filter=True,
        )

    def conditional_headers(self) -> dict[str, str]:
        """If-None-Match / If-Modified-Since from the last success, if it was this same URL."""
        from store import sources
        from store.db import transaction

        with transaction(self.store) as session:
            state = sources.get_state(session, self.source.name)
            if state is None or state.url != self.source.url:
                return {}
            headers: dict[str, str] = {}
            if state.etag:
                headers["If-None-Match"] = state.etag
            if state.last_modified:
                headers["If-Modified-Since"] = state.last_modified
            return headers

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Post]:
        if response.status == 304:
            self.outcome.status = "not_modified"
            return
        headers = {
            name: value
            for name in _HEADERS_FOR_PARSER
            if (value := _header(response, name)) is not None
        }
        try:
            result = read_feed(response.body, response.url, headers, self.source.name, self.now())
        except NotAFeed as e:
            self.outcome.fail("not_a_feed", str(e))
            return
        except FeedParseError as e:
            self.outcome.fail("parse_error", str(e))
            return
        except Exception as e:  # noqa: BLE001 - a parser crash is this source's parse error
            self.outcome.fail("parse_error", f"{response.url}: {type(e).__name__}: {e}")
            return
        for warning in result.warnings:
            self.warn(warning)
        self.outcome.status = "ok"
        self.outcome.etag = headers.get("etag")
        self.outcome.last_modified = headers.get("last-modified")
        for post in result.posts:
            self.outcome.items += 1
            yield post


def _header(response: Response, name: str) -> str | None:
    raw = response.headers.get(name)
    return raw.decode("latin-1") if raw is not None else None
