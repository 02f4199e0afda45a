"""The `feed` spider against a real HTTP server on loopback, crawled as production crawls.

All sources share one database, so a failing source visibly leaves the good ones alone. The
crawls of one batch run in parallel child processes; a second batch re-crawls two feeds to see
the conditional GET. These crawls export the spider's raw Posts (`-O`) with the item pipelines
off: what the pipelines do with them is tests/test_crawl_pipeline.py.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from httpserver import CrawlRun, LoopbackServer, run_crawls, write_config

from crawler.spiders.feedformats import FeedParseError, NotAFeed, read_feed
from schoolwatch import __version__
from store import sources
from store.db import transaction
from store.migrate import open_store

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
MB = 1024 * 1024
ENCODING_TITLE = "Café opens at Millbrook Primary – Zoë’s idea"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(server: LoopbackServer) -> None:
    def fixture(name: str) -> bytes:
        return (FEEDS / name).read_bytes()

    rss = "application/rss+xml; charset=utf-8"
    server.robots("User-agent: *\nDisallow: /private/\n")
    server.route("/feeds/rss2.xml", fixture("rss2.xml"), content_type=rss, etag='"rss2-v1"')
    server.route("/feeds/rss1.rdf", fixture("rss1.rdf"), content_type="application/rdf+xml")
    server.route(
        "/feeds/atom.xml",
        fixture("atom.xml"),
        content_type="application/atom+xml",
        last_modified="Thu, 03 Apr 2025 09:00:00 GMT",
    )
    server.route("/feeds/feed.json", fixture("jsonfeed.json"), content_type="application/feed+json")
    server.route("/feeds/declared.xml", fixture("cp1252-declared-utf8.xml"), content_type=rss)
    server.route("/feeds/undeclared.xml", fixture("cp1252-undeclared.xml"))  # no Content-Type
    server.route("/private/feed.xml", fixture("rss2.xml"), content_type=rss)
    server.route("/feeds/error.xml", "Internal Server Error", status=500)
    server.route("/feeds/slow.xml", fixture("rss2.xml"), content_type=rss, delay=5)
    server.route("/feeds/huge.xml", content_type=rss, size=20 * MB)
    server.route("/feeds/huge-unannounced.xml", content_type=rss, size=20 * MB, send_length=False)
    server.route("/feeds/page.html", fixture("page.html"), content_type="text/html; charset=utf-8")


FEED_SOURCES = {
    "rss2": "/feeds/rss2.xml",
    "rss1": "/feeds/rss1.rdf",
    "atom": "/feeds/atom.xml",
    "jsonfeed": "/feeds/feed.json",
    "declared-utf8": "/feeds/declared.xml",
    "undeclared": "/feeds/undeclared.xml",
    "private": "/private/feed.xml",
    "error500": "/feeds/error.xml",
    "huge": "/feeds/huge.xml",
    "huge-unannounced": "/feeds/huge-unannounced.xml",
    "html": "/feeds/page.html",
}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    work = tmp_path_factory.mktemp("feed-crawls")
    db = work / "crawl.db"
    factory = open_store(f"sqlite:///{db}")  # migrated once, before parallel crawls share it
    with LoopbackServer() as server:
        _serve(server)
        srcs: list[dict[str, object]] = [
            # Formats only here: following headline-only entries is tests/test_spider_fulltext.py.
            {"name": name, "kind": "feed", "url": server.url(path), "full_text": False}
            for name, path in FEED_SOURCES.items()
        ]
        srcs.append(
            {"name": "refused", "kind": "feed", "url": f"http://127.0.0.1:{_closed_port()}/f.xml"}
        )
        config = write_config(
            work / "schoolwatch.yaml", sources=srcs, database=db, crawler={"max_download_mb": 1}
        )
        slow = [{"name": "slow", "kind": "feed", "url": server.url("/feeds/slow.xml")}]
        slow_config = write_config(
            work / "slow.yaml", sources=slow, database=db, crawler={"timeout": 0.5}
        )
        jobs = [("feed", str(s["name"]), config) for s in srcs]
        jobs += [
            ("feed", "slow", slow_config),
            ("page", "rss2", config),  # wrong spider for the source's kind
            ("feed", "nosuch", config),
            ("feed", "rss2", work / "missing.yaml"),
        ]
        first = run_crawls(jobs[:-1], workdir=work, pipelines=False)
        first[("missing", "rss2")] = run_crawls(jobs[-1:], workdir=work, pipelines=False)[
            ("feed", "rss2")
        ]
        again = run_crawls(
            [("feed", "rss2", config), ("feed", "atom", config)], workdir=work, pipelines=False
        )
        requests = server.requests
    with transaction(factory) as session:
        states = {
            s.name: SimpleNamespace(**{c: getattr(s, c) for c in _STATE_COLUMNS})
            for s in sources.all_states(session)
        }
    return SimpleNamespace(first=first, again=again, requests=requests, states=states)


_STATE_COLUMNS = (
    "url etag last_modified last_attempt_at last_success_at last_items total_items "
    "consecutive_failures last_error last_error_class warnings"
).split()


def _run(crawled: SimpleNamespace, source: str) -> CrawlRun:
    return crawled.first[("feed", source)]


def _ok(run: CrawlRun) -> None:
    assert run.returncode == 0, run.log[-3000:]


def _published(post: dict[str, object]) -> datetime:
    return datetime.fromisoformat(str(post["published"]))


# -- formats -------------------------------------------------------------------------------


def test_rss2_entries_become_posts_with_absolute_links_utc_dates_and_images(crawled) -> None:
    run = _run(crawled, "rss2")
    _ok(run)
    base = run.exported[0]["url"].split("/news/")[0]  # type: ignore[union-attr]
    first, second = run.exported
    assert first["id"] == "rss2-netball"
    assert first["title"] == "Millbrook Primary wins the county netball cup"
    assert first["author"] == "Amy Lockwood"
    assert first["url"] == f"{base}/news/netball-cup.html"
    assert first["source"] == "rss2"
    assert _published(first) == datetime(2025, 4, 1, 9, 30, tzinfo=UTC)  # +0100 -> UTC
    # content:encoded wins over the description; markup and the script are gone.
    assert first["text"] == (
        "The Year 6 team from Millbrook Primary beat six schools.\n"
        "Coach Seán Gallagher said “brilliant”."
    )
    assert first["images"] == [f"{base}/img/netball.jpg", "https://cdn.example.org/netball-2.png"]
    assert datetime.fromisoformat(str(first["fetched_at"])).tzinfo is not None
    assert second["author"] == "Jo Editor"  # the name, not the email address
    assert second["text"] == "Plain & simple description."
    assert second["url"] == "https://elsewhere.example.net/story?id=7&utm_source=rss"


def test_rss1_entries(crawled) -> None:
    run = _run(crawled, "rss1")
    _ok(run)
    [post] = run.exported
    assert post["title"] == "Millbrook C of E Primary choir sings at Gloucester Cathedral"
    assert post["url"].endswith("/rss1/choir.html")  # type: ignore[union-attr]
    assert post["author"] == "Parish newsletter"
    assert _published(post) == datetime(2025, 4, 2, 17, 0, tzinfo=UTC)


def test_atom_entries_resolve_relative_links_against_the_feed_url(crawled) -> None:
    run = _run(crawled, "atom")
    _ok(run)
    eco, updated_only = run.exported
    assert eco["url"].endswith("/feeds/eco-club.html")  # type: ignore[union-attr]
    assert eco["title"] == "Council praises Millbrook Primary eco-club"  # HTML title as text
    assert eco["text"] == "Pupils planted 300 trees.\nSecond paragraph."
    assert eco["author"] == "Council Press Office"
    assert eco["images"][0].endswith("/img/eco.png")  # type: ignore[index]
    assert _published(eco) == datetime(2025, 4, 3, 6, 0, tzinfo=UTC)
    assert _published(updated_only) == datetime(2025, 4, 4, 12, 0, tzinfo=UTC)
    assert updated_only["text"] == "Summary text only."


def test_json_feed_items(crawled) -> None:
    run = _run(crawled, "jsonfeed")
    _ok(run)
    quiz, no_url = run.exported
    assert quiz["id"] == "42"
    assert quiz["title"] == "<b>Not bold</b> Millbrook Primary PTA quiz night"  # plain text
    assert quiz["text"] == "Tickets £5.\nTeams of six\nBar"
    assert quiz["author"] == "PTA"
    assert quiz["url"].endswith("/parents/posts/42.html")  # type: ignore[union-attr]
    assert quiz["images"][0].endswith("/img/quiz.jpg")  # type: ignore[index]
    assert quiz["images"][1] == "https://cdn.example.org/quiz-2.jpg"  # type: ignore[index]
    assert _published(quiz) == datetime(2025, 4, 5, 18, 30, tzinfo=UTC)
    assert no_url["author"] == "Feed-level author"
    assert no_url["url"].endswith("/feeds/feed.json")  # type: ignore[union-attr]
    state = crawled.states["jsonfeed"]
    assert state.last_items == 2
    assert any("item 3 skipped" in w for w in state.warnings)


@pytest.mark.parametrize("source", ["declared-utf8", "undeclared"])
def test_windows_1252_feed_with_wrong_or_no_declared_encoding_reads_right(
    crawled, source: str
) -> None:
    run = _run(crawled, source)
    _ok(run)
    [post] = run.exported
    assert post["title"] == ENCODING_TITLE
    assert post["text"] == (
        "Pupils’ café, run by Mrs Fitzgerald-Hughes’s class, sells crème brûlée for £1."
    )
    state = crawled.states[source]
    assert state.last_error_class is None and state.last_items == 1
    assert any("not valid utf-8" in w and "decoded as" in w for w in state.warnings), state.warnings


# -- state and conditional GET ---------------------------------------------------------------


def test_success_records_items_and_validators(crawled) -> None:
    rss2, atom = crawled.states["rss2"], crawled.states["atom"]
    assert rss2.etag == '"rss2-v1"'
    assert rss2.total_items == 2 and rss2.warnings == []
    assert atom.last_modified == "Thu, 03 Apr 2025 09:00:00 GMT"


def test_second_crawl_sends_validators_and_records_not_modified(crawled) -> None:
    rss2_requests = [r for r in crawled.requests if r.path == "/feeds/rss2.xml"]
    assert [r.header("If-None-Match") for r in rss2_requests] == [None, '"rss2-v1"']
    atom_requests = [r for r in crawled.requests if r.path == "/feeds/atom.xml"]
    assert [r.header("If-Modified-Since") for r in atom_requests] == [
        None,
        "Thu, 03 Apr 2025 09:00:00 GMT",
    ]
    for source in ("rss2", "atom"):
        run = crawled.again[("feed", source)]
        _ok(run)
        assert run.exported == []
        assert "not modified" in run.log
        state = crawled.states[source]
        assert state.last_items == 0 and state.total_items == 2  # nothing new, nothing lost
        assert state.consecutive_failures == 0
    assert crawled.states["rss2"].etag == '"rss2-v1"'  # still valid for the next crawl


# -- failures ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "error_class", "path"),
    [
        ("error500", "server_error", "/feeds/error.xml"),
        ("slow", "timeout", "/feeds/slow.xml"),
        ("huge", "too_large", "/feeds/huge.xml"),
        ("huge-unannounced", "too_large", "/feeds/huge-unannounced.xml"),
        ("private", "robots", "/private/feed.xml"),
        ("html", "not_a_feed", "/feeds/page.html"),
        ("refused", "connection", "/f.xml"),
    ],
)
def test_a_failing_source_is_recorded_with_its_class_and_exits_3(
    crawled, source: str, error_class: str, path: str
) -> None:
    run = _run(crawled, source)
    assert run.returncode == 3, run.log[-3000:]
    assert run.exported == []
    state = crawled.states[source]
    assert state.last_error_class == error_class, state.last_error
    assert path in state.last_error  # the message names the URL
    assert state.consecutive_failures == 1
    assert state.last_success_at is None
    assert f"FAILED ({error_class})" in run.log


def test_robots_disallowed_path_is_never_requested(crawled) -> None:
    assert not [r.path for r in crawled.requests if r.path.startswith("/private/")]
    assert "/robots.txt" in [r.path for r in crawled.requests]


def test_good_sources_succeed_next_to_failing_ones_in_the_same_database(crawled) -> None:
    good = ["rss2", "rss1", "atom", "jsonfeed", "declared-utf8", "undeclared"]
    for name in good:
        state = crawled.states[name]
        assert state.last_error_class is None and state.last_success_at is not None, name


def test_every_request_carries_the_honest_user_agent(crawled) -> None:
    expected = f"schoolwatch/{__version__} (+https://tests.example/contact)"
    assert {r.header("User-Agent") for r in crawled.requests} == {expected}


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (("page", "rss2"), "'rss2' is a 'feed' source; crawl it with `scrapy crawl feed"),
        (("feed", "nosuch"), "no source named 'nosuch' (known: rss2, rss1"),
        (("missing", "rss2"), "missing.yaml: no such config file"),
    ],
)
def test_a_crawl_that_cannot_start_exits_1_with_a_clear_message(
    crawled, key: tuple[str, str], message: str
) -> None:
    run = crawled.first[key]
    assert run.returncode == 1, run.log[-3000:]
    assert message in run.log
    assert "Traceback" not in run.log


# -- the parser alone (no crawl) ---------------------------------------------------------------

NOW = datetime(2025, 4, 1, tzinfo=UTC)


def _read(body: bytes, content_type: str = "application/xml"):  # noqa: ANN202
    return read_feed(body, "http://127.0.0.1:1/f", {"content-type": content_type}, "s", NOW)


def test_malformed_feed_with_readable_entries_is_read_with_a_warning() -> None:
    result = _read((FEEDS / "salvage.xml").read_bytes())
    assert [p.title for p in result.posts] == ["Fish & chips at Millbrook Primary summer fair"]
    assert [w for w in result.warnings if "not well-formed" in w and "read 1 entries" in w]


def test_rss_served_as_text_html_is_still_read() -> None:
    result = _read((FEEDS / "rss2.xml").read_bytes(), "text/html")
    assert len(result.posts) == 2


@pytest.mark.parametrize(
    ("body", "content_type", "error", "says"),
    [
        (b'{"data": [1, 2]}', "application/json", NotAFeed, "not a JSON Feed"),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "items": [',
            "",
            FeedParseError,
            "line 1",
        ),
        (b'{"version": "https://jsonfeed.org/version/1", "items": 3}', "", FeedParseError, "items"),
        (b"  \n", "application/xml", FeedParseError, "empty"),
        ((FEEDS / "broken.xml").read_bytes(), "", FeedParseError, "no entries could be read"),
        (b"just some text", "text/plain", FeedParseError, "could not be read as RSS or Atom"),
        (b"<html><body>hi</body></html>", "application/xml", NotAFeed, "HTML page"),
    ],
)
def test_unreadable_bodies_raise_a_named_error(
    body: bytes, content_type: str, error: type[Exception], says: str
) -> None:
    with pytest.raises(error, match=None) as info:
        _read(body, content_type)
    assert says in str(info.value) and "http://127.0.0.1:1/f" in str(info.value)
