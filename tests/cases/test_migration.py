"""The hand-written 0002_cases revision creates exactly what the models declare."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from calmdesk.cases import models
from calmdesk.storage.db import Base

CASES_TABLES = {"cases", "case_events", "compensations"}


def _table_of(diff: Any) -> str | None:
    for part in diff if isinstance(diff, list) else [diff]:
        for item in part[1:] if isinstance(part, tuple) else []:
            name = getattr(item, "name", None) if not isinstance(item, str) else item
            table = getattr(item, "table", None)
            if table is not None and table.name in CASES_TABLES:
                return str(table.name)
            if name in CASES_TABLES:
                return str(name)
    return None


def test_the_migration_matches_the_models(engine: Engine) -> None:
    assert models.Case.__tablename__ in Base.metadata.tables
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": False}
        )
        diffs = [d for d in compare_metadata(context, Base.metadata) if _table_of(d)]
    assert diffs == []


def test_the_open_case_indexes_are_partial(engine: Engine) -> None:
    names = {index["name"] for index in inspect(engine).get_indexes("cases")}
    assert {
        "ix_cases_open_resolution_due",
        "ix_cases_open_legal_due",
        "ix_cases_next_check_at",
    } <= names
