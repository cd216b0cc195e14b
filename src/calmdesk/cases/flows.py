"""The case workflow: one table of allowed moves and one :func:`move` that checks it and moves
the clocks (:func:`calmdesk.cases.service.transition` writes the event).

``received → acknowledged → in_progress ⇄ waiting_customer → resolved → closed``, and a case
is reopened (back to ``in_progress``) from ``resolved`` or ``closed``.
"""

from __future__ import annotations

from datetime import datetime

from calmdesk.cases import deadlines
from calmdesk.cases.enums import CaseStatus
from calmdesk.cases.models import Case
from calmdesk.errors import Conflict
from calmdesk.playbook.schema import Playbook

S = CaseStatus

ALLOWED: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.RECEIVED: frozenset({S.ACKNOWLEDGED}),
    S.ACKNOWLEDGED: frozenset({S.IN_PROGRESS}),
    S.IN_PROGRESS: frozenset({S.WAITING_CUSTOMER, S.RESOLVED}),
    S.WAITING_CUSTOMER: frozenset({S.IN_PROGRESS, S.RESOLVED}),
    S.RESOLVED: frozenset({S.CLOSED, S.IN_PROGRESS}),  # reopen
    S.CLOSED: frozenset({S.IN_PROGRESS}),  # reopen
}


class InvalidTransition(Conflict):
    code = "invalid_transition"


def is_allowed(old: CaseStatus, new: CaseStatus) -> bool:
    return new in ALLOWED[old]


def move(case: Case, to: CaseStatus, *, playbook: Playbook, now: datetime) -> None:
    """Move ``case`` to ``to`` or raise :class:`InvalidTransition` naming the allowed moves.
    :func:`calmdesk.cases.service.transition` is the one caller: it stores the move's event.

    Side effects on the clocks: acknowledging records the first response; entering
    ``waiting_customer`` pauses the internal clock and leaving it resumes it (both targets move
    by the business time spent waiting); reopening clears ``resolved_at``/``closed_at``.
    """
    old = CaseStatus(case.status)
    if not is_allowed(old, to):
        allowed = sorted(ALLOWED[old])
        raise InvalidTransition(
            f"a case cannot go from {old} to {to}; allowed: {', '.join(allowed)}",
            from_status=str(old),
            to_status=str(to),
            allowed=[str(s) for s in allowed],
        )
    case.status = str(to)
    if to == S.ACKNOWLEDGED and case.first_responded_at is None:
        case.first_responded_at = now
    if old == S.WAITING_CUSTOMER:
        deadlines.resume(case, at=now, playbook=playbook)
    if to == S.WAITING_CUSTOMER:
        deadlines.pause(case, at=now)
    if to == S.RESOLVED:
        case.resolved_at = now
    if to == S.CLOSED:
        case.closed_at = now
    if to == S.IN_PROGRESS and old in (S.RESOLVED, S.CLOSED):
        case.resolved_at = None
        case.closed_at = None
    case.next_check_at = deadlines.next_check_at(case)
