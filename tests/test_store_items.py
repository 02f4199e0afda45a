"""store.items: one item per post however many sources carry it, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import store.items as items_module
from pipelines.post import Analysis, Mention, Post
from store.items import SaveResult, count_items, find_duplicate, save_analysis
from store.models import Item, LabelRow, MentionRow, Sighting

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def make_analysis(
    *,
    text: str = "Oakfield Academy cancelled the trip again",
    url: str = "https://forum.example/t/1",
    canonical_url: str | None = None,
    fingerprint: str = "f" * 16,
    mentions: list[Mention] | None = None,
    **post_fields: object,
) -> Analysis:
    post = Post(text=text, url=url, **post_fields)  # type: ignore[arg-type]
    if mentions is None:
        mentions = [
            Mention(
                kind="school",
                school="Oakfield Academy",
                name="Oakfield Academy",
                text="Oakfield Academy",
                field="text",
                start=0,
                end=16,
                score=100.0,
                reason="exact name",
            )
        ]
    return Analysis(
        post=post,
        canonical_url=url if canonical_url is None else canonical_url,
        fingerprint=fingerprint,
        mentions=mentions,
        labels=["parental_complaint"],
        scores={"parental_complaint": 0.82, "positive": 0.05},
        severity="normal",
        reasons=["complaint wording: 'cancelled ... again'"],
    )


def save(factory: sessionmaker[Session], analysis: Analysis, source: str, **kw) -> SaveResult:
    with factory() as session, session.begin():
        return save_analysis(session, analysis, source=source, seen_at=kw.pop("seen_at", NOW), **kw)


def sightings(factory: sessionmaker[Session]) -> list[tuple[int, str, str]]:
    with factory() as session:
        rows = session.scalars(select(Sighting).order_by(Sighting.id))
        return [(s.item_id, s.source, s.url) for s in rows]


def test_first_save_stores_everything(store: sessionmaker[Session]) -> None:
    published = datetime(2025, 3, 2, 20, 15, tzinfo=timezone(timedelta(hours=1)))
    analysis = make_analysis(title="Trip", author="A Parent", published=published)
    result = save(store, analysis, "forum")
    assert result.created and result.new_sighting
    with store() as session:
        item = session.get(Item, result.item_id)
        assert item is not None
        assert (item.title, item.text, item.author) == (
            "Trip",
            "Oakfield Academy cancelled the trip again",
            "A Parent",
        )
        assert item.url == item.canonical_url == "https://forum.example/t/1"
        # Stored and read back as aware UTC on both backends.
        assert item.published_at == published
        assert item.published_at is not None and item.published_at.utcoffset() == timedelta(0)
        assert item.first_seen_at == NOW
        assert item.relevant is True and item.severity == "normal"
        assert item.reasons == ["complaint wording: 'cancelled ... again'"]
        [mention] = item.mentions
        assert (mention.kind, mention.school, mention.field, mention.start, mention.end) == (
            "school",
            "Oakfield Academy",
            "text",
            0,
            16,
        )
        assert mention.reason == "exact name"
        assert [(lb.label, lb.score) for lb in item.labels] == [("parental_complaint", 0.82)]
        assert [(s.source, s.url, s.seen_at) for s in item.sightings] == [
            ("forum", "https://forum.example/t/1", NOW)
        ]
    assert sightings(store) == [(result.item_id, "forum", "https://forum.example/t/1")]


def test_same_canonical_url_is_one_item(store: sessionmaker[Session]) -> None:
    first = save(store, make_analysis(fingerprint="a" * 16), "forum")
    # Edited text (new fingerprint), same page: the same item.
    again = save(store, make_analysis(text="edited", fingerprint="b" * 16), "rss")
    assert again == SaveResult(item_id=first.item_id, created=False, new_sighting=True)
    with store() as session:
        assert count_items(session) == 1
        assert session.get(Item, first.item_id).text.startswith("Oakfield")  # type: ignore[union-attr]


def test_same_fingerprint_other_url_is_one_item(store: sessionmaker[Session]) -> None:
    first = save(store, make_analysis(url="https://a.example/1"), "site-a")
    again = save(store, make_analysis(url="https://mirror.example/x"), "site-b")
    assert again.item_id == first.item_id and not again.created and again.new_sighting
    assert sightings(store) == [
        (first.item_id, "site-a", "https://a.example/1"),
        (first.item_id, "site-b", "https://mirror.example/x"),
    ]


def test_two_sources_one_item_two_sightings(store: sessionmaker[Session]) -> None:
    first = save(store, make_analysis(), "forum")
    second = save(store, make_analysis(), "forum-rss")
    assert second == SaveResult(first.item_id, created=False, new_sighting=True)
    assert [s[1] for s in sightings(store)] == ["forum", "forum-rss"]


def test_same_sighting_twice_adds_nothing(store: sessionmaker[Session]) -> None:
    first = save(store, make_analysis(), "forum")
    again = save(store, make_analysis(), "forum", seen_at=NOW + timedelta(hours=1))
    assert again == SaveResult(first.item_id, created=False, new_sighting=False)
    assert len(sightings(store)) == 1
    with store() as session:
        assert count_items(session) == 1


def test_empty_canonical_url_does_not_collide(store: sessionmaker[Session]) -> None:
    a = save(store, make_analysis(url="", canonical_url="", fingerprint="1" * 16), "s")
    b = save(store, make_analysis(url="", canonical_url="", fingerprint="2" * 16), "s")
    assert a.created and b.created and a.item_id != b.item_id
    with store() as session:
        assert session.get(Item, a.item_id).canonical_url is None  # type: ignore[union-attr]
        assert find_duplicate(session, "", "3" * 16) is None
        assert find_duplicate(session, "", "2" * 16).id == b.item_id  # type: ignore[union-attr]


def test_find_duplicate_prefers_the_url_match(store: sessionmaker[Session]) -> None:
    by_fp = save(store, make_analysis(url="https://x.example/1", fingerprint="1" * 16), "s")
    by_url = save(store, make_analysis(url="https://x.example/2", fingerprint="2" * 16), "s")
    with store() as session:
        found = find_duplicate(session, "https://x.example/2", "1" * 16)
        assert found is not None and found.id == by_url.item_id != by_fp.item_id


def test_text_is_capped_and_nul_bytes_dropped(store: sessionmaker[Session]) -> None:
    analysis = make_analysis(text="x\x00" * 50 + "y" * 100, author="Z" * 400)
    result = save(store, analysis, "s", text_limit=60)
    with store() as session:
        item = session.get(Item, result.item_id)
        assert item is not None
        assert item.text == "x" * 50 + "y" * 10
        assert item.author == "Z" * 300


def test_nul_bytes_in_every_field_are_dropped(store: sessionmaker[Session]) -> None:
    # PostgreSQL refuses NUL anywhere in text, the duplicate lookup by URL included.
    url = "https://forum.example/t/\x001"
    analysis = make_analysis(url=url, title="T\x00", author="A\x00", text="Oakfield\x00 Academy")
    first = save(store, analysis, "s\x00")
    assert save(store, analysis, "s\x00") == SaveResult(first.item_id, False, False)
    with store() as session:
        item = session.get(Item, first.item_id)
        assert item is not None
        assert (item.canonical_url, item.url, item.title, item.author) == (
            "https://forum.example/t/1",
            "https://forum.example/t/1",
            "T",
            "A",
        )
    assert sightings(store) == [(first.item_id, "s", "https://forum.example/t/1")]


def test_irrelevant_post_has_no_severity(store: sessionmaker[Session]) -> None:
    result = save(store, make_analysis(mentions=[]), "s")
    with store() as session:
        item = session.get(Item, result.item_id)
        assert item is not None and item.relevant is False and item.severity is None


def test_bad_fingerprint_is_refused_naming_the_post(store: sessionmaker[Session]) -> None:
    with pytest.raises(ValueError, match=r"post p7 from https://forum.example/t/1: fingerprint"):
        save(store, make_analysis(fingerprint="", id="p7"), "s")
    with store() as session:
        assert count_items(session) == 0


def test_naive_seen_at_is_refused(store: sessionmaker[Session]) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        save(store, make_analysis(), "s", seen_at=datetime(2025, 3, 3, 9, 0))


def test_naive_published_date_from_a_feed_is_read_as_utc(store: sessionmaker[Session]) -> None:
    result = save(store, make_analysis(published=datetime(2025, 3, 2, 20, 15)), "s")
    with store() as session:
        item = session.get(Item, result.item_id)
        assert item is not None
        assert item.published_at == datetime(2025, 3, 2, 20, 15, tzinfo=UTC)


def test_a_failed_save_leaves_the_other_posts_of_the_transaction(
    store: sessionmaker[Session],
) -> None:
    with store() as session, session.begin():
        save_analysis(session, make_analysis(fingerprint="1" * 16), source="s", seen_at=NOW)
        with pytest.raises(ValueError):
            save_analysis(session, make_analysis(fingerprint="x" * 65), source="s", seen_at=NOW)
        save_analysis(
            session,
            make_analysis(url="https://other.example/", fingerprint="2" * 16),
            source="s",
            seen_at=NOW,
        )
    with store() as session:
        assert count_items(session) == 2


def test_insert_race_ends_with_one_item(
    store: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process stores the same post after our lookup and before our insert.

    The other process commits first; our lookup is made to miss it, as it would have if it had
    run a moment earlier. (On SQLite the write lock taken at BEGIN makes the real interleaving
    impossible; on PostgreSQL it happens, and the two-thread test below exercises it.)
    """
    with store() as other, other.begin():
        save_analysis(other, make_analysis(), source="other-crawl", seen_at=NOW)

    real_find = items_module.find_duplicate
    stale_lookups: list[str] = []

    def lookup_that_missed_the_other_commit(session: Session, canonical_url: str, fp: str):
        if canonical_url == "https://forum.example/t/1" and not stale_lookups:
            stale_lookups.append(canonical_url)
            return None
        return real_find(session, canonical_url, fp)

    monkeypatch.setattr(items_module, "find_duplicate", lookup_that_missed_the_other_commit)
    earlier = make_analysis(url="https://forum.example/t/0", fingerprint="0" * 16)
    with store() as session, session.begin():
        # Saved earlier in the same transaction: it must survive the SAVEPOINT rollback.
        kept = save_analysis(session, earlier, source="this-crawl", seen_at=NOW)
        result = save_analysis(session, make_analysis(), source="this-crawl", seen_at=NOW)
    assert stale_lookups and kept.created and not result.created and result.new_sighting
    with store() as session:
        assert count_items(session) == 2
        raced_item = session.get(Item, result.item_id)
        assert raced_item is not None and raced_item.url == "https://forum.example/t/1"
        # The loser's mentions and labels were rolled back with its SAVEPOINT: one set per item.
        assert len(session.scalars(select(MentionRow)).all()) == 2
        assert len(session.scalars(select(LabelRow)).all()) == 2
    assert sorted(s[1:] for s in sightings(store)) == [
        ("other-crawl", "https://forum.example/t/1"),
        ("this-crawl", "https://forum.example/t/0"),
        ("this-crawl", "https://forum.example/t/1"),
    ]


def test_outer_rollback_undoes_the_save(store: sessionmaker[Session]) -> None:
    """The SAVEPOINTs inside save_analysis must not commit the caller's transaction."""
    with store() as session:
        with session.begin():
            save_analysis(session, make_analysis(), source="s", seen_at=NOW)
            session.rollback()
    with store() as session:
        assert count_items(session) == 0
    assert sightings(store) == []


def test_two_threads_saving_the_same_post_store_one_item(store: sessionmaker[Session]) -> None:
    barrier = threading.Barrier(2)
    results: dict[str, SaveResult] = {}
    errors: list[BaseException] = []

    def crawl(source: str) -> None:
        try:
            barrier.wait(timeout=10)
            results[source] = save(store, make_analysis(), source)
        except BaseException as e:  # reported below; a thread cannot fail the test itself
            errors.append(e)

    threads = [threading.Thread(target=crawl, args=(name,)) for name in ("crawl-1", "crawl-2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(r.created for r in results.values()) == [False, True]
    assert len({r.item_id for r in results.values()}) == 1
    with store() as session:
        assert count_items(session) == 1
    assert sorted(s[1] for s in sightings(store)) == ["crawl-1", "crawl-2"]
