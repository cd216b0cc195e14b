"""mail: messages read from the complaints mailbox, their attachments, notices to customers

Revision ID: 0005_mail
Revises: 0001_users
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005_mail"
down_revision: str | Sequence[str] | None = "0001_users"
branch_labels: str | Sequence[str] | None = ("mail",)
# mail_messages, mail_attachments and mail_notices reference cases.id.
depends_on: str | Sequence[str] | None = "0002_cases"

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
MOMENT = sa.DateTime(timezone=True)


def _case(nullable: bool = True, ondelete: str = "CASCADE") -> sa.Column[int]:
    return sa.Column(
        "case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete=ondelete), nullable=nullable
    )


def upgrade() -> None:
    op.create_table(
        "mail_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("dedupe_key", sa.String(64), nullable=False, unique=True),
        sa.Column("message_id", sa.String(500), nullable=True),
        sa.Column("mailbox", sa.String(200), nullable=False),
        sa.Column("sender", sa.String(320), nullable=True),
        sa.Column("sender_key", sa.String(320), nullable=True),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(24), nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("analysis", JSON, nullable=False),
        _case(ondelete="SET NULL"),
        sa.Column("received_at", MOMENT, nullable=False),
    )
    op.create_index("ix_mail_messages_message_id", "mail_messages", ["message_id"])
    op.create_index("ix_mail_messages_sender_key", "mail_messages", ["sender_key"])
    op.create_index("ix_mail_messages_outcome", "mail_messages", ["outcome"])
    op.create_index("ix_mail_messages_case_id", "mail_messages", ["case_id"])
    op.create_index("ix_mail_messages_received_at", "mail_messages", ["received_at"])
    op.create_table(
        "mail_attachments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "message_row_id",
            sa.Integer(),
            sa.ForeignKey("mail_messages.id", ondelete="CASCADE"),
            nullable=False,
        ),
        _case(),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(127), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("dropped", sa.String(32), nullable=True),
    )
    op.create_index("ix_mail_attachments_message_row_id", "mail_attachments", ["message_row_id"])
    op.create_index("ix_mail_attachments_case_id", "mail_attachments", ["case_id"])
    op.create_table(
        "mail_notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        _case(nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("to_address", sa.String(320), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=False, unique=True),
        sa.Column("in_reply_to", sa.String(500), nullable=True),
        sa.Column("references", JSON, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", MOMENT, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("source_event_id", sa.Integer(), nullable=True, unique=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("sent_at", MOMENT, nullable=True),
        sa.Column("details", JSON, nullable=False),
    )
    op.create_index("ix_mail_notices_case_id", "mail_notices", ["case_id"])
    op.create_index("ix_mail_notices_status", "mail_notices", ["status"])
    op.create_index("ix_mail_notices_status_next", "mail_notices", ["status", "next_attempt_at"])
    op.create_table(
        "mail_state",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.Integer(), nullable=False),
    )
    # Notices are sent for case events from now on: a database that already holds cases must
    # not e-mail their customers acknowledgements of long ago when mail is switched on.
    for key in ("notice_cursor", "notice_floor"):
        op.get_bind().execute(
            sa.text(
                "INSERT INTO mail_state (key, value) "
                "SELECT :key, COALESCE(MAX(id), 0) FROM case_events"
            ),
            {"key": key},
        )


def downgrade() -> None:
    op.drop_table("mail_state")
    op.drop_table("mail_notices")
    op.drop_table("mail_attachments")
    op.drop_table("mail_messages")
