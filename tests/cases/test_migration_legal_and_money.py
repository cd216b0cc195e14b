"""0002_cases_03_legal_and_money on a database that already has cases: each gets the moment it
misses its legal deadline (midnight after the legal date in the playbook's zone), and the
downgrade takes the columns away again. SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from calmdesk.storage import migrate
from calmdesk.storage.db import make_engine
from tests.servers import postgres_database

BEFORE = "0002_cases_02_customer_key"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
    else:
        with postgres_database("legal_migration") as url:
            yield url


def test_existing_cases_get_their_missed_moment(empty_url: str) -> None:
    engine = make_engine(empty_url)
    try:
        migrate.upgrade(engine, BEFORE)
        moment = datetime(2026, 3, 2, 8, tzinfo=UTC)
        row = {
            "status": "in_progress",
            "channel": "phone",
            "language": "pl",
            "category": "invoice_error",
            "category_suggested": False,
            "severity": "medium",
            "team": "billing",
            "description": "Faktura.",
            "references": "[]",
            "received_at": moment,
            "paused_seconds": 0,
            "first_response_due": moment,
            "first_response_warn_at": moment,
            "resolution_due": moment,
            "resolution_warn_at": moment,
            "legal_due": date(2026, 3, 16),
            "legal_risk_at": datetime(2026, 3, 14, 23, tzinfo=UTC),
            "created_at": moment,
            "updated_at": moment,
        }
        cases = sa.Table("cases", sa.MetaData(), autoload_with=engine)
        with engine.begin() as connection:
            connection.execute(cases.insert().values(**row))
        migrate.upgrade(engine)
        with engine.connect() as connection:
            missed_at, provisional = connection.execute(
                sa.text("SELECT legal_missed_at, legal_provisional_year FROM cases")
            ).one()
        if isinstance(missed_at, str):  # SQLite keeps naive UTC text
            missed_at = datetime.fromisoformat(missed_at).replace(tzinfo=UTC)
        # Midnight of 17 March in Warsaw (the default playbook's zone), UTC+1 then.
        assert missed_at.astimezone(UTC) == datetime(2026, 3, 16, 23, tzinfo=UTC)
        assert provisional is None
        with engine.begin() as connection:
            command.downgrade(migrate.alembic_config(connection=connection), BEFORE)
        columns = {c["name"] for c in sa.inspect(engine).get_columns("cases")}
        assert "legal_missed_at" not in columns and "legal_provisional_year" not in columns
        appeal = {c["name"] for c in sa.inspect(engine).get_columns("compensations")}
        assert "appeal" not in appeal
    finally:
        engine.dispose()
