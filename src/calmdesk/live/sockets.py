"""The two WebSockets: ``/ws/contacts/{id}`` (the agent's console) and ``/ws/board``
(supervisors).

Authentication: the session cookie, or ``?token=<api token>`` for integrations. A socket that is
not authenticated is closed with code 4401, one without access with 4403, an unknown contact with
4404. On connect the server subscribes first and then sends a ``snapshot``, so nothing published
in between is lost. A bad frame (not JSON, unknown ``type``, missing field, a refused turn)
answers ``{"type": "error", "code", "message"}`` and the socket stays open.

The credential a socket was opened with is checked again before every frame and every
``settings.socket_auth_check_seconds``: once the token is revoked, the session ended or the
account disabled, the socket closes with 4401 and a reason naming which.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI, WebSocket
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect

from calmdesk.errors import CalmDeskError, NotFound, PermissionDenied
from calmdesk.live import permissions, service
from calmdesk.live.bus import BOARD_CHANNEL, EventBus, Message, Subscription, contact_channel
from calmdesk.live.fanout import get_bus, publish_all
from calmdesk.live.messages import Outgoing
from calmdesk.live.schemas import MAX_ID, ActionIn, ContactRead, UtteranceIn
from calmdesk.playbook.deps import app_playbook
from calmdesk.storage.db import DatabaseBusy, is_busy, session_scope
from calmdesk.users import service as users_service
from calmdesk.users.limits import Limiter, RateLimited, charge
from calmdesk.users.models import User
from calmdesk.users.sessions import SESSION_COOKIE, user_from_cookie

CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_BUS_UNAVAILABLE = 1011
MAX_FRAME_CHARS = 20_000
# The reasons of a 4401 close once an open socket's credential no longer holds.
REVOKED_TOKEN = "token_revoked: the API token was revoked"  # noqa: S105 - a message
REVOKED_SESSION = "session_ended: the session has ended; log in again"
REVOKED_ACCOUNT_DISABLED = "account_disabled: the account is disabled"

socket_router = APIRouter()
FrameHandler = Callable[[dict[str, Any]], Awaitable[Message | None]]
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


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise PermissionDenied("Your account is no longer active.", code="account_disabled")
    return user


def _contact_snapshot(app: FastAPI, user_id: int, contact_id: int) -> Message:
    with session_scope(_factory(app), reads_first=True) as session:
        user = _user(session, user_id)
        contact = permissions.contact_for_user(session, contact_id=contact_id, user=user)
        events = service.events_of(session, contact=contact)
        agent = contact.agent
        last = next((e.guidance for e in reversed(events) if e.guidance), None)
        return {
            "type": "snapshot",
            "contact": ContactRead.of(contact, agent).model_dump(mode="json"),
            "guidance": last,
        }


def _board_snapshot(app: FastAPI, user_id: int) -> Message:
    with session_scope(_factory(app), reads_first=True) as session:
        user = _user(session, user_id)
        permissions.ensure_may_watch_board(user)
        contacts = service.list_live(session, viewer=user)
        agents = service.agent_names(session, contacts)
        pending = service.breaks_pending(session)
        pending_agents = service.agent_names(session, pending)
        return {
            "type": "snapshot",
            "contacts": [service.contact_update_message(c, agents[c.agent_id]) for c in contacts],
            "breaks_pending": [
                service.contact_update_message(c, pending_agents[c.agent_id]) for c in pending
            ],
        }


def _client_turn(
    app: FastAPI, user_id: int, contact_id: int, frame: dict[str, Any]
) -> list[Outgoing]:
    """Run one client frame (utterance, action or end) as the user; returns the outgoing."""
    try:
        return _run_turn(app, user_id, contact_id, frame)
    except DBAPIError as error:
        if is_busy(error):
            raise DatabaseBusy() from error
        raise


def _run_turn(app: FastAPI, user_id: int, contact_id: int, frame: dict[str, Any]) -> list[Outgoing]:
    playbook = app_playbook(app)
    with session_scope(_factory(app), reads_first=True) as session:
        user = _user(session, user_id)
        kind = frame.get("type")
        if kind == "utterance":
            utterance = UtteranceIn.model_validate(_without_type(frame))
            say = service.customer_says if utterance.speaker == "customer" else service.agent_says
            outcome = say(
                session,
                contact_id=contact_id,
                text=utterance.text,
                actor=user,
                playbook=playbook,
            )
        elif kind == "action":
            action = ActionIn.model_validate(_without_type(frame))
            outcome = service.agent_did(
                session, contact_id=contact_id, action=action.action, actor=user, playbook=playbook
            )
        else:  # "end"
            outcome = service.end_contact(
                session, contact_id=contact_id, actor=user, playbook=playbook
            )
        return outcome.outgoing


def _without_type(frame: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in frame.items() if k not in ("type", "ref")}


def _error(code: str, message: str, frame: dict[str, Any] | None = None, **fields: Any) -> Message:
    error: Message = {"type": "error", "code": code, "message": message, **fields}
    if frame is not None and "ref" in frame:
        error["ref"] = frame["ref"]
    return error


def _parse(text: str | None) -> dict[str, Any] | Message:
    """The client's frame, or an error message (returned with ``"type": "error"``)."""
    if text is None:
        return _error("bad_frame", "Send JSON text frames, not binary.")
    if len(text) > MAX_FRAME_CHARS:
        return _error("frame_too_large", f"A frame is at most {MAX_FRAME_CHARS} characters.")
    try:
        frame = json.loads(text)
    except ValueError as error:
        return _error("bad_json", f"The frame is not JSON: {error}.")
    if not isinstance(frame, dict):
        return _error("bad_json", "A frame is a JSON object with a 'type'.")
    return frame


class _Socket:
    """A socket whose sends are serialised (the forwarder and the reader both send)."""

    def __init__(self, websocket: WebSocket) -> None:
        self.websocket = websocket
        self._lock = asyncio.Lock()
        self.closed = False

    async def send(self, message: Message) -> None:
        async with self._lock:
            if not self.closed:
                await self.websocket.send_json(message)

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
    websocket: WebSocket, snapshot: Callable[..., Message], *args: Any
) -> tuple[Callable[[], Awaitable[str | None]], int, Message] | None:
    """Authenticate, check access and take the snapshot (the caller has subscribed already),
    then accept. Every database read happens before the socket is accepted; a refusal is a
    close code. Returns the re-check of the socket's credential, the user id and the snapshot."""
    app: FastAPI = websocket.app
    credential = _credential(websocket)
    user_id = await run_in_threadpool(_authenticate, app, credential)
    refusal: tuple[int, str] | None = None
    first: Message = {}
    if user_id is None:
        refusal = (CLOSE_NOT_AUTHENTICATED, "log in, or pass ?token=<api token>")
    else:
        try:
            first = await run_in_threadpool(snapshot, app, user_id, *args)
        except CalmDeskError as error:
            code = CLOSE_NOT_FOUND if isinstance(error, NotFound) else CLOSE_FORBIDDEN
            refusal = (code, error.message[:120])
    await websocket.accept()
    if refusal is not None or user_id is None:
        await websocket.close(*(refusal or (CLOSE_NOT_AUTHENTICATED, "")))
        return None
    signed_in = user_id

    async def recheck() -> str | None:
        try:
            return await run_in_threadpool(_revocation, app, credential, signed_in)
        except Exception:  # the database is unreachable or busy: keep the socket, check again
            log.warning("cannot re-check a socket's credential", exc_info=True)
            return None

    return recheck, user_id, first


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
    snapshot: Message,
    handle: FrameHandler,
    recheck: Callable[[], Awaitable[str | None]],
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
            frame = _parse(text if isinstance(text, str) else None)
            if frame.get("type") == "error":
                await socket.send(frame)
                continue
            reply = await handle(frame)
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


def _invalid(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'frame'}: {e['msg']}" for e in error.errors()
    )


@socket_router.websocket("/ws/contacts/{contact_id}")
async def contact_socket(websocket: WebSocket, contact_id: int) -> None:
    """The agent's console: guidance after every turn; accepts ``utterance``, ``action``,
    ``end`` and ``ping`` frames."""
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
        recheck, user_id, snapshot = opened
        token = _credential(websocket).token

        async def handle(frame: dict[str, Any]) -> Message | None:
            kind = frame.get("type")
            if kind == "ping":
                return {"type": "pong"}
            if kind not in ("utterance", "action", "end"):
                known = "utterance, action, end, ping"
                return _error("unknown_type", f"Unknown type {kind!r}; use {known}.", frame)
            try:
                if kind == "utterance":  # a line runs the analysis: rate-limited as over REST
                    await run_in_threadpool(
                        charge,
                        app_limiter_of(app),
                        app.state.settings,
                        user_id=user_id,
                        token=token,
                    )
                outgoing: list[Outgoing] = await run_in_threadpool(
                    _client_turn, app, user_id, contact_id, frame
                )
            except (DatabaseBusy, RateLimited) as error:  # nothing stored: send it again later
                return _error(error.code, error.message, frame, **error.fields)
            except CalmDeskError as error:
                return _error(error.code, error.message, frame)
            except ValidationError as error:
                return _error("invalid_message", _invalid(error), frame)
            except Exception:  # a bug must not take the agent's console down with it
                log.exception("live turn failed on contact %s", contact_id)
                return _error("internal_error", "The line could not be processed.", frame)
            await publish_all(bus, outgoing)
            return None

        await _serve(_Socket(websocket), subscription, snapshot, handle, recheck)


@socket_router.websocket("/ws/board")
async def board_socket(websocket: WebSocket) -> None:
    """The supervisors' board: ``contact_update``, ``alert`` and ``break_granted`` messages."""
    async with _subscribed(websocket, get_bus(websocket.app), BOARD_CHANNEL) as subscription:
        if subscription is None:
            return
        opened = await _open(websocket, _board_snapshot)
        if opened is None:
            return
        recheck, _, snapshot = opened

        async def handle(frame: dict[str, Any]) -> Message | None:
            if frame.get("type") == "ping":
                return {"type": "pong"}
            return _error("unknown_type", "The board only accepts 'ping'.", frame)

        await _serve(_Socket(websocket), subscription, snapshot, handle, recheck)
