"""The platforms' webhooks: ``/api/social/webhooks/generic`` and ``/api/social/webhooks/facebook``
(signed by the platform, no user). A verified delivery's changes are applied in one transaction;
the answer counts what happened (``created``, ``unchanged``, ``edited``, ``deleted``,
``unknown``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.errors import CalmDeskError
from calmdesk.playbook.deps import app_playbook
from calmdesk.settings import Settings
from calmdesk.social.connectors import Connector, IncomingRequest
from calmdesk.social.connectors.facebook import FacebookConnector
from calmdesk.social.connectors.generic import GenericConnector
from calmdesk.social.connectors.ingest import apply_changes

# Signed by the platforms, not by a user; documented in docs/social.md like Chatwoot's webhook.
router = APIRouter(prefix="/api/social/webhooks", include_in_schema=False)
MAX_BODY_BYTES = 1_000_000
PUBLISHING_SOURCES = frozenset({"facebook"})
"""Connectors whose posts' replies go back to the platform."""
OUTCOMES = ("created", "unchanged", "edited", "deleted", "unknown")


class PayloadTooLarge(CalmDeskError):
    code = "payload_too_large"
    http_status = 413


def _settings(app: FastAPI) -> Settings:
    settings: Settings = app.state.settings
    return settings


def connector_for(settings: Settings, key: str) -> Connector:
    if key == "facebook":
        return FacebookConnector(
            app_secret=settings.facebook_app_secret,
            verify_token=settings.facebook_verify_token,
            page_token=settings.facebook_page_token,
            graph_url=settings.facebook_graph_url,
        )
    return GenericConnector(settings.social_webhook_secret)


async def _incoming(request: Request) -> IncomingRequest:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"A delivery is at most {MAX_BODY_BYTES} bytes.")
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"A delivery is at most {MAX_BODY_BYTES} bytes.")
    headers = {name.lower(): value for name, value in request.headers.items()}
    return IncomingRequest(headers=headers, body=body, query=dict(request.query_params))


def _apply(app: FastAPI, connector: Connector, incoming: IncomingRequest) -> dict[str, int]:
    changes = connector.parse(incoming.body)
    factory: sessionmaker[Session] = app.state.session_factory
    session = factory()
    try:
        outcome = apply_changes(
            session,
            changes=changes,
            source=connector.key,
            platform=connector.platform,
            playbook=app_playbook(app),
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
    return {name: outcome[name] for name in OUTCOMES}


async def _receive(request: Request, key: str) -> JSONResponse:
    connector = connector_for(_settings(request.app), key)
    incoming = await _incoming(request)
    connector.verify(incoming)
    counts = await run_in_threadpool(_apply, request.app, connector, incoming)
    return JSONResponse(counts)


@router.post("/generic")
async def generic_webhook(request: Request) -> JSONResponse:
    """Posts from anywhere, signed ``X-CalmDesk-Signature: sha256=<hex>`` (HMAC-SHA256 of the
    raw body under ``CALMDESK_SOCIAL_WEBHOOK_SECRET``)."""
    return await _receive(request, "generic")


@router.post("/facebook")
async def facebook_webhook(request: Request) -> JSONResponse:
    """Facebook Page ``feed`` changes, signed ``X-Hub-Signature-256`` with the app secret."""
    return await _receive(request, "facebook")


@router.get("/facebook", response_class=PlainTextResponse)
def facebook_subscription(
    request: Request,
    mode: Annotated[str, Query(alias="hub.mode", max_length=32)] = "",
    verify_token: Annotated[str, Query(alias="hub.verify_token", max_length=200)] = "",
    challenge: Annotated[str, Query(alias="hub.challenge", max_length=200)] = "",
) -> PlainTextResponse:
    """Facebook's subscription check: echo ``hub.challenge`` when the token is ours."""
    connector = connector_for(_settings(request.app), "facebook")
    assert isinstance(connector, FacebookConnector)
    query = {"hub.mode": mode, "hub.verify_token": verify_token, "hub.challenge": challenge}
    return PlainTextResponse(connector.subscription_challenge(query))
