"""One place that renders errors: a :class:`CalmDeskError` becomes
``{"code", "message", ...fields}`` with its status; a validation error names every bad field."""

from __future__ import annotations

import inspect
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from calmdesk.errors import CalmDeskError
from calmdesk.live.refusals import localize_error
from calmdesk.storage.db import DatabaseBusy, is_busy
from calmdesk.users.deps import USER_LANGUAGE
from calmdesk.web.i18n import LANGUAGE_COOKIE, choose_language


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or str(loc[0] if loc else "request")


def validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {"field": _field_path(e.get("loc", ())), "problem": str(e.get("msg", ""))} for e in errors
    ]


def retry_after_header(error: CalmDeskError) -> dict[str, str] | None:
    """``Retry-After`` for errors that say when to try again (e.g. login throttling)."""
    seconds = error.fields.get("retry_after_seconds")
    if isinstance(seconds, int | float) and seconds >= 0:
        return {"Retry-After": str(int(-(-seconds // 1)))}
    return None


def request_language(request: Request) -> str:
    """The asker's language: the signed-in user's, else the picker's cookie, else the
    browser's ``Accept-Language``, else English."""
    return choose_language(
        user_language=getattr(request.state, USER_LANGUAGE, None),
        cookie=request.cookies.get(LANGUAGE_COOKIE),
        accept_language=request.headers.get("accept-language"),
    )


def error_message(request: Request, error: CalmDeskError) -> str:
    """``error``'s message in the asker's language when it has translations, else as raised."""
    return localize_error(error, request_language(request))


def allowed_methods(request: Request) -> str:
    """Every method of the request's path, for a 405's ``Allow`` (Starlette names only those of
    the first route that matched the path, and FastAPI makes one route per method)."""
    methods: set[str] = set()
    scope = {**request.scope, "method": "\x00"}
    for route in iter_route_contexts(request.app.router.routes):
        match, _ = route.route.matches(scope) if route.methods else (Match.NONE, {})
        if match is not Match.NONE:
            methods |= set(route.methods or ())
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


def http_error_headers(request: Request, error: StarletteHTTPException) -> dict[str, str] | None:
    headers = dict(getattr(error, "headers", None) or {})
    if error.status_code == 405:
        headers["Allow"] = allowed_methods(request)
    return headers or None


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CalmDeskError)
    async def _domain_error(request: Request, error: CalmDeskError) -> JSONResponse:
        body = {**error.to_dict(), "message": error_message(request, error)}
        return JSONResponse(body, status_code=error.http_status, headers=retry_after_header(error))

    @app.exception_handler(DBAPIError)
    async def _database_error(request: Request, error: DBAPIError) -> Response:
        # A lock not granted in time is the one database error a client can fix by retrying:
        # 503 database_busy with Retry-After (pages wrap the CalmDeskError handler). Anything
        # else is a bug and stays a 500.
        if not is_busy(error):
            raise error
        response = app.exception_handlers[CalmDeskError](request, DatabaseBusy())
        return await response if inspect.isawaitable(response) else response

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
        fields = validation_errors(list(error.errors()))
        message = "; ".join(f"{f['field']}: {f['problem']}" for f in fields)
        return JSONResponse(
            {"code": "validation_error", "message": message or "invalid request", "fields": fields},
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        codes = {
            400: "bad_request",
            404: "not_found",
            405: "method_not_allowed",
            401: "not_authenticated",
            403: "permission_denied",
        }
        return JSONResponse(
            {"code": codes.get(error.status_code, "http_error"), "message": str(error.detail)},
            status_code=error.status_code,
            headers=http_error_headers(request, error),
        )
