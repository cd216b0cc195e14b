"""The audio REST routes and the media sockets: ``POST /api/audio/calls`` (a contact and its
AudioSocket UUID, for an Asterisk dialplan), ``GET /api/audio/status`` (the transcription
backlog, for the board) and ``/ws/media/twilio``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request, status
from pydantic import BaseModel, Field

from calmdesk.api_docs import errors
from calmdesk.audio.calls import hub_of
from calmdesk.audio.streams import call_uuid
from calmdesk.audio.twilio import media_router
from calmdesk.live import service
from calmdesk.live.bus import BOARD_CHANNEL
from calmdesk.live.fanout import publish_from_thread
from calmdesk.live.messages import Outgoing
from calmdesk.live.schemas import ContactCreate, ContactRead
from calmdesk.playbook.deps import app_playbook
from calmdesk.users import service as users_service
from calmdesk.users.deps import CurrentUser, SessionDep, require_permission
from calmdesk.users.permissions import Permission

router = APIRouter(prefix="/api/audio", tags=["audio"], responses=errors(403))


class AudioCall(BaseModel):
    contact: ContactRead
    uuid: str = Field(
        description="the AudioSocket UUID of the call: both legs send it; only CalmDesk issues one",
        examples=["00000000-002a-8c1e-4f0b-5be1c2d3e4f5"],
    )
    customer_port: int | None = Field(description="AudioSocket port of the customer's leg")
    agent_port: int | None = Field(description="AudioSocket port of the agent's leg")


class AudioStatus(BaseModel):
    mode: str = Field(description="`processes` (this server's pool) or `redis` (asr-workers)")
    workers: int = Field(description="speech worker processes (Redis: consumers of the group)")
    backlog: int = Field(description="utterances waiting for or under transcription")
    oldest_wait_seconds: float = Field(description="how long the oldest of them has waited")
    transcribed: int = Field(description="utterances transcribed by this server since start")
    failed: int = Field(description="utterances given up (timeout, dead worker) since start")
    calls: int = Field(description="calls streaming into this server now")


@router.post(
    "/calls",
    status_code=status.HTTP_201_CREATED,
    response_model=AudioCall,
    responses=errors((404, "`user_not_found`: no user has the username given as `agent`")),
)
def start_audio_call(
    contact_in: ContactCreate, request: Request, session: SessionDep, user: CurrentUser
) -> AudioCall:
    """Start a phone contact whose legs an Asterisk dialplan sends with ``AudioSocket()``: the
    answer's ``uuid`` goes to both legs (the customer's to ``customer_port``, the agent's to
    ``agent_port``); the contact ends when both legs hang up."""
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
    publish_from_thread(
        request.app, [Outgoing(BOARD_CHANNEL, service.contact_update_message(contact, agent))]
    )
    settings = request.app.state.settings
    port = settings.audiosocket_port
    return AudioCall(
        contact=ContactRead.of(contact, agent),
        uuid=str(call_uuid(settings.secret_key, contact.id)),
        customer_port=port,
        agent_port=None if port is None else port + 1,
    )


@router.get(
    "/status",
    response_model=AudioStatus,
    dependencies=[Depends(require_permission(Permission.VIEW_BOARD))],
)
async def audio_status(request: Request) -> AudioStatus:
    """The speech-to-text backlog: what the board shows when transcription falls behind."""
    hub = hub_of(request.app)
    current = await hub.status()
    return AudioStatus(
        mode=current.mode,
        workers=current.workers,
        backlog=current.backlog,
        oldest_wait_seconds=current.oldest_wait_seconds,
        transcribed=current.transcribed,
        failed=current.failed,
        calls=len(hub.calls),
    )


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.include_router(media_router)


async def close(app: FastAPI) -> None:
    hub = getattr(app.state, "audio", None)
    if hub is not None:
        await hub.close()
