"""``/docs`` (Swagger UI) and ``/redoc`` served with their assets from our own origin: the
scripts and styles come from the ``fastapi-offline`` package, so the API's map opens on a
machine without internet access (FastAPI's defaults load them from a CDN). In production both
pages are for signed-in users, like ``/openapi.json``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import Depends, FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from calmdesk.users.deps import get_current_user

ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/apidocs-assets"
OPENAPI_URL = "/openapi.json"


def install_api_docs(app: FastAPI, *, signed_in: bool) -> None:
    """The two documentation pages and their assets; with ``signed_in`` (production) the pages
    and the OpenAPI document ask for a signed-in user."""
    dependencies: list[Any] = [Depends(get_current_user)] if signed_in else []
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="apidocs-assets")
    if signed_in:

        @app.get(OPENAPI_URL, include_in_schema=False, dependencies=dependencies)
        def openapi() -> JSONResponse:
            return JSONResponse(app.openapi())

    @app.get("/docs", include_in_schema=False, dependencies=dependencies)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=OPENAPI_URL,
            title=f"{app.title} API",
            oauth2_redirect_url="/docs/oauth2-redirect",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False, dependencies=dependencies)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=OPENAPI_URL,
            title=f"{app.title} API",
            redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url="/static/favicon.svg",
            with_google_fonts=False,
        )
