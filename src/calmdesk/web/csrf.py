"""CSRF protection for the HTML forms: a token bound to the browser and to its session.

Every rendered page gets a random nonce in the ``calmdesk_csrf`` cookie (HttpOnly,
SameSite=Strict, Secure in production) and, in each form's hidden ``csrf_token`` field (or, for
the pages' own ``fetch`` calls, the ``X-CSRF-Token`` header), a token derived from that nonce and
the signed-in session: an HMAC with the secret key. A state-changing page request must carry a
token that matches both: another site can make the browser send the cookies but cannot read them
to build the token, and a token taken from one session is refused in any other (after a logout,
or in another browser).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request
from starlette.responses import Response

from calmdesk.errors import CalmDeskError
from calmdesk.settings import Settings
from calmdesk.users.sessions import SESSION_COOKIE, session_secret

CSRF_COOKIE = "calmdesk_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_NONCE_BYTES = 32


class CsrfRejected(CalmDeskError):
    code = "csrf_rejected"
    http_status = 403


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _token(nonce: str, request: Request) -> str:
    """The form token of ``nonce`` in the request's session (none before signing in)."""
    settings = _settings(request)
    session = session_secret(request.cookies.get(SESSION_COOKIE), settings) or ""
    digest = hmac.new(
        settings.secret_key.encode(), f"csrf|{nonce}|{session}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _nonce(request: Request) -> str:
    """The browser's nonce (the cookie's), else a new one remembered on ``request.state`` so
    every form of the page and the cookie agree."""
    existing = getattr(request.state, "csrf_nonce", None)
    if isinstance(existing, str):
        return existing
    nonce = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(_NONCE_BYTES)
    request.state.csrf_nonce = nonce
    return nonce


def token_for(request: Request) -> str:
    """The token for the page's forms."""
    return _token(_nonce(request), request)


def set_cookie(request: Request, response: Response, *, secure: bool) -> None:
    """Send the page's nonce as a cookie when the browser does not hold it yet."""
    nonce = getattr(request.state, "csrf_nonce", None)
    if isinstance(nonce, str) and request.cookies.get(CSRF_COOKIE) != nonce:
        response.set_cookie(
            CSRF_COOKIE, nonce, httponly=True, samesite="strict", secure=secure, path="/"
        )


async def verify_csrf(request: Request) -> None:
    """Refuse a state-changing request whose form field (or header) is not the token of the
    browser's nonce in its current session."""
    nonce = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else ""
    expected = _token(nonce, request) if nonce else ""
    if not expected or not sent or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise CsrfRejected(
            "The form has expired or did not come from CalmDesk; reload the page and try again."
        )


CsrfChecked = Annotated[None, Depends(verify_csrf)]
