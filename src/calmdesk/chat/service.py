"""A chat conversation as a live contact: every platform (Chatwoot's webhook, the generic
adapter) calls these verbs, which feed the very service path typed lines take
(:mod:`calmdesk.live.service`).

- a customer's or an agent's message is one line of the conversation's live contact, fed once
  (a second delivery of the same message id is a ``duplicate`` and changes nothing);
- the contact starts as soon as the conversation's agent is known (a platform agent linked to a
  CalmDesk user, :func:`link_agent`); lines that arrive before wait, in order, and are fed then;
- the conversation resolved ends the contact (the coach's summary and break); a line after that
  (the platform reopened it) starts a new contact.

Each fed line is stored with the contact's event in one transaction, with the private notes its
new alerts queue (:mod:`calmdesk.chat.notes`), so a crash never loses nor doubles a line.
Publishing the turns' messages is the caller's job, after the commit.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from calmdesk.analysis.line import MAX_TEXT_CHARS
from calmdesk.chat import notes
from calmdesk.chat.models import (
    AgentLink,
    ChatConversation,
    ChatMessage,
    ConversationStatus,
    MessageState,
)
from calmdesk.errors import CalmDeskError, Conflict, InvalidInput
from calmdesk.live import coaching
from calmdesk.live import service as live
from calmdesk.live.bus import BOARD_CHANNEL
from calmdesk.live.messages import Outgoing
from calmdesk.live.models import Contact
from calmdesk.live.wire import GuidanceMessage, Speaker, SummaryMessage
from calmdesk.playbook.schema import Channel, Playbook
from calmdesk.storage import db
from calmdesk.storage.types import utcnow
from calmdesk.users.models import User

MAX_PENDING = 200
"""Lines one conversation keeps while no agent is known; later ones are dropped (counted)."""
TURN_ATTEMPTS = 3
"""A line refused with ``contact_busy`` (another turn landed at the same moment) is retried."""

Outcome = Literal[
    "fed", "started", "pending", "duplicate", "dropped", "ignored", "ended", "unchanged"
]


@dataclass(frozen=True)
class ConversationKey:
    platform: str
    account: str
    conversation: str

    def __post_init__(self) -> None:
        for name in ("platform", "account", "conversation"):
            value = getattr(self, name)
            if not value or len(value) > 128:
                raise InvalidInput(
                    f"The conversation's {name} must be 1 to 128 characters.",
                    code="invalid_conversation",
                )


@dataclass
class Received:
    """What a platform event did; ``outgoing`` is for the bus once committed."""

    outcome: Outcome
    contact_id: int | None = None
    guidance: GuidanceMessage | None = None
    summary: SummaryMessage | None = None
    outgoing: list[Outgoing] = field(default_factory=list)


# --- agents ----------------------------------------------------------------------------------


def link_agent(
    session: Session, *, platform: str, account: str, external_id: str, user: User
) -> AgentLink:
    """The platform's agent ``external_id`` (in ``account``) is ``user`` from now on."""
    db.begin_write(session)
    link = _link(session, platform=platform, account=account, external_id=external_id)
    if link is None:
        link = AgentLink(
            platform=platform, account=account, external_id=external_id, user_id=user.id
        )
        session.add(link)
    link.user_id = user.id
    session.flush()
    return link


def unlink_agent(session: Session, *, platform: str, account: str, external_id: str) -> bool:
    db.begin_write(session)
    link = _link(session, platform=platform, account=account, external_id=external_id)
    if link is None:
        return False
    session.delete(link)
    session.flush()
    return True


def links(session: Session, *, platform: str | None = None) -> Sequence[AgentLink]:
    query = select(AgentLink).order_by(AgentLink.platform, AgentLink.account, AgentLink.id)
    if platform is not None:
        query = query.where(AgentLink.platform == platform)
    return session.scalars(query).all()


def _link(session: Session, *, platform: str, account: str, external_id: str) -> AgentLink | None:
    query = select(AgentLink).where(
        AgentLink.platform == platform,
        AgentLink.account == account,
        AgentLink.external_id == external_id,
    )
    return session.scalars(query).one_or_none()


def linked_user(
    session: Session, *, platform: str, account: str, external_id: str | None
) -> User | None:
    """The active CalmDesk user linked to the platform's agent, if any."""
    if not external_id:
        return None
    link = _link(session, platform=platform, account=account, external_id=external_id)
    if link is None:
        return None
    user = session.get(User, link.user_id)
    return user if user is not None and user.is_active else None


# --- conversations ---------------------------------------------------------------------------


def find(session: Session, key: ConversationKey) -> ChatConversation | None:
    query = select(ChatConversation).where(
        ChatConversation.platform == key.platform,
        ChatConversation.account == key.account,
        ChatConversation.external_id == key.conversation,
    )
    return session.scalars(query).one_or_none()


def _ensure(session: Session, key: ConversationKey) -> ChatConversation:
    """The conversation's row, created (and committed) the first time it is heard of."""
    conversation = find(session, key)
    if conversation is not None:
        return conversation
    db.begin_write(session)
    conversation = find(session, key)
    if conversation is None:
        try:
            with session.begin_nested():
                conversation = ChatConversation(
                    platform=key.platform,
                    account=key.account,
                    external_id=key.conversation,
                    status=ConversationStatus.OPEN,
                )
                session.add(conversation)
        except IntegrityError:  # another delivery created it at the same moment
            conversation = find(session, key)
            if conversation is None:
                raise
    session.commit()
    return conversation


def _live_contact(session: Session, conversation: ChatConversation) -> Contact | None:
    if conversation.contact_id is None:
        return None
    contact = session.get(Contact, conversation.contact_id, populate_existing=True)
    return contact if contact is not None and contact.is_live else None


def _already(session: Session, conversation: ChatConversation, message_id: str) -> bool:
    query = select(ChatMessage.id).where(
        ChatMessage.conversation_id == conversation.id, ChatMessage.external_id == message_id
    )
    return session.scalars(query).first() is not None


class _Duplicate(Exception):
    pass


@contextmanager
def _duplicate_as_outcome() -> Iterator[None]:
    try:
        yield
    except IntegrityError:
        raise _Duplicate from None


def _clip(text: str) -> str:
    """A chat message longer than one line may be is coached on its first 5,000 characters."""
    return text.strip()[:MAX_TEXT_CHARS]


# --- the verbs -------------------------------------------------------------------------------


def receive_line(
    session: Session,
    *,
    key: ConversationKey,
    message_id: str,
    speaker: Speaker,
    text: str,
    agent: User | None,
    playbook: Playbook,
    notes_on: bool = False,
    cache: coaching.ConversationCache | None = None,
) -> Received:
    """One message of the conversation: fed to its live contact, or kept until an agent is
    known. ``agent`` is who the platform says handles the conversation (``None``: not known or
    not linked)."""
    if not message_id or len(message_id) > 128:
        raise InvalidInput("A message id must be 1 to 128 characters.", code="invalid_message_id")
    text = _clip(text)
    if not text:
        return Received("ignored")
    db.begin_read(session)
    conversation = find(session, key)
    if conversation is not None and _already(session, conversation, message_id):
        return Received("duplicate", contact_id=conversation.contact_id)
    conversation = _ensure(session, key)
    received = Received("pending")
    contact = _live_contact(session, conversation)
    if contact is None:
        agent = agent or _last_agent(session, conversation)
        if agent is not None:
            contact = _start(session, conversation, agent, playbook, received, notes_on, cache)
    try:
        if contact is None:
            kept = _keep(session, conversation, message_id, speaker, text, received)
            if kept is not None:
                return kept
        guidance = _feed(
            session,
            conversation,
            message_id=message_id,
            speaker=speaker,
            text=text,
            playbook=playbook,
            received=received,
            notes_on=notes_on,
            cache=cache,
        )
    except _Duplicate:
        session.rollback()
        return Received("duplicate", contact_id=conversation.contact_id)
    received.outcome = "fed"
    received.guidance = guidance
    received.contact_id = conversation.contact_id
    return received


def assign(
    session: Session,
    *,
    key: ConversationKey,
    agent: User | None,
    playbook: Playbook,
    notes_on: bool = False,
    cache: coaching.ConversationCache | None = None,
) -> Received:
    """The platform says who handles the conversation: once that is a linked user, its contact
    starts (and the lines that waited are fed)."""
    db.begin_read(session)
    conversation = _ensure(session, key)
    received = Received("unchanged", contact_id=conversation.contact_id)
    if agent is None or conversation.status == ConversationStatus.ENDED:
        return received
    if _live_contact(session, conversation) is None:
        _start(session, conversation, agent, playbook, received, notes_on, cache)
        received.outcome = "started"
        received.contact_id = conversation.contact_id
    return received


def end_conversation(
    session: Session,
    *,
    key: ConversationKey,
    playbook: Playbook,
    notes_on: bool = False,
    cache: coaching.ConversationCache | None = None,
) -> Received:
    """The conversation was resolved: its contact ends (the coach's summary) and the lines that
    waited for an agent are dropped, their words with them."""
    db.begin_read(session)
    conversation = find(session, key)
    if conversation is None or conversation.status == ConversationStatus.ENDED:
        return Received("unchanged", contact_id=conversation.contact_id if conversation else None)
    received = Received("ended", contact_id=conversation.contact_id)
    contact = _live_contact(session, conversation)
    if contact is not None:
        outcome = live.end_contact(
            session, contact_id=contact.id, actor=None, playbook=playbook, cache=cache
        )
        received.summary = outcome.answer
        received.outgoing.extend(outcome.outgoing)
        if notes_on:
            notes.queue_alerts(session, conversation, outcome.contact, outcome.outgoing)
    else:
        db.begin_write(session)
    conversation = session.get(ChatConversation, conversation.id, populate_existing=True)
    assert conversation is not None
    conversation.status = ConversationStatus.ENDED
    conversation.ended_at = conversation.updated_at = utcnow()
    for message in _pending(session, conversation):
        message.state = MessageState.DROPPED
        message.text = None
    session.commit()
    return received


def reopen(session: Session, *, key: ConversationKey) -> None:
    """The platform reopened the conversation: its next line starts a new contact."""
    db.begin_read(session)
    conversation = find(session, key)
    if conversation is None or conversation.status == ConversationStatus.OPEN:
        return
    db.begin_write(session)
    conversation = session.get(ChatConversation, conversation.id, populate_existing=True)
    assert conversation is not None
    conversation.status = ConversationStatus.OPEN
    conversation.updated_at = utcnow()
    session.commit()


def drop_stale_pending(session: Session, *, before: datetime) -> int:
    """Lines still waiting for an agent since before ``before`` are dropped, their words with
    them (a conversation no linked agent took): customer words are not kept indefinitely outside
    a contact."""
    query = select(ChatMessage).where(
        ChatMessage.state == MessageState.PENDING, ChatMessage.received_at < before
    )
    stale = session.scalars(query).all()
    for message in stale:
        message.state = MessageState.DROPPED
        message.text = None
    session.flush()
    return len(stale)


# --- inside a verb ---------------------------------------------------------------------------


def _locked(session: Session, conversation_id: int) -> ChatConversation:
    """The conversation re-read in a write transaction, its row locked (PostgreSQL; SQLite's
    write lock serialises anyway): starting its contact and keeping a line waiting exclude
    each other, so no line is left waiting beside a live contact."""
    db.begin_write(session)
    query = select(ChatConversation).where(ChatConversation.id == conversation_id)
    return session.scalars(query.with_for_update().execution_options(populate_existing=True)).one()


def _last_agent(session: Session, conversation: ChatConversation) -> User | None:
    """A reopened conversation keeps the agent who had it."""
    if conversation.agent_id is None:
        return None
    user = session.get(User, conversation.agent_id)
    return user if user is not None and user.is_active else None


def _pending(session: Session, conversation: ChatConversation) -> Sequence[ChatMessage]:
    query = select(ChatMessage).where(
        ChatMessage.conversation_id == conversation.id,
        ChatMessage.state == MessageState.PENDING,
    )
    return session.scalars(query.order_by(ChatMessage.id)).all()


def _keep(
    session: Session,
    conversation: ChatConversation,
    message_id: str,
    speaker: Speaker,
    text: str,
    received: Received,
) -> Received | None:
    """No agent yet: the line waits (its words kept until it is fed or dropped). ``None``
    when a contact started meanwhile: the caller feeds the line to it."""
    conversation = _locked(session, conversation.id)
    if _live_contact(session, conversation) is not None:
        return None
    count = session.scalar(
        select(func.count(ChatMessage.id)).where(
            ChatMessage.conversation_id == conversation.id,
            ChatMessage.state == MessageState.PENDING,
        )
    )
    waiting = (count or 0) < MAX_PENDING
    with _duplicate_as_outcome():
        session.add(
            ChatMessage(
                conversation_id=conversation.id,
                external_id=message_id,
                speaker=speaker,
                state=MessageState.PENDING if waiting else MessageState.DROPPED,
                text=text if waiting else None,
            )
        )
        session.flush()
    session.commit()
    received.outcome = "pending" if waiting else "dropped"
    return received


def _start(
    session: Session,
    conversation: ChatConversation,
    agent: User,
    playbook: Playbook,
    received: Received,
    notes_on: bool,
    cache: coaching.ConversationCache | None,
) -> Contact:
    """A new live chat contact for ``agent``, then the lines that waited, in order."""
    row = _locked(session, conversation.id)  # two deliveries racing to start it start one
    contact = _live_contact(session, row)
    if contact is None:
        contact = live.start_contact(
            session, agent=agent, channel=Channel.CHAT, actor=None, playbook=playbook
        )
        row.contact_id = contact.id
        row.agent_id = agent.id
        row.status = ConversationStatus.OPEN
        row.updated_at = utcnow()
        session.commit()
        update = live.contact_update_message(contact, agent)
        received.outgoing.append(Outgoing(BOARD_CHANNEL, update))
    for item in [(m.id, m.speaker, m.text or "") for m in _pending(session, row)]:
        _feed_waiting(session, row, item, playbook, received, notes_on, cache)
    return contact


def _feed_waiting(
    session: Session,
    conversation: ChatConversation,
    item: tuple[int, str, str],
    playbook: Playbook,
    received: Received,
    notes_on: bool,
    cache: coaching.ConversationCache | None,
) -> None:
    """One waiting line fed, unless another delivery fed it meanwhile (its row is re-read,
    locked, in the turn's write transaction; the turn is then rolled back)."""
    message_id, said_by, text = item
    speaker: Speaker = "agent" if said_by == "agent" else "customer"
    published = len(received.outgoing)
    guidance = _turn(
        session, conversation, speaker=speaker, text=text, playbook=playbook, cache=cache,
        received=received, notes_on=notes_on,
    )  # fmt: skip
    query = select(ChatMessage).where(ChatMessage.id == message_id).with_for_update()
    waiting = session.scalars(query.execution_options(populate_existing=True)).one()
    if waiting.state != MessageState.PENDING:
        session.rollback()
        del received.outgoing[published:]
        return
    waiting.state = MessageState.FED
    waiting.text = None
    waiting.contact_id = conversation.contact_id
    waiting.seq = guidance.seq
    session.commit()


def _feed(
    session: Session,
    conversation: ChatConversation,
    *,
    message_id: str,
    speaker: Speaker,
    text: str,
    playbook: Playbook,
    received: Received,
    notes_on: bool,
    cache: coaching.ConversationCache | None,
) -> GuidanceMessage:
    guidance = _turn(
        session, conversation, speaker=speaker, text=text, playbook=playbook, cache=cache,
        received=received, notes_on=notes_on,
    )  # fmt: skip
    with _duplicate_as_outcome():
        session.add(
            ChatMessage(
                conversation_id=conversation.id,
                external_id=message_id,
                speaker=speaker,
                state=MessageState.FED,
                contact_id=conversation.contact_id,
                seq=guidance.seq,
            )
        )
        session.flush()
    session.commit()
    return guidance


def _turn(
    session: Session,
    conversation: ChatConversation,
    *,
    speaker: Speaker,
    text: str,
    playbook: Playbook,
    cache: coaching.ConversationCache | None,
    received: Received,
    notes_on: bool,
) -> GuidanceMessage:
    """One line through :func:`calmdesk.live.service.says`, retried when another turn of the
    contact landed at the same moment; left uncommitted for the caller's own rows."""
    assert conversation.contact_id is not None
    for attempt in range(TURN_ATTEMPTS):
        try:
            outcome = live.says(
                session,
                contact_id=conversation.contact_id,
                speaker=speaker,
                text=text,
                actor=None,
                playbook=playbook,
                cache=cache,
            )
        except Conflict as error:
            if error.code != "contact_busy" or attempt == TURN_ATTEMPTS - 1:
                raise
            session.rollback()
            continue
        except CalmDeskError:
            session.rollback()
            raise
        received.outgoing.extend(outcome.outgoing)
        if notes_on:
            notes.queue_alerts(session, conversation, outcome.contact, outcome.outgoing)
        return outcome.answer
    raise AssertionError("unreachable")
