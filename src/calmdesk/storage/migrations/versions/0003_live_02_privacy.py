"""live: when a contact's transcript was redacted or erased

Revision ID: 0003_live_02_privacy
Revises: 0003_live
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_live_02_privacy"
down_revision = "0003_live"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("live_contacts") as batch:
        batch.add_column(sa.Column("redacted_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("live_contacts") as batch:
        batch.drop_column("erased_at")
        batch.drop_column("redacted_at")
