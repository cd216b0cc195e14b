"""The web session: a signed cookie naming a session kept on the server.

Logging in stores a ``web_sessions`` row (the SHA-256 of a random secret, the user, when it
expires) and sets ``calmdesk_session``: the user id and the secret, signed with
``settings.secret_key`` (itsdangerous). Every request looks the row up, so a session ends on the
server the moment its row goes: logging out deletes it, changing a password or disabling the
account deletes all of the user's. The cookie expires after ``settings.session_max_age_seconds``
(checked on the server from the row and the signature, not trusted from the browser); it is
HttpOnly and SameSite=Lax, and Secure in production.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from starlette.responses import Response

from calmdesk.settings import Settings
from calmdesk.storage.types import utcnow
from calmdesk.users.models import User, WebSession
from calmdesk.users.tokens import token_digest

SESSION_COOKIE = "calmdesk_session"
_SALT = "calmdesk.session"
_SECRET_BYTES = 32


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=_SALT)


def open_session(session: Session, *, user: User, settings: Settings) -> str:
    """Store a new session for ``user`` and return the cookie's value."""
    now = utcnow()
    session.execute(
        delete(WebSession).where(WebSession.user_id == user.id, WebSession.expires_at <= now)
    )
    secret = secrets.token_urlsafe(_SECRET_BYTES)
    session.add(
        WebSession(
            user_id=user.id,
            secret_hash=token_digest(secret),
            created_at=now,
            expires_at=now + timedelta(seconds=settings.session_max_age_seconds),
        )
    )
    session.flush()
    return _serializer(settings).dumps({"uid": user.id, "sid": secret})


def start_session(response: Response, session: Session, *, user: User, settings: Settings) -> None:
    """Open a session for ``user`` and set its cookie on ``response``."""
    response.set_cookie(
        SESSION_COOKIE,
        open_session(session, user=user, settings=settings),
        max_age=settings.session_max_age_seconds,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )


def session_secret(value: str | None, settings: Settings) -> str | None:
    """The secret of a genuine, unexpired cookie (whether or not its session still exists)."""
    if not value:
        return None
    try:
        data = _serializer(settings).loads(value, max_age=settings.session_max_age_seconds)
    except BadSignature:  # also covers SignatureExpired
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    secret = data.get("sid")
    return secret if isinstance(secret, str) and secret else None


def _row(session: Session, value: str, settings: Settings) -> WebSession | None:
    secret = session_secret(value, settings)
    if secret is None:
        return None
    row = session.scalars(
        select(WebSession).where(WebSession.secret_hash == token_digest(secret))
    ).first()
    if row is None or row.expires_at <= utcnow():
        return None
    return row


def user_from_cookie(session: Session, value: str, settings: Settings) -> User | None:
    """The active user whose stored session the cookie names, or ``None`` (forged, expired,
    ended by a logout, a password change or the account being disabled)."""
    row = _row(session, value, settings)
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    return user


def end_session(
    response: Response, session: Session, *, cookie: str | None, settings: Settings
) -> None:
    """Delete the cookie's session on the server and the cookie in the browser."""
    if cookie:
        row = _row(session, cookie, settings)
        if row is not None:
            session.delete(row)
            session.flush()
    response.delete_cookie(SESSION_COOKIE, path="/")


def end_all_sessions(session: Session, *, user: User) -> None:
    """End every session of ``user`` (password changed, account disabled or erased)."""
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))


def forget_expired(session: Session, *, now: datetime) -> int:
    """Delete every expired session, also of users who never sign in again."""
    result = session.execute(delete(WebSession).where(WebSession.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)
