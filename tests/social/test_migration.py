"""The hand-written 0004_social revision creates exactly what the models declare."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from calmdesk.social import models
from calmdesk.storage.db import Base

SOCIAL_TABLES = {"social_posts", "social_post_events", "social_promises"}


def _table_of(diff: Any) -> str | None:
    for part in diff if isinstance(diff, list) else [diff]:
        for item in part[1:] if isinstance(part, tuple) else []:
            name = getattr(item, "name", None) if not isinstance(item, str) else item
            table = getattr(item, "table", None)
            if table is not None and table.name in SOCIAL_TABLES:
                return str(table.name)
            if name in SOCIAL_TABLES:
                return str(name)
    return None


def test_the_migration_matches_the_models(engine: Engine) -> None:
    assert models.PublicPost.__tablename__ in Base.metadata.tables
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": False}
        )
        diffs = [d for d in compare_metadata(context, Base.metadata) if _table_of(d)]
    assert diffs == []
