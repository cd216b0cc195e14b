"""Who may see and work a live contact: the one place that decides.

- An agent (``contacts.work``) starts contacts for themself and works only their own.
- A supervisor (``board.view``) sees every contact and the board, may act in any contact (take
  over a call, or an integration account posting transcripts for every agent) and grants breaks.
- Admins run the system, not the calls: no access to contacts (as in ``users.permissions``).

An integration (telephony or chat system) uses a bearer token: a token of the agent's own account
works the agent's contacts; a token of a supervisor-role service account works all of them.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from calmdesk.errors import NotFound, PermissionDenied
from calmdesk.fields import storable_id
from calmdesk.live.models import Contact
from calmdesk.users.models import User
from calmdesk.users.permissions import Permission, can, ensure


class ContactNotFound(NotFound):
    code = "contact_not_found"


def may_watch_board(user: User) -> bool:
    return can(user, Permission.VIEW_BOARD)


def may_see(user: User, contact: Contact) -> bool:
    if may_watch_board(user):
        return True
    return can(user, Permission.WORK_CONTACTS) and contact.agent_id == user.id


def may_act(user: User, contact: Contact) -> bool:
    """Post lines and actions, or end the contact."""
    if may_watch_board(user) and can(user, Permission.WORK_CONTACTS):
        return True
    return can(user, Permission.WORK_CONTACTS) and contact.agent_id == user.id


def ensure_may_start(user: User, *, for_agent: User) -> None:
    ensure(user, Permission.WORK_CONTACTS)
    if for_agent.id != user.id:
        ensure(user, Permission.VIEW_BOARD)
    if not can(for_agent, Permission.WORK_CONTACTS):
        raise PermissionDenied(
            f"{for_agent.username} ({for_agent.role.value}) does not take contacts.",
            code="not_an_agent",
        )


def ensure_may_list(user: User) -> None:
    """Agents list their own contacts, supervisors every contact; other roles none."""
    if not (can(user, Permission.WORK_CONTACTS) or may_watch_board(user)):
        raise PermissionDenied(
            f"A {user.role.value} has no access to live contacts.", code="permission_denied"
        )


def ensure_may_watch_board(user: User) -> None:
    ensure(user, Permission.VIEW_BOARD)


def ensure_may_grant_break(user: User) -> None:
    ensure(user, Permission.VIEW_BOARD)


def contact_for_user(
    session: Session, *, contact_id: int, user: User, act: bool = False
) -> Contact:
    """The contact if ``user`` may see it (or work it, with ``act``); 404 when it does not
    exist, 403 when it belongs to someone else."""
    contact = session.get(Contact, contact_id) if storable_id(contact_id) else None
    if contact is None:
        raise ContactNotFound(f"There is no contact {contact_id}.", contact_id=contact_id)
    allowed = may_act(user, contact) if act else may_see(user, contact)
    if not allowed:
        raise PermissionDenied(
            f"Contact {contact_id} is not yours to {'work' if act else 'see'}.",
            contact_id=contact_id,
        )
    return contact
