"""cases: the customer's answer to the solution, the promised call-back, satisfaction
surveys, saved queue filters, notes between colleagues with their mentions

Revision ID: 0002_cases_04_customer
Revises: 0002_cases_03_legal_and_money
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from calmdesk.storage.types import UTCDateTime

revision: str = "0002_cases_04_customer"
down_revision: str | Sequence[str] | None = "0002_cases_03_legal_and_money"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("customer_answer", sa.String(20), nullable=True))
        batch.add_column(sa.Column("callback_due", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("callback_channel", sa.String(20), nullable=True))
        batch.create_index("ix_cases_callback_due", ["callback_due"])
    op.create_table(
        "case_surveys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "case_id",
            sa.Integer(),
            sa.ForeignKey("cases.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("team", sa.String(64), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
    )
    op.create_index("ix_case_surveys_answered_at", "case_surveys", ["answered_at"])
    op.create_table(
        "case_saved_filters",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("query", sa.String(1000), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("user_id", "name", name="uq_case_saved_filters_user_name"),
    )
    op.create_index("ix_case_saved_filters_user_id", "case_saved_filters", ["user_id"])
    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_case_notes_case_id_id", "case_notes", ["case_id", "id"])
    op.create_table(
        "case_mentions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "note_id",
            sa.Integer(),
            sa.ForeignKey("case_notes.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("read_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_case_mentions_note_id", "case_mentions", ["note_id"])
    op.create_index("ix_case_mentions_case_id", "case_mentions", ["case_id"])
    op.create_index("ix_case_mentions_user_id_read_at", "case_mentions", ["user_id", "read_at"])


def downgrade() -> None:
    op.drop_table("case_mentions")
    op.drop_table("case_notes")
    op.drop_index("ix_case_saved_filters_user_id", table_name="case_saved_filters")
    op.drop_table("case_saved_filters")
    op.drop_index("ix_case_surveys_answered_at", table_name="case_surveys")
    op.drop_table("case_surveys")
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_callback_due")
        batch.drop_column("callback_channel")
        batch.drop_column("callback_due")
        batch.drop_column("customer_answer")
