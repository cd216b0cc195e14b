"""FastAPI dependencies, as ``Annotated`` aliases so routes read as domain code::

@router.get("/things")
def things(session: SessionDep, user: CurrentUser) -> ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, TypeVar
from urllib.parse import urlsplit

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.errors import ConfigurationError, NotAuthenticated
from calmdesk.settings import Settings
from calmdesk.storage.db import READ, begin_read, begin_write, transaction_mode
from calmdesk.users import service
from calmdesk.users.errors import InvalidToken, JsonRequired, OriginRejected
from calmdesk.users.models import User
from calmdesk.users.permissions import Permission, ensure
from calmdesk.users.sessions import SESSION_COOKIE, user_from_cookie


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_READS_FIRST = "calmdesk_reads_first"
Endpoint = TypeVar("Endpoint", bound=Callable[..., object])


def reads_first(endpoint: Endpoint) -> Endpoint:
    """Mark a state-changing route whose service asks for the write lock itself, only around
    its writes (:func:`calmdesk.storage.db.begin_write`): its session starts reading, like a
    ``GET``'s, so signing the caller in and reading take no write lock."""
    setattr(endpoint, _READS_FIRST, True)
    return endpoint


def _reads_first(request: Request) -> bool:
    if request.method in READ_METHODS:
        return True
    route = request.scope.get("route")
    return bool(getattr(getattr(route, "endpoint", None), _READS_FIRST, False))


def get_session(request: Request) -> Iterator[Session]:
    """A session committed when the route returns normally, rolled back when it raises.

    Used with ``scope="function"``, so the commit happens before the response is sent: a client
    that got a 201 can rely on the row being stored. ``GET`` routes and those marked
    :func:`reads_first` start reading (no write lock on SQLite); the others write from the start.
    """
    factory: sessionmaker[Session] | None = getattr(request.app.state, "session_factory", None)
    if factory is None:
        raise ConfigurationError("The application has no database session factory.")
    session = factory()
    if _reads_first(request):
        begin_read(session)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


USER_LANGUAGE = "calmdesk_user_language"
"""The ``request.state`` attribute holding the signed-in caller's language (for error texts)."""


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("The Authorization header must be 'Bearer <token>'.")
    return token.strip()


def _own_origin(origin: str, request: Request, settings: Settings) -> bool:
    if origin.rstrip("/") in settings.allowed_origins:
        return True
    return origin != "null" and urlsplit(origin).netloc == request.headers.get("host", "")


def check_cookie_write(request: Request, settings: Settings) -> None:
    """A state-changing API request riding on the session cookie must come from CalmDesk's own
    pages: an ``Origin`` (which browsers send on every cross-site write) of this server or of
    ``settings.allowed_origins``, and for a POST a JSON body type (which a cross-site form
    cannot send), even when the route reads no body.
    Bearer-token calls are not affected: browsers never add that header on their own."""
    if request.method in READ_METHODS or not request.url.path.startswith("/api/"):
        return
    origin = request.headers.get("origin")
    if origin is not None and not _own_origin(origin, request, settings):
        raise OriginRejected(
            f"This request came from another site ({origin[:100]}); CalmDesk accepts changes "
            "made with the session cookie only from its own pages.",
            origin=origin[:100],
        )
    if origin is None and request.headers.get("sec-fetch-site") == "cross-site":
        raise OriginRejected(
            "This request came from another site; CalmDesk accepts changes made with the "
            "session cookie only from its own pages.",
            origin="",
        )
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    # Only POST can cross sites without a CORS preflight (which CalmDesk never grants), and only
    # with a form's or text/plain body type: JSON cannot be sent that way.
    if request.method == "POST" and media_type != "application/json":
        raise JsonRequired(
            "Send the request as JSON (Content-Type: application/json) when using the session "
            "cookie."
        )


def get_optional_user(request: Request, session: SessionDep, settings: SettingsDep) -> User | None:
    """The caller from a bearer token or the session cookie, or ``None`` for an anonymous call.

    A bearer token that is present but wrong is an error, never a silent fall-back to the cookie.
    """
    user: User | None = None
    cookie: str | None = None
    token = bearer_token(request)
    # The caller is found in a transaction of its own, committed here. FastAPI runs each sync
    # dependency and the route in separate trips to the thread pool: a write transaction begun
    # here (a POST's default) held SQLite's write lock while the route waited for a free thread,
    # 5 s under a floor's load, and every other writer timed out behind it.
    mode = transaction_mode(session)
    begin_read(session)
    if token is not None:
        user = service.user_for_token(session, token=token)
        if user is None:
            raise InvalidToken("The API token is invalid, revoked or belongs to a disabled user.")
    elif cookie := request.cookies.get(SESSION_COOKIE):
        user = user_from_cookie(session, cookie, settings)
    session.commit()  # the read, or the token's last_used_at refresh
    if mode == READ:
        begin_read(session)
    else:
        begin_write(session)
    if user is not None:
        setattr(request.state, USER_LANGUAGE, user.language.value)
        if token is None:
            # After the sign-in: a cookie that names no session is a 401, whatever its body.
            check_cookie_write(request, settings)
    return user


def get_current_user(user: Annotated[User | None, Depends(get_optional_user)]) -> User:
    if user is None:
        raise NotAuthenticated("Log in first, or send 'Authorization: Bearer <token>'.")
    return user


OptionalUser = Annotated[User | None, Depends(get_optional_user)]
CurrentUser = Annotated[User, Depends(get_current_user)]


def require_permission(permission: Permission) -> Callable[[User], User]:
    """A dependency letting through only users whose role grants ``permission``."""

    def dependency(user: CurrentUser) -> User:
        ensure(user, permission)
        return user

    return dependency


UserManager = Annotated[User, Depends(require_permission(Permission.MANAGE_USERS))]
