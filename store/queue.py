"""Alert-routing and comms-queue queries: the routed-items ledger, alert deliveries, queue items.

Rules (who gets what, when) live in alerts.lanes, alerts.urgent and alerts.queue; these only
read and write rows inside the caller's transaction and never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, selectinload

from store.models import AlertDelivery, Item, MentionRow, QueueItem, RoutedItem

QUEUE_STATUSES = ("new", "acknowledged", "replied", "escalated", "closed", "not_relevant")
OPEN_STATUSES = ("new", "acknowledged", "escalated")  # still waiting for an answer


def unrouted_items(session: Session, school: str, *, since: datetime, limit: int) -> list[Item]:
    """Items that mention `school`, were first seen at or after `since` and have not been
    routed for it yet, oldest first, with labels, mentions and sightings loaded."""
    mentioned = exists().where(MentionRow.item_id == Item.id, MentionRow.school == school)
    routed = exists().where(RoutedItem.item_id == Item.id, RoutedItem.school == school)
    stmt = (
        select(Item)
        .where(mentioned, ~routed, Item.first_seen_at >= since)
        .order_by(Item.first_seen_at, Item.id)
        .limit(limit)
        .options(
            selectinload(Item.labels), selectinload(Item.mentions), selectinload(Item.sightings)
        )
    )
    return list(session.scalars(stmt))


def waiting_deliveries(session: Session, school: str) -> list[AlertDelivery]:
    """Deliveries decided but not yet sent, grouped or given up: new and held, in order."""
    stmt = (
        select(AlertDelivery)
        .where(AlertDelivery.school == school, AlertDelivery.status.in_(("new", "held")))
        .order_by(AlertDelivery.id)
    )
    return list(session.scalars(stmt))


def recent_sent(
    session: Session, school: str, recipient: str, since: datetime
) -> list[AlertDelivery]:
    """Alerts sent to `recipient` about `school` since `since` (candidates to group copies into)."""
    stmt = (
        select(AlertDelivery)
        .where(
            AlertDelivery.school == school,
            AlertDelivery.recipient == recipient,
            AlertDelivery.status == "sent",
            AlertDelivery.sent_at >= since,
        )
        .order_by(AlertDelivery.id)
    )
    return list(session.scalars(stmt))


def messages_sent_to(session: Session, recipient: str, since: datetime) -> int:
    """How many alert messages went to `recipient` since `since`, across schools."""
    stmt = select(func.count(func.distinct(AlertDelivery.outbox_id))).where(
        AlertDelivery.recipient == recipient,
        AlertDelivery.status == "sent",
        AlertDelivery.sent_at >= since,
        AlertDelivery.outbox_id.is_not(None),
    )
    return int(session.scalar(stmt) or 0)


def items_by_id(session: Session, ids: Sequence[int]) -> dict[int, Item]:
    if not ids:
        return {}
    stmt = (
        select(Item)
        .where(Item.id.in_(list(ids)))
        .options(
            selectinload(Item.labels), selectinload(Item.mentions), selectinload(Item.sightings)
        )
    )
    return {item.id: item for item in session.scalars(stmt)}


def routed_counts(
    session: Session, school: str, labels: Sequence[str], since: datetime
) -> dict[str, int]:
    """label -> how many items with it were routed for `school` since `since`."""
    rows = session.scalars(
        select(RoutedItem).where(RoutedItem.school == school, RoutedItem.routed_at >= since)
    )
    counts = dict.fromkeys(labels, 0)
    for row in rows:
        for label in row.labels or []:
            if label in counts:
                counts[label] += 1
    return counts


# ----------------------------------------------------------------------------- the comms queue


def queue_items(
    session: Session, *, school: str | None = None, statuses: Sequence[str] | None = None
) -> list[QueueItem]:
    stmt = select(QueueItem).order_by(QueueItem.due_at, QueueItem.id)
    if school is not None:
        stmt = stmt.where(QueueItem.school == school)
    if statuses is not None:
        stmt = stmt.where(QueueItem.status.in_(list(statuses)))
    return list(session.scalars(stmt))


def queue_item(session: Session, queue_id: int) -> QueueItem | None:
    return session.get(QueueItem, queue_id)


def overdue(session: Session, school: str, now: datetime) -> list[QueueItem]:
    stmt = (
        select(QueueItem)
        .where(
            QueueItem.school == school,
            QueueItem.status.in_(OPEN_STATUSES),
            QueueItem.due_at < now,
        )
        .order_by(QueueItem.due_at, QueueItem.id)
    )
    return list(session.scalars(stmt))
