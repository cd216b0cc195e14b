"""social: who each post is about, in one spelling (its author, the phones and e-mails in it)

Revision ID: 0004_social_02_post_keys
Revises: 0004_social
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from calmdesk.analysis.contact_keys import contact_key, keys_in
from calmdesk.playbook.region import configured_region

revision: str = "0004_social_02_post_keys"
down_revision: str | Sequence[str] | None = "0004_social"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ERASED = "[erased]"
posts = sa.table(
    "social_posts",
    sa.column("id", sa.Integer()),
    sa.column("platform", sa.String()),
    sa.column("author_handle", sa.String()),
    sa.column("text", sa.Text()),
    sa.column("lang", sa.String()),
)


def upgrade() -> None:
    keys_table = op.create_table(
        "social_post_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("post_id", sa.Integer(), sa.ForeignKey("social_posts.id"), nullable=False),
        sa.Column("key", sa.String(320), nullable=False),
        sa.UniqueConstraint("post_id", "key", name="uq_social_post_keys"),
    )
    op.create_index("ix_social_post_keys_key", "social_post_keys", ["key"])
    connection = op.get_bind()
    region = configured_region()
    rows = connection.execute(
        sa.select(
            posts.c.id, posts.c.platform, posts.c.author_handle, posts.c.text, posts.c.lang
        ).where(posts.c.author_handle != ERASED)
    ).all()
    values = []
    for post_id, platform, handle, text, lang in rows:
        keys = {contact_key(f"{platform}:{handle}")} | keys_in(text, region, lang)
        values += [{"post_id": post_id, "key": key} for key in sorted(keys)]
    if values:
        op.bulk_insert(keys_table, values)


def downgrade() -> None:
    op.drop_index("ix_social_post_keys_key", "social_post_keys")
    op.drop_table("social_post_keys")
