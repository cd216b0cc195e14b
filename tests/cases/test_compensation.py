"""Compensation: granted at once within the agent's limit, otherwise a supervisor decides with a
rationale; the agent's reason and the supervisor's answer both stay in the history."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from calmdesk.cases import compensation, service
from calmdesk.cases.enums import CaseEventKind, CompensationStatus
from calmdesk.cases.errors import CompensationNotAllowed, CompensationNotPending
from calmdesk.cases.models import Case
from calmdesk.playbook.schema import Playbook
from calmdesk.users.models import User
from tests.cases.conftest import MakeCase, offer


def kinds(session: Session, case: Case) -> list[str]:
    return [e.kind for e in service.events_of(session, case_id=case.id)]


GRANTED = ["compensation_proposed", "compensation_granted"]
WAITS = ["compensation_proposed"]


@pytest.mark.parametrize(
    ("kind", "amount", "status", "events"),
    [
        ("refund", "200", CompensationStatus.GRANTED, GRANTED),
        ("discount_percent", "10", CompensationStatus.GRANTED, GRANTED),
        ("refund", "200.01", CompensationStatus.PENDING, WAITS),
        ("discount_percent", "15", CompensationStatus.PENDING, WAITS),
    ],
)
def test_within_the_agent_limit_it_is_granted_at_once_above_it_waits_for_a_supervisor(
    kind: str,
    amount: str,
    status: CompensationStatus,
    events: list[str],
    make_case: MakeCase,
    session: Session,
    pl: Playbook,
    users: dict[str, User],
) -> None:
    case = make_case(category="invoice_error")
    proposed = offer(session, case, pl, amount, users["agent"], kind)
    assert proposed.status == status
    assert kinds(session, case)[-len(events) :] == events
    waiting = compensation.list_(session, status=CompensationStatus.PENDING)
    assert waiting == ([proposed] if status == CompensationStatus.PENDING else [])


@pytest.mark.parametrize("approve", [True, False])
def test_the_supervisor_decides_and_both_sides_are_kept(
    approve: bool, make_case: MakeCase, session: Session, pl: Playbook, users: dict[str, User]
) -> None:
    case = make_case(category="invoice_error")
    pending = offer(session, case, pl, "900", users["agent"], "refund")
    decided = compensation.decide(
        session,
        compensation=pending,
        approve=approve,
        actor_id=users["supervisor"].id,
        rationale="Klient czekał trzy tygodnie.",
    )
    assert decided.status == (
        CompensationStatus.APPROVED if approve else CompensationStatus.REJECTED
    )
    assert decided.rationale == "Klient czekał trzy tygodnie."
    assert decided.decided_by_id == users["supervisor"].id
    events = service.events_of(session, case_id=case.id)
    proposed = next(e for e in events if e.kind == CaseEventKind.COMPENSATION_PROPOSED)
    answer = events[-1]
    assert proposed.note == "Nadpłata z marca."
    assert proposed.actor_id == users["agent"].id
    assert answer.kind == ("compensation_approved" if approve else "compensation_rejected")
    assert answer.note == "Klient czekał trzy tygodnie."
    assert answer.data["agent_reason"] == "Nadpłata z marca."
    with pytest.raises(CompensationNotPending):
        compensation.decide(
            session, compensation=decided, approve=True, actor_id=None, rationale="again"
        )


def test_a_granted_compensation_cannot_be_decided_again(
    make_case: MakeCase, session: Session, pl: Playbook, users: dict[str, User]
) -> None:
    granted = offer(session, make_case(), pl, "50", users["agent"], "refund")
    with pytest.raises(CompensationNotPending):
        compensation.decide(
            session, compensation=granted, approve=False, actor_id=None, rationale="no"
        )


def test_a_kind_the_playbook_does_not_offer_is_refused(
    make_case: MakeCase, session: Session, pl: Playbook, users: dict[str, User]
) -> None:
    with pytest.raises(CompensationNotAllowed) as error:
        offer(session, make_case(category="invoice_error"), pl, "10", users["agent"], "gift")
    assert error.value.fields["field"] == "kind"


def test_more_than_the_playbook_maximum_is_refused(
    make_case: MakeCase, session: Session, pl: Playbook, users: dict[str, User]
) -> None:
    with pytest.raises(CompensationNotAllowed) as error:
        offer(session, make_case(category="invoice_error"), pl, "2000.01", users["agent"], "refund")
    assert error.value.fields["field"] == "amount"


def test_a_severity_specific_rule_sets_a_higher_limit(
    make_case: MakeCase, session: Session, pl: Playbook, users: dict[str, User]
) -> None:
    ordinary = make_case(category="delivery_delay", severity="medium")
    critical = make_case(category="delivery_delay", severity="critical")
    assert offer(session, ordinary, pl, "80", users["agent"], "voucher").status == "pending"
    assert offer(session, critical, pl, "80", users["agent"], "voucher").status == "granted"
