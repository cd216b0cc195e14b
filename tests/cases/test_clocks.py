"""The two clocks: internal targets in business time (paused while waiting for the customer) and
the legal deadline in calendar days with the next-working-day rule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from calmdesk.cases import deadlines
from calmdesk.cases.enums import CaseStatus
from calmdesk.cases.models import Case
from calmdesk.playbook.calendar import business_deadline, business_time_between
from calmdesk.playbook.schema import Playbook
from tests.cases.conftest import MakeCase, local

WARSAW, MOSCOW = "Europe/Warsaw", "Europe/Moscow"


def test_a_polish_complaint_of_23_december_skips_the_christmas_holidays(
    make_case: MakeCase,
) -> None:
    # Wednesday 23 Dec 2026, 15:00; 24-26 Dec are holidays, 27 Dec a Sunday. Working hours are
    # 08:00-12:00 and 12:30-16:00; invoice_error targets 4 h and 22 h 30 m.
    received = local(WARSAW, 2026, 12, 23, 15)
    case = make_case(category="invoice_error", received_at=received, now=received)
    assert case.first_response_due == local(WARSAW, 2026, 12, 28, 11)
    # 1 h on the 23rd, 7 h 30 m on the 28th and 29th, then 6 h 30 m on the 30th.
    assert case.resolution_due == local(WARSAW, 2026, 12, 30, 15)
    # 14 calendar days end on 6 Jan 2027, Epiphany: the next working day.
    assert case.legal_due == date(2027, 1, 7)
    assert case.legal_risk_at == local(WARSAW, 2027, 1, 6)


def test_a_russian_complaint_before_the_new_year_holidays(
    make_case: MakeCase, ru: Playbook
) -> None:
    # Wednesday 30 Dec 2026, 15:00 in Moscow; 31 Dec and 1-8 Jan are days off, 9-10 Jan a weekend.
    # Working hours 09:00-13:00 and 14:00-18:00; delivery_delay targets 2 h and 16 h.
    case = make_case(
        playbook=ru,
        category="delivery_delay",
        language="ru",
        description="Заказ не доставили в срок.",
        received_at=local(MOSCOW, 2026, 12, 30, 15),
        now=local(MOSCOW, 2026, 12, 30, 15),
    )
    assert case.first_response_due == local(MOSCOW, 2026, 12, 30, 17)
    # 3 h on 30 Dec, 8 h on 11 Jan, 5 h on 12 Jan.
    assert case.resolution_due == local(MOSCOW, 2027, 1, 12, 15)
    # 10 calendar days end on Saturday 9 Jan: the next working day is Monday 11 Jan.
    assert case.legal_due == date(2027, 1, 11)


def test_the_warning_comes_at_the_kpi_share_of_the_business_time(
    make_case: MakeCase, pl: Playbook
) -> None:
    received = local(WARSAW, 2026, 3, 2, 9)
    case = make_case(category="invoice_error", received_at=received)
    kpi = pl.category("invoice_error").kpi
    spent = business_time_between(received, case.resolution_warn_at, pl.calendar)
    assert spent == kpi.resolution * kpi.warning_share
    assert case.resolution_warn_at < case.resolution_due


def test_waiting_for_the_customer_pauses_the_internal_clock_only(
    move: Callable[..., Case],
    make_case: MakeCase,
    walk: Callable[..., Case],
    pl: Playbook,
) -> None:
    received = local(WARSAW, 2026, 3, 2, 9)  # a Monday
    case = make_case(category="defective_product", received_at=received, now=received)
    walk(case, CaseStatus.IN_PROGRESS, now=received)
    resolution_due, legal_due = case.resolution_due, case.legal_due

    paused_at = local(WARSAW, 2026, 3, 2, 10)
    move(case, CaseStatus.WAITING_CUSTOMER, now=paused_at)
    assert case.paused_at == paused_at
    # While paused only the legal clock is watched.
    assert case.next_check_at == case.legal_risk_at

    resumed_at = local(WARSAW, 2026, 3, 3, 11)  # 5 h 30 m (lunch 12:00-12:30) + 3 h later
    move(case, CaseStatus.IN_PROGRESS, now=resumed_at)
    waited = timedelta(hours=8, minutes=30)
    assert case.paused_at is None
    assert case.paused_seconds == waited.total_seconds()
    assert case.resolution_due == business_deadline(resolution_due, waited, pl.calendar)
    assert case.legal_due == legal_due


def test_pauses_add_up(
    move: Callable[..., Case],
    make_case: MakeCase,
    walk: Callable[..., Case],
    pl: Playbook,
) -> None:
    received = local(WARSAW, 2026, 3, 2, 9)
    case = make_case(category="defective_product", received_at=received, now=received)
    walk(case, CaseStatus.IN_PROGRESS, now=received)
    original = case.resolution_due
    for start_hour in (10, 13):
        for to, hour in (
            (CaseStatus.WAITING_CUSTOMER, start_hour),
            (CaseStatus.IN_PROGRESS, start_hour + 1),
        ):
            move(case, to, now=local(WARSAW, 2026, 3, 2, hour))
    assert case.paused_seconds == 2 * 3600
    assert case.resolution_due == business_deadline(original, timedelta(hours=2), pl.calendar)


def test_resolving_while_waiting_resumes_then_stops_the_clock(
    move: Callable[..., Case],
    make_case: MakeCase,
    walk: Callable[..., Case],
) -> None:
    received = local(WARSAW, 2026, 3, 2, 9)
    case = make_case(received_at=received, now=received)
    walk(case, CaseStatus.WAITING_CUSTOMER, now=local(WARSAW, 2026, 3, 2, 10))
    move(case, CaseStatus.RESOLVED, now=local(WARSAW, 2026, 3, 2, 11))
    assert case.paused_at is None
    assert case.paused_seconds == 3600
    assert case.next_check_at is None
    assert deadlines.due_events(case, now=local(WARSAW, 2027, 1, 1)) == []
