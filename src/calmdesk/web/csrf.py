"""CSRF protection for the HTML forms: a double-submit token.

Every rendered page gets a random token in the ``calmdesk_csrf`` cookie (HttpOnly, SameSite=Strict,
Secure in production) and the same token in each form's hidden ``csrf_token`` field (or, for the
pages' own ``fetch`` calls, the ``X-CSRF-Token`` header). A state-changing page request must carry
both and they must match: another site can make the browser send the cookie but cannot read it to
put it into the form.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request
from starlette.responses import Response

from calmdesk.errors import CalmDeskError

CSRF_COOKIE = "calmdesk_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_TOKEN_BYTES = 32


class CsrfRejected(CalmDeskError):
    code = "csrf_rejected"
    http_status = 403


def token_for(request: Request) -> str:
    """The page's token: the cookie's if the browser has one, else a new one (remembered on
    ``request.state`` so every form of the page and the cookie agree)."""
    existing = getattr(request.state, "csrf_token", None)
    if isinstance(existing, str):
        return existing
    token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(_TOKEN_BYTES)
    request.state.csrf_token = token
    return token


def set_cookie(request: Request, response: Response, *, secure: bool) -> None:
    """Send the page's token as a cookie when the browser does not hold it yet."""
    token = getattr(request.state, "csrf_token", None)
    if isinstance(token, str) and request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(
            CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/"
        )


async def verify_csrf(request: Request) -> None:
    """Refuse a state-changing request whose form field (or header) does not match the cookie."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else ""
    if not cookie or not sent or not hmac.compare_digest(cookie.encode(), sent.encode()):
        raise CsrfRejected(
            "The form has expired or did not come from CalmDesk; reload the page and try again."
        )


CsrfChecked = Annotated[None, Depends(verify_csrf)]
