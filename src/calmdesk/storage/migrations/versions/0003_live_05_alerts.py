"""live: the board's alerts kept (with who acknowledged them) and who took a contact over

Revision ID: 0003_live_05_alerts
Revises: 0003_live_04_console
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_live_05_alerts"
down_revision: str | Sequence[str] | None = "0003_live_04_console"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "live_alerts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "contact_id",
            sa.Integer(),
            sa.ForeignKey("live_contacts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_index("ix_live_alerts_created_at", "live_alerts", ["created_at"])
    op.create_index("ix_live_alerts_contact_id", "live_alerts", ["contact_id"])
    # Plain ADD COLUMNs: no copy of the contacts' table on SQLite (which takes the reference
    # only written inline), a named constraint on PostgreSQL.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE live_contacts ADD COLUMN taken_over_by_id INTEGER REFERENCES users (id)"
        )
    else:
        op.add_column("live_contacts", sa.Column("taken_over_by_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_live_contacts_taken_over_by_id",
            "live_contacts",
            "users",
            ["taken_over_by_id"],
            ["id"],
        )
    op.add_column(
        "live_contacts", sa.Column("taken_over_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    # No table copy on SQLite either (its native DROP COLUMN): copying live_contacts would
    # drop the old table, and the foreign keys would cascade that to every contact's events.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE live_contacts DROP COLUMN taken_over_at")
        op.execute("ALTER TABLE live_contacts DROP COLUMN taken_over_by_id")
    else:
        op.drop_constraint("fk_live_contacts_taken_over_by_id", "live_contacts", type_="foreignkey")
        op.drop_column("live_contacts", "taken_over_at")
        op.drop_column("live_contacts", "taken_over_by_id")
    op.drop_index("ix_live_alerts_contact_id", "live_alerts")
    op.drop_index("ix_live_alerts_created_at", "live_alerts")
    op.drop_table("live_alerts")
