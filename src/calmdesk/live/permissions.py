"""Who may see and work a live contact: the one place that decides.

- An agent (``contacts.work``) starts contacts for themself and works only their own.
- A supervisor (``board.view``) sees every contact and the board and grants breaks. In another
  agent's contact a signed-in supervisor only watches (and whispers to the agent) until they
  take it over (recorded as a contact event); then they may act in it like its agent.
- An integration posting transcripts for every agent (an API token of a supervisor-role
  service account) acts in any contact without taking it over: it is not a person on the
  board but the source of the call's lines.
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


def may_act(user: User, contact: Contact, *, integration: bool = False) -> bool:
    """Post lines and actions, or end the contact: its agent; a supervisor who took it over;
    a supervisor-role account calling with an API token (an ``integration``)."""
    if not can(user, Permission.WORK_CONTACTS):
        return False
    if contact.agent_id == user.id:
        return True
    if not may_watch_board(user):
        return False
    return integration or contact.taken_over_by_id == user.id


def ensure_may_take_over(user: User) -> None:
    ensure(user, Permission.VIEW_BOARD)
    ensure(user, Permission.WORK_CONTACTS)


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
    session: Session,
    *,
    contact_id: int,
    user: User,
    act: bool = False,
    integration: bool = False,
) -> Contact:
    """The contact if ``user`` may see it (or work it, with ``act``); 404 when it does not
    exist, 403 when it belongs to someone else (``not_taken_over`` for a supervisor watching
    another agent's contact)."""
    contact = session.get(Contact, contact_id) if storable_id(contact_id) else None
    if contact is None:
        raise ContactNotFound(f"There is no contact {contact_id}.", contact_id=contact_id)
    allowed = may_act(user, contact, integration=integration) if act else may_see(user, contact)
    if not allowed and act and may_watch_board(user):
        raise PermissionDenied(
            f"Contact {contact_id} is another agent's: take it over first to act in it.",
            code="not_taken_over",
            contact_id=contact_id,
        )
    if not allowed:
        raise PermissionDenied(
            f"Contact {contact_id} is not yours to {'work' if act else 'see'}.",
            contact_id=contact_id,
        )
    return contact
