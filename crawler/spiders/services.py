"""Service kinds that are feeds: presets of the `feed` spider, one per kind.

Each reads the service's own feed (its URL built by config/presets.py from what to look for)
and tidies its entries. What each service sends, from its documentation:

- Google Alerts (`google_alerts`): an Atom feed per alert. Entry titles and contents are HTML
  with the matched words in `<b>`; each link is a redirect, `https://www.google.com/url?rct=j
  &sa=t&url=<the article>&ct=ga&cd=...&usg=...` (older ones used `q=`). We unwrap it to the
  article's own URL, which is what dedupe must see.
- Google News RSS search (`google_news`): RSS 2.0 whose items are headlines only: the title is
  "Headline - Publisher", the description repeats the headline as a link plus the publisher,
  and `<source url=...>` names the publisher. The link is a news.google.com redirect that needs
  JavaScript, so the full text is often not reachable; the headline is kept then.
- Reddit (`reddit`): the Atom feeds at `/search.rss`, `/r/NAME/search.rss` and `/r/NAME/new/
  .rss`. Content is HTML ending "submitted by /u/NAME [link] [comments]"; authors are "/u/NAME".
  Reddit asks for a descriptive user agent (ours names the project and a contact) and, at the
  time of writing, its robots.txt disallows crawling: then the source fails as `robots`, which
  is the honest result.
- YouTube (`youtube`): the Atom feed at `/feeds/videos.xml?channel_id=` or `?playlist_id=`,
  with the description and thumbnail in `media:group`. Video pages are not articles, so no
  full-text follow.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from crawler.spiders.extract import absolute_url
from crawler.spiders.feed import FeedSpider
from pipelines.post import Post

_TAGS = re.compile(r"</?b>", re.I)
_GOOGLE_HOST = re.compile(r"(?:^|\.)google\.(?:com|co\.[a-z]{2}|com\.[a-z]{2}|[a-z]{2})$")
_REDDIT_FOOTER = re.compile(r"\s*submitted\s+by\s+/?u/\S+.*$", re.I | re.S)
_REDDIT_LINKS = re.compile(r"\s*\[(?:link|comments)\]\s*", re.I)
_PUBLISHER_SUFFIX = re.compile(r"^(?P<headline>.+?)\s+[-–]\s+(?P<publisher>[^-–]{2,80})$")


def unwrap_google_link(url: str) -> str:
    """The target of a google.com/url?...url= (or q=) redirect (any Google country domain);
    other URLs, and targets that are not http(s), unchanged."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.path != "/url" or not _GOOGLE_HOST.search(host):
        return url
    query = parse_qs(parts.query)
    for key in ("url", "q"):
        target = absolute_url(url, (query.get(key) or [""])[0])
        if target:
            return target
    return url


def strip_bold(text: str) -> str:
    """Google's <b> highlighting, when it reached the text as literal tags."""
    return _TAGS.sub("", text)


class GoogleAlertsSpider(FeedSpider):
    name = "google_alerts"

    def adjust(self, post: Post) -> Post:
        post.url = unwrap_google_link(post.url)
        if post.id and post.id.startswith(("http://", "https://")):
            post.id = unwrap_google_link(post.id)
        post.title = strip_bold(post.title)
        post.text = strip_bold(post.text)
        return post


class GoogleNewsSpider(FeedSpider):
    name = "google_news"

    def adjust(self, post: Post) -> Post:
        m = _PUBLISHER_SUFFIX.match(post.title)
        if m:
            post.title = m.group("headline").strip()
            post.author = post.author or m.group("publisher").strip()
        # The description is the headline again plus the publisher: no text of its own.
        rest = post.text.replace(post.title, "", 1).strip()
        if not rest or rest == post.author:
            post.text = post.title
        return post


class RedditSpider(FeedSpider):
    name = "reddit"

    def adjust(self, post: Post) -> Post:
        text = _REDDIT_FOOTER.sub("", post.text)
        post.text = _REDDIT_LINKS.sub(" ", text).strip() or post.title
        post.author = post.author.strip().removeprefix("/")
        return post


class YouTubeSpider(FeedSpider):
    name = "youtube"
    follows_full_text = False  # a watch page is a video player, not an article
