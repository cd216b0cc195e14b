"""The HTML pages: sign-in, the language picker, the start page and the playbook; the console,
board and case pages live in ``pages_*.py`` and are included here.

``install_pages(app)`` mounts the static files, the routes and the HTML error pages (a page that
needs a signed-in user redirects to ``/login``; 403 and 404 render a page, the API keeps JSON).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from calmdesk.errors import CalmDeskError, InvalidInput, NotAuthenticated
from calmdesk.languages import Language
from calmdesk.playbook.deps import request_playbook
from calmdesk.storage.db import session_scope
from calmdesk.users import service as users_service
from calmdesk.users.deps import CurrentUser, OptionalUser, SessionDep
from calmdesk.users.errors import PasswordHashingBusy, TooManyAttempts
from calmdesk.users.passwords import login_turn
from calmdesk.users.schemas import UserUpdate
from calmdesk.users.sessions import SESSION_COOKIE, end_session, start_session, user_from_cookie
from calmdesk.users.throttle import LoginLimits
from calmdesk.web import (
    page_errors,
    pages_board,
    pages_cases,
    pages_chat,
    pages_console,
    pages_reports,
    pages_social,
    pages_survey,
    pages_webhooks,
)
from calmdesk.web.csrf import CsrfChecked
from calmdesk.web.errors import (
    error_message,
    http_error_headers,
    retry_after_header,
    validation_errors,
)
from calmdesk.web.i18n import LANGUAGE_COOKIE, SUPPORTED, gettext_for
from calmdesk.web.pages_common import Viewer, home_for, page_language, render, settings_of

STATIC_DIR = Path(__file__).parent / "static"
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600
# Paths whose errors stay JSON (the API and its tools); everything else is a page.
# (/docs is a page: signing in first, in production, goes through the sign-in page.)
NON_PAGE_PREFIXES = ("/api", "/ws", "/static", "/healthz", "/openapi")

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to return to after sign-in; anything else (``//evil``, ``https://...``)
    falls back to ``default`` so the form cannot be used as an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    # Browsers drop tabs and newlines from URLs and read "\\" as "/": "/\t/evil" is "//evil".
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return default
    return target


@router.get("/")
def home(user: OptionalUser) -> RedirectResponse:
    return RedirectResponse(home_for(user) if user else "/login", status_code=303)


@router.get("/login")
def login_page(request: Request, user: OptionalUser, next: str = "/") -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next, home_for(user)), status_code=303)
    gettext = gettext_for(page_language(request, None))
    return render(
        request, "login.html", user=None, title=gettext("Sign in"), next=next, username="", error=""
    )


@router.post("/login")
async def login(
    request: Request,
    session: SessionDep,
    _csrf: CsrfChecked,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    gettext = gettext_for(page_language(request, None))

    def form_again(status_code: int, error: str) -> Response:
        return render(
            request,
            "login.html",
            user=None,
            status_code=status_code,
            title=gettext("Sign in"),
            next=next,
            username=username,
            error=error,
        )

    def sign_in() -> Response:
        user = users_service.authenticate(
            session,
            username=username.strip(),
            password=password,
            client_address=request.client.host if request.client else None,
            limits=LoginLimits.from_settings(settings_of(request)),
        )
        if user is None:
            return form_again(401, gettext("The user name or the password is wrong."))
        response = RedirectResponse(safe_next(next, home_for(user)), status_code=303)
        if next == "/":
            response.headers["location"] = home_for(user)
        start_session(response, session, user=user, settings=settings_of(request))
        return response

    try:
        async with login_turn():
            return await run_in_threadpool(sign_in)
    except (TooManyAttempts, PasswordHashingBusy) as refused:
        page = form_again(refused.http_status, error_message(request, refused))
        page.headers.update(retry_after_header(refused) or {})
        return page


@router.post("/logout")
def logout(request: Request, session: SessionDep, _csrf: CsrfChecked) -> RedirectResponse:
    response = RedirectResponse("/login", status_code=303)
    cookie = request.cookies.get(SESSION_COOKIE)
    end_session(response, session, cookie=cookie, settings=settings_of(request))
    return response


@router.post("/language")
def choose_language(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    _csrf: CsrfChecked,
    lang: Annotated[str, Form(max_length=8)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> RedirectResponse:
    """The picker: stored on the user when signed in, and in a cookie for the sign-in page."""
    if lang not in SUPPORTED:
        raise CalmDeskError(
            f"unknown language {lang!r}; choose one of {', '.join(SUPPORTED)}",
            value=lang,
            code="unknown_language",
            http_status=422,
        )
    if user is not None:
        users_service.update(session, user=user, user_in=UserUpdate(language=Language(lang)))
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        lang,
        max_age=LANGUAGE_COOKIE_MAX_AGE,
        samesite="lax",
        secure=settings_of(request).secure_cookies,
        httponly=True,
    )
    return response


@router.get("/playbook")
def playbook_page(request: Request, user: CurrentUser) -> Response:
    from calmdesk.playbook.export import render_html

    lang = page_language(request, user)
    playbook = request_playbook(request)
    if lang not in playbook.languages:
        lang = playbook.default_language
    # The export escapes every value it renders; it is our own HTML, not the customer's.
    fragment = Markup(render_html(playbook, lang, fragment=True))  # noqa: S704
    return render(
        request,
        "playbook.html",
        user=user,
        title=gettext_for(page_language(request, user))("Playbook"),
        playbook_html=fragment,
    )


def _is_page(request: Request) -> bool:
    return not request.url.path.startswith(NON_PAGE_PREFIXES)


Handler = Callable[[Request, Any], Response | Awaitable[Response]]


async def _call(handler: Handler, request: Request, error: Exception) -> Response:
    result = handler(request, error)
    return await result if inspect.isawaitable(result) else result


def _viewer_of(request: Request) -> Viewer | None:
    """The person signed in with the request's session cookie, for the error page's menu and
    language; ``None`` when there is none (or the database cannot tell)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        with session_scope(request.app.state.session_factory, reads_first=True) as session:
            user = user_from_cookie(session, cookie, settings_of(request))
            return Viewer.of(user) if user is not None else None
    except Exception:  # the error page must render even when the database is the problem
        log.warning("cannot tell who sees an error page", exc_info=True)
        return None


async def _error_page(
    request: Request, status: int, error: CalmDeskError | None = None
) -> Response:
    viewer = await run_in_threadpool(_viewer_of, request)
    lang = page_language(request, viewer)
    gettext = gettext_for(lang)
    headings = {
        403: gettext("You may not open this page"),
        404: gettext("This page does not exist"),
    }
    heading = headings.get(status, gettext("Something went wrong"))
    return render(
        request,
        "error.html",
        user=viewer,
        status_code=status,
        title=heading,
        heading=heading,
        message=(
            page_errors.error_text(error, status, lang, gettext)
            if error is not None
            else page_errors.generic_text(status, gettext)
        ),
        fields=page_errors.field_labels(error, gettext) if error is not None else [],
        value=page_errors.typed_value(error) if error is not None else None,
    )


def install_error_pages(app: FastAPI) -> None:
    """Wrap the JSON error handlers: pages get a redirect to sign in or an HTML page."""
    api_domain: Handler = app.exception_handlers[CalmDeskError]
    api_http: Handler = app.exception_handlers[StarletteHTTPException]
    api_validation: Handler = app.exception_handlers[RequestValidationError]

    async def domain_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, CalmDeskError)
        if not _is_page(request):
            return await _call(api_domain, request, error)
        if isinstance(error, NotAuthenticated) and "authorization" in request.headers:
            # A program with a bad bearer token: a sign-in page would not help (and /login
            # itself would refuse the token again, redirecting for ever).
            return await _call(api_domain, request, error)
        if isinstance(error, NotAuthenticated):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        page = await _error_page(request, error.http_status, error)
        page.headers.update(retry_after_header(error) or {})
        return page

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        if not _is_page(request):
            return await _call(api_http, request, error)
        page = await _error_page(request, error.status_code)
        page.headers.update(http_error_headers(request, error) or {})
        return page

    async def validation_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        # A page's form (its route is not in the API's schema); /playbook/export and the API
        # keep their JSON answer naming each field.
        route = request.scope.get("route")
        if not _is_page(request) or getattr(route, "include_in_schema", True):
            return await _call(api_validation, request, error)
        fields = validation_errors(list(error.errors()))
        refused = InvalidInput("; ".join(f["problem"] for f in fields), fields=fields)
        return await _error_page(request, 422, refused)

    async def server_error(request: Request, error: Exception) -> Response:
        # A bug: Starlette logs it and re-raises it after this answer. A page still shows the
        # menu and "sign out", in the reader's language; the API gets its JSON error.
        if not _is_page(request):
            return JSONResponse(
                {"code": "internal_error", "message": "Internal server error."}, status_code=500
            )
        return await _error_page(request, 500)

    app.add_exception_handler(CalmDeskError, domain_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, server_error)


def install_pages(app: FastAPI) -> None:
    """Mount the static files, every page route and the HTML error pages."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(router)
    app.include_router(pages_console.router)
    app.include_router(pages_board.router)
    pages_board.install_board_feed(app)  # board_changed when compensation or cases change
    app.include_router(pages_cases.router)
    app.include_router(pages_social.router)
    app.include_router(pages_survey.router)
    app.include_router(pages_chat.router)
    app.include_router(pages_webhooks.router)
    app.include_router(pages_reports.router)
    install_error_pages(app)
