"""Bad input found by using the product: each case gets a clear error or is stored, losing nothing.

Regression tests for inputs no single module's tests covered: lone surrogates from JSON escapes,
a post that cannot be analysed in a crawl.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

from httpserver import LoopbackServer, run_crawl, write_config
from scrapy.crawler import Crawler
from scrapy.statscollectors import MemoryStatsCollector
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from config.loader import load_config_text
from crawler.spiders.base import STAT_ANALYSE_FAILED
from crawler.spiders.feed import FeedSpider
from pipelines.analyse import Analyser
from pipelines.normalise import normalise
from pipelines.post import Post
from schoolwatch.classify_cmd import run_classify
from store import sources
from store.db import transaction
from store.items import save_analysis
from store.migrate import open_store
from store.models import Item

CONFIG = """
schools:
  - name: Millbrook Church of England Primary School
    aliases: [Millbrook Primary]
    location_terms: [Stroud]
    staff: [{name: Helen Okafor, aliases: [Mrs Okafor]}]
"""
NOW = datetime(2025, 3, 11, 8, 0, tzinfo=UTC)


def test_lone_surrogates_become_replacement_characters() -> None:
    post = normalise(
        Post(text="Millbrook Primary \ud800 Stroud", title="a \udfff b", url="http://x/\ud83d")
    )
    assert (post.text, post.title, post.url) == (
        "Millbrook Primary \ufffd Stroud",
        "a \ufffd b",
        "http://x/\ufffd",
    )
    assert normalise(post) == post  # still idempotent
    # A proper pair (an emoji) is one character, not a surrogate: kept.
    assert normalise(Post(text="Millbrook Primary 😀")).text == "Millbrook Primary 😀"


def test_a_post_with_a_lone_surrogate_is_stored(store: sessionmaker[Session]) -> None:
    analysis = Analyser(load_config_text(CONFIG)).analyse(
        Post(text="Mrs Okafor at Millbrook Primary \ud800 in Stroud", url="http://x/1")
    )
    assert analysis.relevant
    with transaction(store) as session:
        save_analysis(session, analysis, source="t", seen_at=NOW)
    with transaction(store) as session:
        [item] = session.scalars(select(Item)).all()
        assert "\ufffd" in item.text


def test_classify_lines_with_lone_surrogates_lose_nothing() -> None:
    lines = [
        '{"id": 1, "text": "Mrs Okafor at Millbrook Primary \\ud800 in Stroud"}',
        '{"id": "a\\udfff", "text": "Millbrook Primary in Stroud"}',  # echoed exactly, escaped
        '{"id": 3, "text": "Helen Okafor, Millbrook Primary, Stroud"}',
    ]
    out, err = io.StringIO(), io.StringIO()
    stdin = io.BytesIO(("\n".join(lines) + "\n").encode())
    status = run_classify(load_config_text(CONFIG), "-", out, err, stdin=stdin)
    assert status == 0, err.getvalue()
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in results] == [1, "a\udfff", 3]
    assert all(r["relevant"] for r in results)
    out.getvalue().encode("utf-8")  # the output is writable to a UTF-8 terminal or file


def test_a_json_feed_entry_with_a_lone_surrogate_is_crawled_and_stored(tmp_path: Path) -> None:
    feed = (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": ['
        '{"id": "1", "url": "/p/1", "title": "Bad \\udfff", '
        '"content_text": "Millbrook Primary in Stroud \\ud800 fair"},'
        '{"id": "2", "url": "/p/2", "content_text": "Mrs Okafor at Millbrook Primary, Stroud"}]}'
    )
    with LoopbackServer() as server:
        server.route("/feed.json", feed, content_type="application/feed+json")
        db = tmp_path / "crawl.db"
        config = write_config(
            tmp_path / "sw.yaml",
            sources=[{"name": "j", "kind": "feed", "url": server.url("/feed.json")}],
            database=db,
        )
        run = run_crawl("feed", "j", config, workdir=tmp_path, export=False)
    assert run.returncode == 0, run.log[-3000:]
    with transaction(open_store(f"sqlite:///{db}")) as session:
        urls = sorted(session.scalars(select(Item.url)))
        state = sources.get_state(session, "j")
    assert urls == [server.url("/p/1"), server.url("/p/2")]
    assert state is not None and not any("analysed" in w for w in state.warnings)


def test_posts_that_could_not_be_analysed_show_in_the_source_health(tmp_path: Path) -> None:
    db = tmp_path / "sw.db"
    config = write_config(
        tmp_path / "sw.yaml",
        sources=[{"name": "j", "kind": "feed", "url": "http://127.0.0.1:9/feed.json"}],
        database=db,
    )
    crawler = Crawler(FeedSpider, {"SCHOOLWATCH_CONFIG": str(config)})  # as before a crawl
    crawler.stats = MemoryStatsCollector(crawler)
    spider = FeedSpider.from_crawler(crawler, source="j")
    crawler.stats.set_value(STAT_ANALYSE_FAILED, 2)
    spider.outcome.status, spider.outcome.items = "ok", 5
    spider.closed("finished")
    with transaction(spider.store) as session:
        state = sources.get_state(session, "j")
    assert state is not None
    assert any("2 post(s) could not be analysed" in w for w in state.warnings), state.warnings


def test_a_sqlite_file_deleted_while_open_is_reopened_not_written_in_the_dark(
    tmp_path: Path, caplog
) -> None:
    url = f"sqlite:///{tmp_path / 'sw.db'}"
    daemon = open_store(url)  # the scheduler's pooled connection
    with transaction(daemon) as session:
        sources.record_success(
            session, "old", url="u", items=1, etag=None, last_modified=None, now=NOW
        )
    for f in tmp_path.glob("sw.db*"):
        f.unlink()  # an admin deletes (or restores over) the file while `run` is running
    crawl = open_store(url)  # the next crawl process migrates a new file and stores there
    with transaction(crawl) as session:
        sources.record_success(
            session, "new", url="u", items=1, etag=None, last_modified=None, now=NOW
        )
    with transaction(daemon) as session:  # the scheduler must see what the crawl stored
        assert sources.get_state(session, "new") is not None
        assert sources.get_state(session, "old") is None
    assert f"the database file {tmp_path / 'sw.db'} was deleted or replaced" in caplog.text


def test_a_failed_crawl_shows_its_errors_not_the_monitors_report(tmp_path: Path) -> None:
    import sys

    from config.loader import load_config
    from schoolwatch.crawl import CrawlRunner

    log = [
        "2026-01-01 10:00:00 [pipelines.itempipelines] ERROR: cannot store the post at http://x/1",
        "Traceback (most recent call last):",
        '  File "store/items.py", line 70, in find_duplicate',
        "sqlalchemy.exc.DataError: (psycopg.DataError) cannot contain NUL (0x00) bytes",
        "2026-01-01 10:00:01 [feed] ERROR: [Spidermon] ",
        "AssertionError: 1 != 0 : 1 error(s) in the crawl log",
        *[f"2026-01-01 10:00:02 [feed] INFO: [Spidermon] line {n}" for n in range(10)],
    ]

    class FakeCrawl(CrawlRunner):
        def command(self, source):  # type: ignore[no-untyped-def]
            script = f"import sys; print({chr(10).join(log)!r}); sys.exit(4)"
            return [sys.executable, "-c", script]

    config = write_config(
        tmp_path / "sw.yaml",
        sources=[{"name": "j", "kind": "feed", "url": "http://127.0.0.1:9/f"}],
        database=tmp_path / "sw.db",
    )
    result = FakeCrawl(config).run_one(load_config(config).sources[0])
    assert result.returncode == 4
    assert result.problem_lines() == [log[0], log[3]]
