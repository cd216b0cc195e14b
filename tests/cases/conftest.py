"""Fixtures of the cases tests: the shipped playbooks, a way to record a case at a chosen moment
and to walk it to any status, the agent's offer and the supervisor's decision, and bearer tokens
for the API cast. The plain helpers serve the page tests too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from calmdesk.cases import compensation, service
from calmdesk.cases.enums import CaseStatus, CompensationKind, CustomerAnswer
from calmdesk.cases.models import Case, Compensation
from calmdesk.cases.schemas import CaseCreate, CompensationCreate
from calmdesk.playbook.load import default_playbook
from calmdesk.playbook.schema import Playbook
from calmdesk.users.models import User
from calmdesk.users.service import issue_token

S = CaseStatus

# How to reach each status from "received" through allowed moves.
ANSWERED = {CaseStatus.RESOLVED: CustomerAnswer.ACCEPTED}
"""The customer's answer the fixtures record when they resolve a case."""
PATH_TO: dict[CaseStatus, tuple[CaseStatus, ...]] = {
    S.RECEIVED: (),
    S.ACKNOWLEDGED: (S.ACKNOWLEDGED,),
    S.IN_PROGRESS: (S.ACKNOWLEDGED, S.IN_PROGRESS),
    S.WAITING_CUSTOMER: (S.ACKNOWLEDGED, S.IN_PROGRESS, S.WAITING_CUSTOMER),
    S.RESOLVED: (S.ACKNOWLEDGED, S.IN_PROGRESS, S.RESOLVED),
    S.CLOSED: (S.ACKNOWLEDGED, S.IN_PROGRESS, S.RESOLVED, S.CLOSED),
}


def local(zone: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A wall-clock moment in ``zone`` as UTC: ``local("Europe/Warsaw", 2026, 12, 23, 15)``."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(UTC)


@pytest.fixture(scope="session")
def pl() -> Playbook:
    return default_playbook("pl")


@pytest.fixture(scope="session")
def ru() -> Playbook:
    return default_playbook("ru")


@pytest.fixture(scope="session")
def en() -> Playbook:
    return default_playbook("en")


def intake_at(session: Session, at: datetime, playbook: Playbook, **fields: Any) -> Case:
    """A case received at ``at`` (its ``received_at`` and the moment of the intake), recorded by
    nobody in particular, from these :class:`CaseCreate` fields."""
    return service.intake(
        session,
        case_in=CaseCreate(received_at=at, **fields),
        actor=None,
        playbook=playbook,
        now=at,
    )


MakeCase = Callable[..., Case]


@pytest.fixture
def make_case(session: Session, pl: Playbook) -> MakeCase:
    """``make_case(playbook=pl, actor=None, now=..., **CaseCreate fields)``."""

    def make(
        *,
        playbook: Playbook | None = None,
        actor: User | None = None,
        now: datetime | None = None,
        **fields: Any,
    ) -> Case:
        fields.setdefault("customer_contact", "jan.kowalski@example.pl")
        fields.setdefault("description", "Na fakturze jest kwota o 200 zł wyższa niż w umowie.")
        fields.setdefault("category", "invoice_error")
        fields.setdefault("language", "pl")
        return service.intake(
            session,
            case_in=CaseCreate(**fields),
            actor=actor,
            playbook=playbook or pl,
            now=now,
        )

    return make


def walk_to(
    session: Session, case: Case, status: CaseStatus, playbook: Playbook, now: Any = None
) -> Case:
    """Move ``case`` to ``status`` along :data:`PATH_TO`, by nobody in particular, no note."""
    for step in PATH_TO[status]:
        service.transition(
            session,
            case=case,
            to=step,
            actor_id=None,
            note=None,
            playbook=playbook,
            customer_answer=ANSWERED.get(step),
            now=now,
        )
    return case


@pytest.fixture
def move(session: Session, pl: Playbook) -> Callable[..., Case]:
    """``move(case, status)``: one transition of ``case``, by nobody in particular, no note;
    ``override_reason=`` for a supervisor's move past a waiting compensation."""

    def do_move(
        case: Case,
        to: CaseStatus,
        *,
        playbook: Playbook | None = None,
        now: Any = None,
        override_reason: str | None = None,
    ) -> Case:
        return service.transition(
            session,
            case=case,
            to=to,
            actor_id=None,
            note=None,
            playbook=playbook or pl,
            now=now,
            override_reason=override_reason,
            customer_answer=ANSWERED.get(to),
        )

    return do_move


@pytest.fixture
def walk(session: Session, pl: Playbook) -> Callable[..., Case]:
    """``walk(case, status)``: :func:`walk_to` with the Polish playbook unless told."""

    def do_walk(
        case: Case, status: CaseStatus, *, playbook: Playbook | None = None, now: Any = None
    ) -> Case:
        return walk_to(session, case, status, playbook or pl, now)

    return do_walk


CaseAt = Callable[[CaseStatus], Case]


@pytest.fixture
def case_at(make_case: MakeCase, walk: Callable[..., Case]) -> CaseAt:
    """``case_at(status)``: a new invoice_error case (the :func:`make_case` defaults) walked to
    ``status``."""
    return lambda status: walk(make_case(), status)


def offer(
    session: Session,
    case: Case,
    playbook: Playbook,
    amount: str,
    actor: User,
    kind: str = "refund",
    now: datetime | None = None,
    reason: str = "Nadpłata z marca.",
) -> Compensation:
    """``actor`` proposes a compensation of ``amount`` on ``case``."""
    return compensation.propose(
        session,
        case=case,
        compensation_in=CompensationCreate(
            kind=CompensationKind(kind), amount=Decimal(amount), reason=reason
        ),
        actor_id=actor.id,
        playbook=playbook,
        now=now,
    )


def decide(
    session: Session, found: Compensation, *, approve: bool, by: User, rationale: str
) -> Compensation:
    """A supervisor's decision (the one place these tests name the service's verbs)."""
    return compensation.decide(
        session, compensation=found, approve=approve, actor_id=by.id, rationale=rationale
    )


@pytest.fixture
def tokens(session: Session, users: dict[str, User]) -> dict[str, dict[str, str]]:
    """Bearer headers per cast member: ``client.get(url, headers=tokens["agent"])``."""
    result = {
        name: {"Authorization": f"Bearer {issue_token(session, user=user, name='tests')}"}
        for name, user in users.items()
    }
    session.commit()
    return result
