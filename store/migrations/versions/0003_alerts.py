"""Alert routing: the routed-items ledger, per-recipient alert deliveries, the comms queue.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "routed_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school", sa.String(length=300), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("routed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_routed_items_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routed_items")),
        sa.UniqueConstraint("school", "item_id", name="uq_routed_item"),
    )
    op.create_index(op.f("ix_routed_items_item_id"), "routed_items", ["item_id"])
    op.create_index(op.f("ix_routed_items_routed_at"), "routed_items", ["routed_at"])

    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school", sa.String(length=300), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_alert_deliveries_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox.id"],
            name=op.f("fk_alert_deliveries_outbox_id_outbox"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_deliveries")),
        sa.UniqueConstraint("school", "item_id", "recipient", name="uq_alert_delivery"),
    )
    op.create_index(op.f("ix_alert_deliveries_item_id"), "alert_deliveries", ["item_id"])
    op.create_index(
        "ix_alert_deliveries_recipient", "alert_deliveries", ["recipient", "created_at"]
    )

    op.create_table(
        "comms_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school", sa.String(length=300), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=320), nullable=False),
        sa.Column("status", sa.String(length=15), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_comms_queue_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comms_queue")),
        sa.UniqueConstraint("school", "item_id", name="uq_comms_queue_item"),
    )
    op.create_index(op.f("ix_comms_queue_school"), "comms_queue", ["school"])
    op.create_index(op.f("ix_comms_queue_item_id"), "comms_queue", ["item_id"])
    op.create_index(op.f("ix_comms_queue_status"), "comms_queue", ["status"])
    op.create_index(op.f("ix_comms_queue_due_at"), "comms_queue", ["due_at"])


def downgrade() -> None:
    op.drop_table("comms_queue")
    op.drop_table("alert_deliveries")
    op.drop_table("routed_items")
