"""The one place that decides who may manage outgoing webhooks: admins (they run the system and
its connections to others). Supervisors, handlers and agents may not: a webhook decides where
the company's alerts and case events go, and its delivery log shows every event.

The role table itself is :mod:`calmdesk.users.permissions`.
"""

from __future__ import annotations

from calmdesk.users.models import User
from calmdesk.users.permissions import Permission, can, ensure


def ensure_may_manage(user: User) -> None:
    ensure(user, Permission.MANAGE_WEBHOOKS)


def may_manage(user: User) -> bool:
    return can(user, Permission.MANAGE_WEBHOOKS)
