"""live: contacts and their append-only events

Revision ID: 0003_live
Revises: 0001_users
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_live"
down_revision = "0001_users"
branch_labels = ("live",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_contacts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("lang", sa.String(5), nullable=True),
        sa.Column("can_transfer", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stage", sa.String(20), nullable=True),
        sa.Column("rung", sa.String(20), nullable=True),
        sa.Column("heat", sa.Float(), nullable=False),
        sa.Column("peak_heat", sa.Float(), nullable=False),
        sa.Column("alerts", sa.JSON(), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("break_minutes", sa.Integer(), nullable=True),
        sa.Column("break_granted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("break_granted_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("break_granted_minutes", sa.Integer(), nullable=True),
    )
    op.create_index("ix_live_contacts_agent_id", "live_contacts", ["agent_id"])
    op.create_index("ix_live_contacts_status", "live_contacts", ["status"])
    op.create_table(
        "live_contact_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "contact_id",
            sa.Integer(),
            sa.ForeignKey("live_contacts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("action", sa.String(40), nullable=True),
        sa.Column("signals", sa.JSON(), nullable=True),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("guidance", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("contact_id", "seq", name="uq_live_contact_events_seq"),
    )
    op.create_index("ix_live_contact_events_contact_id", "live_contact_events", ["contact_id"])


def downgrade() -> None:
    op.drop_index("ix_live_contact_events_contact_id", table_name="live_contact_events")
    op.drop_table("live_contact_events")
    op.drop_index("ix_live_contacts_status", table_name="live_contacts")
    op.drop_index("ix_live_contacts_agent_id", table_name="live_contacts")
    op.drop_table("live_contacts")
