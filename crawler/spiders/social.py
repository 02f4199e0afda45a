"""Public JSON APIs of the fediverse and Bluesky: a hashtag timeline, a post search.

- Mastodon (`mastodon`): `GET /api/v1/timelines/tag/:hashtag` on a configured instance, public
  without a token on instances that allow it (the default). The answer is a JSON array of
  Status objects: `id`, `uri`, `url`, `created_at`, `content` (HTML), `spoiler_text`,
  `visibility`, `account` {`acct`, `display_name`, `noindex`, ...}, `media_attachments`
  [{`type`, `url`, `preview_url`}], `reblog`. Full-text search of statuses needs a login on
  Mastodon, so it is not offered. An account with `noindex: true` has asked not to be indexed:
  its posts are skipped. Rate limit: 300 requests per 5 minutes per IP; we send one per crawl.
- Bluesky (`bluesky`): `GET /xrpc/app.bsky.feed.searchPosts?q=...` on the public AppView
  (`public.api.bsky.app`, no login). The answer is `{"cursor", "hitsTotal", "posts": [PostView]}`
  where a PostView has `uri` (at://DID/app.bsky.feed.post/RKEY), `author` {`did`, `handle`,
  `displayName`, `labels`}, `record` {`text`, `createdAt`}, `embed` (images as
  `app.bsky.embed.images#view` with `fullsize`), `indexedAt`. An author labelled
  `!no-unauthenticated` asked not to be shown to logged-out viewers: skipped. Unsure: Bluesky
  has at times answered unauthenticated searchPosts with 403 from some networks; that is then
  recorded as `blocked`, not worked around.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Response

from crawler.spiders.base import SourceSpider, bot_wall
from crawler.spiders.extract import absolute_url, html_to_text, parse_date, unique
from pipelines.post import Post

BLUESKY_WEB = "https://bsky.app"


class ApiShapeError(Exception):
    """The JSON is not the documented response: error class `parse_error`."""


class JsonApiSpider(SourceSpider):
    """One GET of a JSON API per crawl; `posts_from` turns the document into Posts."""

    async def start(self) -> AsyncIterator[Any]:
        headers = {"Accept": "application/json"}
        yield self.request(self.source.url, self.parse, headers=headers, dont_filter=True)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Post]:
        if wall := bot_wall(response):
            self.outcome.fail("blocked", f"{response.url}: {wall}; reported, not evaded")
            return
        try:
            doc = json.loads(response.body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            self.outcome.fail("parse_error", f"{response.url}: not JSON: {e}")
            return
        try:
            found = self.posts_from(doc, response.url)
        except ApiShapeError as e:
            self.outcome.fail("parse_error", f"{response.url}: {e}")
            return
        self.outcome.status = "ok"
        for n, item in enumerate(found, start=1):
            if isinstance(item, str):
                self.warn(f"{response.url}: entry {n} skipped: {item}")
                continue
            if item is None:
                continue  # skipped on purpose (the author opted out)
            self.outcome.items += 1
            yield item

    def posts_from(self, doc: Any, url: str) -> list[Post | str | None]:
        raise NotImplementedError


class MastodonSpider(JsonApiSpider):
    name = "mastodon"

    def posts_from(self, doc: Any, url: str) -> list[Post | str | None]:
        if not isinstance(doc, list):
            raise ApiShapeError("expected a JSON array of statuses (GET /api/v1/timelines/tag)")
        return [self._one(status, url) for status in doc]

    def _one(self, status: Any, url: str) -> Post | str | None:
        if not isinstance(status, dict):
            return "expected a status object"
        if isinstance(status.get("reblog"), dict):
            status = status["reblog"]
        account: dict[str, Any] = (
            status["account"] if isinstance(status.get("account"), dict) else {}
        )
        if account.get("noindex") is True or status.get("visibility") not in (None, "public"):
            return None
        text = html_to_text(str(status.get("content") or ""))
        if status.get("spoiler_text"):
            text = f"CW: {status['spoiler_text']}\n{text}"
        if not text:
            return "no text"
        link = absolute_url(url, status.get("url") or status.get("uri"))
        images = [
            absolute_url(url, m.get("url") or m.get("preview_url"))
            for m in status.get("media_attachments") or []
            if isinstance(m, dict) and m.get("type") == "image"
        ]
        return Post(
            text=text,
            id=str(status.get("uri") or link or status.get("id")),
            author=str(account.get("display_name") or account.get("acct") or ""),
            url=link or url,
            permalink=bool(link),
            source=self.source.name,
            published=parse_date(str(status.get("created_at") or "")),
            images=unique(images),
            fetched_at=self.now(),
        )


class BlueskySpider(JsonApiSpider):
    name = "bluesky"

    def posts_from(self, doc: Any, url: str) -> list[Post | str | None]:
        if not isinstance(doc, dict) or not isinstance(doc.get("posts"), list):
            raise ApiShapeError("expected {posts: [...]} (app.bsky.feed.searchPosts)")
        return [self._one(view) for view in doc["posts"]]

    def _one(self, view: Any) -> Post | str | None:
        if not isinstance(view, dict) or not isinstance(view.get("record"), dict):
            return "expected a PostView with a record"
        author: dict[str, Any] = view["author"] if isinstance(view.get("author"), dict) else {}
        labels = {lab.get("val") for lab in author.get("labels") or [] if isinstance(lab, dict)}
        if "!no-unauthenticated" in labels:
            return None
        record = view["record"]
        text = str(record.get("text") or "").strip()
        if not text:
            return "no text"
        uri = str(view.get("uri") or "")
        rkey = uri.rsplit("/", 1)[-1] if "/app.bsky.feed.post/" in uri else ""
        who = author.get("handle") or author.get("did") or ""
        link = f"{BLUESKY_WEB}/profile/{who}/post/{rkey}" if rkey and who else ""
        return Post(
            text=text,
            id=uri or link or None,
            author=str(author.get("displayName") or who),
            url=link or self.source.url,
            permalink=bool(link),
            source=self.source.name,
            published=parse_date(str(record.get("createdAt") or view.get("indexedAt") or "")),
            images=_bluesky_images(view.get("embed")),
            fetched_at=self.now(),
        )


def _bluesky_images(embed: Any) -> list[str]:
    if not isinstance(embed, dict):
        return []
    kind = str(embed.get("$type", ""))
    if kind.startswith("app.bsky.embed.recordWithMedia"):
        return _bluesky_images(embed.get("media"))
    if kind.startswith("app.bsky.embed.images"):
        return unique(
            [str(i.get("fullsize") or i.get("thumb") or "") for i in embed.get("images") or []]
        )
    if kind.startswith("app.bsky.embed.external"):
        external = embed.get("external") or {}
        return unique([str(external.get("thumb") or "")])
    return []
