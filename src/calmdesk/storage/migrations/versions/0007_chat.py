"""chat: platform agents linked to users, conversations feeding live contacts, received
messages (idempotency) and the private notes' outbox

Revision ID: 0007_chat
Revises: 0001_users
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_chat"
down_revision = "0001_users"
branch_labels = ("chat",)
# chat_conversations.contact_id is a foreign key to live_contacts, created by 0003_live.
depends_on = "0003_live"

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "chat_agent_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("external_id", sa.String(128), nullable=False),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.UniqueConstraint("platform", "account", "external_id"),
    )
    op.create_index("ix_chat_agent_links_user_id", "chat_agent_links", ["user_id"])
    op.create_table(
        "chat_conversations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("external_id", sa.String(128), nullable=False),
        sa.Column(
            "contact_id",
            sa.Integer(),
            sa.ForeignKey("live_contacts.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column(
            "agent_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("updated_at", MOMENT, nullable=False),
        sa.Column("ended_at", MOMENT, nullable=True),
        sa.UniqueConstraint("platform", "account", "external_id"),
    )
    op.create_index("ix_chat_conversations_contact_id", "chat_conversations", ["contact_id"])
    op.create_table(
        "chat_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "conversation_id",
            sa.Integer(),
            sa.ForeignKey("chat_conversations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("external_id", sa.String(128), nullable=False),
        sa.Column("speaker", sa.String(10), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("received_at", MOMENT, nullable=False),
        sa.UniqueConstraint("conversation_id", "external_id"),
    )
    op.create_index("ix_chat_messages_conversation_id", "chat_messages", ["conversation_id"])
    op.create_table(
        "chat_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "conversation_id",
            sa.Integer(),
            sa.ForeignKey("chat_conversations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", MOMENT, nullable=False),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("sent_at", MOMENT, nullable=True),
    )
    op.create_index("ix_chat_notes_conversation_id", "chat_notes", ["conversation_id"])
    op.create_index("ix_chat_notes_status", "chat_notes", ["status"])
    op.create_index("ix_chat_notes_next_attempt_at", "chat_notes", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_table("chat_notes")
    op.drop_table("chat_messages")
    op.drop_table("chat_conversations")
    op.drop_table("chat_agent_links")
