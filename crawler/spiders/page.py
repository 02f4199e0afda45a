"""The `page` spider: a generic HTML listing or forum thread, read with CSS selectors.

The source's `selectors` say where each post is (`item`) and, inside it, its `text`, `title`,
`author`, `date` and `link`; `next_page` is followed up to `max_pages` pages. A selector may
end in `::text` or `::attr(name)` (its strings are joined); otherwise the readable text of the
matched elements is taken.

A post without a link of its own gets the page URL as its URL and id: that is where a reader
finds it, and the text fingerprint tells posts on the same page apart.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector, SelectorList
from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler.spiders.base import SourceSpider, bot_wall
from crawler.spiders.extract import absolute_url, html_to_text, join_strings, parse_date
from pipelines.post import Post


class PageSpider(SourceSpider):
    name = "page"

    async def start(self) -> AsyncIterator[Any]:
        yield self.request(self.source.url, self.parse, page=1, dont_filter=True)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Post | Request]:
        page = int(response.meta.get("sw_page", 1))
        if not isinstance(response, TextResponse):
            self._page_problem(page, "parse_error", f"{response.url} is not an HTML page")
            return
        if wall := bot_wall(response):
            self._page_problem(page, "blocked", f"{response.url}: {wall}; reported, not evaded")
            return
        sel = self.source.selectors
        assert sel is not None  # the config schema requires selectors for a page source
        try:
            nodes = response.css(sel.item)
        except Exception as e:  # noqa: BLE001 - a bad selector is a config problem, named here
            self.outcome.fail("parse_error", f"selectors.item {sel.item!r}: {e}")
            return
        if page == 1:
            self.outcome.status = "ok"
        if not nodes:
            self.warn(f"page {page} ({response.url}): selectors.item {sel.item!r} matched nothing")
        empty = 0
        for node in nodes:
            try:
                post = self._post(node, response)
            except Exception as e:  # noqa: BLE001 - one odd post must not lose the page
                self.warn(f"page {page} ({response.url}): a post was skipped: {e}")
                continue
            if post is None:
                empty += 1
                continue
            self.outcome.items += 1
            yield post
        if empty:
            self.warn(f"page {page} ({response.url}): {empty} post(s) without text skipped")
        yield from self._next_page(response, page)

    def _post(self, node: Selector, response: Response) -> Post | None:
        sel = self.source.selectors
        assert sel is not None
        text = _extract(node, sel.text, whole=True)
        if not text:
            return None
        link = absolute_url(response.url, _extract(node, sel.link)) if sel.link else ""
        published = None
        if sel.date:
            raw_date = _extract(node, sel.date)
            published = parse_date(raw_date, self.config.digest.tzinfo) if raw_date else None
            if raw_date and published is None:
                self.warn(f"{response.url}: cannot read the date {raw_date[:60]!r}")
        return Post(
            text=text,
            id=link or response.url,
            title=_extract(node, sel.title) if sel.title else "",
            author=_extract(node, sel.author) if sel.author else "",
            url=link or response.url,
            permalink=bool(link),
            source=self.source.name,
            published=published,
            images=[],
            fetched_at=self.now(),
        )

    def _next_page(self, response: Response, page: int) -> Iterator[Request]:
        sel = self.source.selectors
        if sel is None or not sel.next_page:
            return
        href = _extract(response, sel.next_page, first=True)
        if not href:
            return
        url = absolute_url(response.url, href)
        if page >= self.source.max_pages:
            self.logger.info("max_pages (%d) reached; not following %s", page, url)
            return
        host = urlsplit(url).hostname or ""
        if not any(host == d or host.endswith("." + d) for d in self.source.domains):
            self.warn(f"page {page}: next page {url} is outside the allowed domains; not followed")
            return
        yield self.request(url, self.parse, page=page + 1)

    def _page_problem(self, page: int, error_class: str, message: str) -> None:
        if page == 1:
            self.outcome.fail(error_class, message)
        else:
            self.warn(f"page {page} skipped ({error_class}): {message}")


def _extract(
    node: Selector | Response, css: str, *, whole: bool = False, first: bool = False
) -> str:
    """The text a selector points at. `::text`/`::attr()` strings are joined (first only if
    `first`); plain element selectors give the elements' readable text (`whole`: all matches)."""
    found: SelectorList[Selector] = node.css(css)
    if "::" in css:
        strings = found.getall()
        return join_strings(strings[:1] if first else strings)
    htmls = found.getall() if whole else found.getall()[:1]
    return "\n\n".join(t for t in (html_to_text(h) for h in htmls) if t)
