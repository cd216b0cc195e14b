"""The three WebSockets: ``/ws/contacts/{id}`` (the agent's console), ``/ws/agent`` (what
reaches the signed-in agent on any console page: a break granted) and ``/ws/board``
(supervisors).

Authentication: the session cookie, or ``?token=<api token>`` for integrations. A socket that is
not authenticated is closed with code 4401, one without access with 4403, an unknown contact with
4404. On connect the server subscribes first and then sends a ``snapshot``, so nothing published
in between is lost. Every client frame is validated into its model (:mod:`calmdesk.live.frames`)
before anything runs; a bad frame (binary, too large, too deep, not JSON, unknown ``type``, a bad
field, a refused turn) answers an ``error`` frame and the socket stays open.

The credential a socket was opened with is checked again before every frame and every
``settings.socket_auth_check_seconds``: once the token is revoked, the session ended or the
account disabled, the socket closes with 4401 and a reason naming which.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI, WebSocket
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect

from calmdesk.errors import CalmDeskError, NotFound, PermissionDenied
from calmdesk.live import alerts, permissions, service
from calmdesk.live.bus import (
    BOARD_CHANNEL,
    EventBus,
    Subscription,
    agent_channel,
    contact_channel,
)
from calmdesk.live.fanout import get_bus, publish_all
from calmdesk.live.frames import (
    BOARD_FRAME,
    CONTACT_FRAME,
    CONTACT_FRAME_TYPES,
    ActionFrame,
    AgentSnapshot,
    BoardSnapshot,
    ContactSnapshot,
    ErrorMessage,
    FrameRefused,
    PingFrame,
    PongMessage,
    SocketMessage,
    TurnFrame,
    UndoFrame,
    UtteranceFrame,
    read_frame,
)
from calmdesk.live.localize import localized
from calmdesk.live.messages import Outgoing, break_granted_message
from calmdesk.live.refusals import localize_error, localize_frame, refusal_text
from calmdesk.live.schemas import MAX_ID, ContactRead
from calmdesk.live.wire import BusMessage
from calmdesk.playbook.deps import app_playbook
from calmdesk.storage.db import DatabaseBusy, is_busy, session_scope
from calmdesk.storage.types import utcnow
from calmdesk.users import service as users_service
from calmdesk.users.limits import Limiter, charge
from calmdesk.users.models import User
from calmdesk.users.sessions import SESSION_COOKIE, user_from_cookie

CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_BUS_UNAVAILABLE = 1011
# The reasons of a 4401 close once an open socket's credential no longer holds.
REVOKED_TOKEN = "token_revoked: the API token was revoked"  # noqa: S105 - a message
REVOKED_SESSION = "session_ended: the session has ended; log in again"
REVOKED_ACCOUNT_DISABLED = "account_disabled: the account is disabled"

socket_router = APIRouter()
OutMessage = BusMessage | SocketMessage
FrameHandler = Callable[[str | None], Awaitable[OutMessage | None]]
log = logging.getLogger(__name__)


def app_limiter_of(app: FastAPI) -> Limiter:
    limiter: Limiter = app.state.rate_limiter
    return limiter


def _factory(app: FastAPI) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = app.state.session_factory
    return factory


def _same_origin(websocket: WebSocket) -> bool:
    """A browser always sends ``Origin`` on a WebSocket; another site's page must not ride on
    our session cookie (cross-site WebSocket hijacking). Non-browser clients send none."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == websocket.headers.get("host", "")


@dataclass(frozen=True, slots=True)
class _Credential:
    """What a socket was opened with: an API token or a session cookie."""

    token: str | None
    cookie: str | None


def _credential(websocket: WebSocket) -> _Credential:
    token = websocket.query_params.get("token") or None
    cookie = websocket.cookies.get(SESSION_COOKIE) if _same_origin(websocket) else None
    return _Credential(token, None if token else cookie or None)


def _authenticate(app: FastAPI, credential: _Credential) -> int | None:
    """The id of the active user behind the socket's ``token``, or its session cookie when the
    socket comes from one of our own pages."""
    with session_scope(_factory(app), reads_first=True) as session:
        user: User | None = None
        if credential.token:
            user = users_service.user_for_token(session, token=credential.token)
        elif credential.cookie:
            user = user_from_cookie(session, credential.cookie, app.state.settings)
        return user.id if user is not None and user.is_active else None


def _revocation(app: FastAPI, credential: _Credential, user_id: int) -> str | None:
    """``None`` while the socket's credential still signs ``user_id`` in, else the close reason."""
    if _authenticate(app, credential) == user_id:
        return None
    with session_scope(_factory(app), reads_first=True) as session:
        user = session.get(User, user_id)
        if user is None or not user.is_active:
            return REVOKED_ACCOUNT_DISABLED
    return REVOKED_TOKEN if credential.token else REVOKED_SESSION


def _language(app: FastAPI, user_id: int) -> str:
    """The signed-in user's interface language: the words of the socket's ``error`` frames."""
    with session_scope(_factory(app), reads_first=True) as session:
        user = session.get(User, user_id)
        return user.language.value if user is not None else "en"


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise PermissionDenied("Your account is no longer active.", code="account_disabled")
    return user


def _contact_snapshot(app: FastAPI, user_id: int, contact_id: int) -> ContactSnapshot:
    with session_scope(_factory(app), reads_first=True) as session:
        user = _user(session, user_id)
        contact = permissions.contact_for_user(session, contact_id=contact_id, user=user)
        events = service.events_of(session, contact=contact)
        agent = contact.agent
        last = next((e.guidance for e in reversed(events) if e.guidance), None)
        return ContactSnapshot.model_validate(
            {"contact": ContactRead.of(contact, agent), "guidance": last}
        )


def _board_snapshot(app: FastAPI, user_id: int) -> BoardSnapshot:
    with session_scope(_factory(app), reads_first=True) as session:
        user = _user(session, user_id)
        permissions.ensure_may_watch_board(user)
        contacts = service.list_live(session, viewer=user)
        agents = service.agent_names(session, contacts)
        takers = service.takers_of(session, contacts)
        pending = service.breaks_pending(session)
        pending_agents = service.agent_names(session, pending)
        timezone = app_playbook(app).calendar.timezone
        return BoardSnapshot(
            contacts=[
                service.contact_update_message(
                    c, agents[c.agent_id], takers.get(c.taken_over_by_id or 0)
                )
                for c in contacts
            ],
            breaks_pending=[
                service.contact_update_message(c, pending_agents[c.agent_id]) for c in pending
            ],
            alerts=alerts.messages_of(alerts.list_today(session, viewer=user, timezone=timezone)),
        )


def _agent_snapshot(app: FastAPI, user_id: int) -> AgentSnapshot:
    with session_scope(_factory(app), reads_first=True) as session:
        user = _user(session, user_id)
        running = service.latest_break(session, agent_id=user.id, now=utcnow())
        granted = None
        if running is not None and running.break_granted_by_id is not None:
            by = session.get(User, running.break_granted_by_id)
            if by is not None:
                granted = break_granted_message(running, user, by)
        return AgentSnapshot(break_granted=granted)


def _client_turn(
    app: FastAPI, user_id: int, contact_id: int, frame: TurnFrame, integration: bool
) -> list[Outgoing]:
    """Run one client frame (utterance, action, undo or end) as the user; returns the
    outgoing. ``integration``: the socket was opened with an API token."""
    try:
        return _run_turn(app, user_id, contact_id, frame, integration)
    except DBAPIError as error:
        if is_busy(error):
            raise DatabaseBusy() from error
        raise


def _run_turn(
    app: FastAPI, user_id: int, contact_id: int, frame: TurnFrame, integration: bool
) -> list[Outgoing]:
    with session_scope(_factory(app), reads_first=True) as session:
        outgoing = _turn_of(session, app, user_id, contact_id, frame, integration)
        # The turn's alerts are stored in its own write transaction (no second one on the bus).
        return alerts.store_outgoing(session, outgoing)


def _turn_of(
    session: Session,
    app: FastAPI,
    user_id: int,
    contact_id: int,
    frame: TurnFrame,
    integration: bool,
) -> list[Outgoing]:
    playbook = app_playbook(app)
    user = _user(session, user_id)
    if isinstance(frame, UtteranceFrame):
        return service.says(
            session,
            contact_id=contact_id,
            speaker=frame.speaker,
            text=frame.text,
            actor=user,
            playbook=playbook,
            integration=integration,
        ).outgoing
    if isinstance(frame, UndoFrame):
        return service.undo(
            session,
            contact_id=contact_id,
            seq=frame.seq,
            step=frame.step,
            actor=user,
            playbook=playbook,
            integration=integration,
        ).outgoing
    if isinstance(frame, ActionFrame):
        return service.agent_did(
            session,
            contact_id=contact_id,
            action=frame.action,
            actor=user,
            playbook=playbook,
            integration=integration,
        ).outgoing
    return service.end_contact(
        session, contact_id=contact_id, actor=user, playbook=playbook, integration=integration
    ).outgoing


class _Socket:
    """A socket whose sends are serialised (the forwarder and the reader both send)."""

    def __init__(self, websocket: WebSocket, lang: str) -> None:
        self.websocket = websocket
        self.lang = lang
        """The reader's language: the coach's words are rendered in it as they are sent."""
        self._lock = asyncio.Lock()
        self.closed = False

    async def send(self, message: OutMessage) -> None:
        async with self._lock:
            if not self.closed:
                await self.websocket.send_text(localized(message, self.lang).model_dump_json())

    async def close(self, code: int, reason: str) -> None:
        """Close once; later sends are dropped."""
        async with self._lock:
            if not self.closed:
                self.closed = True
                await self.websocket.close(code, reason)

    async def forward(self, subscription: Subscription) -> None:
        try:
            async for message in subscription:
                await self.send(message)
        except asyncio.CancelledError:
            raise
        except Exception:
            # The bus is gone (Redis restarted): close, so the client reconnects and resubscribes.
            log.exception("live subscription failed; closing the socket")
            with contextlib.suppress(Exception):
                await self.close(CLOSE_BUS_UNAVAILABLE, "live events unavailable")

    async def receive(self) -> str | bool | None:
        """The next text frame, ``None`` for a binary one, ``False`` once disconnected."""
        raw = await self.websocket.receive()
        if raw["type"] == "websocket.disconnect":
            return False
        text: str | None = raw.get("text")
        return text


async def _open(
    websocket: WebSocket, snapshot: Callable[..., SocketMessage], *args: Any
) -> tuple[Callable[[], Awaitable[str | None]], int, str, SocketMessage] | None:
    """Authenticate, check access and take the snapshot (the caller has subscribed already),
    then accept. Every database read happens before the socket is accepted; a refusal is a
    close code. Returns the re-check of the socket's credential, the user id, the user's
    language and the snapshot."""
    app: FastAPI = websocket.app
    credential = _credential(websocket)
    user_id = await run_in_threadpool(_authenticate, app, credential)
    refusal: tuple[int, str] | None = None
    first: SocketMessage | None = None
    lang = "en"
    if user_id is None:
        refusal = (CLOSE_NOT_AUTHENTICATED, "log in, or pass ?token=<api token>")
    else:
        try:
            first = await run_in_threadpool(snapshot, app, user_id, *args)
            lang = await run_in_threadpool(_language, app, user_id)
        except CalmDeskError as error:
            code = CLOSE_NOT_FOUND if isinstance(error, NotFound) else CLOSE_FORBIDDEN
            refusal = (code, error.message[:120])
    await websocket.accept()
    if refusal is not None or user_id is None or first is None:
        await websocket.close(*(refusal or (CLOSE_NOT_AUTHENTICATED, "")))
        return None
    signed_in = user_id

    async def recheck() -> str | None:
        try:
            return await run_in_threadpool(_revocation, app, credential, signed_in)
        except Exception:  # the database is unreachable or busy: keep the socket, check again
            log.warning("cannot re-check a socket's credential", exc_info=True)
            return None

    return recheck, user_id, lang, first


async def _watch(socket: _Socket, recheck: Callable[[], Awaitable[str | None]]) -> None:
    """Close the socket once its credential is revoked, even while the client sends nothing."""
    interval: float = socket.websocket.app.state.settings.socket_auth_check_seconds
    while not socket.closed:
        await asyncio.sleep(interval)
        reason = await recheck()
        if reason is not None:
            await socket.close(CLOSE_NOT_AUTHENTICATED, reason)


async def _serve(
    socket: _Socket,
    subscription: Subscription,
    snapshot: SocketMessage,
    handle: FrameHandler,
    recheck: Callable[[], Awaitable[str | None]],
    lang: str,
) -> None:
    await socket.send(snapshot)
    forwarder = asyncio.create_task(socket.forward(subscription))
    watcher = asyncio.create_task(_watch(socket, recheck))
    try:
        while True:
            text = await socket.receive()
            if text is False or socket.closed:
                return
            reason = await recheck()
            if reason is not None:
                await socket.close(CLOSE_NOT_AUTHENTICATED, reason)
                return
            try:
                reply = await handle(text if isinstance(text, str) else None)
            except FrameRefused as refused:
                reply = localize_frame(refused.error, lang)
            if reply is not None:
                await socket.send(reply)
    except WebSocketDisconnect:
        return
    finally:
        for task in (watcher, forwarder):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


@contextlib.asynccontextmanager
async def _subscribed(
    websocket: WebSocket, bus: EventBus, channel: str
) -> AsyncIterator[Subscription | None]:
    """The bus subscription, or ``None`` after closing the socket with 1011 when the bus (Redis)
    cannot be reached."""
    async with contextlib.AsyncExitStack() as stack:
        try:
            subscription = await stack.enter_async_context(bus.subscribe(channel))
        except Exception:
            log.exception("cannot subscribe to %s", channel)
            await websocket.accept()
            await websocket.close(CLOSE_BUS_UNAVAILABLE, "live events unavailable")
            yield None
            return
        yield subscription


@socket_router.websocket("/ws/contacts/{contact_id}")
async def contact_socket(websocket: WebSocket, contact_id: int) -> None:
    """The agent's console: guidance after every turn; accepts ``utterance``, ``action``,
    ``undo``, ``end`` and ``ping`` frames."""
    app: FastAPI = websocket.app
    if not 1 <= contact_id <= MAX_ID:
        await websocket.accept()
        await websocket.close(CLOSE_NOT_FOUND, f"There is no contact {contact_id}.")
        return
    bus = get_bus(app)
    async with _subscribed(websocket, bus, contact_channel(contact_id)) as subscription:
        if subscription is None:
            return
        opened = await _open(websocket, _contact_snapshot, contact_id)
        if opened is None:
            return
        recheck, user_id, lang, snapshot = opened
        token = _credential(websocket).token

        async def handle(text: str | None) -> OutMessage | None:
            frame = read_frame(text, CONTACT_FRAME, CONTACT_FRAME_TYPES)
            if isinstance(frame, PingFrame):
                return PongMessage(ref=frame.ref)
            try:
                if isinstance(frame, UtteranceFrame):  # a line runs the analysis: rate-limited
                    await run_in_threadpool(
                        charge,
                        app_limiter_of(app),
                        app.state.settings,
                        user_id=user_id,
                        token=token,
                    )
                outgoing: list[Outgoing] = await run_in_threadpool(
                    _client_turn, app, user_id, contact_id, frame, token is not None
                )
            except CalmDeskError as error:  # busy or rate-limited: nothing stored, send it later
                return ErrorMessage.of(error, ref=frame.ref, message=localize_error(error, lang))
            except Exception:  # a bug must not take the agent's console down with it
                log.exception("live turn failed on contact %s", contact_id)
                words = refusal_text("internal_error", {}, lang)
                return ErrorMessage(code="internal_error", message=words or "", ref=frame.ref)
            await publish_all(bus, outgoing)
            return None

        await _serve(_Socket(websocket, lang), subscription, snapshot, handle, recheck, lang)


@socket_router.websocket("/ws/board")
async def board_socket(websocket: WebSocket) -> None:
    """The supervisors' board: ``contact_update``, ``alert`` and ``break_granted`` messages."""
    async with _subscribed(websocket, get_bus(websocket.app), BOARD_CHANNEL) as subscription:
        if subscription is None:
            return
        opened = await _open(websocket, _board_snapshot)
        if opened is None:
            return
        recheck, _, lang, snapshot = opened

        async def handle(text: str | None) -> OutMessage | None:
            frame = read_frame(text, BOARD_FRAME, ("ping",))
            return PongMessage(ref=frame.ref)

        await _serve(_Socket(websocket, lang), subscription, snapshot, handle, recheck, lang)


@socket_router.websocket("/ws/agent")
async def agent_socket(websocket: WebSocket) -> None:
    """The signed-in agent's own channel: ``break_granted`` wherever the agent is (the console's
    start page, a contact, its summary). One per user; another user's cannot be opened."""
    app: FastAPI = websocket.app
    credential = _credential(websocket)
    user_id = await run_in_threadpool(_authenticate, app, credential)
    if user_id is None:
        await websocket.accept()
        await websocket.close(CLOSE_NOT_AUTHENTICATED, "log in, or pass ?token=<api token>")
        return
    async with _subscribed(websocket, get_bus(app), agent_channel(user_id)) as subscription:
        if subscription is None:
            return
        opened = await _open(websocket, _agent_snapshot)
        if opened is None:
            return
        recheck, signed_in, lang, snapshot = opened
        if signed_in != user_id:  # the credential changed hands in between: start again
            await websocket.close(CLOSE_NOT_AUTHENTICATED, "sign in again")
            return

        async def handle(text: str | None) -> OutMessage | None:
            frame = read_frame(text, BOARD_FRAME, ("ping",))
            return PongMessage(ref=frame.ref)

        await _serve(_Socket(websocket, lang), subscription, snapshot, handle, recheck, lang)
