"""What each role may do: the one table every permission check reads.

Routes never compare roles themselves; they ask :func:`ensure` (or the ``require_permission``
dependency) for a :class:`Permission`. Ownership checks (an agent works the cases assigned to
them) live in each resource's own access helper, on top of these.
"""

from __future__ import annotations

from enum import StrEnum

from calmdesk.errors import PermissionDenied
from calmdesk.users.models import Role, User


class Permission(StrEnum):
    WORK_CONTACTS = "contacts.work"
    """Run live contacts in the agent console."""
    VIEW_BOARD = "board.view"
    """See every live contact and its alerts on the supervisor board."""
    WORK_CASES = "cases.work"
    """Record and work complaint cases (agents: those they own or were assigned)."""
    VIEW_ALL_CASES = "cases.view_all"
    """See and work the whole case queue, not only one's own cases."""
    ASSIGN_CASES = "cases.assign"
    PROPOSE_COMPENSATION = "compensation.propose"
    APPROVE_COMPENSATION = "compensation.approve"
    """Approve or reject compensation above the agent's limit."""
    MANAGE_USERS = "users.manage"
    EDIT_PLAYBOOK = "playbook.edit"
    EXPORT_PERSONAL_DATA = "personal_data.export"
    """Export everything stored about one customer (a data-subject access request)."""
    ERASE_PERSONAL_DATA = "personal_data.erase"
    """Erase a customer's personal data, keeping the anonymous case statistics."""
    WORK_SOCIAL = "social.work"
    """Answer public complaints on social media: reply, promise, keep one's own promises."""
    OVERSEE_SOCIAL = "social.oversee"
    """Close out public promises made by someone else."""
    MANAGE_WEBHOOKS = "webhooks.manage"
    """Make, change and disable outgoing webhooks; read and replay their delivery log."""


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.AGENT: frozenset(
        {Permission.WORK_CONTACTS, Permission.WORK_CASES, Permission.PROPOSE_COMPENSATION}
    ),
    Role.HANDLER: frozenset(
        {
            Permission.WORK_CASES,
            Permission.VIEW_ALL_CASES,
            Permission.PROPOSE_COMPENSATION,
            Permission.EXPORT_PERSONAL_DATA,
            Permission.WORK_SOCIAL,
        }
    ),
    Role.SUPERVISOR: frozenset(
        {
            Permission.WORK_CONTACTS,
            Permission.VIEW_BOARD,
            Permission.WORK_CASES,
            Permission.VIEW_ALL_CASES,
            Permission.ASSIGN_CASES,
            Permission.PROPOSE_COMPENSATION,
            Permission.APPROVE_COMPENSATION,
            Permission.EXPORT_PERSONAL_DATA,
            Permission.WORK_SOCIAL,
            Permission.OVERSEE_SOCIAL,
        }
    ),
    # Admins run the system, not the complaints: they do not read the case queue, but they
    # answer data-subject requests (export, erasure).
    Role.ADMIN: frozenset(
        {
            Permission.MANAGE_USERS,
            Permission.EDIT_PLAYBOOK,
            Permission.EXPORT_PERSONAL_DATA,
            Permission.ERASE_PERSONAL_DATA,
            Permission.MANAGE_WEBHOOKS,
        }
    ),
}


def permissions_of(role: Role) -> frozenset[Permission]:
    return ROLE_PERMISSIONS[role]


def can(user: User, permission: Permission) -> bool:
    return user.is_active and permission in ROLE_PERMISSIONS[user.role]


def ensure(user: User, permission: Permission) -> None:
    """Raise :class:`PermissionDenied` unless ``user`` holds ``permission``."""
    if not can(user, permission):
        raise PermissionDenied(
            f"Your role ({user.role.value}) does not allow this ({permission.value}).",
            permission=permission.value,
        )


def roles_with(permission: Permission) -> tuple[Role, ...]:
    return tuple(role for role, granted in ROLE_PERMISSIONS.items() if permission in granted)
