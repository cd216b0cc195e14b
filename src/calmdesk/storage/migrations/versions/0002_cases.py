"""cases: complaint cases, their append-only events and compensation

Revision ID: 0002_cases
Revises: 0001_users
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002_cases"
down_revision: str | Sequence[str] | None = "0001_users"
branch_labels: str | Sequence[str] | None = ("cases",)
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _moment(name: str, nullable: bool = True) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _user(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"))


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("category_suggested", sa.Boolean(), nullable=False),
        sa.Column("severity", sa.String(64), nullable=False),
        sa.Column("team", sa.String(64), nullable=False),
        sa.Column("customer_contact", sa.String(320), nullable=True),
        sa.Column("customer_name", sa.String(200), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("references", JSON, nullable=False),
        _moment("occurred_at"),
        sa.Column("source_contact_id", sa.Integer(), nullable=True),
        _user("created_by_id"),
        _user("owner_id"),
        _moment("received_at", nullable=False),
        _moment("first_responded_at"),
        _moment("resolved_at"),
        _moment("closed_at"),
        _moment("paused_at"),
        sa.Column("paused_seconds", sa.Integer(), nullable=False),
        _moment("first_response_due", nullable=False),
        _moment("first_response_warn_at", nullable=False),
        _moment("resolution_due", nullable=False),
        _moment("resolution_warn_at", nullable=False),
        sa.Column("legal_due", sa.Date(), nullable=False),
        _moment("legal_risk_at", nullable=False),
        _moment("first_response_warned_at"),
        _moment("first_response_breached_at"),
        _moment("resolution_warned_at"),
        _moment("resolution_breached_at"),
        _moment("legal_risk_flagged_at"),
        _moment("next_check_at"),
        _moment("erased_at"),
        _moment("created_at", nullable=False),
        _moment("updated_at", nullable=False),
    )
    for column in (
        "status",
        "channel",
        "language",
        "category",
        "team",
        "customer_contact",
        "created_by_id",
        "owner_id",
        "closed_at",
        "first_response_due",
        "resolution_due",
        "legal_due",
        "next_check_at",
        "created_at",
    ):
        op.create_index(f"ix_cases_{column}", "cases", [column])
    # Partial indexes for the lists of open cases ("overdue", "legal risk").
    open_case = sa.text("status NOT IN ('resolved', 'closed')")
    for column in ("resolution_due", "legal_due"):
        op.create_index(
            f"ix_cases_open_{column}",
            "cases",
            [column, "id"],
            postgresql_where=open_case,
            sqlite_where=open_case,
        )

    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "case_id",
            sa.Integer(),
            sa.ForeignKey("cases.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(40), nullable=False),
        _moment("at", nullable=False),
        _user("actor_id"),
        sa.Column("from_status", sa.String(20), nullable=True),
        sa.Column("to_status", sa.String(20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("data", JSON, nullable=False),
    )
    op.create_index("ix_case_events_case_id_id", "case_events", ["case_id", "id"])
    op.create_index("ix_case_events_kind", "case_events", ["kind"])

    op.create_table(
        "compensations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "case_id",
            sa.Integer(),
            sa.ForeignKey("cases.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        _user("proposed_by_id"),
        _moment("proposed_at", nullable=False),
        _user("decided_by_id"),
        _moment("decided_at"),
        sa.Column("rationale", sa.Text(), nullable=True),
    )
    op.create_index("ix_compensations_case_id", "compensations", ["case_id"])
    op.create_index("ix_compensations_status", "compensations", ["status"])


def downgrade() -> None:
    op.drop_table("compensations")
    op.drop_table("case_events")
    op.drop_table("cases")
