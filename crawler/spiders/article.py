"""The `article` spider (local news articles and their comments) and the `forum` preset.

An `article` source is a news page. With `article_links` (a CSS selector) it is an index
page and the linked articles on the same site are read; without, the page is the article.
Each article becomes one Post (crawler/articletext.py finds its text, title, byline, date and
images); when the source names `comments:` selectors (item, text, author, date, link) and the
comments are in the page's HTML, each comment becomes a Post of its own.

A `forum` source is the `page` spider with a preset's selectors (config/presets.py: the shape
of a Mumsnet Talk thread), followed page by page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler.articletext import extract_article
from crawler.spiders.base import SourceSpider, bot_wall
from crawler.spiders.extract import absolute_url, parse_date, unique
from crawler.spiders.page import PageSpider, _extract
from pipelines.post import Post


class ForumSpider(PageSpider):
    name = "forum"


class ArticleSpider(SourceSpider):
    name = "article"

    async def start(self) -> AsyncIterator[Any]:
        yield self.request(self.source.url, self.parse, page=1, dont_filter=True)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Post | Request]:
        if not self._readable(response, page=1):
            return
        self.outcome.status = "ok"
        if not self.source.article_links:
            yield from self.parse_article(response)
            return
        hrefs = response.css(self.source.article_links).xpath("@href").getall()
        links = unique([absolute_url(response.url, h) for h in hrefs])
        if not links:
            self.warn(f"{response.url}: article_links {self.source.article_links!r} found none")
        for url in links[: self.source.max_pages * 10]:
            # Page 2: a broken article is a warning; the index page decides the source's health.
            yield self.request(url, self.parse_article, page=2)

    def _readable(self, response: Response, page: int) -> bool:
        problem = None
        if not isinstance(response, TextResponse):
            problem = ("parse_error", f"{response.url} is not an HTML page")
        elif wall := bot_wall(response):
            problem = ("blocked", f"{response.url}: {wall}; reported, not evaded")
        if problem is None:
            return True
        if page == 1:
            self.outcome.fail(*problem)
        else:
            self.warn(f"skipped ({problem[0]}): {problem[1]}")
        return False

    def parse_article(self, response: Response, **kwargs: Any) -> Iterator[Post]:
        if not self._readable(response, page=int(response.meta.get("sw_page", 1))):
            return
        article = extract_article(response.text, response.url)
        if article.text:
            self.outcome.items += 1
            yield Post(
                text=article.text,
                id=response.url,
                title=article.title,
                author=article.byline,
                url=response.url,
                source=self.source.name,
                published=article.published,
                images=article.images,
                fetched_at=self.now(),
            )
        else:
            self.warn(f"{response.url}: no article text found")
        yield from self._comments(response, article.title)

    def _comments(self, response: Response, title: str) -> Iterator[Post]:
        sel = self.source.comments
        if sel is None:
            return
        for node in response.css(sel.item):
            text = _extract(node, sel.text, whole=True)
            if not text:
                continue
            link = absolute_url(response.url, _extract(node, sel.link)) if sel.link else ""
            raw_date = _extract(node, sel.date) if sel.date else ""
            self.outcome.items += 1
            yield Post(
                text=text,
                id=link or None,
                title=f"Comment on: {title}" if title else "",
                author=_extract(node, sel.author) if sel.author else "",
                url=link or response.url,
                permalink=bool(link),
                source=self.source.name,
                published=parse_date(raw_date, self.config.digest.tzinfo) if raw_date else None,
                fetched_at=self.now(),
            )
