"""The one place that decides who may work public complaints.

* handlers and supervisors answer public posts: register, read, reply, promise, draft, note,
  escalate to a case (escalating also needs the right to record cases);
* a promise is kept by whoever made it, or by a supervisor (``social.oversee``), so a promise
  does not stay open when a colleague is away;
* agents (they work the phone and chat, not the company's public voice) and admins: no access,
  except that admins erase an author's personal data (data-subject requests), as for cases.

The role table itself is :mod:`calmdesk.users.permissions`.
"""

from __future__ import annotations

from calmdesk.errors import PermissionDenied
from calmdesk.social.models import Promise
from calmdesk.users.models import User
from calmdesk.users.permissions import Permission, can, ensure


def ensure_may_work_social(user: User) -> None:
    ensure(user, Permission.WORK_SOCIAL)


def ensure_may_escalate(user: User) -> None:
    ensure(user, Permission.WORK_SOCIAL)
    ensure(user, Permission.WORK_CASES)


def ensure_may_keep(user: User, promise: Promise) -> None:
    ensure(user, Permission.WORK_SOCIAL)
    if promise.made_by_id == user.id or can(user, Permission.OVERSEE_SOCIAL):
        return
    raise PermissionDenied(
        "Only the person who made this promise, or a supervisor, may mark it kept.",
        promise_id=promise.id,
    )


def ensure_may_erase(user: User) -> None:
    ensure(user, Permission.ERASE_PERSONAL_DATA)
