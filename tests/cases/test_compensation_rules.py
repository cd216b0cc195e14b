"""Money rules on both databases: the agent's limit adds up over the case, the playbook's cap per
customer and period, no resolving or closing while a compensation waits (a supervisor may
override, with a reason), none on a closed case, and the agent's answer to a rejection."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from calmdesk.cases import compensation, service
from calmdesk.cases.enums import CaseStatus, CompensationKind, CompensationStatus
from calmdesk.cases.errors import (
    CaseClosed,
    CompensationAlreadyAppealed,
    CompensationAwaitsApproval,
    CompensationNotRejected,
)
from calmdesk.cases.models import Case
from calmdesk.playbook.schema import Playbook
from calmdesk.storage.types import utcnow
from calmdesk.users.models import User
from tests.cases.conftest import CaseAt, MakeCase, decide, offer

Headers = dict[str, dict[str, str]]


def test_the_agents_limit_adds_up_over_the_case(
    make_case: MakeCase, session: Session, pl: Playbook, users: dict[str, User]
) -> None:
    # The Polish invoice_error rule: refunds up to 2000 PLN, the agent alone up to 200 PLN.
    case = make_case(category="invoice_error")
    statuses = [offer(session, case, pl, "180", users["agent"]).status for _ in range(4)]
    assert statuses == ["granted", "pending", "pending", "pending"]
    assert compensation.committed_on_case(
        session, case_id=case.id, kind=CompensationKind.REFUND
    ) == Decimal("720")


def test_a_rejected_proposal_frees_the_limit_and_percentages_count_apart(
    make_case: MakeCase, session: Session, pl: Playbook, users: dict[str, User]
) -> None:
    case = make_case(category="invoice_error")
    big = offer(session, case, pl, "150", users["agent"])
    waiting = offer(session, case, pl, "100", users["agent"])
    assert (big.status, waiting.status) == ("granted", "pending")
    decide(session, waiting, approve=False, by=users["supervisor"], rationale="Za dużo.")
    assert offer(session, case, pl, "50", users["agent"]).status == "granted"  # 150 + 50
    # Discounts add up with discounts (limit 10%), not with amounts.
    assert offer(session, case, pl, "10", users["agent"], kind="discount_percent").status == (
        "granted"
    )
    assert offer(session, case, pl, "5", users["agent"], kind="discount_percent").status == (
        "pending"
    )


def test_the_playbook_caps_what_one_customer_gets_in_a_period(
    make_case: MakeCase, session: Session, pl: Playbook, users: dict[str, User]
) -> None:
    cap = pl.customer_compensation_cap
    assert cap is not None and (cap.amount, cap.period_days) == (Decimal(600), 30)
    now = utcnow()
    month_ago = now - timedelta(days=31)
    old = make_case(category="invoice_error", customer_contact="Ewa@Example.pl", now=month_ago)
    offer(session, old, pl, "200", users["agent"], now=month_ago)  # outside the period
    cases = [make_case(category="invoice_error", customer_contact="ewa@example.pl") for _ in "abcd"]
    statuses = [offer(session, case, pl, "200", users["agent"]).status for case in cases]
    assert statuses == ["granted", "granted", "granted", "pending"]  # 600 reached on the third
    other = make_case(category="invoice_error", customer_contact="someone@example.pl")
    assert offer(session, other, pl, "200", users["agent"]).status == "granted"


def test_without_a_cap_only_the_case_limit_applies(
    make_case: MakeCase, session: Session, pl: Playbook, users: dict[str, User]
) -> None:
    uncapped = pl.model_copy(update={"customer_compensation_cap": None})
    cases = [make_case(category="invoice_error", customer_contact="ola@example.pl") for _ in "abcd"]
    statuses = [offer(session, case, uncapped, "200", users["agent"]).status for case in cases]
    assert statuses == ["granted"] * 4


def test_a_case_is_not_resolved_or_closed_while_a_compensation_waits(
    case_at: CaseAt,
    move: Callable[..., Case],
    session: Session,
    pl: Playbook,
    users: dict[str, User],
) -> None:
    case = case_at(CaseStatus.IN_PROGRESS)
    waiting = offer(session, case, pl, "900", users["agent"])
    with pytest.raises(CompensationAwaitsApproval) as refused:
        move(case, CaseStatus.RESOLVED)
    assert refused.value.fields["compensation_ids"] == [waiting.id]
    assert case.status == CaseStatus.IN_PROGRESS
    decide(session, waiting, approve=True, by=users["supervisor"], rationale="Zgoda.")
    move(case, CaseStatus.RESOLVED)
    assert case.status == CaseStatus.RESOLVED


def test_a_supervisor_overrides_with_a_reason_that_is_recorded(
    case_at: CaseAt, session: Session, pl: Playbook, users: dict[str, User]
) -> None:
    case = case_at(CaseStatus.RESOLVED)
    waiting = offer(session, case, pl, "900", users["agent"])
    service.transition(
        session,
        case=case,
        to=CaseStatus.CLOSED,
        actor_id=users["supervisor"].id,
        note=None,
        playbook=pl,
        override_reason="Klient przyjął wymianę zamiast zwrotu.",
    )
    assert case.status == CaseStatus.CLOSED
    [event] = [
        e for e in service.events_of(session, case_id=case.id) if e.kind == "approval_overridden"
    ]
    assert event.note == "Klient przyjął wymianę zamiast zwrotu."
    assert event.actor_id == users["supervisor"].id
    assert event.data["compensation_ids"] == [waiting.id]


def test_a_closed_case_takes_no_compensation(
    case_at: CaseAt, session: Session, pl: Playbook, users: dict[str, User]
) -> None:
    case = case_at(CaseStatus.CLOSED)
    with pytest.raises(CaseClosed):
        offer(session, case, pl, "50", users["agent"])
    assert compensation.list_(session, case_id=case.id) == []


def test_the_agent_answers_a_rejection_and_the_exchange_is_kept(
    make_case: MakeCase, session: Session, pl: Playbook, users: dict[str, User]
) -> None:
    case = make_case(category="invoice_error")
    waiting = offer(session, case, pl, "900", users["agent"])
    with pytest.raises(CompensationNotRejected):
        compensation.appeal(session, compensation=waiting, actor_id=users["agent"].id, reason="?")
    decide(session, waiting, approve=False, by=users["supervisor"], rationale="Za dużo.")
    appealed = compensation.appeal(
        session,
        compensation=waiting,
        actor_id=users["agent"].id,
        reason="Klient czekał trzy tygodnie; to druga reklamacja.",
    )
    assert appealed.status == CompensationStatus.APPEALED
    assert [c.id for c in compensation.awaiting_approval(session, case_id=case.id)] == [waiting.id]
    decide(session, waiting, approve=True, by=users["supervisor"], rationale="Zgoda.")
    said = compensation.exchange(session, compensation=waiting)
    assert [(e.side, e.kind, e.text) for e in said] == [
        ("agent", "compensation_proposed", "Nadpłata z marca."),
        ("supervisor", "compensation_rejected", "Za dużo."),
        ("agent", "compensation_appealed", "Klient czekał trzy tygodnie; to druga reklamacja."),
        ("supervisor", "compensation_approved", "Zgoda."),
    ]
    assert waiting.status == CompensationStatus.APPROVED


def test_a_rejection_is_answered_once(
    make_case: MakeCase, session: Session, pl: Playbook, users: dict[str, User]
) -> None:
    case = make_case(category="invoice_error")
    waiting = offer(session, case, pl, "900", users["agent"])
    agent = users["agent"].id
    decide(session, waiting, approve=False, by=users["supervisor"], rationale="Nie.")
    compensation.appeal(session, compensation=waiting, actor_id=agent, reason="Proszę jeszcze raz.")
    decide(session, waiting, approve=False, by=users["supervisor"], rationale="Nadal nie.")
    with pytest.raises(CompensationAlreadyAppealed):
        compensation.appeal(session, compensation=waiting, actor_id=agent, reason="A teraz?")
    assert waiting.status == CompensationStatus.REJECTED


# --- the API -----------------------------------------------------------------------------------


def new_case(client: TestClient, headers: dict[str, str]) -> int:
    response = client.post(
        "/api/cases",
        json={
            "channel": "phone",
            "language": "pl",
            "category": "invoice_error",
            "customer_contact": "jan.kowalski@example.pl",
            "description": "Na fakturze jest kwota o 200 zł wyższa niż w umowie.",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    case_id: int = response.json()["id"]
    return case_id


def move(client: TestClient, headers: dict[str, str], case_id: int, to: str, **extra: str) -> int:
    response = client.post(
        f"/api/cases/{case_id}/transitions",
        json={"to": to, **extra, **({"customer_answer": "accepted"} if to == "resolved" else {})},
        headers=headers,
    )
    status: int = response.status_code
    return status


def test_the_api_refuses_resolving_with_a_waiting_compensation_and_takes_an_override(
    client: TestClient, tokens: Headers
) -> None:
    agent, supervisor = tokens["agent"], tokens["supervisor"]
    case_id = new_case(client, agent)
    for to in ("acknowledged", "in_progress"):
        assert move(client, agent, case_id, to) == 200
    four = [
        client.post(
            f"/api/cases/{case_id}/compensations",
            json={"kind": "refund", "amount": "180", "reason": "Nadpłata."},
            headers=agent,
        ).json()["status"]
        for _ in range(4)
    ]
    assert four == ["granted", "pending", "pending", "pending"]
    refused = client.post(
        f"/api/cases/{case_id}/transitions", json={"to": "resolved"}, headers=agent
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "compensation_awaits_approval"
    assert len(refused.json()["compensation_ids"]) == 3
    # Only a supervisor may override.
    assert move(client, agent, case_id, "resolved", override_reason="Bo tak.") == 403
    assert move(client, supervisor, case_id, "resolved", override_reason="Zwrot poza CRM.") == 200
    assert move(client, supervisor, case_id, "closed", override_reason="Zwrot poza CRM.") == 200
    closed = client.post(
        f"/api/cases/{case_id}/compensations",
        json={"kind": "refund", "amount": "10", "reason": "Jeszcze."},
        headers=agent,
    )
    assert closed.status_code == 409
    assert closed.json()["code"] == "case_closed"


def test_the_api_carries_the_appeal_and_the_exchange(client: TestClient, tokens: Headers) -> None:
    agent, supervisor = tokens["agent"], tokens["supervisor"]
    case_id = new_case(client, agent)
    proposed = client.post(
        f"/api/cases/{case_id}/compensations",
        json={"kind": "refund", "amount": "900", "reason": "Druga awaria w miesiącu."},
        headers=agent,
    ).json()
    comp_id = proposed["id"]
    early = client.post(
        f"/api/compensations/{comp_id}/appeal", json={"reason": "Proszę."}, headers=agent
    )
    assert (early.status_code, early.json()["code"]) == (409, "compensation_not_rejected")
    client.post(
        f"/api/compensations/{comp_id}/reject", json={"rationale": "Za dużo."}, headers=supervisor
    )
    appealed = client.post(
        f"/api/compensations/{comp_id}/appeal",
        json={"reason": "Klient odejdzie bez zwrotu."},
        headers=agent,
    )
    assert appealed.status_code == 200, appealed.text
    assert appealed.json()["status"] == "appealed"
    assert appealed.json()["appeal"] == "Klient odejdzie bez zwrotu."
    queue = client.get("/api/compensations?status=appealed", headers=supervisor).json()
    assert [c["id"] for c in queue] == [comp_id]
    client.post(
        f"/api/compensations/{comp_id}/reject",
        json={"rationale": "Nadal za dużo."},
        headers=supervisor,
    )
    again = client.post(
        f"/api/compensations/{comp_id}/appeal", json={"reason": "A jednak?"}, headers=agent
    )
    assert (again.status_code, again.json()["code"]) == (409, "compensation_already_appealed")
    exchange = client.get(f"/api/compensations/{comp_id}/exchange", headers=agent).json()
    assert exchange["outcome"] == "rejected"
    assert [(e["side"], e["text"]) for e in exchange["entries"]] == [
        ("agent", "Druga awaria w miesiącu."),
        ("supervisor", "Za dużo."),
        ("agent", "Klient odejdzie bez zwrotu."),
        ("supervisor", "Nadal za dużo."),
    ]
    blank = client.post(f"/api/compensations/{comp_id}/appeal", json={"reason": ""}, headers=agent)
    assert blank.status_code == 422
