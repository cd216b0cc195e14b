"""The one place that decides who may see and work a case.

* handlers and supervisors: every case;
* agents: the cases they recorded or that are assigned to them;
* approving or rejecting compensation above the agent's limit: supervisors;
* "assign to me": supervisors, and handlers taking a case nobody owns;
* satisfaction results per team, category and handler: whoever sees the board;
* the reports page (the trouble spots: volumes, response times, missed deadlines, compensation,
  satisfaction, abuse received): whoever sees the board (team leads and managers);
* exporting a customer's data: whoever sees every case, and admins (data-subject requests);
  erasing it: admins.

The role table itself is :mod:`calmdesk.users.permissions`; this module adds ownership.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, true
from sqlalchemy.orm import Session

from calmdesk.cases import service
from calmdesk.cases.models import Case
from calmdesk.errors import PermissionDenied
from calmdesk.users.models import Role, User
from calmdesk.users.permissions import Permission, can, ensure


def visible_cases(user: User) -> ColumnElement[bool]:
    """A WHERE clause keeping only the cases ``user`` may see."""
    ensure(user, Permission.WORK_CASES)
    if can(user, Permission.VIEW_ALL_CASES):
        return true()
    return or_(Case.created_by_id == user.id, Case.owner_id == user.id)


def may_see(user: User, case: Case) -> bool:
    if not can(user, Permission.WORK_CASES):
        return False
    return can(user, Permission.VIEW_ALL_CASES) or user.id in (case.created_by_id, case.owner_id)


def case_for_user(session: Session, *, case_id: int, user: User) -> Case:
    """The case, if it exists (404 ``case_not_found``) and ``user`` may work it (403)."""
    case = service.get_or_raise(session, case_id=case_id)
    ensure(user, Permission.WORK_CASES)
    if not may_see(user, case):
        raise PermissionDenied(
            "This case is neither recorded by you nor assigned to you.", case_id=case_id
        )
    return case


def ensure_may_work_cases(user: User) -> None:
    ensure(user, Permission.WORK_CASES)


def ensure_may_assign(user: User) -> None:
    ensure(user, Permission.ASSIGN_CASES)


def ensure_may_propose_compensation(user: User) -> None:
    ensure(user, Permission.PROPOSE_COMPENSATION)


def ensure_may_decide_compensation(user: User) -> None:
    ensure(user, Permission.APPROVE_COMPENSATION)


def ensure_may_take(user: User, case: Case) -> None:
    """ "Assign to me": whoever may assign cases, or a handler who sees every case taking one
    that nobody owns yet (or already theirs)."""
    if can(user, Permission.ASSIGN_CASES):
        return
    ensure(user, Permission.VIEW_ALL_CASES)
    if case.owner_id not in (None, user.id):
        raise PermissionDenied(
            "This case already has an owner; a supervisor may reassign it.", case_id=case.id
        )


def ensure_may_see_satisfaction(user: User) -> None:
    """Satisfaction results per team, category and handler: whoever watches the floor."""
    ensure(user, Permission.VIEW_BOARD)


def ensure_may_see_reports(user: User) -> None:
    """The reports page and its exports: whoever watches the floor (supervisors)."""
    ensure(user, Permission.VIEW_BOARD)


def ensure_may_export_customer(user: User) -> None:
    if user.is_active and user.role == Role.ADMIN:
        return
    ensure(user, Permission.VIEW_ALL_CASES)


def ensure_may_erase_customer(user: User) -> None:
    if not (user.is_active and user.role == Role.ADMIN):
        raise PermissionDenied("Only an admin may erase a customer's personal data.")
