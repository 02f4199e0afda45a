"""Source kinds configured by what to look for: the URL each service kind is crawled at.

A `google_news`, `reddit`, `mastodon`, `bluesky` or `youtube` source names what to look for
(a query, a subreddit, a hashtag, a channel) and this module builds the URL from the service's
documented address scheme, so nobody hand-builds query strings. `api_base` replaces the
service's address (tests point it at 127.0.0.1; a trust may point it at a mirror).

When a search kind has no `query`, the school's names are searched: its name and aliases as
quoted phrases joined by OR (the Lucene-style syntax Google News, Reddit and Bluesky accept).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

if TYPE_CHECKING:
    from config.schema import PageSelectors, School, Source

# The services' own addresses (overridable per source with `api_base`).
DEFAULT_BASES: dict[str, str] = {
    "google_news": "https://news.google.com",
    "reddit": "https://www.reddit.com",
    "bluesky": "https://public.api.bsky.app",
    "youtube": "https://www.youtube.com",
}

# Kinds whose URL is built here; the others need `url`.
BUILT_KINDS = frozenset({"google_news", "reddit", "mastodon", "bluesky", "youtube"})
SEARCH_KINDS = frozenset({"google_news", "bluesky"})  # a query is always needed

# The shape of a Mumsnet Talk thread page. Written from memory of its markup, NOT checked
# against the live site (robots.txt and its terms decide whether it may be crawled at all):
# every selector can be replaced in the source's own `selectors:`.
MUMSNET_SELECTORS: dict[str, str] = {
    "item": "div.talk-post",
    "text": "div.talk-post-message",
    "author": "span.talk-post-nickname::text",
    "date": "time::attr(datetime)",
    "link": "a.talk-post-permalink::attr(href)",
    "next_page": "a[rel=next]::attr(href)",
}
FORUM_PRESETS: dict[str, dict[str, str]] = {"mumsnet": MUMSNET_SELECTORS}


def school_query(schools: list[School]) -> str:
    """Every school's name and aliases, as quoted phrases joined by OR."""
    names: list[str] = []
    for school in schools:
        for name in [school.name, *school.aliases]:
            if name and name not in names:
                names.append(name)
    return " OR ".join(f'"{n}"' for n in names)


def school_hashtag(schools: list[School]) -> str:
    """The first school's shortest alias (or its name) as a hashtag word: "MillbrookPrimary"."""
    school = schools[0]
    name = min([*school.aliases, school.name], key=len) if school.aliases else school.name
    return re.sub(r"[^0-9A-Za-z]+", "", name.title())


def build_url(source: Source, schools: list[School]) -> str:
    """The URL a service kind is fetched at. Raises ValueError naming the missing field."""
    kind = source.kind
    base = (source.api_base or "").rstrip("/")
    query = source.query or school_query(schools)
    if kind == "google_news":
        base = base or DEFAULT_BASES[kind]
        lang = source.language
        region = source.region
        # https://news.google.com/rss/search?q=...&hl=en-GB&gl=GB&ceid=GB:en
        params = {"q": query, "hl": lang, "gl": region, "ceid": f"{region}:{lang.split('-')[0]}"}
        return f"{base}/rss/search?{urlencode(params)}"
    if kind == "reddit":
        base = base or DEFAULT_BASES[kind]
        sub = f"/r/{quote(source.subreddit)}" if source.subreddit else ""
        if source.subreddit and not source.query:
            return f"{base}{sub}/new/.rss"  # the whole subreddit (a town's, a school's)
        params = {"q": query, "sort": "new"}
        if sub:
            params["restrict_sr"] = "on"
        return f"{base}{sub}/search.rss?{urlencode(params)}"
    if kind == "mastodon":
        if not base:
            if not source.instance:
                raise ValueError("a mastodon source needs `instance` (e.g. mastodon.social)")
            base = "https://" + source.instance.strip().removeprefix("https://").strip("/")
        tag = (source.hashtag or school_hashtag(schools)).lstrip("#")
        # GET /api/v1/timelines/tag/:hashtag (public, no token) - newest first.
        return f"{base}/api/v1/timelines/tag/{quote(tag)}?limit=40"
    if kind == "bluesky":
        base = base or DEFAULT_BASES[kind]
        params = {"q": query, "sort": "latest", "limit": "50"}
        if source.language:
            params["lang"] = source.language.split("-")[0]
        return f"{base}/xrpc/app.bsky.feed.searchPosts?{urlencode(params)}"
    if kind == "youtube":
        base = base or DEFAULT_BASES[kind]
        if source.channel_id:
            return f"{base}/feeds/videos.xml?{urlencode({'channel_id': source.channel_id})}"
        if source.playlist_id:
            return f"{base}/feeds/videos.xml?{urlencode({'playlist_id': source.playlist_id})}"
        raise ValueError("a youtube source needs `channel_id` or `playlist_id` (or a feed `url`)")
    raise ValueError(f"no URL preset for kind {kind!r}")


def forum_selectors(preset: str, given: PageSelectors | None) -> dict[str, str | None]:
    """A forum preset's selectors with the source's own ones on top."""
    try:
        merged: dict[str, str | None] = dict(FORUM_PRESETS[preset])
    except KeyError:
        known = ", ".join(sorted(FORUM_PRESETS))
        raise ValueError(f"unknown forum preset {preset!r} (known: {known})") from None
    if given is not None:
        merged.update({k: v for k, v in given.model_dump().items() if v is not None})
    return merged
