"""The reports page over 1,000,000 cases: bulk-load synthetic cases, their compensations,
surveys and live contacts (COPY on PostgreSQL, executemany on SQLite, the cases' secondary
indexes built after the load), then time each report of ``cases.reports`` over the page's
default period (8 weeks) and over a year, and print each query's plan (EXPLAIN / EXPLAIN QUERY
PLAN).

    .venv/bin/python benchmarks/reports_page.py --rows 1000000 --backend postgresql

Rows: reception spread evenly over two years before NOW (so 8 weeks hold about 77,000 cases),
written in order of reception as a live system writes them (``--shuffled``: in random order,
the worst case for a range scan); six teams, seven categories, six channels; 90% answered, a
tenth of them late; 5% of the cases missed their legal deadline; one case in ten has a
compensation, one in three a survey; one contact for every five cases, a tenth of them with a
case opened from it.
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
from cases_overdue import sqlite_value
from sqlalchemy import Engine, Table, event, text
from sqlalchemy.schema import CreateIndex

from calmdesk.cases import reports
from calmdesk.cases.models import Case
from calmdesk.storage.db import make_session_factory
from calmdesk.users.models import Role, User

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
SPAN = timedelta(days=730)
TEAMS = ("billing", "logistics", "quality", "customer_care", "technical", "payments")
CATEGORIES = (
    "invoice_error", "delivery_delay", "defective_product", "service_quality",
    "telecom_service", "payment_service", "financial_service",
)  # fmt: skip
CHANNELS = ("phone", "email", "chat", "social", "in_person", "internal")
CASE_COLUMNS = (
    "id", "status", "channel", "language", "category", "category_suggested", "severity", "team",
    "description", "references", "paused_seconds", "received_at", "first_responded_at",
    "resolved_at", "first_response_due", "first_response_warn_at", "resolution_due",
    "resolution_warn_at", "legal_due", "legal_risk_at", "legal_missed_at", "source_contact_id",
    "created_at", "updated_at",
)  # fmt: skip
H = timedelta(hours=1)


def moment(rng: random.Random, n: int, count: int, shuffled: bool) -> datetime:
    """The n-th arrival of ``count`` over SPAN: in the order rows are written (as a live system
    writes them, a few hours of jitter), or anywhere (``shuffled``: the worst case for a range
    scan, every row of the period on another page)."""
    if shuffled:
        return NOW - SPAN * rng.random()
    return NOW - SPAN + SPAN * (n / count) - H * 6 * rng.random()


def case_rows(
    count: int, contacts: int, shuffled: bool, seed: int = 11
) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed)
    for n in range(1, count + 1):
        received = moment(rng, n, count, shuffled)
        team = rng.randrange(len(TEAMS))
        answered = rng.random() < 0.9
        first = (
            received + H * (rng.random() * (12 if rng.random() < 0.1 else 7)) if answered else None
        )
        late = rng.random() < 0.05
        resolved = received + timedelta(days=16 if late else 5) if rng.random() < 0.95 else None
        source = rng.randrange(1, contacts + 1) if contacts and rng.random() < 0.02 else None
        yield (
            n, "closed" if resolved else "in_progress", rng.choice(CHANNELS), "pl",
            CATEGORIES[team % len(CATEGORIES)], False, "medium", TEAMS[team], "x", "[]", 0,
            received, first, resolved, received + 8 * H, received + 6 * H, received + 80 * H,
            received + 64 * H, (received + timedelta(days=14)).date(),
            received + timedelta(days=13), received + timedelta(days=15), source, received,
            received,
        )  # fmt: skip


def compensation_rows(count: int, seed: int = 12) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed)
    for case_id in range(1, count + 1, 10):
        status = rng.choice(("granted", "approved", "rejected", "pending"))
        kind = rng.choice(("refund", "voucher", "gift"))
        yield case_id, kind, round(rng.random() * 300, 2), "PLN", "r", status, NOW


def survey_rows(count: int, seed: int = 13) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed)
    for case_id in range(1, count + 1, 3):
        answered = rng.random() < 0.4
        yield (
            case_id, "pl", TEAMS[rng.randrange(len(TEAMS))], "invoice_error", NOW, NOW,
            NOW if answered else None, rng.randint(1, 5) if answered else None,
        )  # fmt: skip


def contact_rows(
    count: int, agents: list[int], shuffled: bool, seed: int = 14
) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed)
    for n in range(1, count + 1):
        started = moment(rng, n, count, shuffled)
        abuse = rng.choice((0, 0, 0, 1, 2, 5))
        yield (
            n, rng.choice(agents), "phone", True, "ended", started, started + 10 * H,
            json.dumps({"abusive_turns": abuse, "turns": 12}), "[]", 0.0, 0.0, 12,
        )  # fmt: skip


TABLES: dict[str, tuple[str, ...]] = {
    "compensations": ("case_id", "kind", "amount", "currency", "reason", "status", "proposed_at"),
    "case_surveys": (
        "case_id", "language", "team", "category", "sent_at", "expires_at", "answered_at",
        "score",
    ),
    "live_contacts": (
        "id", "agent_id", "channel", "can_transfer", "status", "started_at", "ended_at",
        "summary", "alerts", "heat", "peak_heat", "event_count",
    ),
}  # fmt: skip


def bulk(
    engine: Engine, table: str, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]
) -> None:
    names = ", ".join(f'"{c}"' for c in columns)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            cursor.execute("BEGIN")
            chunk: list[tuple[Any, ...]] = []
            for row in rows:
                chunk.append(tuple(sqlite_value(v) for v in row))
                if len(chunk) == 50_000:
                    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", chunk)
                    chunk.clear()
            if chunk:
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", chunk)
        raw.commit()
    finally:
        raw.close()


def load(engine: Engine, count: int, shuffled: bool) -> tuple[float, list[str]]:
    """Load everything; the cases' secondary indexes are dropped first and built after."""
    started = time.perf_counter()
    table = Case.__table__
    assert isinstance(table, Table)
    indexes = sorted(table.indexes, key=lambda i: str(i.name))
    with engine.begin() as connection:
        for index in indexes:
            connection.execute(text(f"DROP INDEX {index.name}"))
        users = []
        for n in range(20):
            user = User(username=f"agent{n}", display_name=f"Agent {n}", role=Role.AGENT)
            user.password_hash = "x"
            users.append(user)
    factory = make_session_factory(engine)
    with factory() as session:
        session.add_all(users)
        session.commit()
        agents = [u.id for u in users]
    contacts = count // 5
    bulk(engine, "cases", CASE_COLUMNS, case_rows(count, contacts, shuffled))
    bulk(engine, "compensations", TABLES["compensations"], compensation_rows(count))
    bulk(engine, "case_surveys", TABLES["case_surveys"], survey_rows(count))
    bulk(engine, "live_contacts", TABLES["live_contacts"], contact_rows(contacts, agents, shuffled))
    with engine.begin() as connection:
        for index in indexes:
            connection.execute(CreateIndex(index))
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT setval('cases_id_seq', (SELECT max(id) FROM cases))"))
    statement = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(statement))
    return time.perf_counter() - started, [str(i.name) for i in indexes]


def time_reports(
    engine: Engine, period: reports.Period, repeats: int
) -> dict[str, tuple[float, list[tuple[str, Any]]]]:
    factory = make_session_factory(engine)
    out: dict[str, tuple[float, list[tuple[str, Any]]]] = {}
    for name in reports.REPORTS:
        statements: list[tuple[str, Any]] = []

        def record(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
            statements.append((statement, parameters))  # noqa: B023 - this report's list

        timings = []
        for attempt in range(repeats):
            if attempt == 0:
                event.listen(engine, "before_cursor_execute", record)
            with factory() as session:
                started = time.perf_counter()
                reports.run(session, name, period, now=NOW)
                timings.append((time.perf_counter() - started) * 1000)
            if attempt == 0:
                event.remove(engine, "before_cursor_execute", record)
        out[name] = (statistics.median(timings), statements)
    return out


def plan(engine: Engine, statement: str, parameters: Any) -> str:
    prefix = "EXPLAIN" if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"{prefix} {statement}", parameters)
        return "\n".join(str(r[-1]) for r in cursor.fetchall())
    finally:
        raw.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--shuffled", action="store_true", help="rows in random order of reception (worst case)"
    )
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(f"# {platform.machine()}, Python {platform.python_version()}, rows={args.rows}")
    end = date(2026, 11, 19)
    periods = {
        "8 weeks": reports.Period(
            end - timedelta(weeks=8) + timedelta(days=1), end, "Europe/Warsaw"
        ),
        "1 year": reports.Period(end - timedelta(days=364), end, "Europe/Warsaw"),
    }
    for backend in backends:
        with temporary_engine(backend, "reports") as engine:
            loaded, _ = load(engine, args.rows, args.shuffled)
            print(
                json.dumps(
                    {
                        "backend": backend,
                        "rows": args.rows,
                        "shuffled": args.shuffled,
                        "load_s": round(loaded, 1),
                    }
                )
            )
            for label, period in periods.items():
                timed = time_reports(engine, period, args.repeats)
                page = sum(ms for ms, _ in timed.values())
                print(
                    json.dumps(
                        {
                            "backend": backend,
                            "period": label,
                            "page_ms": round(page, 1),
                            **{name: round(ms, 1) for name, (ms, _) in timed.items()},
                        }
                    )
                )
                if label == "8 weeks":
                    for name, (_, statements) in timed.items():
                        for statement, parameters in statements:
                            if not statement.lstrip().upper().startswith("SELECT"):
                                continue
                            print(f"-- {name} ({backend}):\n{plan(engine, statement, parameters)}")


if __name__ == "__main__":
    main()
