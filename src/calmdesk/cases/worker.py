"""The deadline worker: one step claims the cases whose ``next_check_at`` has come, records
``sla_warning`` / ``sla_breached`` / ``legal_deadline_risk`` / ``legal_deadline_missed`` and
moves ``next_check_at`` on.

Any number of workers may run. On PostgreSQL the due rows are claimed with
``SELECT ... FOR UPDATE SKIP LOCKED``: a row another worker holds is skipped, and a row it has
just finished no longer matches (its ``next_check_at`` moved). Each event also has a marker
column on the case, set in the same transaction as the event, so it is recorded at most once.
SQLite has one writer at a time, so there a plain transaction is the guard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.cases import deadlines, privacy
from calmdesk.cases.enums import CaseEventKind
from calmdesk.cases.history import record, snapshot
from calmdesk.cases.models import Case
from calmdesk.playbook.calendar import official_year
from calmdesk.playbook.schema import Playbook
from calmdesk.storage.types import utcnow

BATCH_SIZE = 200


@dataclass
class StepReport:
    """What one step did: event kinds recorded per clock, and cases erased by retention."""

    recorded: list[tuple[int, str, str]] = field(default_factory=list)
    """(case id, event kind, clock) for each event written."""
    erased: int = 0

    @property
    def count(self) -> int:
        return len(self.recorded)


def _claim(session: Session, *, now: datetime, limit: int) -> list[Case]:
    query = (
        select(Case)
        .where(Case.next_check_at <= now)
        .order_by(Case.next_check_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(query))


def check_case(session: Session, *, case: Case, now: datetime) -> list[tuple[int, str, str]]:
    """Record the events due on ``case`` at ``now`` and set their markers.

    The first event recorded carries every column the step changed (silent markers and the new
    ``next_check_at`` included), so the case stays rebuildable from its history."""
    due = deadlines.due_events(case, now=now)
    before = snapshot(case)
    for event in due:
        setattr(case, event.marker, now)
    case.next_check_at = deadlines.next_check_at(case)
    recorded = []
    for event in (e for e in due if not e.silent):
        record(
            session,
            case=case,
            kind=event.kind,
            before=before,
            data={"clock": str(event.clock), "deadline": event.deadline.isoformat()},
            at=now,
        )
        before = snapshot(case)
        recorded.append((case.id, str(event.kind), str(event.clock)))
    return recorded


def run_once(
    factory: sessionmaker[Session],
    *,
    now: datetime | None = None,
    retention_days: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> StepReport:
    """One step: every due case in batches of ``batch_size`` (each batch its own transaction),
    then retention when ``retention_days`` is given."""
    now = now or utcnow()
    report = StepReport()
    while True:
        with factory() as session, session.begin():
            claimed = _claim(session, now=now, limit=batch_size)
            for case in claimed:
                report.recorded += check_case(session, case=case, now=now)
        if len(claimed) < batch_size:
            break
    if retention_days is not None:
        with factory() as session, session.begin():
            report.erased = privacy.apply_retention(session, retention_days=retention_days, now=now)
    return report


def refresh_provisional(
    factory: sessionmaker[Session], *, playbook: Playbook, now: datetime | None = None
) -> list[int]:
    """Recompute the legal date of every case that assumed a year the calendar data now
    publishes (a newer ``holidays`` brought the decree); each gets an ``updated`` event saying
    so. Run when a worker starts: the data changes only with an upgrade. Returns the case ids."""
    now = now or utcnow()
    refreshed = []
    with factory() as session, session.begin():
        query = select(Case).where(Case.legal_provisional_year.is_not(None)).order_by(Case.id)
        for case in session.scalars(query):
            if _refresh_legal(session, case=case, playbook=playbook, now=now):
                refreshed.append(case.id)
    return refreshed


def _refresh_legal(session: Session, *, case: Case, playbook: Playbook, now: datetime) -> bool:
    year = case.legal_provisional_year
    if year is None:
        return False
    calendar = playbook.calendar
    if official_year(calendar.country, calendar.subdivision, year).provisional:
        return False  # still not published
    try:
        category = deadlines.category_of(playbook, case.category)
    except deadlines.CategoryNotInPlaybook:
        return False
    clocks = deadlines.clocks_for(
        playbook, category, case.received_at, timedelta(seconds=case.paused_seconds or 0)
    )
    before = snapshot(case)
    case.legal_due = clocks.legal_due
    case.legal_risk_at = clocks.legal_risk_at
    case.legal_missed_at = clocks.legal_missed_at
    case.legal_provisional_year = clocks.legal_provisional_year
    case.next_check_at = deadlines.next_check_at(case)
    record(
        session,
        case=case,
        kind=CaseEventKind.UPDATED,
        before=before,
        data={"why": "legal_calendar_published", "year": year},
        at=now,
    )
    return True
