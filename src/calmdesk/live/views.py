"""The live API: REST for integrations and the console, WebSockets for pushes.

Every turn is stored and committed first, then fanned out on the bus (the agent's socket gets
the guidance, the board gets the contact's new state and any new alert), so a client that
receives a message can always read the stored turn behind it. Every route answers one of the
models of ``schemas.py`` or ``wire.py`` (its response model in the OpenAPI schema), the very one
pushed to the sockets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import APIRouter, FastAPI, Request, status
from sqlalchemy.orm import Session

from calmdesk.api_docs import errors
from calmdesk.live import alerts, permissions, privacy, service
from calmdesk.live.bus import BOARD_CHANNEL
from calmdesk.live.fanout import get_bus, publish_from_thread
from calmdesk.live.localize import localized
from calmdesk.live.messages import AnswerT, Outgoing, TurnOutcome
from calmdesk.live.models import Contact
from calmdesk.live.schemas import (
    ActionIn,
    AlertId,
    BreakGrant,
    ContactCreate,
    ContactDetail,
    ContactId,
    ContactRead,
    Limit,
    Offset,
    UndoIn,
    UtteranceIn,
    WhisperIn,
)
from calmdesk.live.sockets import socket_router
from calmdesk.live.wire import (
    AlertAcknowledgedMessage,
    AlertMessage,
    BreakGrantedMessage,
    GuidanceMessage,
    SummaryMessage,
    TakenOverMessage,
    WhisperMessage,
)
from calmdesk.playbook.deps import app_playbook
from calmdesk.storage.scrub import commit_and_forget
from calmdesk.users import service as users_service
from calmdesk.users.deps import (
    USER_LANGUAGE,
    CurrentUser,
    SessionDep,
    SettingsDep,
    bearer_token,
    reads_first,
)
from calmdesk.users.limits import HEAVY_WORK
from calmdesk.users.models import User

router = APIRouter(prefix="/api/contacts", tags=["live"], responses=errors(403))
_ENDED = errors(
    (409, "`contact_ended`: the contact has ended; `contact_busy`: send the line again")
)
_LIVE = errors((409, "`contact_live`: end the contact first"))


def request_language(request: Request) -> str:
    """The signed-in asker's language (set by the sign-in dependency), English otherwise."""
    return str(getattr(request.state, USER_LANGUAGE, "en"))


def _commit_and_publish(
    request: Request, session: Session, outcome: TurnOutcome[AnswerT]
) -> AnswerT:
    """Commit the turn (its alerts stored in the same transaction), then fan it out: a client
    that receives a message can read its turn."""
    outcome.outgoing[:] = alerts.store_outgoing(session, outcome.outgoing)
    session.commit()
    publish_from_thread(request.app, outcome.outgoing)
    return localized(outcome.answer, request_language(request))


def _turn(
    request: Request,
    session: Session,
    user: User,
    run: Callable[..., TurnOutcome[AnswerT]],
    **args: Any,
) -> AnswerT:
    """One turn of ``run`` (a :mod:`calmdesk.live.service` function) as ``user``, committed and
    fanned out; answers its message. A call with an API token is an integration's
    (:func:`calmdesk.live.permissions.may_act`)."""
    integration = bearer_token(request) is not None
    outcome = run(
        session, actor=user, playbook=app_playbook(request.app), integration=integration, **args
    )
    return _commit_and_publish(request, session, outcome)


def _read(session: Session, contacts: Sequence[Contact]) -> list[ContactRead]:
    agents = service.agent_names(session, contacts)
    return [ContactRead.of(contact, agents[contact.agent_id]) for contact in contacts]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ContactRead,
    responses=errors((404, "`user_not_found`: no user has the username given as `agent`")),
)
def start_contact(
    contact_in: ContactCreate, request: Request, session: SessionDep, user: CurrentUser
) -> ContactRead:
    """Start a live contact (a call or a chat) for yourself, or for ``agent`` (supervisors)."""
    agent = user
    if contact_in.agent is not None and contact_in.agent != user.username:
        agent = users_service.get_by_username_or_raise(session, username=contact_in.agent)
    contact = service.start_contact(
        session,
        agent=agent,
        channel=contact_in.channel,
        lang=contact_in.lang,
        can_transfer=contact_in.can_transfer,
        actor=user,
        playbook=app_playbook(request.app),
    )
    session.commit()
    update = service.contact_update_message(contact, agent)
    publish_from_thread(request.app, [Outgoing(BOARD_CHANNEL, update)])
    return ContactRead.of(contact, agent)


@router.get("", response_model=list[ContactRead])
def list_contacts(
    session: SessionDep,
    user: CurrentUser,
    live: bool | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[ContactRead]:
    """Contacts newest first (``live=true``: only those in progress). Agents see their own,
    supervisors all; other roles have no access to contacts."""
    permissions.ensure_may_list(user)
    contacts = service.list_(session, live=live, viewer=user, limit=limit, offset=offset)
    return _read(session, contacts)


@router.get("/breaks", response_model=list[ContactRead])
def pending_breaks(session: SessionDep, user: CurrentUser) -> list[ContactRead]:
    """Ended contacts after which the playbook recommends a break not yet granted (board)."""
    permissions.ensure_may_grant_break(user)
    return _read(session, service.breaks_pending(session))


@router.get("/{contact_id}", response_model=ContactDetail)
def get_contact(contact_id: ContactId, session: SessionDep, user: CurrentUser) -> ContactDetail:
    """A contact with every event and the guidance the coach gave after each: the replay."""
    contact = permissions.contact_for_user(session, contact_id=contact_id, user=user)
    agents = service.agent_names(session, [contact])
    events = service.events_of(session, contact=contact)
    detail = ContactDetail.with_events(contact, agents[contact.agent_id], events)
    lang = user.language.value
    return detail.model_copy(
        update={
            "events": [
                e.model_copy(update={"guidance": localized(e.guidance, lang)})
                for e in detail.events
            ]
        }
    )


@router.post(
    "/{contact_id}/utterances",
    response_model=GuidanceMessage,
    dependencies=[HEAVY_WORK],
    responses=_ENDED,
)
@reads_first
def post_utterance(
    contact_id: ContactId,
    utterance: UtteranceIn,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
) -> GuidanceMessage:
    """A line of the customer or of the agent; answers the guidance (also pushed to sockets)."""
    return _turn(
        request,
        session,
        user,
        service.says,
        contact_id=contact_id,
        speaker=utterance.speaker,
        text=utterance.text,
    )


@router.post("/{contact_id}/actions", response_model=GuidanceMessage, responses=_ENDED)
@reads_first
def post_action(
    contact_id: ContactId,
    action_in: ActionIn,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
) -> GuidanceMessage:
    """What the agent did (``boundary_stated``, ``warning_given``, ``transfer_offered``,
    ``transfer_failed``, ``transferred``, ``call_ended``); answers the guidance."""
    return _turn(
        request, session, user, service.agent_did, contact_id=contact_id, action=action_in.action
    )


@router.post(
    "/{contact_id}/undo",
    response_model=GuidanceMessage,
    responses=_ENDED,
)
@reads_first
def undo_heard_step(
    contact_id: ContactId,
    undo: UndoIn,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
) -> GuidanceMessage:
    """Take back a step the coach heard in the agent's words (``heard[]`` of a guidance: its
    ``turn`` as ``seq``, and its ``step``); the coach goes on as if it had not been said. Answers
    the guidance (also pushed to sockets). A step not heard there, or already taken back, is a
    422 `nothing_to_undo`, and nothing is stored."""
    return _turn(
        request, session, user, service.undo, contact_id=contact_id, seq=undo.seq, step=undo.step
    )


@router.post("/{contact_id}/end", response_model=SummaryMessage, responses=_ENDED)
@reads_first
def end_contact(
    contact_id: ContactId, request: Request, session: SessionDep, user: CurrentUser
) -> SummaryMessage:
    """End the contact; answers the ``summary`` message (with the break recommendation)."""
    return _turn(request, session, user, service.end_contact, contact_id=contact_id)


@router.post(
    "/{contact_id}/break",
    response_model=BreakGrantedMessage,
    responses=errors(
        (409, "`contact_live`: a break is granted once the contact has ended; `break_granted`")
    ),
)
def grant_break(
    contact_id: ContactId,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    grant: BreakGrant | None = None,
) -> BreakGrantedMessage:
    """A supervisor grants the contact's agent a break: the one recommended (or ``minutes``).
    Breaks are per agent: every contact of theirs waiting for a break is granted with it."""
    minutes = grant.minutes if grant else None
    outcome = service.grant_break(
        session,
        contact_id=contact_id,
        actor=user,
        minutes=minutes,
        playbook=app_playbook(request.app),
    )
    return _commit_and_publish(request, session, outcome)


@router.post(
    "/{contact_id}/break-request",
    response_model=ContactRead,
    responses=errors(
        (409, "`contact_live`: ask once the contact has ended; `break_granted`: already granted")
    ),
)
def request_break(
    contact_id: ContactId, request: Request, session: SessionDep, user: CurrentUser
) -> ContactRead:
    """The contact's agent asks for a break after it (a draining contact); the supervisors'
    board gets a ``break_requested`` alert and lists the agent among those waiting."""
    contact, outgoing = service.request_break(session, contact_id=contact_id, actor=user)
    session.commit()
    publish_from_thread(request.app, outgoing)
    return _read(session, [contact])[0]


@router.post(
    "/{contact_id}/whisper",
    response_model=WhisperMessage,
    status_code=status.HTTP_201_CREATED,
    responses=_ENDED,
)
@reads_first
def whisper(
    contact_id: ContactId,
    whisper_in: WhisperIn,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
) -> WhisperMessage:
    """A supervisor's note that only the agent sees on the console (stored with the contact;
    erased with its words). Supervisors only."""
    outcome = service.whisper(session, contact_id=contact_id, text=whisper_in.text, actor=user)
    return _commit_and_publish(request, session, outcome)


@router.post(
    "/{contact_id}/take-over",
    response_model=TakenOverMessage,
    responses=errors(
        (409, "`contact_ended`; `already_taken_over`: you are its agent or took it over already")
    ),
)
@reads_first
def take_over(
    contact_id: ContactId, request: Request, session: SessionDep, user: CurrentUser
) -> TakenOverMessage:
    """A supervisor takes the contact over (recorded as a contact event): from then on they may
    post lines and actions and end it. Until then a supervisor only watches another agent's
    contact (403 `not_taken_over`)."""
    outcome = service.take_over(session, contact_id=contact_id, actor=user)
    return _commit_and_publish(request, session, outcome)


@router.post("/{contact_id}/redact", response_model=ContactRead, responses=_LIVE)
def redact_contact(
    contact_id: ContactId, session: SessionDep, user: CurrentUser, settings: SettingsDep
) -> ContactRead:
    """Replace personal data (phones, e-mails, PESEL, IBAN, cards...) in an ended contact's
    stored texts by placeholders (supervisors); the old texts leave the database's files too."""
    contact = privacy.redact_contact(session, contact_id=contact_id, actor=user)
    commit_and_forget(session, privacy.TABLES, vacuum=settings.erasure_vacuum)
    return _read(session, [contact])[0]


@router.post("/{contact_id}/erase", response_model=ContactRead, responses=_LIVE)
def erase_contact(
    contact_id: ContactId, session: SessionDep, user: CurrentUser, settings: SettingsDep
) -> ContactRead:
    """Erase every word of an ended contact, keeping its stages and counts (supervisors); the
    old words leave the database's files too."""
    contact = privacy.erase_contact(session, contact_id=contact_id, actor=user)
    commit_and_forget(session, privacy.TABLES, vacuum=settings.erasure_vacuum)
    return _read(session, [contact])[0]


alerts_router = APIRouter(prefix="/api/alerts", tags=["live"], responses=errors(403))


@alerts_router.get("", response_model=list[AlertMessage])
def todays_alerts(request: Request, session: SessionDep, user: CurrentUser) -> list[AlertMessage]:
    """Today's alerts (the company's day, in the playbook's time zone), loudest first, then
    newest; each with who acknowledged it. Supervisors only. ``message`` is the coach's alert
    in the reader's language (``text`` its key and parameters); it is empty for a kind the coach
    has no message for (``rung_climbed``, an intent): compose the words from ``kind`` and
    ``params`` then."""
    timezone = app_playbook(request.app).calendar.timezone
    today = alerts.messages_of(alerts.list_today(session, viewer=user, timezone=timezone))
    return [localized(alert, user.language.value) for alert in today]


@alerts_router.post(
    "/{alert_id}/acknowledge",
    response_model=AlertAcknowledgedMessage,
    responses=errors(
        (404, "`alert_not_found`"), (409, "`alert_acknowledged`: someone acknowledged it first")
    ),
)
def acknowledge_alert(
    alert_id: AlertId, request: Request, session: SessionDep, user: CurrentUser
) -> AlertAcknowledgedMessage:
    """Acknowledge an alert, for every supervisor's board (who and when are recorded)."""
    _, outgoing = alerts.acknowledge(session, alert_id=alert_id, actor=user)
    session.commit()
    publish_from_thread(request.app, outgoing)
    answer = outgoing[0].message
    assert isinstance(answer, AlertAcknowledgedMessage)
    return answer


def install(app: FastAPI) -> None:
    """Add the live REST routes and WebSockets to ``app``."""
    get_bus(app)  # made now, before any request can race to make it
    app.include_router(router)
    app.include_router(alerts_router)
    app.include_router(socket_router)
