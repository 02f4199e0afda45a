"""Digest queries: which stored items a school has not had in a digest yet, and the ledger.

"Not had yet" is decided by the ledger alone (DigestItem rows), and the unique constraint on
(school, item_id) makes "each item in exactly one digest per school" a database guarantee rather
than a hope: two digest runs racing for the same item cannot both commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session, selectinload

from store.models import Digest, DigestItem, Item, MentionRow, SourceState

# Most severe first, so that if a digest is capped the urgent items are never the ones waiting.
_SEVERITY_RANK = case({"urgent": 0, "high": 1, "normal": 2, "low": 3}, value=Item.severity, else_=2)


def pending_items(session: Session, school: str, limit: int | None = None) -> list[Item]:
    """Items that mention `school` and are in none of its digests yet, most severe first, then
    oldest first. Sightings, mentions and labels are loaded with them."""
    mentioned = exists().where(MentionRow.item_id == Item.id, MentionRow.school == school)
    already = exists().where(DigestItem.item_id == Item.id, DigestItem.school == school)
    stmt = (
        select(Item)
        .where(mentioned, ~already)
        .order_by(_SEVERITY_RANK, Item.first_seen_at, Item.id)
        .options(
            selectinload(Item.sightings),
            selectinload(Item.mentions),
            selectinload(Item.labels),
        )
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def record_digest(
    session: Session, *, school: str, item_ids: Sequence[int], now: datetime
) -> Digest:
    """Write the ledger for one digest: the Digest row and one DigestItem per item. Flushed, so
    the digest has its id (and a duplicate item fails here, inside the caller's transaction)."""
    digest = Digest(school=school, created_at=now, item_count=len(item_ids))
    session.add(digest)
    session.flush()
    session.add_all(DigestItem(digest_id=digest.id, item_id=i, school=school) for i in item_ids)
    session.flush()
    return digest


def attach_outbox(session: Session, digest: Digest, outbox_id: int) -> None:
    """Record which outbox message carries `digest`."""
    digest.outbox_id = outbox_id
    session.flush()


def digested_item_ids(session: Session, school: str) -> list[int]:
    """Every item id already in a digest for `school`, in ledger order."""
    stmt = select(DigestItem.item_id).where(DigestItem.school == school).order_by(DigestItem.id)
    return list(session.scalars(stmt))


def source_states(session: Session, names: Iterable[str]) -> dict[str, SourceState]:
    """The stored crawl state of the named sources (sources never run have no row)."""
    wanted = list(names)
    if not wanted:
        return {}
    rows = session.scalars(select(SourceState).where(SourceState.name.in_(wanted)))
    return {row.name: row for row in rows}


def labelled_since(
    session: Session, school: str, since: datetime
) -> list[tuple[datetime, list[str]]]:
    """(first seen, labels) of every item mentioning `school` first seen since `since`: the
    raw material for week-on-week counts and the 14-day chart."""
    mentioned = exists().where(MentionRow.item_id == Item.id, MentionRow.school == school)
    stmt = (
        select(Item)
        .where(mentioned, Item.first_seen_at >= since)
        .options(selectinload(Item.labels))
    )
    return [(i.first_seen_at, [row.label for row in i.labels]) for i in session.scalars(stmt)]


def last_digest_at(session: Session, school: str) -> datetime | None:
    stmt = select(func.max(Digest.created_at)).where(Digest.school == school)
    return session.scalar(stmt)  # max() keeps the column's type: an aware UTC datetime


def digests_since(session: Session, school: str, since: datetime) -> int:
    stmt = select(func.count()).where(Digest.school == school, Digest.created_at >= since)
    return int(session.scalar(stmt) or 0)
