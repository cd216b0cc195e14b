"""Listing overdue cases among 1,000,000: bulk-load synthetic cases (COPY on PostgreSQL,
executemany on SQLite), then time ``cases.service.list_(overdue=True)`` (the count and the first
page of 50, most urgent first) and print the query plans.

    .venv/bin/python benchmarks/cases_overdue.py --rows 1000000

Rows: reception spread over three years; a case older than 30 days is open with probability
1%, a recent one 60%; targets 3 and 14 days after reception. About 3% of the table is open.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cases_db import temporary_engine
from sqlalchemy import Engine, func, select, text

from calmdesk.cases import service
from calmdesk.cases.models import Case
from calmdesk.cases.schemas import CaseFilters, PageParams
from calmdesk.storage.db import make_session_factory

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
OPEN = ("received", "acknowledged", "in_progress", "waiting_customer")
COLUMNS = (
    "status", "channel", "language", "category", "category_suggested", "severity", "team",
    "customer_contact", "description", "references", "paused_seconds", "received_at",
    "first_response_due", "first_response_warn_at", "resolution_due", "resolution_warn_at",
    "legal_due", "legal_risk_at", "legal_missed_at", "created_at", "updated_at", "closed_at",
)  # fmt: skip


def rows(count: int, seed: int = 7) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed)
    span = timedelta(days=3 * 365).total_seconds()
    for n in range(count):
        received = NOW - timedelta(seconds=rng.random() * span)
        recent = NOW - received < timedelta(days=30)
        is_open = rng.random() < (0.6 if recent else 0.01)
        status = rng.choice(OPEN) if is_open else "closed"
        due = received + timedelta(days=3)
        legal = (received + timedelta(days=14)).date()
        yield (
            status, "email", "pl", "invoice_error", False, "medium", "billing",
            f"customer-{n}@example.com", "Faktura wyższa niż w umowie.", "[]", 0, received,
            received + timedelta(hours=4), received + timedelta(hours=3), due,
            received + timedelta(days=2), legal, received + timedelta(days=13),
            received + timedelta(days=15), received, received,
            None if is_open else received + timedelta(days=5),
        )  # fmt: skip


def sqlite_value(value: Any) -> Any:
    """What SQLAlchemy's DateTime stores on SQLite: naive UTC text with microseconds."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def load(engine: Engine, count: int) -> float:
    started = time.perf_counter()
    columns = ", ".join(f'"{c}"' for c in COLUMNS)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY cases ({columns}) FROM STDIN") as copy:
                for row in rows(count):
                    copy.write_row(row)
            raw.commit()
        else:
            marks = ", ".join("?" for _ in COLUMNS)
            chunk: list[tuple[Any, ...]] = []
            cursor.execute("BEGIN")  # the driver autocommits each statement otherwise
            for row in rows(count):
                chunk.append(tuple(sqlite_value(v) for v in row))
                if len(chunk) == 50_000:
                    cursor.executemany(f"INSERT INTO cases ({columns}) VALUES ({marks})", chunk)
                    chunk.clear()
            if chunk:
                cursor.executemany(f"INSERT INTO cases ({columns}) VALUES ({marks})", chunk)
            raw.commit()
    finally:
        raw.close()
    # Steady state: PostgreSQL's autovacuum would have set the visibility map (index-only scans).
    statement = "VACUUM ANALYZE cases" if engine.dialect.name == "postgresql" else "ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(statement))
    return time.perf_counter() - started


def plans(engine: Engine) -> list[str]:
    conditions = service.conditions_for(CaseFilters(overdue=True), NOW)
    page = select(Case.id).where(*conditions).order_by(*service.LIST_ORDER).limit(50)
    count = select(func.count()).select_from(Case).where(*conditions)
    prefix = "EXPLAIN" if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"
    out = []
    with engine.connect() as connection:
        for statement in (page, count):
            compiled = statement.compile(engine, compile_kwargs={"literal_binds": True})
            result = connection.execute(text(f"{prefix} {compiled}")).all()
            out.append("\n".join(str(r[-1]) for r in result))
    return out


def time_listing(engine: Engine, repeats: int) -> tuple[float, float, int]:
    factory = make_session_factory(engine)
    timings = []
    total = 0
    for _ in range(repeats):
        with factory() as session:
            started = time.perf_counter()
            page = service.list_(
                session, filters=CaseFilters(overdue=True), page=PageParams(per_page=50), now=NOW
            )
            timings.append((time.perf_counter() - started) * 1000)
            total = page.total
    return statistics.median(timings), max(timings), total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(f"# {platform.machine()}, Python {platform.python_version()}, rows={args.rows}")
    for backend in backends:
        with temporary_engine(backend, "overdue") as engine:
            loaded = load(engine, args.rows)
            median, worst, total = time_listing(engine, args.repeats)
            page_plan, count_plan = plans(engine)
            result = {
                "backend": backend, "rows": args.rows, "load_s": round(loaded, 1), "overdue": total,
                "list_median_ms": round(median, 1), "list_max_ms": round(worst, 1),
            }  # fmt: skip
            print(json.dumps(result))
            print(
                f"-- page plan ({backend}):\n{page_plan}\n-- count plan ({backend}):\n{count_plan}"
            )


if __name__ == "__main__":
    main()
