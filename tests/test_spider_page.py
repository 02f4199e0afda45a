"""The `page` spider against a real HTTP server on loopback: a paged forum and its edge cases.

Crawled as production crawls (child processes, one source each), exporting the spider's raw
Posts with the item pipelines off; tests/test_crawl_pipeline.py covers what is stored.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from httpserver import CrawlRun, LoopbackServer, run_crawls, write_config

from store import sources
from store.db import transaction
from store.migrate import open_store

PAGES = Path(__file__).parent / "fixtures" / "pages"

SELECTORS = {
    "item": "article.msg",
    "text": "div.msg-text",
    "title": "h3.subject::text",
    "author": ".who::text",
    "date": "time::attr(datetime)",
    "link": "a.perma::attr(href)",
    "next_page": "a[rel=next]::attr(href)",
}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    work = tmp_path_factory.mktemp("page-crawls")
    db = work / "crawl.db"
    factory = open_store(f"sqlite:///{db}")
    html = "text/html; charset=utf-8"
    with LoopbackServer() as server:
        for page in PAGES.glob("*.html"):
            server.route(f"/forum/{page.name}", page.read_bytes(), content_type=html)
        server.route("/forum/listing-2.html", "Server error", status=500)
        srcs: list[dict[str, object]] = [
            {"name": name, "kind": "page", "url": server.url(f"/forum/{start}")}
            | {"selectors": SELECTORS, "max_pages": 3}
            for name, start in [
                ("forum", "forum-1.html"),
                ("listing", "listing.html"),
                ("offsite", "offsite.html"),
                ("nomatch", "nomatch.html"),
                ("gone", "no-such-page.html"),
            ]
        ]
        config = write_config(work / "schoolwatch.yaml", sources=srcs, database=db)
        runs = run_crawls(
            [("page", str(s["name"]), config) for s in srcs], workdir=work, pipelines=False
        )
        paths = server.paths()
    with transaction(factory) as session:
        states = {s.name: s for s in sources.all_states(session)}
        session.expunge_all()
    return SimpleNamespace(runs=runs, paths=paths, states=states, base=server.base_url)


def _run(crawled: SimpleNamespace, source: str) -> CrawlRun:
    return crawled.runs[("page", source)]


def test_forum_pages_are_followed_up_to_max_pages(crawled) -> None:
    run = _run(crawled, "forum")
    assert run.returncode == 0, run.log[-3000:]
    assert [p["title"] for p in run.exported] == [
        "Parking at Millbrook Primary",
        "No permalink here",
        "Odd date",
        "Third page",
    ]
    forum = [p for p in crawled.paths if p.startswith("/forum/forum-")]
    assert forum == ["/forum/forum-1.html", "/forum/forum-2.html", "/forum/forum-3.html"]
    assert crawled.states["forum"].last_items == 4


def test_post_fields_text_links_and_dates(crawled) -> None:
    parking, no_link, odd_date, third = _run(crawled, "forum").exported
    base = crawled.base
    assert parking["url"] == f"{base}/forum/post.php?id=1"  # relative link resolved
    assert parking["id"] == parking["url"]
    assert parking["author"] == "Alex"
    assert parking["source"] == "forum"
    # The readable text: paragraphs and line breaks kept, markup and the script gone.
    assert parking["text"] == (
        "Cars on the zigzags again at Millbrook Primary this morning.\nSecond line\nafter a break."
    )
    # A naive time is read in the school's time zone (Europe/London, BST in July).
    assert datetime.fromisoformat(str(parking["published"])) == datetime(
        2025, 7, 1, 8, 0, tzinfo=UTC
    )
    assert datetime.fromisoformat(str(no_link["published"])) == datetime(
        2025, 7, 1, 10, 0, tzinfo=UTC
    )
    assert no_link["url"] == no_link["id"] == f"{base}/forum/forum-1.html"  # the page itself
    assert odd_date["published"] is None
    assert odd_date["url"] == f"{base}/forum/post.php?id=4"
    assert third["url"] == f"{base}/forum/post.php?id=5"


def test_odd_input_on_a_page_is_a_warning_and_loses_nothing_else(crawled) -> None:
    warnings = crawled.states["forum"].warnings
    assert any("1 post(s) without text skipped" in w and "forum-1.html" in w for w in warnings)
    assert any("cannot read the date 'yesterday'" in w for w in warnings)
    assert crawled.states["forum"].last_error_class is None


def test_a_failing_later_page_is_a_warning_and_keeps_the_first_page(crawled) -> None:
    run = _run(crawled, "listing")
    assert run.returncode == 0, run.log[-3000:]
    assert [p["title"] for p in run.exported] == ["Listing item"]
    state = crawled.states["listing"]
    assert state.last_error_class is None and state.last_items == 1
    assert any(
        "page 2 skipped (server_error)" in w and "listing-2.html" in w for w in state.warnings
    )


def test_a_next_page_outside_the_allowed_domains_is_not_followed(crawled) -> None:
    run = _run(crawled, "offsite")
    assert run.returncode == 0, run.log[-3000:]
    assert len(run.exported) == 1
    assert any("outside the allowed domains" in w for w in crawled.states["offsite"].warnings)


def test_selectors_that_match_nothing_are_a_warning(crawled) -> None:
    run = _run(crawled, "nomatch")
    assert run.returncode == 0, run.log[-3000:]
    assert run.exported == []
    state = crawled.states["nomatch"]
    assert any("'article.msg' matched nothing" in w for w in state.warnings)


def test_a_missing_first_page_fails_the_source(crawled) -> None:
    run = _run(crawled, "gone")
    assert run.returncode == 3
    state = crawled.states["gone"]
    assert state.last_error_class == "not_found"
    assert "HTTP 404" in state.last_error and "no-such-page.html" in state.last_error
