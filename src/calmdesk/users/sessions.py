"""The web session: a signed cookie holding the user's id.

The cookie is signed with ``settings.secret_key`` (itsdangerous), expires after
``settings.session_max_age_seconds``, is HttpOnly and SameSite=Lax, and Secure in production.
It also carries a fingerprint of the password hash, so changing a password ends every session
signed before the change.
"""

from __future__ import annotations

import hashlib

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session
from starlette.responses import Response

from calmdesk.settings import Settings
from calmdesk.users.models import User

SESSION_COOKIE = "calmdesk_session"
_SALT = "calmdesk.session"


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=_SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode("utf-8")).hexdigest()[:16]


def session_cookie_value(user: User, settings: Settings) -> str:
    return _serializer(settings).dumps({"uid": user.id, "pw": _fingerprint(user)})


def start_session(response: Response, user: User, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session_cookie_value(user, settings),
        max_age=settings.session_max_age_seconds,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )


def end_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def user_from_cookie(session: Session, value: str, settings: Settings) -> User | None:
    """The active user a session cookie belongs to, or ``None`` (bad, expired or stale)."""
    try:
        data = _serializer(settings).loads(value, max_age=settings.session_max_age_seconds)
    except BadSignature:  # also covers SignatureExpired
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    user = session.get(User, data["uid"])
    if user is None or not user.is_active or data.get("pw") != _fingerprint(user):
        return None
    return user
