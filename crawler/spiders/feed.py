"""The `feed` spider: one RSS, Atom or JSON Feed source per run, fetched conditionally.

The validators from the last good fetch (ETag, Last-Modified) are sent back as If-None-Match /
If-Modified-Since; a 304 means nothing new. Parsing is in crawler/spiders/feedformats.py.

An entry that carries only a headline (Google News, most Google Alerts, terse local-news
feeds) is followed to its page when the source has `full_text: true` (the default), and the
page's main text, byline, date and images are added (crawler/articletext.py). That page may
be on any site: robots.txt is still asked first. If it cannot be fetched the headline is kept.

Service kinds that are feeds (Google Alerts, Google News, Reddit, YouTube) are presets of this
spider in crawler/spiders/services.py: they override `adjust` to tidy each entry.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.articletext import extract_article
from crawler.spiders.base import SourceSpider, bot_wall, classify_failure
from crawler.spiders.extract import unique
from crawler.spiders.feedformats import FeedParseError, NotAFeed, read_feed
from pipelines.post import Post

# An entry whose text, beyond its title, is shorter than this carries only a headline.
HEADLINE_ONLY_CHARS = 120

# Headers feedparser uses: the declared encoding, the language and (set by us) the base URL.
_HEADERS_FOR_PARSER = ("content-type", "content-language", "etag", "last-modified")


class FeedSpider(SourceSpider):
    name = "feed"
    follows_full_text = True  # presets whose pages are not articles (YouTube) turn this off

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

        if self.dry_run:
            return {}  # a test fetch wants the whole body, and has no database
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

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Post | Request]:
        if response.status == 304:
            self.outcome.status = "not_modified"
            return
        if wall := bot_wall(response):
            self.outcome.fail("blocked", f"{response.url}: {wall}; reported, not evaded")
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
            try:
                post = self.adjust(post)
            except Exception as e:  # noqa: BLE001 - one odd entry must not lose the rest
                self.warn(f"{post.url}: entry kept as read: {type(e).__name__}: {e}")
            if self.wants_full_text(post):
                yield self.follow(post)
            else:
                yield post

    def adjust(self, post: Post) -> Post:
        """A preset's tidying of one entry (crawler/spiders/services.py)."""
        return post

    def wants_full_text(self, post: Post) -> bool:
        if not (self.follows_full_text and self.source.full_text and post.permalink):
            return False
        rest = post.text.replace(post.title, "", 1) if post.title else post.text
        return len(rest.strip()) < HEADLINE_ONLY_CHARS

    def follow(self, post: Post) -> Request:
        # allow_offsite: the article lives on the publisher's site, not the feed's.
        return Request(
            post.url,
            callback=self.add_full_text,
            errback=self.full_text_failed,
            cb_kwargs={"post": post},
            meta={"allow_offsite": True, "sw_page": 0},
        )

    def add_full_text(self, response: Response, post: Post) -> Iterator[Post]:
        if not isinstance(response, TextResponse) or bot_wall(response):
            self.warn(f"{response.url}: not an article page; kept the headline")
            yield post
            return
        article = extract_article(response.text, response.url)
        if len(article.text) > len(post.text):
            post.text = article.text
        post.title = post.title or article.title
        post.author = post.author or article.byline
        post.published = post.published or article.published
        post.images = unique([*post.images, *article.images])
        yield post

    def full_text_failed(self, failure: Failure) -> Iterator[Post]:
        post: Post = failure.request.cb_kwargs["post"]  # type: ignore[attr-defined]
        error_class, message = classify_failure(failure, post.url, self.config)
        self.warn(f"full text not fetched ({error_class}): {message}; kept the headline")
        yield post


def _header(response: Response, name: str) -> str | None:
    raw = response.headers.get(name)
    return raw.decode("latin-1") if raw is not None else None
