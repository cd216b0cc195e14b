"""A customer's data can be exported and erased (statistics stay), and a case's state can be
rebuilt from its history alone."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.cases import compensation, service, worker
from calmdesk.cases.enums import CaseStatus
from calmdesk.cases.models import Case, HistoryIsAppendOnly
from calmdesk.cases.rebuild import differences, rebuild
from calmdesk.cases.schemas import CaseUpdate, CustomerUpdate
from calmdesk.customers import service as customers
from calmdesk.customers.messages import CustomerNotFound
from calmdesk.playbook.schema import Playbook
from calmdesk.users.models import User
from tests.cases.conftest import MakeCase, local, offer

SECRET = "Jan Kowalski, PESEL 44051401359"
CONTACT = "jan.kowalski@example.pl"
MONDAY_9 = local("Europe/Warsaw", 2026, 3, 2, 9)


@pytest.fixture
def busy_case(
    move: Callable[..., Case],
    make_case: MakeCase,
    walk: Callable[..., Case],
    session: Session,
    pl: Playbook,
    users: dict[str, User],
) -> Case:
    """A case that went through most of what can happen to one."""
    case = make_case(
        customer_contact=CONTACT,
        customer_name="Jan Kowalski",
        description=f"{SECRET}: faktura wyższa o 200 zł.",
        references=["FV/2026/03/118"],
        received_at=MONDAY_9,
        now=MONDAY_9,
    )
    walk(case, CaseStatus.WAITING_CUSTOMER, now=MONDAY_9 + timedelta(hours=1))
    service.inform_customer(
        session,
        case=case,
        update=CustomerUpdate(how="Sprawdzamy", channel="email", message=f"Dzień dobry, {SECRET}"),
        actor_id=users["handler"].id,
        note=SECRET,
    )
    move(case, CaseStatus.IN_PROGRESS, now=MONDAY_9 + timedelta(days=1))
    service.update(
        session,
        case=case,
        case_in=CaseUpdate(category="defective_product", owner_id=users["handler"].id),
        actor_id=users["supervisor"].id,
        playbook=pl,
    )
    offer(session, case, pl, "900", users["agent"], reason=SECRET)
    session.flush()
    return case


def test_the_rebuilt_state_equals_the_row(
    busy_case: Case,
    move: Callable[..., Case],
    session: Session,
    session_factory: sessionmaker[Session],
) -> None:
    case = busy_case
    session.commit()
    worker.run_once(session_factory, now=MONDAY_9 + timedelta(days=40))
    session.expire_all()
    # The busy case's refund still waits for a supervisor: resolving it takes an override.
    move(case, CaseStatus.RESOLVED, override_reason="The refund is decided outside CalmDesk.")
    session.commit()
    session.expire_all()
    events = service.events_of(session, case_id=case.id)
    assert differences(case, events) == {}
    assert rebuild(events)["category"] == "defective_product"
    assert rebuild(events[:1])["status"] == CaseStatus.RECEIVED


def test_the_rebuild_notices_a_row_changed_behind_the_history(
    make_case: MakeCase, session: Session
) -> None:
    case = make_case()
    case.team = "somebody_else"
    assert set(differences(case, service.events_of(session, case_id=case.id))) == {"team"}


def test_history_rows_cannot_be_changed_through_the_orm(
    make_case: MakeCase, session: Session
) -> None:
    event = service.events_of(session, case_id=make_case().id)[0]
    event.note = "rewritten"
    with pytest.raises(HistoryIsAppendOnly):
        session.flush()
    session.rollback()


def test_export_holds_every_case_event_and_compensation_of_the_customer(
    busy_case: Case,
    make_case: MakeCase,
    session: Session,
) -> None:
    case = busy_case
    make_case(customer_contact="someone.else@example.pl")
    exported = customers.export_customer(session, contact="JAN.Kowalski@example.pl", region="PL")
    assert [c["id"] for c in exported["cases"]] == [case.id]
    assert len(exported["cases"][0]["events"]) == len(service.events_of(session, case_id=case.id))
    assert exported["cases"][0]["compensations"][0]["reason"] == SECRET
    json.dumps(exported)  # JSON-ready


def test_erasure_removes_personal_data_and_keeps_the_statistics(
    busy_case: Case,
    session: Session,
    users: dict[str, User],
) -> None:
    case = busy_case
    kept = {k: getattr(case, k) for k in ("category", "severity", "team", "channel", "status")}
    erasure = customers.erase_customer(
        session, contact=CONTACT, actor_id=users["admin"].id, region="PL"
    )
    assert erasure.case_ids == [case.id]
    session.commit()
    session.expire_all()

    assert case.customer_contact is None and case.customer_name is None
    assert case.references == [] and case.erased_at is not None
    assert {k: getattr(case, k) for k in kept} == kept
    events = service.events_of(session, case_id=case.id)
    dumped = json.dumps([(e.note, e.data) for e in events], ensure_ascii=False)
    assert "44051401359" not in dumped and "Kowalski" not in dumped.lower().replace("[erased]", "")
    assert events[-1].kind == "personal_data_erased"
    assert compensation.list_(session, case_id=case.id)[0].amount == Decimal("900")
    assert differences(case, events) == {}
    with pytest.raises(CustomerNotFound):
        customers.export_customer(session, contact=CONTACT, region="PL")
