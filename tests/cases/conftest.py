"""Fixtures of the cases tests: the shipped playbooks, a way to record a case at a chosen moment
and to walk it to any status, and bearer tokens for the API cast."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from calmdesk.cases import service
from calmdesk.cases.enums import CaseStatus
from calmdesk.cases.models import Case
from calmdesk.cases.schemas import CaseCreate
from calmdesk.playbook.load import default_playbook
from calmdesk.playbook.schema import Playbook
from calmdesk.users.models import User
from calmdesk.users.service import issue_token

S = CaseStatus

# How to reach each status from "received" through allowed moves.
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


@pytest.fixture
def move(session: Session, pl: Playbook) -> Callable[..., Case]:
    """``move(case, status)``: one transition of ``case``, by nobody in particular, no note."""

    def do_move(
        case: Case, to: CaseStatus, *, playbook: Playbook | None = None, now: Any = None
    ) -> Case:
        return service.transition(
            session, case=case, to=to, actor_id=None, note=None, playbook=playbook or pl, now=now
        )

    return do_move


@pytest.fixture
def walk(move: Callable[..., Case]) -> Callable[..., Case]:
    """``walk(case, status)``: move ``case`` to ``status`` along :data:`PATH_TO`."""

    def do_walk(
        case: Case, status: CaseStatus, *, playbook: Playbook | None = None, now: Any = None
    ) -> Case:
        for step in PATH_TO[status]:
            move(case, step, playbook=playbook, now=now)
        return case

    return do_walk


@pytest.fixture
def tokens(session: Session, users: dict[str, User]) -> dict[str, dict[str, str]]:
    """Bearer headers per cast member: ``client.get(url, headers=tokens["agent"])``."""
    result = {
        name: {"Authorization": f"Bearer {issue_token(session, user=user, name='tests')}"}
        for name, user in users.items()
    }
    session.commit()
    return result
