"""social: public posts, their append-only events and public promises

Revision ID: 0004_social
Revises: 0001_users
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004_social"
down_revision = "0001_users"
branch_labels = ("social",)
# social_posts.case_id is a plain indexed id, not a foreign key, so this branch needs nothing
# from the cases branch (depends_on would hide 0002_cases from the recorded heads).
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
MOMENT = sa.DateTime(timezone=True)


def _user(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"))


def upgrade() -> None:
    op.create_table(
        "social_posts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("url", sa.String(2000), nullable=True),
        sa.Column("author_handle", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("posted_at", MOMENT, nullable=True),
        sa.Column("received_at", MOMENT, nullable=False),
        sa.Column("first_response_due", MOMENT, nullable=False),
        sa.Column("resolution_due", MOMENT, nullable=False),
        sa.Column("first_replied_at", MOMENT, nullable=True),
        sa.Column("resolved_at", MOMENT, nullable=True),
        sa.Column("sla_breached_at", MOMENT, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        _user("created_by_id"),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("anger", sa.Float(), nullable=False),
        sa.Column("abuse", sa.Float(), nullable=False),
        sa.Column("intents", JSON, nullable=False),
    )
    op.create_index("ix_social_posts_platform", "social_posts", ["platform"])
    op.create_index("ix_social_posts_status", "social_posts", ["status"])
    op.create_index("ix_social_posts_case_id", "social_posts", ["case_id"])
    op.create_index("ix_social_posts_first_response_due", "social_posts", ["first_response_due"])
    op.create_index("ix_social_posts_resolution_due", "social_posts", ["resolution_due"])
    op.create_index(
        "ix_social_posts_status_resolution_due", "social_posts", ["status", "resolution_due"]
    )
    op.create_table(
        "social_post_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("post_id", sa.Integer(), sa.ForeignKey("social_posts.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("at", MOMENT, nullable=False),
        _user("actor_id"),
        sa.Column("data", JSON, nullable=False),
    )
    op.create_index("ix_social_post_events_post_id", "social_post_events", ["post_id"])
    op.create_table(
        "social_promises",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("post_id", sa.Integer(), sa.ForeignKey("social_posts.id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("due_at", MOMENT, nullable=False),
        sa.Column("made_at", MOMENT, nullable=False),
        _user("made_by_id"),
        sa.Column("done_at", MOMENT, nullable=True),
        _user("done_by_id"),
    )
    op.create_index("ix_social_promises_post_id", "social_promises", ["post_id"])
    op.create_index("ix_social_promises_due_at", "social_promises", ["due_at"])


def downgrade() -> None:
    op.drop_table("social_promises")
    op.drop_table("social_post_events")
    op.drop_table("social_posts")
