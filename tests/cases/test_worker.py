"""The deadline worker: warnings at the KPI share, breaches, the legal-deadline risk the day
before, and never the same event twice, even with two workers at once on PostgreSQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.cases import service, worker
from calmdesk.cases.enums import CaseStatus
from calmdesk.cases.models import Case, CaseEvent
from calmdesk.playbook.schema import Playbook
from calmdesk.storage.db import make_session_factory
from tests.cases.conftest import MakeCase, intake_at, local

WARSAW = "Europe/Warsaw"
MONDAY_9 = local(WARSAW, 2026, 3, 2, 9)
WORKER_EVENTS = ("sla_warning", "sla_breached", "legal_deadline_risk", "legal_deadline_missed")


def worker_events(session: Session, case: Case) -> list[tuple[str, str]]:
    return [
        (e.kind, e.data["clock"])
        for e in service.events_of(session, case_id=case.id)
        if e.kind in WORKER_EVENTS
    ]


def step(factory: sessionmaker[Session], session: Session, at: datetime) -> worker.StepReport:
    report = worker.run_once(factory, now=at)
    session.expire_all()
    return report


def test_it_warns_at_the_kpi_share_then_breaches_once_each(
    make_case: MakeCase, session: Session, session_factory: sessionmaker[Session]
) -> None:
    case = make_case(category="invoice_error", received_at=MONDAY_9, now=MONDAY_9)
    warn_at, due = case.first_response_warn_at, case.first_response_due

    assert step(session_factory, session, warn_at - timedelta(seconds=1)).count == 0
    step(session_factory, session, warn_at)
    assert worker_events(session, case) == [("sla_warning", "first_response")]
    step(session_factory, session, warn_at + timedelta(minutes=1))
    assert worker_events(session, case) == [("sla_warning", "first_response")]

    step(session_factory, session, due)
    step(session_factory, session, due)
    assert worker_events(session, case) == [
        ("sla_warning", "first_response"),
        ("sla_breached", "first_response"),
    ]
    assert case.first_response_breached_at == due
    assert case.next_check_at == case.resolution_warn_at


def test_a_late_worker_records_the_breach_without_a_stale_warning(
    make_case: MakeCase, session: Session, session_factory: sessionmaker[Session]
) -> None:
    case = make_case(category="invoice_error", received_at=MONDAY_9, now=MONDAY_9)
    step(session_factory, session, case.resolution_due)
    assert sorted(worker_events(session, case)) == [
        ("sla_breached", "first_response"),
        ("sla_breached", "resolution"),
    ]
    assert case.first_response_warned_at is not None  # never fires later either
    step(session_factory, session, case.resolution_due + timedelta(days=1))
    assert len(worker_events(session, case)) == 2


def test_the_legal_risk_comes_the_day_before_the_legal_deadline(
    make_case: MakeCase,
    walk: Callable[..., Case],
    session: Session,
    session_factory: sessionmaker[Session],
) -> None:
    case = walk(
        make_case(category="invoice_error", received_at=MONDAY_9, now=MONDAY_9),
        CaseStatus.IN_PROGRESS,
        now=MONDAY_9,
    )
    day_before = local(WARSAW, case.legal_due.year, case.legal_due.month, case.legal_due.day - 1)
    assert case.legal_risk_at == day_before
    step(session_factory, session, day_before - timedelta(seconds=1))
    assert ("legal_deadline_risk", "legal") not in worker_events(session, case)
    step(session_factory, session, day_before)
    step(session_factory, session, day_before + timedelta(hours=1))
    assert worker_events(session, case).count(("legal_deadline_risk", "legal")) == 1


def test_an_acknowledged_case_has_no_first_response_alarm(
    make_case: MakeCase,
    walk: Callable[..., Case],
    session: Session,
    session_factory: sessionmaker[Session],
) -> None:
    case = walk(
        make_case(received_at=MONDAY_9, now=MONDAY_9), CaseStatus.ACKNOWLEDGED, now=MONDAY_9
    )
    step(session_factory, session, case.first_response_due + timedelta(hours=1))
    assert worker_events(session, case) == []


def test_nothing_fires_on_resolved_cases_or_internal_clocks_while_waiting(
    make_case: MakeCase,
    walk: Callable[..., Case],
    session: Session,
    session_factory: sessionmaker[Session],
) -> None:
    resolved = walk(make_case(received_at=MONDAY_9, now=MONDAY_9), CaseStatus.RESOLVED)
    waiting = walk(make_case(received_at=MONDAY_9, now=MONDAY_9), CaseStatus.WAITING_CUSTOMER)
    step(session_factory, session, waiting.legal_risk_at - timedelta(seconds=1))
    assert worker_events(session, resolved) == []
    assert worker_events(session, waiting) == []


def test_retention_erases_old_closed_cases_in_the_worker(
    make_case: MakeCase,
    walk: Callable[..., Case],
    session: Session,
    session_factory: sessionmaker[Session],
) -> None:
    old = walk(make_case(received_at=MONDAY_9, now=MONDAY_9), CaseStatus.CLOSED, now=MONDAY_9)
    recent = walk(make_case(received_at=MONDAY_9, now=MONDAY_9), CaseStatus.CLOSED)
    report = worker.run_once(session_factory, now=MONDAY_9 + timedelta(days=31), retention_days=30)
    session.expire_all()
    assert report.erased >= 1
    assert old.erased_at is not None and old.customer_contact is None
    assert recent.erased_at is None  # closed today, within the retention period


@pytest.mark.postgres
def test_two_workers_at_once_record_each_event_exactly_once(engine: Engine, pl: Playbook) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("concurrent workers are a PostgreSQL deployment (SKIP LOCKED)")
    factory = make_session_factory(engine)
    with factory() as session, session.begin():
        cases = [
            intake_at(
                session,
                MONDAY_9,
                pl,
                customer_contact=f"concurrent-{n}@example.com",
                description="Opóźniona dostawa.",
                category="delivery_delay",
            )
            for n in range(120)
        ]
        ids = [c.id for c in cases]
    try:
        reported = 0
        for hours in (2, 6, 400, 800):
            moment = MONDAY_9 + timedelta(hours=hours)
            with ThreadPoolExecutor(max_workers=2) as pool:
                futures = [
                    pool.submit(worker.run_once, factory, now=moment, batch_size=7)
                    for _ in range(2)
                ]
                reported += sum(f.result().count for f in futures)
        with factory() as session:
            recorded = session.execute(
                select(CaseEvent.case_id, CaseEvent.kind, CaseEvent.data).where(
                    CaseEvent.case_id.in_(ids), CaseEvent.kind.in_(WORKER_EVENTS)
                )
            ).all()
        counts = Counter((case_id, kind, data["clock"]) for case_id, kind, data in recorded)
        assert counts, "the workers recorded nothing"
        assert max(counts.values()) == 1
        assert reported == len(recorded)
        # Every case got its whole set: 2 clocks x (warning or silent) + breaches + the legal clock.
        per_case = Counter(case_id for case_id, _, _ in counts)
        assert set(per_case) == set(ids)
        assert len(set(per_case.values())) == 1
    finally:
        with engine.begin() as connection:
            connection.execute(delete(Case).where(Case.id.in_(ids)))
