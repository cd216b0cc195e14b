"""What every media stream does before its first sample: who is sending (an API token, or the
session cookie of our own console), which contact it feeds (an existing live one, or one started
now), and the close codes every refusal gets."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.errors import CalmDeskError, InvalidInput, NotFound, PermissionDenied
from calmdesk.live import permissions, service
from calmdesk.live.bus import BOARD_CHANNEL
from calmdesk.live.messages import Outgoing
from calmdesk.live.models import ContactStatus
from calmdesk.playbook.deps import app_playbook
from calmdesk.storage.db import session_scope
from calmdesk.users import service as users_service
from calmdesk.users.models import User
from calmdesk.users.sessions import user_from_cookie

# Close codes of the media sockets (1000 after a `stop`).
CLOSE_MALFORMED = 4400
CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_NO_START = 4408
CLOSE_ENDED = 4409
CLOSE_UNSUPPORTED_CODEC = 4415
CLOSE_TOO_BIG = 1009
CLOSE_BINARY = 1003
CLOSE_INTERNAL = 1011


class StreamRefused(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason[:120]


@dataclass(frozen=True, slots=True)
class StreamTarget:
    contact_id: int
    agent_id: int
    lang: str | None
    started_here: bool


def _factory(app: FastAPI) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = app.state.session_factory
    return factory


def authenticate(session: Session, app: FastAPI, token: str | None, cookie: str | None) -> User:
    user: User | None = None
    if token:
        user = users_service.user_for_token(session, token=token)
    elif cookie:
        user = user_from_cookie(session, cookie, app.state.settings)
    if user is None or not user.is_active:
        raise StreamRefused(
            CLOSE_NOT_AUTHENTICATED,
            "not_authenticated: pass an API token as the stream's `token` parameter",
        )
    return user


def open_target(
    app: FastAPI,
    *,
    token: str | None,
    cookie: str | None,
    contact: str | None,
    agent: str | None,
    lang: str | None,
) -> tuple[StreamTarget, list[Outgoing]]:
    """The contact a stream feeds: ``contact`` (a live contact the user may work), or a new
    phone contact for ``agent`` (default: the user). Refusals are :class:`StreamRefused`."""
    with session_scope(_factory(app), reads_first=True) as session:
        user = authenticate(session, app, token, cookie)
        try:
            if contact:
                if not contact.isdigit():
                    raise StreamRefused(CLOSE_MALFORMED, f"contact {contact[:20]!r} is not an id")
                row = permissions.contact_for_user(
                    session, contact_id=int(contact), user=user, act=True
                )
                if row.status != ContactStatus.LIVE:
                    raise StreamRefused(CLOSE_ENDED, f"contact_ended: contact {row.id} has ended")
                target = StreamTarget(row.id, row.agent_id, row.lang, started_here=False)
                return target, []
            owner = user
            if agent and agent != user.username:
                owner = users_service.get_by_username_or_raise(session, username=agent)
            row = service.start_contact(
                session, agent=owner, lang=lang or None, actor=user, playbook=app_playbook(app)
            )
            update = service.contact_update_message(row, owner)
            target = StreamTarget(row.id, owner.id, row.lang, started_here=True)
            return target, [Outgoing(BOARD_CHANNEL, update)]
        except NotFound as error:
            raise StreamRefused(CLOSE_NOT_FOUND, f"{error.code}: {error.message}") from error
        except PermissionDenied as error:
            raise StreamRefused(CLOSE_FORBIDDEN, f"{error.code}: {error.message}") from error
        except (InvalidInput, CalmDeskError) as error:
            raise StreamRefused(CLOSE_MALFORMED, f"{error.code}: {error.message}") from error


# --- AudioSocket call UUIDs ------------------------------------------------------------------

_ID_BYTES = 6


def call_uuid(secret: str, contact_id: int) -> uuid.UUID:
    """The AudioSocket UUID of a contact: its id and an HMAC of it under the secret key, so
    only CalmDesk can issue one and the UUID alone is the stream's credential."""
    ident = contact_id.to_bytes(_ID_BYTES, "big")
    mac = hmac.new(secret.encode(), b"calmdesk-audiosocket:" + ident, hashlib.sha256).digest()
    return uuid.UUID(bytes=ident + mac[: 16 - _ID_BYTES])


def contact_of_uuid(secret: str, value: bytes) -> int | None:
    """The contact id a UUID was issued for, or ``None`` for one CalmDesk did not issue."""
    if len(value) != 16:
        return None
    contact_id = int.from_bytes(value[:_ID_BYTES], "big")
    expected = call_uuid(secret, contact_id).bytes
    return contact_id if hmac.compare_digest(expected, value) else None
