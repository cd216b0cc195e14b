"""Live contacts: start one, feed it the customer's and the agent's lines and actions, end it.

Each turn stores one :class:`ContactEvent` with the guidance the coach gave after it, and returns
a :class:`TurnOutcome`: the message to answer (a :class:`~calmdesk.live.wire.GuidanceMessage`,
built once from the coach's guidance) plus every message to fan out (guidance to the contact's
channel; the contact's new state and any new alert to the board). Publishing is the
caller's job (the views do it after the turn is flushed), so this module stays synchronous and
usable from the CLI, the demo and the tests.

A turn reads first and writes last (:mod:`calmdesk.storage.db`): what the session did before
is committed, the contact and its events are read and the analysis and the coach run without any
lock, and only the append happens in a write transaction, which the caller commits.

``actor`` is the user doing it; when given, :mod:`calmdesk.live.permissions` is asked first.
``actor=None`` is a trusted caller (the demo data, a migration script).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from calmdesk.analysis.line import check_line
from calmdesk.coach import Conversation, Guidance
from calmdesk.coach.stages import Action, parse_action
from calmdesk.errors import Conflict, InvalidInput
from calmdesk.live import coaching, keys, locks, notices, permissions
from calmdesk.live.bus import BOARD_CHANNEL, contact_channel
from calmdesk.live.locks import ContactEnded as ContactEnded

# `Outgoing` and `contact_update_message` are re-exported (`X as X`) for the web pages.
from calmdesk.live.messages import Outgoing as Outgoing
from calmdesk.live.messages import (
    TurnOutcome,
    board_alert_kinds,
    break_granted_messages,
    break_requested_messages,
    end_messages,
    event_view,
    turn_messages,
)
from calmdesk.live.messages import contact_update_message as contact_update_message
from calmdesk.live.models import Contact, ContactEvent, ContactStatus, EventKind
from calmdesk.live.wire import (
    AlertMessage,
    BreakGrantedMessage,
    CallSummaryRead,
    GuidanceMessage,
    Speaker,
    SummaryMessage,
    TakenOverMessage,
    WhisperMessage,
)
from calmdesk.playbook.schema import Channel, Playbook
from calmdesk.storage.types import utcnow
from calmdesk.users.models import User

DEFAULT_CACHE = coaching.ConversationCache()
ANALYSIS_SLOTS = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))
"""Turns analysed at once. The analysis is CPU work under the GIL: more threads at it only make
each slower, and slow the threads that are storing a turn (holding the write lock) with them."""


def _check_lang(lang: str | None, playbook: Playbook) -> str | None:
    if lang in (None, "", "auto"):
        return None
    if lang not in playbook.languages:
        raise InvalidInput(
            f"Language {lang!r} is not one of {', '.join(playbook.languages)} (or 'auto').",
            code="unknown_language",
        )
    return lang


def start_contact(
    session: Session,
    *,
    agent: User,
    channel: Channel | str = Channel.PHONE,
    lang: str | None = None,
    can_transfer: bool | None = None,
    actor: User | None = None,
    playbook: Playbook,
) -> Contact:
    """A new live contact for ``agent``; transfer follows the playbook unless given."""
    if actor is not None:
        permissions.ensure_may_start(actor, for_agent=agent)
    try:
        channel = Channel(channel)
    except ValueError:
        names = ", ".join(c.value for c in Channel)
        raise InvalidInput(f"Unknown channel {channel!r}; use one of {names}.") from None
    if can_transfer is None:
        can_transfer = playbook.conversation.transfer_available
    contact = Contact(
        agent_id=agent.id,
        channel=channel.value,
        lang=_check_lang(lang, playbook),
        can_transfer=can_transfer,
        status=ContactStatus.LIVE,
        started_at=utcnow(),
        last_line_at=utcnow(),
        heat=0.0,
        peak_heat=0.0,
        alerts=[],
        event_count=0,
    )
    session.add(contact)
    session.flush()
    return contact


def get_or_raise(session: Session, *, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise permissions.ContactNotFound(f"There is no contact {contact_id}.")
    return contact


def events_of(session: Session, *, contact: Contact) -> Sequence[ContactEvent]:
    query = select(ContactEvent).where(ContactEvent.contact_id == contact.id)
    return session.scalars(query.order_by(ContactEvent.seq)).all()


def list_(
    session: Session,
    *,
    live: bool | None = None,
    viewer: User | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Sequence[Contact]:
    """Contacts newest first; a viewer without the board sees only their own."""
    query = select(Contact)
    if live is not None:
        status = ContactStatus.LIVE if live else ContactStatus.ENDED
        query = query.where(Contact.status == status)
    if viewer is not None and not permissions.may_watch_board(viewer):
        query = query.where(Contact.agent_id == viewer.id)
    query = query.order_by(Contact.started_at.desc(), Contact.id.desc())
    return session.scalars(query.limit(limit).offset(offset)).all()


def list_live(session: Session, *, viewer: User | None = None) -> Sequence[Contact]:
    return list_(session, live=True, viewer=viewer, limit=1000)


def takers_of(session: Session, contacts: Sequence[Contact]) -> dict[int, User]:
    """The supervisors who took these contacts over, by id."""
    ids = {c.taken_over_by_id for c in contacts if c.taken_over_by_id is not None}
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}


def agent_names(session: Session, contacts: Sequence[Contact]) -> dict[int, User]:
    ids = {c.agent_id for c in contacts}
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}


def _conversation(
    session: Session, contact: Contact, *, playbook: Playbook, cache: coaching.ConversationCache
) -> Conversation:
    cached = cache.take(contact.id, contact.event_count)
    if cached is not None:
        return cached
    agent = contact.agent
    return coaching.rebuild(
        contact,
        events_of(session, contact=contact),
        playbook=playbook,
        agent=agent,
    )


def _turn(
    session: Session,
    *,
    contact_id: int,
    actor: User | None,
    step: Callable[[Conversation], Guidance],
    playbook: Playbook,
    cache: coaching.ConversationCache | None,
    integration: bool = False,
) -> tuple[TurnOutcome[GuidanceMessage], Conversation]:
    """One turn in two phases: read the contact and coach (the analysis included) without any
    lock, then a short write transaction that appends the event. If another turn was stored in
    between, the coach is replayed on the stored events plus this one (its analysis kept)."""
    cache = DEFAULT_CACHE if cache is None else cache
    contact = locks.read_live(session, contact_id=contact_id, actor=actor, integration=integration)
    seen = contact.event_count
    conversation = _conversation(session, contact, playbook=playbook, cache=cache)
    with ANALYSIS_SLOTS:
        guidance = step(conversation)
    event = conversation.events[-1]
    said = keys.keys_of_line(
        getattr(event, "text", None), region=playbook.calendar.country, lang=contact.lang
    )
    contact = locks.lock_live(session, contact_id=contact_id)
    if contact.event_count != seen:
        conversation = _conversation(session, contact, playbook=playbook, cache=cache)
        guidance = conversation.record(event)
    seq = contact.event_count + 1
    fields = coaching.stored_fields(event)
    # What was said travels with the live message (the console adds it to the transcript);
    # the stored guidance does not repeat it: the event row holds it once.
    message = GuidanceMessage.of(contact.id, seq, guidance, event_view(seq, fields))
    session.add(
        ContactEvent(
            contact_id=contact.id,
            seq=seq,
            actor_id=actor.id if actor else None,
            guidance=message.record(),
            created_at=utcnow(),
            **fields,
        )
    )
    keys.remember(session, contact=contact, keys=said)
    previous_alerts = set(contact.alerts or [])
    previous_rung = contact.rung
    contact.stage = message.stage
    contact.rung = message.rung
    contact.alerts = board_alert_kinds(message)
    if message.signals is not None:  # only the customer's lines are analysed
        contact.heat = message.signals.heat
        contact.peak_heat = max(contact.peak_heat or 0.0, contact.heat)
    contact.event_count = seq
    contact.last_line_at = utcnow()
    with locks.seq_taken_as_conflict(contact_id):
        session.flush()
    cache.put(contact.id, seq, conversation)
    agent = contact.agent
    outgoing = turn_messages(
        contact, agent, message, previous_alerts, previous_rung, taken_over_by(session, contact)
    )
    # Other systems hear of the new alerts (outgoing webhooks) in the turn's own transaction.
    notices.announce_alerts(session, contact=contact, agent=agent, outgoing=outgoing)
    return TurnOutcome(contact=contact, answer=message, outgoing=outgoing), conversation


def says(
    session: Session,
    *,
    contact_id: int,
    speaker: Speaker,
    text: str,
    actor: User | None,
    playbook: Playbook,
    cache: coaching.ConversationCache | None = None,
    integration: bool = False,
) -> TurnOutcome[GuidanceMessage]:
    """A line of the customer (typed by the agent, or a transcript segment from an integration)
    or of the agent (checked for negative wording and risky promises)."""
    text = check_line(text).strip()

    def step(conversation: Conversation) -> Guidance:
        if speaker == "customer":
            return conversation.customer_says(text)
        return conversation.agent_says(text)

    outcome, _ = _turn(
        session,
        contact_id=contact_id,
        actor=actor,
        step=step,
        playbook=playbook,
        cache=cache,
        integration=integration,
    )
    return outcome


def agent_did(
    session: Session,
    *,
    contact_id: int,
    action: str,
    actor: User | None,
    playbook: Playbook,
    cache: coaching.ConversationCache | None = None,
    integration: bool = False,
) -> TurnOutcome[GuidanceMessage]:
    """An action of the ladder (``warning_given``, ``transfer_failed`` ...); ``call_ended``
    also ends the contact."""
    parsed = parse_action(action)
    outcome, conversation = _turn(
        session,
        contact_id=contact_id,
        actor=actor,
        step=lambda conversation: conversation.agent_did(parsed),
        playbook=playbook,
        cache=cache,
        integration=integration,
    )
    if parsed is Action.CALL_ENDED:
        finished = _after_call_ended(session, outcome, conversation, cache, playbook)
        outcome.outgoing[:] = finished.outgoing
    return outcome


def _after_call_ended(
    session: Session,
    outcome: TurnOutcome[GuidanceMessage],
    conversation: Conversation,
    cache: coaching.ConversationCache | None,
    playbook: Playbook,
) -> TurnOutcome[SummaryMessage]:
    """End the contact after its ``call_ended`` turn: the turn's messages, then the end's."""
    finished = _finish(session, outcome.contact, conversation, playbook=playbook)
    # The hang-up's guidance may already carry ``break_recommended``: alert the board once.
    alerted = {o.message.kind for o in outcome.outgoing if isinstance(o.message, AlertMessage)}
    outgoing = [
        *outcome.outgoing,
        *(
            o
            for o in finished.outgoing
            if not (isinstance(o.message, AlertMessage) and o.message.kind in alerted)
        ),
    ]
    (DEFAULT_CACHE if cache is None else cache).forget(outcome.contact.id)
    return TurnOutcome(contact=finished.contact, answer=finished.answer, outgoing=outgoing)


def undo(
    session: Session,
    *,
    contact_id: int,
    seq: int,
    step: str,
    actor: User | None,
    playbook: Playbook,
    cache: coaching.ConversationCache | None = None,
    integration: bool = False,
) -> TurnOutcome[GuidanceMessage]:
    """Take back the step ``step`` heard in the agent's line stored as event ``seq``; the coach
    goes on as if it had not been heard. Anything else is ``nothing_to_undo`` (or
    ``unknown_step``), and nothing is stored."""
    outcome, _ = _turn(
        session,
        contact_id=contact_id,
        actor=actor,
        step=lambda conversation: conversation.undo(seq, step),
        playbook=playbook,
        cache=cache,
        integration=integration,
    )
    return outcome


def end_contact(
    session: Session,
    *,
    contact_id: int,
    actor: User | None,
    playbook: Playbook,
    cache: coaching.ConversationCache | None = None,
    integration: bool = False,
) -> TurnOutcome[SummaryMessage]:
    """End the contact: the end is recorded as the agent's ``call_ended`` (so the outcome is
    the coach's: ``hang_up`` while the abuse is not over, with its verdict), unless the call
    already ended (transferred); then the coach's summary and the break the playbook
    recommends."""
    cache = DEFAULT_CACHE if cache is None else cache
    contact = locks.read_live(session, contact_id=contact_id, actor=actor, integration=integration)
    seen = contact.event_count
    conversation = _conversation(session, contact, playbook=playbook, cache=cache)
    if conversation.ended is None:
        cache.put(contact.id, seen, conversation)  # the turn below takes it back
        outcome, conversation = _turn(
            session,
            contact_id=contact_id,
            actor=actor,
            step=lambda conversation: conversation.agent_did(Action.CALL_ENDED),
            playbook=playbook,
            cache=cache,
        )
        return _after_call_ended(session, outcome, conversation, cache, playbook)
    contact = locks.lock_live(session, contact_id=contact_id)
    if contact.event_count != seen:  # a last line was stored meanwhile
        conversation = _conversation(session, contact, playbook=playbook, cache=cache)
    cache.forget(contact.id)
    return _finish(session, contact, conversation, playbook=playbook)


def _finish(
    session: Session,
    contact: Contact,
    conversation: Conversation,
    *,
    playbook: Playbook,
    ended: str | None = None,
) -> TurnOutcome[SummaryMessage]:
    """Store the summary (``ended`` overrides the coach's outcome: ``timed_out``)."""
    summary = CallSummaryRead.of(conversation.summary())
    if ended is not None:
        summary = summary.model_copy(update={"ended": ended})
    contact.status = ContactStatus.ENDED
    contact.ended_at = utcnow()
    contact.summary = summary.model_dump(mode="json")
    contact.break_minutes = summary.break_minutes
    session.flush()
    agent = contact.agent
    message, outgoing = end_messages(
        contact, agent, summary, warnings_needed=playbook.conversation.warnings_before_end
    )
    return TurnOutcome(contact=contact, answer=message, outgoing=outgoing)


def time_out_idle(session: Session, *, playbook: Playbook, now: datetime) -> list[Outgoing]:
    """End every open contact without a line for ``conversation.idle_timeout_minutes``: its
    outcome is ``timed_out``. Run by the worker (:mod:`calmdesk.maintenance`) inside one write
    transaction; returns the messages to publish once it is committed."""
    cutoff = now - timedelta(minutes=playbook.conversation.idle_timeout_minutes)
    idle = (
        select(Contact)
        .where(
            Contact.status == ContactStatus.LIVE,
            func.coalesce(Contact.last_line_at, Contact.started_at) < cutoff,
        )
        .order_by(Contact.id)
        .with_for_update(skip_locked=True)
    )
    outgoing: list[Outgoing] = []
    for contact in session.scalars(idle).all():
        conversation = coaching.rebuild(
            contact, events_of(session, contact=contact), playbook=playbook, agent=contact.agent
        )
        DEFAULT_CACHE.forget(contact.id)
        ended = conversation.ended or "timed_out"
        outgoing += _finish(session, contact, conversation, playbook=playbook, ended=ended).outgoing
    return outgoing


def _pending_breaks_of(session: Session, agent_id: int) -> Sequence[Contact]:
    return session.scalars(
        _breaks_pending_query().where(Contact.agent_id == agent_id).order_by(Contact.id)
    ).all()


def taken_over_by(session: Session, contact: Contact) -> User | None:
    """The supervisor who took ``contact`` over, if one did."""
    if contact.taken_over_by_id is None:
        return None
    return session.get(User, contact.taken_over_by_id)


def _append_note(
    session: Session,
    contact_id: int,
    *,
    actor: User,
    kind: EventKind,
    text: str | None,
    before: Callable[[Contact], None],
    cache: coaching.ConversationCache | None,
) -> tuple[Contact, ContactEvent]:
    """Append a supervisor's event (not the coach's): in a short write transaction, with the
    cached conversation kept under the contact's new event count."""
    cache = DEFAULT_CACHE if cache is None else cache
    locks.read_live(session, contact_id=contact_id, actor=None)
    contact = locks.lock_live(session, contact_id=contact_id)
    before(contact)
    seen = contact.event_count
    event = ContactEvent(
        contact_id=contact.id,
        seq=seen + 1,
        kind=kind,
        text=text,
        actor_id=actor.id,
        created_at=utcnow(),
    )
    session.add(event)
    contact.event_count = seen + 1
    with locks.seq_taken_as_conflict(contact_id):
        session.flush()
    cached = cache.take(contact.id, seen)
    if cached is not None:
        cache.put(contact.id, seen + 1, cached)
    return contact, event


def whisper(
    session: Session,
    *,
    contact_id: int,
    text: str,
    actor: User,
    cache: coaching.ConversationCache | None = None,
) -> TurnOutcome[WhisperMessage]:
    """A supervisor's note only the agent sees (stored with the contact, erased with its
    words); published on the contact's channel, never to the board or the customer."""
    permissions.ensure_may_watch_board(actor)
    text = check_line(text).strip()
    contact, event = _append_note(
        session,
        contact_id,
        actor=actor,
        kind=EventKind.WHISPER,
        text=text,
        before=lambda _contact: None,
        cache=cache,
    )
    message = WhisperMessage(
        contact_id=contact.id,
        seq=event.seq,
        text=text,
        by=actor.username,
        by_name=actor.display_name,
        at=event.created_at,
    )
    return TurnOutcome(
        contact=contact, answer=message, outgoing=[Outgoing(contact_channel(contact.id), message)]
    )


def take_over(
    session: Session,
    *,
    contact_id: int,
    actor: User,
    cache: coaching.ConversationCache | None = None,
) -> TurnOutcome[TakenOverMessage]:
    """A supervisor takes the contact over: recorded as a contact event; from then on they may
    post lines and actions and end it (the agent still may too)."""
    permissions.ensure_may_take_over(actor)

    def check(contact: Contact) -> None:
        if contact.taken_over_by_id == actor.id or contact.agent_id == actor.id:
            raise Conflict(
                f"Contact {contact_id} is already yours to work.",
                code="already_taken_over",
                contact_id=contact_id,
            )

    contact, event = _append_note(
        session,
        contact_id,
        actor=actor,
        kind=EventKind.TAKEN_OVER,
        text=None,
        before=check,
        cache=cache,
    )
    contact.taken_over_by_id = actor.id
    contact.taken_over_at = event.created_at
    session.flush()
    agent = contact.agent
    message = TakenOverMessage(
        contact_id=contact.id,
        seq=event.seq,
        agent=agent.username,
        by=actor.username,
        by_name=actor.display_name,
        at=event.created_at,
    )
    outgoing = [
        Outgoing(contact_channel(contact.id), message),
        Outgoing(BOARD_CHANNEL, message),
        Outgoing(BOARD_CHANNEL, contact_update_message(contact, agent, actor)),
    ]
    return TurnOutcome(contact=contact, answer=message, outgoing=outgoing)


def grant_break(
    session: Session,
    *,
    contact_id: int,
    actor: User,
    minutes: int | None = None,
    playbook: Playbook | None = None,
) -> TurnOutcome[BreakGrantedMessage]:
    """A supervisor grants the agent of this contact a break: breaks are per agent, so every
    contact of theirs waiting for one is granted with it. The minutes are ``minutes``, else the
    longest break recommended after those contacts, else (the agent asked after an easy
    contact) the playbook's shortest."""
    permissions.ensure_may_grant_break(actor)
    contact = get_or_raise(session, contact_id=contact_id)
    if contact.is_live:
        raise Conflict("A break is granted once the contact has ended.", code="contact_live")
    if contact.break_granted_at is not None:
        raise Conflict("A break was already granted for this contact.", code="break_granted")
    waiting = [c for c in _pending_breaks_of(session, contact.agent_id) if c.id != contact.id]
    together = [contact, *waiting]
    if minutes is None:
        minutes = max(c.break_minutes or 0 for c in together)
        if not minutes and playbook is not None and contact.break_requested_at is not None:
            minutes = playbook.conversation.shortest_break
    if not minutes or minutes <= 0:
        raise InvalidInput("Say how many minutes of break to grant.", code="break_minutes")
    now = utcnow()
    for each in together:
        each.break_granted_at = now
        each.break_granted_by_id = actor.id
        each.break_granted_minutes = minutes
    session.flush()
    agent = contact.agent
    message, outgoing = break_granted_messages(contact, agent, actor)
    return TurnOutcome(contact=contact, answer=message, outgoing=outgoing)


def request_break(
    session: Session, *, contact_id: int, actor: User
) -> tuple[Contact, list[Outgoing]]:
    """The agent asks for a break after this (ended) contact; the board is alerted."""
    contact = permissions.contact_for_user(session, contact_id=contact_id, user=actor, act=True)
    if contact.is_live:
        raise Conflict("Ask for a break once the contact has ended.", code="contact_live")
    if contact.break_granted_at is not None:
        raise Conflict("A break was already granted for this contact.", code="break_granted")
    if contact.break_requested_at is None:
        contact.break_requested_at = utcnow()
        session.flush()
    return contact, break_requested_messages(contact, contact.agent)


def latest_break(session: Session, *, agent_id: int, now: datetime) -> Contact | None:
    """The agent's latest break granted, while it still runs."""
    query = (
        select(Contact)
        .where(Contact.agent_id == agent_id, Contact.break_granted_at.is_not(None))
        .order_by(Contact.break_granted_at.desc(), Contact.id.desc())
        .limit(1)
    )
    contact = session.scalars(query).first()
    if contact is None or contact.break_granted_at is None:
        return None
    until = contact.break_granted_at + timedelta(minutes=contact.break_granted_minutes or 0)
    return contact if until > now else None


def _breaks_pending_query() -> Select[Contact]:
    return select(Contact).where(
        Contact.status == ContactStatus.ENDED,
        or_(Contact.break_minutes > 0, Contact.break_requested_at.is_not(None)),
        Contact.break_granted_at.is_(None),
    )


def breaks_pending(session: Session) -> Sequence[Contact]:
    """Ended contacts after which a break was recommended or asked for and nobody has granted
    it yet, newest first."""
    return session.scalars(_breaks_pending_query().order_by(Contact.ended_at.desc())).all()


@dataclass(frozen=True)
class AgentBreak:
    """One agent waiting for a break (the board's break list): the latest of their contacts
    waiting for one, the minutes, whether they asked, and the abusive lines received today."""

    agent: User
    latest: Contact
    contacts: int
    minutes: int
    requested: bool
    insults_today: int


def breaks_by_agent(session: Session, *, playbook: Playbook, now: datetime) -> list[AgentBreak]:
    """:func:`breaks_pending` as one row per agent, the agent with the latest contact first;
    "today" is the company's day (``calendar.timezone``)."""
    pending = breaks_pending(session)
    by_agent: dict[int, list[Contact]] = {}
    for contact in pending:  # newest first
        by_agent.setdefault(contact.agent_id, []).append(contact)
    if not by_agent:
        return []
    zone = ZoneInfo(playbook.calendar.timezone)
    local = now.astimezone(zone)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
    today = session.scalars(
        select(Contact).where(
            Contact.agent_id.in_(by_agent),
            Contact.started_at >= midnight,
            Contact.summary.is_not(None),
        )
    ).all()
    insults: dict[int, int] = {}
    for contact in today:
        turns = (contact.summary or {}).get("abusive_turns", 0)
        insults[contact.agent_id] = insults.get(contact.agent_id, 0) + int(turns or 0)
    agents = agent_names(session, pending)
    rows = []
    for agent_id, contacts in by_agent.items():
        recommended = max(c.break_minutes or 0 for c in contacts)
        requested = any(c.break_requested_at is not None for c in contacts)
        rows.append(
            AgentBreak(
                agent=agents[agent_id],
                latest=contacts[0],
                contacts=len(contacts),
                minutes=recommended or playbook.conversation.shortest_break,
                requested=requested,
                insults_today=insults.get(agent_id, 0),
            )
        )
    return rows
