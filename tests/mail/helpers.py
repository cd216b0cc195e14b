"""Moving a mail case along its workflow in the tests, by nobody in particular."""

from __future__ import annotations

from sqlalchemy.orm import Session

from calmdesk.cases import service as cases
from calmdesk.cases.enums import CaseStatus, CustomerAnswer
from calmdesk.cases.models import Case
from calmdesk.playbook.schema import Playbook


def walk(session: Session, case: Case, playbook: Playbook, *statuses: str) -> None:
    """``case`` through ``statuses`` in order; resolving records an accepted solution."""
    for status in statuses:
        cases.transition(
            session,
            case=case,
            to=CaseStatus(status),
            actor_id=None,
            note=None,
            playbook=playbook,
            customer_answer=CustomerAnswer.ACCEPTED,
        )
