"""Crawls end to end into SQLite: the bundled demo site, the example config, the real pipeline.

config/example/site is served on loopback and the example config's 127.0.0.1:8765 URLs are
pointed at it (as `schoolwatch demo` does). Every source is crawled in its own process, in
parallel, into one database; then the forum is crawled again.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from httpserver import CrawlRun, LoopbackServer, run_crawls
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler
from sqlalchemy import func, select

from config.loader import load_config
from pipelines.analyse import Analyser
from pipelines.itempipelines import AnalysePipeline, StorePipeline
from pipelines.post import Post
from store import sources
from store.db import transaction
from store.migrate import open_store
from store.models import Item, Sighting

EXAMPLE = Path(__file__).resolve().parent.parent / "config" / "example"
PLACEHOLDER = "http://127.0.0.1:8765"
DEMO_SOURCES = [
    ("feed", "stroud-news"),
    ("feed", "council-atom"),
    ("feed", "parents-json"),
    ("page", "parents-forum"),
]


def _demo_config(work: Path, site_url: str) -> Path:
    text = (EXAMPLE / "schoolwatch.yaml").read_text(encoding="utf-8")
    text = text.replace(PLACEHOLDER, site_url)
    text = re.sub(r"(?m)^storage: .*$", f"storage: sqlite:///{work / 'demo.db'}", text)
    text = re.sub(r"(?m)^\s*logos: .*\n", "", text)  # logo matching is not what this tests
    path = work / "schoolwatch.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    work = tmp_path_factory.mktemp("demo-crawl")
    with LoopbackServer() as site:
        site.serve_folder("/", EXAMPLE / "site")
        config = _demo_config(work, site.base_url)
        factory = open_store(load_config(config).database_url)
        jobs = [(kind, name, config) for kind, name in DEMO_SOURCES]
        first = run_crawls(jobs, workdir=work, export=False)
        with transaction(factory) as session:
            sightings_before = session.scalar(select(func.count()).select_from(Sighting))
        again = run_crawls([("page", "parents-forum", config)], workdir=work, export=False)
        paths = site.paths()
    return SimpleNamespace(
        first=first,
        again=again[("page", "parents-forum")],
        factory=factory,
        sightings_before=sightings_before,
        paths=paths,
    )


def _stat(run: CrawlRun, name: str) -> int:
    m = re.search(rf"'schoolwatch/items/{name}': (\d+)", run.log)
    return int(m.group(1)) if m else 0


def _items(demo: SimpleNamespace) -> list[Item]:
    with transaction(demo.factory) as session:
        items = list(session.scalars(select(Item).order_by(Item.id)))
        for item in items:
            _ = item.sightings, item.labels  # load before the session closes
        return items


def test_every_demo_source_is_crawled_and_recorded(demo) -> None:
    for key, run in demo.first.items():
        assert run.returncode == 0, f"{key}: {run.log[-3000:]}"
    with transaction(demo.factory) as session:
        read = {s.name: (s.last_items, s.last_error_class) for s in sources.all_states(session)}
    assert read == {
        "stroud-news": (9, None),
        "council-atom": (5, None),
        "parents-json": (6, None),
        "parents-forum": (9, None),
    }
    assert not [p for p in demo.paths if p.startswith("/private/")]


def test_the_same_story_from_two_sources_is_one_item_with_two_sightings(demo) -> None:
    ofsted = [i for i in _items(demo) if "ofsted-good" in i.url]
    assert len(ofsted) == 1
    assert sorted(s.source for s in ofsted[0].sightings) == ["council-atom", "stroud-news"]
    # The crawls run in parallel: whichever source saw it second added the sighting.
    feeds = [demo.first[("feed", "stroud-news")], demo.first[("feed", "council-atom")]]
    assert sum(_stat(run, "new_sighting") for run in feeds) == 1


def test_only_relevant_posts_are_stored_and_all_are_counted(demo) -> None:
    items = _items(demo)
    assert all(i.relevant for i in items)
    stored_text = " ".join(f"{i.title} {i.text}" for i in items)
    for namesake in ("Garden Centre", "Millbrook, Cornwall", "Millbrook Lake", "A46", "Biscuit"):
        assert namesake not in stored_text, namesake
    read = sum(_stat(run, "read") for run in demo.first.values())
    relevant = sum(_stat(run, "relevant") for run in demo.first.values())
    stored = sum(_stat(run, "stored") for run in demo.first.values())
    duplicate = sum(_stat(run, "duplicate") for run in demo.first.values())
    assert read == 9 + 5 + 6 + 9
    assert relevant == stored + duplicate
    assert stored == len(items) and 0 < stored < read


def test_attacker_controlled_title_is_stored_as_text(demo) -> None:
    titles = [i.title for i in _items(demo)]
    assert any("<script>alert(1)</script>" in t for t in titles), titles


def test_the_safeguarding_post_is_stored_and_labelled(demo) -> None:
    [post] = [i for i in _items(demo) if "photos-of-pupils" in i.url]
    assert "safeguarding" in [label.label for label in post.labels]


def test_crawling_again_stores_nothing_twice(demo) -> None:
    run = demo.again
    assert run.returncode == 0, run.log[-3000:]
    assert _stat(run, "stored") == 0
    assert _stat(run, "duplicate") == _stat(run, "relevant") > 0
    with transaction(demo.factory) as session:
        assert session.scalar(select(func.count()).select_from(Sighting)) == demo.sightings_before


# -- the pipeline classes in-process, against a real store ------------------------------------


def test_a_post_that_cannot_be_stored_is_counted_and_loses_nothing_else(tmp_path: Path) -> None:
    cfg = load_config(_demo_config(tmp_path, "http://127.0.0.1:9"))
    crawler = get_crawler()
    stats = MemoryStatsCollector(crawler)
    analyse = AnalysePipeline(Analyser(cfg), stats)
    store = StorePipeline(open_store(cfg.database_url), stats)
    now = datetime(2025, 3, 11, 8, 0, tzinfo=UTC)

    def post(n: int, text: str) -> Post:
        url = f"http://127.0.0.1:9/p/{n}"
        return Post(text=text, id=str(n), url=url, source="t", fetched_at=now)

    good = [
        analyse.process_item(post(1, "Helen Okafor led assembly at Millbrook Primary, Stroud.")),
        analyse.process_item(post(3, "Seán Gallagher ran the Millbrook Primary sports day.")),
    ]
    bad = replace(analyse.process_item(post(2, "Mrs Okafor in Stroud again.")), fingerprint="")
    assert all(a.relevant for a in [*good, bad])
    for analysis in (good[0], bad, good[1]):
        store.process_item(analysis)
    assert stats.get_value("schoolwatch/items/store_failed") == 1
    assert stats.get_value("schoolwatch/items/stored") == 2
    with transaction(store.factory) as session:
        urls = sorted(session.scalars(select(Item.url)))
    assert urls == ["http://127.0.0.1:9/p/1", "http://127.0.0.1:9/p/3"]


def test_an_irrelevant_post_is_counted_but_not_stored(tmp_path: Path) -> None:
    cfg = load_config(_demo_config(tmp_path, "http://127.0.0.1:9"))
    stats = MemoryStatsCollector(get_crawler())
    analyse = AnalysePipeline(Analyser(cfg), stats)
    store = StorePipeline(open_store(cfg.database_url), stats)
    garden = Post(text="Millbrook Garden Centre opens at 8am.", url="http://127.0.0.1:9/g")
    store.process_item(analyse.process_item(garden))
    assert stats.get_value("schoolwatch/items/read") == 1
    assert stats.get_value("schoolwatch/items/relevant") is None
    with transaction(store.factory) as session:
        assert session.scalar(select(func.count()).select_from(Item)) == 0
