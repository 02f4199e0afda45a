"""The tables. Changing one means a new Alembic revision in store/migrations/versions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints: SQLite batch migrations can only drop or alter a constraint by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend.

    SQLite has no time zone type: SQLAlchemy would drop the offset on the way in and hand back
    naive values. Here an aware value is converted to UTC before it is stored, and a naive value
    read back is labelled UTC, so comparisons with `datetime.now(UTC)` work everywhere. A naive
    value on the way in is a bug in the caller (its zone is unknown), so it is refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()}: the store needs aware UTC times")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


UTC_DT = UTCDateTime()


class Item(Base):
    """One post, stored once however many sources carried it (see Sighting)."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    canonical_url: Mapped[str | None] = mapped_column(String(2048), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")  # normalised; capped, see store.items
    author: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str] = mapped_column(String(2048), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTC_DT)
    first_seen_at: Mapped[datetime] = mapped_column(UTC_DT, index=True)
    relevant: Mapped[bool] = mapped_column(default=False, index=True)
    severity: Mapped[str | None] = mapped_column(String(10))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)

    sightings: Mapped[list[Sighting]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="Sighting.id"
    )
    mentions: Mapped[list[MentionRow]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="MentionRow.id"
    )
    labels: Mapped[list[LabelRow]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="LabelRow.id"
    )


class Sighting(Base):
    """Where and when an item was seen: one per (item, source, url)."""

    __tablename__ = "sightings"
    __table_args__ = (UniqueConstraint("item_id", "source", "url", name="uq_sighting"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2048), default="")
    seen_at: Mapped[datetime] = mapped_column(UTC_DT)

    item: Mapped[Item] = relationship(back_populates="sightings")


class MentionRow(Base):
    __tablename__ = "mentions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    school: Mapped[str] = mapped_column(String(300), index=True)
    name: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(String(500))
    field: Mapped[str] = mapped_column(String(10))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text, default="")

    item: Mapped[Item] = relationship(back_populates="mentions")


class LabelRow(Base):
    __tablename__ = "labels"
    __table_args__ = (UniqueConstraint("item_id", "label", name="uq_label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(30), index=True)
    score: Mapped[float] = mapped_column(Float)

    item: Mapped[Item] = relationship(back_populates="labels")


class SourceState(Base):
    """Per-source crawl state: conditional-GET validators and health."""

    __tablename__ = "source_state"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), default="")
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTC_DT)
    last_success_at: Mapped[datetime | None] = mapped_column(UTC_DT)
    last_items: Mapped[int] = mapped_column(Integer, default=0)  # entries read on the last success
    total_items: Mapped[int] = mapped_column(Integer, default=0)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_class: Mapped[str | None] = mapped_column(String(40))
    last_error_at: Mapped[datetime | None] = mapped_column(UTC_DT)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)  # e.g. a salvaged bozo feed


class Outbox(Base):
    """Transactional outbox: written with the state it reports, sent by the flush job.

    `message` is the whole RFC 5322 message as built, so a retry sends the same bytes with
    the same Message-ID and a receiver can recognise it.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # digest, alert
    recipients: Mapped[list[str]] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending, sent, failed
    created_at: Mapped[datetime] = mapped_column(UTC_DT)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTC_DT)
    sent_at: Mapped[datetime | None] = mapped_column(UTC_DT)
    last_error: Mapped[str | None] = mapped_column(Text)


class Digest(Base):
    """The digest ledger: one row per digest built for a school."""

    __tablename__ = "digests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school: Mapped[str] = mapped_column(String(300), index=True)
    created_at: Mapped[datetime] = mapped_column(UTC_DT)
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))


class DigestItem(Base):
    """An item is in exactly one digest per school: the unique constraint is the guarantee."""

    __tablename__ = "digest_items"
    __table_args__ = (UniqueConstraint("school", "item_id", name="uq_digest_item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest_id: Mapped[int] = mapped_column(ForeignKey("digests.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    school: Mapped[str] = mapped_column(String(300))


class Feedback(Base):
    """A person's correction of what the pipeline concluded about a post.

    Written by the comms queue ("not relevant", corrected labels) and read by the matcher and
    classifier when they retrain. The post's words are kept as a snapshot so that feedback
    outlives the item it corrected, but only for the retention period like everything else.
    """

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="SET NULL"), index=True
    )
    school: Mapped[str | None] = mapped_column(String(300))
    relevant: Mapped[bool | None] = mapped_column()  # None: relevance not judged
    labels: Mapped[list[str] | None] = mapped_column(JSON)  # None: labels not judged
    severity: Mapped[str | None] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTC_DT, index=True)


class RoutedItem(Base):
    """The alert ledger: an item has been routed for a school (alerts decided, queue item made).

    The unique constraint makes "each item is routed once per school" a database guarantee, so
    two flushes racing cannot alert twice (issue 5)."""

    __tablename__ = "routed_items"
    __table_args__ = (UniqueConstraint("school", "item_id", name="uq_routed_item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school: Mapped[str] = mapped_column(String(300))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    routed_at: Mapped[datetime] = mapped_column(UTC_DT, index=True)


class AlertDelivery(Base):
    """One immediate alert about one item for one recipient.

    status: `sent` (queued in the outbox as `outbox_id`), `grouped` (a near-duplicate of the
    alert `group_id`, so not sent again), `held` (over the recipient's rate limit: it goes out
    in one combined alert when the window allows)."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        UniqueConstraint("school", "item_id", "recipient", name="uq_alert_delivery"),
        Index("ix_alert_deliveries_recipient", "recipient", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school: Mapped[str] = mapped_column(String(300))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(320))
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="held")
    group_id: Mapped[int | None] = mapped_column(Integer)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTC_DT)
    sent_at: Mapped[datetime | None] = mapped_column(UTC_DT)


class QueueItem(Base):
    """A parental complaint in the comms queue, with its owner, status and 48-hour clock.

    status: new, acknowledged, replied, escalated, closed, not_relevant."""

    __tablename__ = "comms_queue"
    __table_args__ = (UniqueConstraint("school", "item_id", name="uq_comms_queue_item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school: Mapped[str] = mapped_column(String(300), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    owner: Mapped[str] = mapped_column(String(320), default="")
    status: Mapped[str] = mapped_column(String(15), default="new", index=True)
    found_at: Mapped[datetime] = mapped_column(UTC_DT)
    due_at: Mapped[datetime] = mapped_column(UTC_DT, index=True)
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    reminded_at: Mapped[datetime | None] = mapped_column(UTC_DT)
    escalated_at: Mapped[datetime | None] = mapped_column(UTC_DT)
    updated_at: Mapped[datetime] = mapped_column(UTC_DT)
    updated_by: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
