"""Service kinds are configured by what to look for: the URLs built from it, and the errors
for what is missing (naming the source)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import ValidationError

from config.schema import Config
from crawler.spiders.services import unwrap_google_link

SCHOOL = {"name": "St Aidan's C of E Academy", "aliases": ["St Aidans", "SAA"]}


def _source(**fields: object) -> Config:
    return Config.model_validate({"schools": [SCHOOL], "sources": [{"name": "s", **fields}]})


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_google_news_searches_the_school_names_in_english_gb() -> None:
    url = _source(kind="google_news").sources[0].url
    assert url.startswith("https://news.google.com/rss/search?")
    q = _query(url)
    assert q["q"] == ['"St Aidan\'s C of E Academy" OR "St Aidans" OR "SAA"']
    assert (q["hl"], q["gl"], q["ceid"]) == (["en-GB"], ["GB"], ["GB:en"])


def test_reddit_subreddit_with_and_without_a_query() -> None:
    new = _source(kind="reddit", subreddit="Gloucestershire").sources[0].url
    assert new == "https://www.reddit.com/r/Gloucestershire/new/.rss"
    search = _source(kind="reddit", subreddit="Gloucestershire", query="St Aidans").sources[0].url
    assert search.startswith("https://www.reddit.com/r/Gloucestershire/search.rss?")
    assert _query(search) == {"q": ["St Aidans"], "sort": ["new"], "restrict_sr": ["on"]}


def test_mastodon_hashtag_defaults_to_the_shortest_name() -> None:
    url = _source(kind="mastodon", instance="mastodon.social").sources[0].url
    assert url == "https://mastodon.social/api/v1/timelines/tag/Saa?limit=40"
    url = _source(kind="mastodon", instance="https://mas.to/", hashtag="#StAidans").sources[0].url
    assert url == "https://mas.to/api/v1/timelines/tag/StAidans?limit=40"


def test_bluesky_and_youtube_and_an_api_base() -> None:
    url = _source(kind="bluesky", query="St Aidans", api_base="http://127.0.0.1:9/x").sources[0].url
    assert url.startswith("http://127.0.0.1:9/x/xrpc/app.bsky.feed.searchPosts?")
    assert _query(url)["lang"] == ["en"] and _query(url)["sort"] == ["latest"]
    yt = _source(kind="youtube", playlist_id="PL123").sources[0].url
    assert yt == "https://www.youtube.com/feeds/videos.xml?playlist_id=PL123"


def test_forum_uses_the_mumsnet_preset_with_overrides() -> None:
    sel = _source(kind="forum", url="https://forum.example/t/1").sources[0].selectors
    assert sel is not None and sel.item == "div.talk-post" and sel.next_page
    sel = _source(
        kind="forum", url="https://forum.example/t/1", preset="mumsnet", selectors={
            "item": "li.post", "text": "div.body"}
    ).sources[0].selectors  # fmt: skip
    assert sel is not None and (sel.item, sel.text) == ("li.post", "div.body")
    assert sel.author == "span.talk-post-nickname::text"  # the rest from the preset


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"kind": "mastodon"}, "source 's': a mastodon source needs `instance`"),
        ({"kind": "youtube"}, "needs `channel_id` or `playlist_id`"),
        ({"kind": "article"}, "a article source needs a url"),
        ({"kind": "forum", "url": "https://f.example/", "preset": "nope"}, "unknown forum preset"),
        ({"kind": "bluesky", "api_base": "ftp://x"}, "expected an http:// or https:// URL"),
        ({"kind": "feed", "url": "https://f.example/", "empty_after": "10s"}, "at least 1m"),
    ],
)
def test_what_is_missing_is_named(fields: dict[str, object], says: str) -> None:
    with pytest.raises(ValidationError) as info:
        _source(**fields)
    assert says in str(info.value)


@pytest.mark.parametrize(
    ("link", "target"),
    [
        (
            "https://www.google.com/url?rct=j&sa=t&url=https://news.example/a%3Fb%3D1&ct=ga&usg=X",
            "https://news.example/a?b=1",
        ),
        ("https://www.google.co.uk/url?q=https://news.example/b&sa=U", "https://news.example/b"),
        ("https://google.com/url?q=javascript:alert(1)", "https://google.com/url?q=javascript:alert(1)"),
        ("https://news.example/url?q=https://elsewhere.example/", "https://news.example/url?q=https://elsewhere.example/"),
    ],
)  # fmt: skip
def test_google_redirect_links_are_unwrapped_to_http_targets_only(link: str, target: str) -> None:
    assert unwrap_google_link(link) == target
