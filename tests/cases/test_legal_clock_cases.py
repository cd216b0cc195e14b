"""The legal clock on real cases (SQLite and PostgreSQL): a Russian term ending on a working
Saturday, a provisional date kept on the case, a missed deadline recorded the day after and
listed apart from those at risk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.cases import deadlines, service, worker
from calmdesk.cases.enums import CaseStatus
from calmdesk.cases.models import Case
from calmdesk.cases.schemas import CaseFilters, CaseRead, PageParams
from calmdesk.playbook import calendar
from calmdesk.playbook.schema import Playbook
from tests.cases.conftest import MakeCase, local

MOSCOW = "Europe/Moscow"
WARSAW = "Europe/Warsaw"


def russian_case(make_case: MakeCase, ru: Playbook, year: int, month: int, day: int) -> Case:
    received = local(MOSCOW, year, month, day, 10)
    return make_case(
        playbook=ru,
        category="delivery_delay",  # 10 days (Consumer Protection Law art. 22)
        language="ru",
        customer_contact="ivan@example.ru",
        description="Заказ не доставили в срок.",
        received_at=received,
        now=received,
    )


def listed(session: Session, at: datetime, **flags: bool) -> list[int]:
    found = service.list_(
        session,
        filters=CaseFilters(**flags),
        page=PageParams(per_page=200),
        now=at,
        timezone=WARSAW,
    )
    return [case.id for case in found.items]


def test_a_russian_term_received_on_10_february_2027_ends_on_the_working_saturday(
    make_case: MakeCase, session: Session, ru: Playbook
) -> None:
    case = russian_case(make_case, ru, 2027, 2, 10)
    session.flush()
    assert case.legal_due == date(2027, 2, 20)
    assert case.legal_provisional_year is None
    assert CaseRead.model_validate(case).legal_provisional_year is None


def test_a_term_in_a_year_without_a_decree_is_provisional_and_kept_on_the_case(
    make_case: MakeCase, session: Session, ru: Playbook
) -> None:
    case = russian_case(make_case, ru, 2027, 12, 27)
    known = russian_case(make_case, ru, 2027, 12, 1)
    session.flush()
    assert case.legal_due == date(2028, 1, 10)
    assert case.legal_provisional_year == 2028
    assert CaseRead.model_validate(case).legal_provisional_year == 2028
    assert known.legal_provisional_year is None
    at = local(MOSCOW, 2027, 12, 28)
    assert listed(session, at, legal_provisional=True) == [case.id]
    assert case.id not in listed(session, at, legal_provisional=False)


def test_a_polish_date_is_never_provisional(make_case: MakeCase, session: Session) -> None:
    received = local(WARSAW, 2031, 12, 20, 9)
    case = make_case(received_at=received, now=received + timedelta(days=2000))
    assert case.legal_provisional_year is None


def test_the_day_after_the_legal_deadline_an_open_case_has_missed_it(
    make_case: MakeCase,
    walk: Callable[..., Case],
    session: Session,
    session_factory: sessionmaker[Session],
) -> None:
    received = local(WARSAW, 2026, 3, 2, 9)
    case = walk(make_case(received_at=received, now=received), CaseStatus.IN_PROGRESS, now=received)
    session.commit()
    due = case.legal_due  # 16 March 2026, a Monday
    assert due == date(2026, 3, 16)
    assert case.legal_missed_at == local(WARSAW, 2026, 3, 17)

    on_the_day = local(WARSAW, 2026, 3, 16, 12)
    assert deadlines.legal_state(case, now=on_the_day) == "at_risk"
    assert listed(session, on_the_day, legal_risk=True) == [case.id]
    assert listed(session, on_the_day, legal_missed=True) == []

    worker.run_once(session_factory, now=case.legal_missed_at - timedelta(seconds=1))
    session.expire_all()
    assert "legal_deadline_missed" not in kinds(session, case)
    worker.run_once(session_factory, now=case.legal_missed_at)
    worker.run_once(session_factory, now=case.legal_missed_at + timedelta(days=3))
    session.expire_all()
    assert kinds(session, case).count("legal_deadline_missed") == 1
    after = case.legal_missed_at + timedelta(hours=1)
    assert deadlines.legal_state(case, now=after) == "missed"
    assert listed(session, after, legal_missed=True) == [case.id]
    assert listed(session, after, legal_risk=True) == []  # missed is listed apart


def test_a_worker_that_wakes_late_records_the_miss_without_a_stale_risk(
    make_case: MakeCase, session: Session, session_factory: sessionmaker[Session]
) -> None:
    received = local(WARSAW, 2026, 3, 2, 9)
    case = make_case(received_at=received, now=received)
    session.commit()
    worker.run_once(session_factory, now=case.legal_missed_at + timedelta(days=5))
    session.expire_all()
    legal = [k for k in kinds(session, case) if k.startswith("legal")]
    assert legal == ["legal_deadline_missed"]
    assert case.legal_risk_flagged_at is not None  # never fires later either


def test_a_case_resolved_in_time_never_misses_and_one_resolved_late_did(
    make_case: MakeCase, walk: Callable[..., Case], session: Session
) -> None:
    received = local(WARSAW, 2026, 3, 2, 9)
    in_time = walk(make_case(received_at=received, now=received), CaseStatus.RESOLVED, now=received)
    late = make_case(received_at=received, now=received)
    walk(late, CaseStatus.RESOLVED, now=late.legal_missed_at + timedelta(hours=2))
    much_later = received + timedelta(days=90)
    assert deadlines.legal_state(in_time, now=much_later) is None
    assert deadlines.legal_state(late, now=much_later) == "missed"
    assert listed(session, much_later, legal_missed=True) == []  # lists show open cases


def kinds(session: Session, case: Case) -> list[str]:
    return [e.kind for e in service.events_of(session, case_id=case.id)]


def test_a_worker_starting_on_a_newer_calendar_recomputes_the_provisional_dates(
    make_case: MakeCase,
    session: Session,
    session_factory: sessionmaker[Session],
    ru: Playbook,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = russian_case(make_case, ru, 2027, 12, 27)
    session.commit()
    assert worker.refresh_provisional(session_factory, playbook=ru) == []  # 2028 still unknown
    # A newer `holidays` with the 2028 decree: the data now publishes 2028.
    published = calendar.DecreedCalendar(
        statute=calendar.DECREED_CALENDARS["RU"].statute,
        no_shift=calendar.DECREED_CALENDARS["RU"].no_shift,
        published_through=lambda: 2028,
    )
    monkeypatch.setitem(calendar.DECREED_CALENDARS, "RU", published)
    calendar.official_year.cache_clear()
    try:
        assert worker.refresh_provisional(session_factory, playbook=ru) == [case.id]
        session.expire_all()
        assert case.legal_provisional_year is None
        assert case.legal_due == date(2028, 1, 10)
        [event] = [e for e in service.events_of(session, case_id=case.id) if e.kind == "updated"]
        assert event.data["why"] == "legal_calendar_published"
        assert event.data["changes"] == {"legal_provisional_year": None}
        assert worker.refresh_provisional(session_factory, playbook=ru) == []
    finally:
        monkeypatch.undo()
        calendar.official_year.cache_clear()
