"""webhooks: subscriptions, and the durable outbox their deliveries go through

Revision ID: 0006_webhooks
Revises: 0001_users
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006_webhooks"
down_revision = "0001_users"
branch_labels = ("webhooks",)
# Only users.id is referenced (0001_users, the down revision). The outbox's target_id and the
# domains' ids in payloads are plain values, so this branch needs nothing from the others.
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
MOMENT = sa.DateTime(timezone=True)


def _user(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"))


def upgrade() -> None:
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("event_kinds", JSON, nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("secret_salt", sa.String(64), nullable=False),
        sa.Column("secret_hint", sa.String(16), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        _user("created_by_id"),
        sa.Column("secret_rotated_at", MOMENT, nullable=True),
        sa.Column("disabled_at", MOMENT, nullable=True),
        _user("disabled_by_id"),
    )
    op.create_index("ix_webhook_subscriptions_is_active", "webhook_subscriptions", ["is_active"])
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("event_kind", sa.String(64), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("due_at", MOMENT, nullable=True),
        sa.Column("lease_token", sa.String(32), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("attempts_before_replay", sa.Integer(), nullable=False),
        sa.Column("last_attempt_at", MOMENT, nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", MOMENT, nullable=True),
        sa.Column("replayed_at", MOMENT, nullable=True),
        _user("replayed_by_id"),
        sa.UniqueConstraint("channel", "target_id", "event_id", name="uq_outbox_messages_event"),
    )
    op.create_index("ix_outbox_messages_due_at", "outbox_messages", ["due_at"])
    op.create_index("ix_outbox_messages_status", "outbox_messages", ["status"])
    op.create_index("ix_outbox_messages_event_kind", "outbox_messages", ["event_kind"])
    op.create_index("ix_outbox_messages_created_at", "outbox_messages", ["created_at"])
    op.create_index("ix_outbox_messages_target", "outbox_messages", ["channel", "target_id", "id"])
    op.create_table(
        "outbox_attempts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "message_id",
            sa.Integer(),
            sa.ForeignKey("outbox_messages.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("started_at", MOMENT, nullable=False),
        sa.Column("finished_at", MOMENT, nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.UniqueConstraint("message_id", "number", name="uq_outbox_attempts_number"),
    )


def downgrade() -> None:
    op.drop_table("outbox_attempts")
    op.drop_table("outbox_messages")
    op.drop_table("webhook_subscriptions")
