"""The two clocks of a case.

* The **internal** clock: first-response and resolution targets from the category's KPI, counted
  in business time (working hours, public holidays and closures of the playbook's calendar).
  It is paused while the case waits for the customer; the pause is measured in business time
  and added to both targets on resume.
* The **legal** clock: the statutory maximum in calendar days; a deadline falling on a
  non-working day of the country's official calendar moves to the next working day. It is never
  paused. When a year's official calendar is not published yet, the date follows the statute's
  default and the case keeps that year (``legal_provisional_year``); the day after the deadline
  an open case has **missed** it (``legal_deadline_missed``).

Everything here is pure: it reads and writes a :class:`~calmdesk.cases.models.Case`'s columns
and never touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from calmdesk.cases.enums import CaseEventKind, CaseStatus, ClockName
from calmdesk.cases.models import Case
from calmdesk.errors import Conflict
from calmdesk.playbook.calendar import (
    business_deadline,
    business_time_between,
    legal_deadline,
    provisional_year,
)
from calmdesk.playbook.schema import Category, Playbook


class CategoryNotInPlaybook(Conflict):
    """A case recorded under a category the current playbook no longer has."""

    code = "category_not_in_playbook"


def category_of(playbook: Playbook, key: str) -> Category:
    try:
        return playbook.category(key)
    except KeyError:
        raise CategoryNotInPlaybook(
            f"The case's category {key!r} is not in the playbook any more; choose another one.",
            category=key,
        ) from None


@dataclass(frozen=True, slots=True)
class Clocks:
    first_response_warn_at: datetime
    first_response_due: datetime
    resolution_warn_at: datetime
    resolution_due: datetime
    legal_due: date
    legal_risk_at: datetime
    legal_missed_at: datetime
    legal_provisional_year: int | None


def clocks_for(
    playbook: Playbook, category: Category, received_at: datetime, paused: timedelta
) -> Clocks:
    """Targets for a case received at ``received_at`` that has waited ``paused`` business time.

    Example: the Polish playbook (08:00-12:00 and 12:30-16:00) and a 4 h first-response target:
    a complaint received on Wednesday 23 December 2026 at 15:00 gets its first response due on
    Monday 28 December at 11:00 (24-26 December are public holidays, 27 December a Sunday).
    """
    calendar = playbook.calendar
    kpi = category.kpi

    def after(duration: timedelta) -> datetime:
        return business_deadline(received_at, duration + paused, calendar).astimezone(UTC)

    legal = category.legal
    legal_due = legal_deadline(received_at, legal.days, calendar, business_days=legal.business_days)
    received_day = received_at.astimezone(ZoneInfo(calendar.timezone)).date()
    return Clocks(
        first_response_warn_at=after(kpi.first_response * kpi.warning_share),
        first_response_due=after(kpi.first_response),
        resolution_warn_at=after(kpi.resolution * kpi.warning_share),
        resolution_due=after(kpi.resolution),
        legal_due=legal_due,
        legal_risk_at=day_start(legal_due - timedelta(days=1), calendar.timezone),
        legal_missed_at=day_start(legal_due + timedelta(days=1), calendar.timezone),
        legal_provisional_year=provisional_year(received_day, legal_due, calendar),
    )


def day_start(day: date, timezone: str) -> datetime:
    """Midnight at the start of ``day`` in ``timezone``, as UTC."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def apply_clocks(case: Case, clocks: Clocks) -> None:
    case.first_response_warn_at = clocks.first_response_warn_at
    case.first_response_due = clocks.first_response_due
    case.resolution_warn_at = clocks.resolution_warn_at
    case.resolution_due = clocks.resolution_due
    case.legal_due = clocks.legal_due
    case.legal_risk_at = clocks.legal_risk_at
    case.legal_missed_at = clocks.legal_missed_at
    case.legal_provisional_year = clocks.legal_provisional_year
    case.next_check_at = next_check_at(case)


def pause(case: Case, *, at: datetime) -> None:
    """Stop the internal clock (the case now waits for the customer)."""
    if case.paused_at is None:
        case.paused_at = at
    case.next_check_at = next_check_at(case)


def resume(case: Case, *, at: datetime, playbook: Playbook) -> timedelta:
    """Restart the internal clock, pushing both targets by the business time spent waiting.
    Returns that business time."""
    if case.paused_at is None:
        return timedelta(0)
    waited = business_time_between(case.paused_at, at, playbook.calendar)
    case.paused_seconds = (case.paused_seconds or 0) + int(waited.total_seconds())
    case.paused_at = None
    category = category_of(playbook, case.category)
    apply_clocks(
        case,
        clocks_for(playbook, category, case.received_at, timedelta(seconds=case.paused_seconds)),
    )
    return waited


@dataclass(frozen=True, slots=True)
class DueEvent:
    """An event the deadline worker must record, and the marker column that guards it."""

    kind: CaseEventKind
    clock: ClockName
    marker: str
    deadline: datetime | date
    silent: bool = False
    """Set the marker without recording (a warning overtaken by its breach)."""


def _checks(case: Case) -> list[tuple[datetime, DueEvent]]:
    """Every pending check of this case with the moment it becomes due."""
    status = CaseStatus(case.status)
    if not status.is_open:
        return []
    checks: list[tuple[datetime, DueEvent]] = []
    internal_running = status != CaseStatus.WAITING_CUSTOMER and case.paused_at is None
    if internal_running and case.first_responded_at is None:
        if case.first_response_warned_at is None:
            checks.append(
                (
                    case.first_response_warn_at,
                    DueEvent(
                        CaseEventKind.SLA_WARNING,
                        ClockName.FIRST_RESPONSE,
                        "first_response_warned_at",
                        case.first_response_due,
                    ),
                )
            )
        if case.first_response_breached_at is None:
            checks.append(
                (
                    case.first_response_due,
                    DueEvent(
                        CaseEventKind.SLA_BREACHED,
                        ClockName.FIRST_RESPONSE,
                        "first_response_breached_at",
                        case.first_response_due,
                    ),
                )
            )
    if internal_running:
        if case.resolution_warned_at is None:
            checks.append(
                (
                    case.resolution_warn_at,
                    DueEvent(
                        CaseEventKind.SLA_WARNING,
                        ClockName.RESOLUTION,
                        "resolution_warned_at",
                        case.resolution_due,
                    ),
                )
            )
        if case.resolution_breached_at is None:
            checks.append(
                (
                    case.resolution_due,
                    DueEvent(
                        CaseEventKind.SLA_BREACHED,
                        ClockName.RESOLUTION,
                        "resolution_breached_at",
                        case.resolution_due,
                    ),
                )
            )
    if case.legal_risk_flagged_at is None:
        checks.append(
            (
                case.legal_risk_at,
                DueEvent(
                    CaseEventKind.LEGAL_DEADLINE_RISK,
                    ClockName.LEGAL,
                    "legal_risk_flagged_at",
                    case.legal_due,
                ),
            )
        )
    if case.legal_missed_flagged_at is None:
        checks.append(
            (
                case.legal_missed_at,
                DueEvent(
                    CaseEventKind.LEGAL_DEADLINE_MISSED,
                    ClockName.LEGAL,
                    "legal_missed_flagged_at",
                    case.legal_due,
                ),
            )
        )
    return checks


def next_check_at(case: Case) -> datetime | None:
    """The earliest moment a pending check of this case becomes due (None: nothing pending)."""
    return min((when for when, _ in _checks(case)), default=None)


def due_events(case: Case, *, now: datetime) -> list[DueEvent]:
    """The checks due at ``now``. A warning whose breach is also due is kept silent (and the
    legal risk when the deadline is already missed): the later event says more, and the marker
    still keeps the earlier one from firing later."""
    due = [check for when, check in _checks(case) if when <= now]
    breached = {d.clock for d in due if d.kind == CaseEventKind.SLA_BREACHED}
    missed = any(d.kind == CaseEventKind.LEGAL_DEADLINE_MISSED for d in due)
    return [
        DueEvent(d.kind, d.clock, d.marker, d.deadline, silent=True)
        if (d.kind == CaseEventKind.SLA_WARNING and d.clock in breached)
        or (d.kind == CaseEventKind.LEGAL_DEADLINE_RISK and missed)
        else d
        for d in due
    ]


def legal_state(case: Case, *, now: datetime) -> str | None:
    """``"missed"`` when the case was still open the day after its legal deadline (or was
    resolved only after it), ``"at_risk"`` while open from the day before, else ``None``."""
    settled_at = case.resolved_at if not CaseStatus(case.status).is_open else None
    if settled_at is not None:
        return "missed" if settled_at >= case.legal_missed_at else None
    if now >= case.legal_missed_at:
        return "missed"
    if now >= case.legal_risk_at:
        return "at_risk"
    return None
