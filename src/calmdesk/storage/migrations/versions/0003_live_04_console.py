"""live: when each contact's last line came (for the time-out) and when its agent asked for a
break

Revision ID: 0003_live_04_console
Revises: 0003_live_03_contact_keys
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_live_04_console"
down_revision: str | Sequence[str] | None = "0003_live_03_contact_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

contacts = sa.table(
    "live_contacts",
    sa.column("id", sa.Integer()),
    sa.column("started_at", sa.DateTime(timezone=True)),
    sa.column("last_line_at", sa.DateTime(timezone=True)),
)
events = sa.table(
    "live_contact_events",
    sa.column("contact_id", sa.Integer()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table("live_contacts") as batch:
        batch.add_column(sa.Column("last_line_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("break_requested_at", sa.DateTime(timezone=True), nullable=True))
    latest = (
        sa.select(sa.func.max(events.c.created_at))
        .where(events.c.contact_id == contacts.c.id)
        .scalar_subquery()
    )
    op.execute(
        contacts.update().values(last_line_at=sa.func.coalesce(latest, contacts.c.started_at))
    )
    op.create_index(
        "ix_live_contacts_status_last_line", "live_contacts", ["status", "last_line_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_live_contacts_status_last_line", "live_contacts")
    # ALTER TABLE ... DROP COLUMN (SQLite >= 3.35), not a batch copy: see upgrade().
    op.drop_column("live_contacts", "break_requested_at")
    op.drop_column("live_contacts", "last_line_at")
