"""store.retention: the retention limit deletes old items with everything that refers to them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from pipelines.post import Analysis, Mention, Post
from store.items import count_items, save_analysis
from store.models import Digest, DigestItem, Item, LabelRow, MentionRow, Outbox, Sighting
from store.retention import PurgeReport, purge

CUTOFF = datetime(2025, 1, 1, tzinfo=UTC)
OLD = CUTOFF - timedelta(days=1)
NEW = CUTOFF + timedelta(days=1)


def make_analysis(*, url: str, fingerprint: str) -> Analysis:
    school = "Oakfield Academy"
    mention = Mention("school", school, school, "Oakfield", "text", 0, 8, 95.0)
    return Analysis(
        post=Post(text="Oakfield staff named in a thread", url=url),
        canonical_url=url,
        fingerprint=fingerprint,
        mentions=[mention],
        labels=["reputation_risk"],
        scores={"reputation_risk": 0.7},
        severity="high",
    )


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def outbox_row(message_id: str, status: str, created: datetime, sent: datetime | None) -> Outbox:
    return Outbox(
        message_id=message_id,
        kind="digest",
        recipients=["slt@oakfield.example"],
        subject="Digest",
        message="Subject: Digest\n\nquotes a post",
        status=status,
        created_at=created,
        attempts=1,
        next_attempt_at=created,
        sent_at=sent,
    )


def fill(store: sessionmaker[Session]) -> dict[str, int]:
    """Two old items (one seen twice) and one new item, a digest holding one old and the new
    item, and outbox rows in every state on both sides of the cutoff."""
    with store() as session, session.begin():
        old_a = save_analysis(
            session,
            make_analysis(url="https://a.example/1", fingerprint="a" * 16),
            source="forum",
            seen_at=OLD,
        )
        save_analysis(
            session,
            make_analysis(url="https://a.example/1", fingerprint="a" * 16),
            source="rss",
            seen_at=NEW,
        )
        old_b = save_analysis(
            session,
            make_analysis(url="https://b.example/1", fingerprint="b" * 16),
            source="forum",
            seen_at=OLD,
        )
        new = save_analysis(
            session,
            make_analysis(url="https://c.example/1", fingerprint="c" * 16),
            source="forum",
            seen_at=NEW,
        )
        sent_old = outbox_row("<old-sent@x>", "sent", OLD - timedelta(hours=1), OLD)
        session.add_all(
            [
                sent_old,
                outbox_row("<new-sent@x>", "sent", OLD, NEW),  # sent after the cutoff: kept
                outbox_row("<old-failed@x>", "failed", OLD, None),
                outbox_row("<old-pending@x>", "pending", OLD, None),  # undelivered: kept
            ]
        )
        session.flush()
        digest = Digest(school="Oakfield Academy", created_at=OLD, item_count=2)
        digest.outbox_id = sent_old.id
        session.add(digest)
        session.flush()
        session.add_all(
            [
                DigestItem(digest_id=digest.id, item_id=old_a.item_id, school="Oakfield Academy"),
                DigestItem(digest_id=digest.id, item_id=new.item_id, school="Oakfield Academy"),
            ]
        )
    return {"old_a": old_a.item_id, "old_b": old_b.item_id, "new": new.item_id}


def test_purge_deletes_old_items_with_their_rows_and_old_finished_mail(
    store: sessionmaker[Session],
) -> None:
    ids = fill(store)
    with store() as session, session.begin():
        report = purge(session, older_than=CUTOFF)
    assert report == PurgeReport(
        items=2, sightings=3, mentions=2, labels=2, digest_items=1, outbox=2
    )
    assert report.total == 12
    with store() as session:
        assert [i.id for i in session.scalars(select(Item))] == [ids["new"]]
        for model in (Sighting, MentionRow, LabelRow, DigestItem):
            assert session.scalars(select(model.item_id)).all() == [ids["new"]]  # type: ignore[attr-defined]
        assert sorted(session.scalars(select(Outbox.message_id))) == [
            "<new-sent@x>",
            "<old-pending@x>",
        ]
        [digest] = session.scalars(select(Digest))
        assert digest.outbox_id is None and digest.item_count == 2


def test_purge_again_deletes_nothing(store: sessionmaker[Session]) -> None:
    fill(store)
    with store() as session, session.begin():
        purge(session, older_than=CUTOFF)
    with store() as session, session.begin():
        assert purge(session, older_than=CUTOFF) == PurgeReport()


def test_purge_rolls_back_with_the_callers_transaction(store: sessionmaker[Session]) -> None:
    fill(store)
    with store() as session:
        with session.begin():
            assert purge(session, older_than=CUTOFF).items == 2
            session.rollback()
    with store() as session:
        assert count_items(session) == 3 and count(session, Outbox) == 4


def test_a_naive_cutoff_is_refused(store: sessionmaker[Session]) -> None:
    with store() as session, pytest.raises(ValueError, match="older_than must be timezone-aware"):
        purge(session, older_than=datetime(2025, 1, 1))


def test_feedback_expires_with_the_retention_period(store: sessionmaker[Session]) -> None:
    from store.models import Feedback

    with store() as session, session.begin():
        session.add_all(
            [
                Feedback(relevant=False, text="old words", created_at=OLD),
                Feedback(relevant=False, text="new words", created_at=NEW),
            ]
        )
    with store() as session, session.begin():
        report = purge(session, older_than=CUTOFF)
    assert report.feedback == 1
    with store() as session:
        assert [f.text for f in session.query(Feedback)] == ["new words"]


def test_cached_images_expire_with_the_retention_period(tmp_path) -> None:  # noqa: ANN001
    import os

    from store.retention import purge_files

    old, new = tmp_path / "ab" / "old.jpg", tmp_path / "cd" / "new.jpg"
    for path, when in ((old, OLD), (new, NEW)):
        path.parent.mkdir()
        path.write_bytes(b"\xff\xd8")
        os.utime(path, (when.timestamp(), when.timestamp()))
    assert purge_files(tmp_path, older_than=CUTOFF) == 1
    assert not old.exists() and new.exists()
    assert purge_files(tmp_path / "missing", older_than=CUTOFF) == 0
    with pytest.raises(ValueError, match="timezone-aware"):
        purge_files(tmp_path, older_than=CUTOFF.replace(tzinfo=None))
