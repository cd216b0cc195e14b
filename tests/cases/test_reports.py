"""The reports' aggregates on known rows, on SQLite and PostgreSQL: every figure is counted by
hand below, and rows just outside the period must not count."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from calmdesk.cases import reports
from calmdesk.cases.models import Case, CaseSurvey, Compensation
from calmdesk.live.models import Contact
from calmdesk.playbook.schema import Playbook
from calmdesk.users.models import User
from tests.cases.conftest import local

ZONE = "Europe/Warsaw"
PERIOD = reports.Period(start=date(2026, 3, 2), end=date(2026, 3, 22), timezone=ZONE)
"""Three weeks, Monday 2 to Sunday 22 March 2026 (Poland's clocks go forward on 29 March)."""
NOW = local(ZONE, 2026, 4, 1, 12)
HOUR = timedelta(hours=1)


def add_case(session: Session, at: datetime, **fields: Any) -> Case:
    """A case row with its clocks given (no intake: the figures must be exact)."""
    values: dict[str, Any] = {
        "status": "in_progress",
        "channel": "phone",
        "language": "pl",
        "category": "invoice_error",
        "severity": "normal",
        "team": "billing",
        "description": "x",
        "received_at": at,
        "first_response_due": at + 8 * HOUR,
        "first_response_warn_at": at + 6 * HOUR,
        "resolution_due": at + 80 * HOUR,
        "resolution_warn_at": at + 64 * HOUR,
        "legal_due": (at + timedelta(days=14)).date(),
        "legal_risk_at": at + timedelta(days=13),
        "legal_missed_at": at + timedelta(days=15),
    }
    values.update(fields)
    case = Case(**values)
    session.add(case)
    session.flush()
    return case


@pytest.fixture
def known(session: Session, users: dict[str, User]) -> dict[str, Case]:
    """Five cases in the period and two just outside it (a minute before, at the end)."""
    monday = local(ZONE, 2026, 3, 2, 9)
    cases = {
        "a": add_case(session, monday, first_responded_at=monday + 2 * HOUR),
        "b": add_case(
            session,
            monday + timedelta(days=1),
            channel="email",
            first_responded_at=monday + timedelta(days=1) + 10 * HOUR,  # late: due after 8 h
            resolved_at=monday + timedelta(days=20),  # after legal_missed_at (day 16)
            status="resolved",
        ),
        "c": add_case(
            session,
            monday + timedelta(days=8),
            team="logistics",
            category="delivery_delay",
            channel="chat",
            first_responded_at=monday + timedelta(days=8) + 4 * HOUR,
        ),
        "d": add_case(
            session,
            monday + timedelta(days=9),
            team="logistics",
            category="delivery_delay",
            # never answered, overdue by NOW; still open past its legal deadline
        ),
        # The last minute of Sunday 22 March, Warsaw time.
        "e": add_case(session, local(ZONE, 2026, 3, 22, 23, 59), channel="email"),
        "before": add_case(session, local(ZONE, 2026, 3, 1, 23, 59), team="quality"),
        "after": add_case(session, local(ZONE, 2026, 3, 23, 0, 0), team="quality"),
    }
    for kind, amount, currency, status, case in (
        ("refund", "120.00", "PLN", "granted", "a"),
        ("refund", "30.50", "PLN", "approved", "b"),
        ("refund", "500.00", "PLN", "rejected", "b"),
        ("refund", "999.00", "PLN", "pending", "c"),
        ("discount_percent", "10", "%", "granted", "c"),
        ("voucher", "50.00", "PLN", "granted", "before"),
    ):
        session.add(
            Compensation(
                case_id=cases[case].id,
                kind=kind,
                amount=Decimal(amount),
                currency=currency,
                reason="r",
                status=status,
            )
        )
    for case, score, answered in (("a", 5, True), ("b", 2, True), ("c", None, False)):
        row = cases[case]
        session.add(
            CaseSurvey(
                case_id=row.id,
                language="pl",
                team=row.team,
                category=row.category,
                sent_at=row.received_at + timedelta(days=3),
                expires_at=row.received_at + timedelta(days=17),
                answered_at=row.received_at + timedelta(days=4) if answered else None,
                score=score,
            )
        )
    session.add(
        CaseSurvey(
            case_id=cases["before"].id,
            language="pl",
            team="quality",
            category="invoice_error",
            sent_at=NOW,
            expires_at=NOW,
            answered_at=NOW,
            score=1,
        )
    )
    session.flush()
    return cases


def test_counts_per_category_team_channel_and_week(session: Session, known: object) -> None:
    assert reports.cases_per(session, PERIOD, "team") == [
        reports.CountRow("billing", 3),
        reports.CountRow("logistics", 2),
    ]
    assert reports.cases_per(session, PERIOD, "category") == [
        reports.CountRow("invoice_error", 3),
        reports.CountRow("delivery_delay", 2),
    ]
    assert reports.cases_per(session, PERIOD, "channel") == [
        reports.CountRow("email", 2),  # b, e
        reports.CountRow("phone", 2),  # a, d
        reports.CountRow("chat", 1),
    ]
    assert reports.cases_per_week(session, PERIOD) == [
        reports.CountRow("2026-03-02", 2),
        reports.CountRow("2026-03-09", 2),
        reports.CountRow("2026-03-16", 1),
    ]


def test_a_week_is_cut_at_local_midnight_across_daylight_saving(session: Session) -> None:
    """Poland moves to summer time on Sunday 29 March 2026: the case of Monday 30 March 00:30
    Warsaw (Sunday 22:30 UTC) belongs to the week of 30 March, not to the week before."""
    add_case(session, local(ZONE, 2026, 3, 29, 23, 30))
    add_case(session, local(ZONE, 2026, 3, 30, 0, 30))
    period = reports.Period(start=date(2026, 3, 25), end=date(2026, 4, 2), timezone=ZONE)
    assert reports.cases_per_week(session, period) == [
        reports.CountRow("2026-03-23", 1),
        reports.CountRow("2026-03-30", 1),
    ]


def test_time_to_first_response_and_the_share_within_target(
    session: Session, known: object
) -> None:
    total, billing, logistics = reports.first_response(session, PERIOD, now=NOW)
    # Responded: a 2 h, b 10 h, c 4 h. Nearest rank: median = 2nd of 3 = 4 h, p90 = 3rd = 10 h.
    assert total == reports.ResponseRow(
        team=None,
        cases=5,
        responded=3,
        median_seconds=4 * 3600,
        p90_seconds=10 * 3600,
        within_target=2,  # a and c; b was late
        judged=5,  # d and e unanswered and overdue by NOW
    )
    assert billing.team == "billing" and (billing.cases, billing.responded) == (3, 2)
    assert (billing.median_seconds, billing.p90_seconds) == (2 * 3600, 10 * 3600)
    assert (billing.within_target, billing.judged) == (1, 3)
    assert logistics == reports.ResponseRow("logistics", 2, 1, 4 * 3600, 4 * 3600, 1, 2)
    assert logistics.within_share == 0.5


def test_a_response_not_due_yet_is_not_judged(session: Session, known: object) -> None:
    """At noon of 23 March, case e (received a minute before midnight) is not overdue."""
    now = local(ZONE, 2026, 3, 23, 0, 30)
    total = reports.first_response(session, PERIOD, now=now)[0]
    assert (total.within_target, total.judged) == (2, 4)


def test_legal_deadlines_missed(session: Session, known: object) -> None:
    assert reports.legal_missed(session, PERIOD, now=NOW) == [
        # a still open past its deadline, b resolved after it; e's deadline is still to come
        reports.LegalRow("invoice_error", cases=3, missed=2, missed_open=1),
        # c and d still open past theirs
        reports.LegalRow("delivery_delay", cases=2, missed=2, missed_open=2),
    ]


def test_compensation_granted_per_kind(session: Session, known: object) -> None:
    assert reports.compensation_granted(session, PERIOD) == [
        reports.CompensationRow("refund", "PLN", 2, Decimal("150.50")),
        reports.CompensationRow("discount_percent", "%", 1, Decimal("10.00")),
    ]


def test_satisfaction_per_team(session: Session, known: object) -> None:
    billing, logistics = reports.satisfaction(session, PERIOD)
    assert billing == reports.SatisfactionRow("billing", sent=2, answered=2, average=3.5)
    assert billing.answered_share == 1.0
    assert logistics == reports.SatisfactionRow("logistics", sent=1, answered=0, average=None)
    assert logistics.answered_share == 0.0


def _contact(
    session: Session, agent: User, at: datetime, abusive_turns: int | None, ended: bool = True
) -> Contact:
    contact = Contact(
        agent_id=agent.id,
        channel="phone",
        can_transfer=True,
        started_at=at,
        status="ended" if ended else "live",
        summary={"abusive_turns": abusive_turns, "turns": 9} if ended else None,
    )
    session.add(contact)
    session.flush()
    return contact


def test_abuse_received_per_team_else_per_agent(session: Session, users: dict[str, User]) -> None:
    at = local(ZONE, 2026, 3, 10, 10)
    agent, supervisor = users["agent"], users["supervisor"]
    with_case = _contact(session, agent, at, 4)
    add_case(session, at, team="logistics", source_contact_id=with_case.id)
    add_case(session, at + HOUR, team="quality", source_contact_id=with_case.id)  # 2nd: ignored
    second = _contact(session, supervisor, at, 1)
    add_case(session, at, team="logistics", source_contact_id=second.id)
    _contact(session, agent, at, 3)
    _contact(session, agent, at, 0)
    _contact(session, agent, at, None)  # a summary without the count: no abuse
    _contact(session, agent, at, 7, ended=False)  # still live: no summary yet
    _contact(session, agent, local(ZONE, 2026, 3, 1, 23), 9)  # before the period
    assert reports.abuse_received(session, PERIOD) == [
        reports.AbuseRow("logistics", None, None, contacts=2, abusive_contacts=2, abusive_turns=5),
        reports.AbuseRow(None, agent.id, "Anna Agent", 3, 1, 3),
    ]


@pytest.mark.parametrize(
    ("start", "end", "field", "words"),
    [
        ("2026-03-10", "2026-03-09", "from", "is after to"),
        ("10.03.2026", "", "from", "is not a date"),
        ("", "2026-02-30", "to", "is not a date"),
        ("2024-01-01", "2026-01-01", "to", "at most 731"),
    ],
)
def test_a_bad_period_is_refused_naming_the_field(
    pl: Playbook, start: str, end: str, field: str, words: str
) -> None:
    with pytest.raises(reports.InvalidPeriod) as refused:
        reports.parse_period(start, end, playbook=pl, today=date(2026, 3, 22))
    assert refused.value.fields["field"] == field
    assert words in refused.value.message
    assert refused.value.http_status == 422


def test_the_default_period_is_the_last_eight_weeks_in_the_playbook_zone(pl: Playbook) -> None:
    period = reports.parse_period(None, "", playbook=pl, today=date(2026, 3, 22))
    assert (period.start, period.end) == (date(2026, 1, 26), date(2026, 3, 22))
    assert period.since == datetime(2026, 1, 25, 23, tzinfo=UTC)
    assert period.until == datetime(2026, 3, 22, 23, tzinfo=UTC)
    two_years = reports.parse_period("2024-03-23", "2026-03-22", playbook=pl)
    assert (two_years.end - two_years.start).days + 1 == 730


def test_an_unknown_report_is_named(session: Session) -> None:
    with pytest.raises(reports.UnknownReport, match="'secrets'"):
        reports.ensure_report("secrets")
    assert reports.ensure_report("weeks") == "weeks"
