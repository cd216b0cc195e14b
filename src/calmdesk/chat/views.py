"""The chat routes: Chatwoot's webhook, the dashboard app's card, and the generic adapter.

The webhook and the card authenticate by what Chatwoot holds (the webhook's signature, the app
key in the dashboard app's address), not by a CalmDesk user; they are left out of the OpenAPI
document (their shapes are Chatwoot's, see docs/api.md). The generic adapter is an ordinary API
route for a CalmDesk token or session.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, FastAPI, Header, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from calmdesk.api_docs import errors
from calmdesk.chat import chatwoot, notes, service
from calmdesk.chat.card import card_for
from calmdesk.chat.models import CHATWOOT
from calmdesk.chat.schemas import CardRead, ChatEventIn, ChatEventRead
from calmdesk.chat.service import ConversationKey, Received
from calmdesk.errors import CalmDeskError, InvalidInput, NotAuthenticated
from calmdesk.live import permissions as live_permissions
from calmdesk.live.fanout import publish_from_thread
from calmdesk.playbook.deps import app_playbook
from calmdesk.settings import Settings
from calmdesk.users import service as users_service
from calmdesk.users.deps import CurrentUser, SessionDep, reads_first
from calmdesk.users.limits import HEAVY_WORK

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/chat", tags=["chat"])
APP_KEY_HEADER = "X-CalmDesk-App-Key"


class PayloadTooLarge(CalmDeskError):
    code = "payload_too_large"
    http_status = 413


def _settings(app: FastAPI) -> Settings:
    settings: Settings = app.state.settings
    return settings


def _factory(app: FastAPI) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = app.state.session_factory
    return factory


def deliver_notes(app: FastAPI) -> None:
    """Post the due notes now (after a webhook's answer); the worker does it on its tick too."""
    settings = _settings(app)
    if not notes.notes_enabled(settings):
        return
    try:
        report = notes.deliver_due(
            _factory(app),
            post=notes.post_note(settings),
            max_attempts=settings.chat_note_attempts,
        )
    except Exception:
        log.exception("posting chat notes failed; the worker retries")
        return
    if report.failed:
        log.warning("chat: %d private notes given up", report.failed)


def _answer(received: Received) -> dict[str, Any]:
    return {"outcome": received.outcome, "contact_id": received.contact_id}


def _run_chatwoot(app: FastAPI, payload: object) -> Received:
    settings = _settings(app)
    session = _factory(app)()
    try:
        received = chatwoot.handle(
            session,
            payload,
            playbook=app_playbook(app),
            notes_on=notes.notes_enabled(settings),
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
    publish_from_thread(app, received.outgoing)
    return received


@router.post("/chatwoot/webhook", include_in_schema=False)
async def chatwoot_webhook(request: Request, background: BackgroundTasks) -> JSONResponse:
    """Chatwoot's webhook (account webhook, conversation and message events), signed."""
    settings = _settings(request.app)
    secret = settings.chatwoot_webhook_secret
    if not secret:
        raise chatwoot.ChatNotConfigured(
            "The Chatwoot webhook is not configured: set CALMDESK_CHATWOOT_WEBHOOK_SECRET."
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > chatwoot.MAX_BODY_BYTES:
        raise PayloadTooLarge(f"A delivery is at most {chatwoot.MAX_BODY_BYTES} bytes.")
    body = await request.body()
    if len(body) > chatwoot.MAX_BODY_BYTES:
        raise PayloadTooLarge(f"A delivery is at most {chatwoot.MAX_BODY_BYTES} bytes.")
    chatwoot.verify(
        secret,
        timestamp=request.headers.get(chatwoot.TIMESTAMP_HEADER),
        signature=request.headers.get(chatwoot.SIGNATURE_HEADER),
        body=body,
        max_age_seconds=settings.chat_signature_max_age_seconds,
    )
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CalmDeskError(
            "The body is not UTF-8 JSON.", code="bad_request", http_status=400
        ) from None
    received = await run_in_threadpool(_run_chatwoot, request.app, payload)
    background.add_task(deliver_notes, request.app)
    return JSONResponse(_answer(received))


@router.get("/chatwoot/card", include_in_schema=False, response_model=CardRead)
def chatwoot_card(
    request: Request,
    session: SessionDep,
    account: Annotated[str, Query(min_length=1, max_length=64)],
    conversation: Annotated[str, Query(min_length=1, max_length=128)],
    app_key: Annotated[str | None, Header(alias=APP_KEY_HEADER)] = None,
) -> JSONResponse:
    """The coach's card of a Chatwoot conversation, for the dashboard app (its key asked)."""
    expected = _settings(request.app).chatwoot_app_key
    if not expected:
        raise chatwoot.ChatNotConfigured(
            "The dashboard app is not configured: set CALMDESK_CHATWOOT_APP_KEY."
        )
    if not app_key or not hmac.compare_digest(app_key.encode(), expected.encode()):
        raise NotAuthenticated(
            "The dashboard app's key is missing or wrong: its address must end with #key=<the "
            "CALMDESK_CHATWOOT_APP_KEY>.",
            code="invalid_app_key",
        )
    card = card_for(session, ConversationKey(CHATWOOT, account, conversation))
    return JSONResponse(card.model_dump(mode="json"), headers={"Cache-Control": "no-store"})


@router.post(
    "/events",
    response_model=ChatEventRead,
    dependencies=[HEAVY_WORK],
    responses=errors(
        403,
        (404, "`user_not_found`: no user has the username given as `agent`"),
        (409, "`contact_busy`: send the event again"),
    ),
)
@reads_first
def chat_event(
    event: ChatEventIn, request: Request, session: SessionDep, user: CurrentUser
) -> ChatEventRead:
    """An event of another chat platform's conversation, the same shape as Chatwoot's: a line of
    the customer or of the agent (idempotent by `message_id`), the conversation assigned, or
    ended. The conversation is a live contact of `agent` (you, unless a supervisor names
    another)."""
    if event.platform == CHATWOOT:
        raise InvalidInput(
            "Chatwoot has its own webhook: /api/chat/chatwoot/webhook.", code="invalid_platform"
        )
    agent = user
    if event.agent is not None and event.agent != user.username:
        agent = users_service.get_by_username_or_raise(session, username=event.agent)
    live_permissions.ensure_may_start(user, for_agent=agent)
    key = ConversationKey(event.platform, event.account, event.conversation)
    existing = service.find(session, key)
    if existing is not None and existing.contact_id is not None:
        live_permissions.contact_for_user(
            session, contact_id=existing.contact_id, user=user, act=True
        )
    playbook = app_playbook(request.app)
    if event.event == "message":
        missing = [
            name for name in ("message_id", "speaker", "text") if getattr(event, name) is None
        ]
        if missing:
            raise InvalidInput(
                f"A message event needs {', '.join(missing)}.",
                code="missing_field",
                missing=missing,
            )
        assert event.message_id is not None and event.speaker is not None
        received = service.receive_line(
            session,
            key=key,
            message_id=event.message_id,
            speaker=event.speaker,
            text=event.text or "",
            agent=agent,
            playbook=playbook,
        )
    elif event.event == "assigned":
        received = service.assign(session, key=key, agent=agent, playbook=playbook)
    else:
        received = service.end_conversation(session, key=key, playbook=playbook)
    session.commit()
    publish_from_thread(request.app, received.outgoing)
    return ChatEventRead(
        outcome=received.outcome,
        contact_id=received.contact_id,
        guidance=received.guidance,
        summary=received.summary,
    )


def install(app: FastAPI) -> None:
    app.include_router(router)
