"""social: posts that came from a platform connector (their platform id, the connector, a
deletion on the platform recorded, not applied)

Revision ID: 0004_social_03_connectors
Revises: 0004_social_02_post_keys
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_social_03_connectors"
down_revision: str | Sequence[str] | None = "0004_social_02_post_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("social_posts") as batch:
        batch.add_column(sa.Column("source", sa.String(32), nullable=True))
        batch.add_column(sa.Column("external_id", sa.String(200), nullable=True))
        batch.add_column(
            sa.Column("deleted_on_platform_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.create_index(
        "uq_social_posts_platform_external_id",
        "social_posts",
        ["platform", "external_id"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_social_posts_platform_external_id", "social_posts")
    # In place (SQLite 3.35+ drops a column itself): a batch copy of social_posts would have to
    # drop the table its events and promises point at.
    op.drop_column("social_posts", "deleted_on_platform_at")
    op.drop_column("social_posts", "external_id")
    op.drop_column("social_posts", "source")
