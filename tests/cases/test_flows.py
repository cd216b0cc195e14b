"""The workflow table: every allowed move works and writes its event; every other move is
refused with ``invalid_transition`` and leaves no trace."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from calmdesk.cases import service
from calmdesk.cases.enums import CaseEventKind, CaseStatus, CustomerAnswer
from calmdesk.cases.flows import ALLOWED, InvalidTransition
from calmdesk.cases.models import Case
from calmdesk.errors import CalmDeskError
from calmdesk.playbook.schema import Playbook
from calmdesk.users.models import User
from tests.cases.conftest import MakeCase

ALLOWED_PAIRS = [(old, new) for old, targets in ALLOWED.items() for new in sorted(targets)]
REFUSED_PAIRS = [
    (old, new) for old, new in itertools.product(CaseStatus, CaseStatus) if new not in ALLOWED[old]
]


def test_the_table_covers_every_status() -> None:
    assert set(ALLOWED) == set(CaseStatus)
    assert len(ALLOWED_PAIRS) + len(REFUSED_PAIRS) == len(CaseStatus) ** 2


@pytest.mark.parametrize(("old", "new"), ALLOWED_PAIRS, ids=lambda s: str(s))
def test_an_allowed_move_changes_the_status_and_writes_the_event(
    old: CaseStatus,
    new: CaseStatus,
    make_case: MakeCase,
    walk: Callable[..., Case],
    session: Session,
    pl: Playbook,
    users: dict[str, User],
) -> None:
    case = walk(make_case(), old)
    handler = users["handler"]
    service.transition(
        session,
        case=case,
        to=new,
        actor_id=handler.id,
        note="krok",
        playbook=pl,
        customer_answer=CustomerAnswer.REJECTED if new == CaseStatus.RESOLVED else None,
    )
    assert case.status == new
    last = [
        e
        for e in service.events_of(session, case_id=case.id)
        if e.kind == CaseEventKind.STATUS_CHANGED
    ][-1]
    assert (last.from_status, last.to_status, last.actor_id, last.note) == (
        old,
        new,
        handler.id,
        "krok",
    )


@pytest.mark.parametrize(("old", "new"), REFUSED_PAIRS, ids=lambda s: str(s))
def test_a_refused_move_raises_and_leaves_no_trace(
    move: Callable[..., Case],
    old: CaseStatus,
    new: CaseStatus,
    make_case: MakeCase,
    walk: Callable[..., Case],
    session: Session,
) -> None:
    case = walk(make_case(), old)
    events_before = len(service.events_of(session, case_id=case.id))
    with pytest.raises(InvalidTransition) as error:
        move(case, new)
    assert error.value.code == "invalid_transition"
    assert error.value.http_status == 409
    assert error.value.fields["allowed"] == sorted(str(s) for s in ALLOWED[old])
    assert case.status == old
    assert len(service.events_of(session, case_id=case.id)) == events_before


@pytest.mark.parametrize("finished", [CaseStatus.RESOLVED, CaseStatus.CLOSED])
def test_a_finished_case_can_be_reopened(
    finished: CaseStatus,
    make_case: MakeCase,
    walk: Callable[..., Case],
    session: Session,
    pl: Playbook,
) -> None:
    case = walk(make_case(), finished)
    assert case.resolved_at is not None
    assert case.next_check_at is None
    service.transition(
        session,
        case=case,
        to=CaseStatus.IN_PROGRESS,
        actor_id=None,
        note="Klient zgłosił, że problem wrócił.",
        playbook=pl,
    )
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.resolved_at is None
    assert case.closed_at is None
    assert case.next_check_at is not None  # the clocks are watched again


def test_acknowledging_records_what_the_customer_was_told(
    make_case: MakeCase, walk: Callable[..., Case], session: Session, pl: Playbook
) -> None:
    case = walk(make_case(), CaseStatus.ACKNOWLEDGED)
    informed = [
        e
        for e in service.events_of(session, case_id=case.id)
        if e.kind == CaseEventKind.CUSTOMER_INFORMED
    ]
    assert len(informed) == 1
    told = informed[0].data["told"]
    # How, how long, who, when and by which channel, from the playbook.
    assert told["how"] == pl.category(case.category).description["pl"]
    assert told["expected_by"]
    assert told["contact_person"] == pl.team(case.team).name["pl"]
    assert told["next_contact_at"]
    assert told["channel"] == case.channel
    assert case.first_responded_at is not None


def test_a_category_gone_from_the_playbook_is_a_clear_conflict(
    move: Callable[..., Case],
    make_case: MakeCase,
    walk: Callable[..., Case],
) -> None:
    case = walk(make_case(), CaseStatus.WAITING_CUSTOMER)
    case.category = "retired_category"
    with pytest.raises(CalmDeskError) as error:
        move(case, CaseStatus.IN_PROGRESS)
    assert error.value.code == "category_not_in_playbook"
    assert error.value.http_status == 409
