"""The webhooks REST API (admins): a thin shell over :mod:`calmdesk.webhooks.service`. Access is
decided in :mod:`calmdesk.webhooks.permissions`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query, status

from calmdesk.api_docs import errors, named_examples
from calmdesk.fields import MAX_ID
from calmdesk.users.deps import CurrentUser, SessionDep, SettingsDep
from calmdesk.users.models import User
from calmdesk.webhooks import service
from calmdesk.webhooks.permissions import ensure_may_manage
from calmdesk.webhooks.schemas import (
    AttemptRead,
    DeliveryDetail,
    DeliveryFilters,
    DeliveryPage,
    DeliveryRead,
    WebhookCreate,
    WebhookCreated,
    WebhookRead,
    WebhookUpdate,
)


def manager(user: CurrentUser) -> User:
    ensure_may_manage(user)
    return user


Manager = Annotated[User, Depends(manager)]
router = APIRouter(prefix="/api/webhooks", tags=["webhooks"], responses=errors(403))

WebhookId = Annotated[int, Path(ge=1, le=MAX_ID, description="The webhook's id")]
DeliveryId = Annotated[int, Path(ge=1, le=MAX_ID, description="The delivery's id")]
URL_ERROR = (
    422,
    "`invalid_webhook_url`: the URL is not http(s), carries credentials, or (in production) "
    "points at a non-public address; `validation_error`: an unknown event kind or a bad field",
)


def _created(created: service.Created) -> WebhookCreated:
    read = WebhookRead.model_validate(created.subscription)
    return WebhookCreated(**read.model_dump(), secret=created.secret)


@router.get("/subscriptions")
def list_webhooks(session: SessionDep, _: Manager) -> list[WebhookRead]:
    """Every webhook, the active ones first."""
    return [WebhookRead.model_validate(s) for s in service.list_(session)]


@router.post("/subscriptions", status_code=status.HTTP_201_CREATED, responses=errors(URL_ERROR))
def create_webhook(
    webhook_in: Annotated[WebhookCreate, Body(openapi_examples=named_examples(WebhookCreate))],
    session: SessionDep,
    settings: SettingsDep,
    user: Manager,
) -> WebhookCreated:
    """Send these event kinds to this URL, signed with a new secret. The secret is in this
    answer only: store it in the receiver now."""
    created = service.create(
        session,
        webhook_in=webhook_in,
        actor_id=user.id,
        server_key=settings.secret_key,
        allow_private=settings.private_webhook_targets_allowed,
    )
    return _created(created)


@router.get("/deliveries")
def list_deliveries(
    session: SessionDep, _: Manager, filters: Annotated[DeliveryFilters, Query()]
) -> DeliveryPage:
    """The delivery log, newest first: status, attempts, the last answer or error."""
    page = service.deliveries(session, filters=filters)
    return DeliveryPage(
        items=[DeliveryRead.model_validate(m) for m in page.items],
        total=page.total,
        page=page.page,
        per_page=page.per_page,
    )


@router.get("/deliveries/{delivery_id}", responses=errors(404))
def read_delivery(delivery_id: DeliveryId, session: SessionDep, _: Manager) -> DeliveryDetail:
    """One delivery with the JSON it sends and every attempt."""
    delivery = service.delivery_or_raise(session, delivery_id=delivery_id)
    attempts = service.attempts_of(session, delivery=delivery)
    return DeliveryDetail(
        **DeliveryRead.model_validate(delivery).model_dump(by_alias=False),
        payload=delivery.payload,
        attempt_log=[AttemptRead.model_validate(a) for a in attempts],
    )


@router.post(
    "/deliveries/{delivery_id}/replay",
    status_code=status.HTTP_202_ACCEPTED,
    responses=errors(404, (409, "The delivery is being sent right now (`delivery_in_flight`)")),
)
def replay_delivery(delivery_id: DeliveryId, session: SessionDep, user: Manager) -> DeliveryRead:
    """Send the delivery again on the worker's next look (the same event id, so a receiver that
    has it can tell), with a full set of attempts."""
    delivery = service.delivery_or_raise(session, delivery_id=delivery_id)
    return DeliveryRead.model_validate(service.replay(session, delivery=delivery, actor_id=user.id))


@router.get("/subscriptions/{webhook_id}", responses=errors(404))
def read_webhook(webhook_id: WebhookId, session: SessionDep, _: Manager) -> WebhookRead:
    return WebhookRead.model_validate(service.get_or_raise(session, webhook_id=webhook_id))


@router.patch("/subscriptions/{webhook_id}", responses=errors(404, URL_ERROR))
def update_webhook(
    webhook_id: WebhookId,
    webhook_in: WebhookUpdate,
    session: SessionDep,
    settings: SettingsDep,
    user: Manager,
) -> WebhookRead:
    """Rename, re-target, change the kinds, disable (``is_active: false``) or enable."""
    subscription = service.get_or_raise(session, webhook_id=webhook_id)
    updated = service.update(
        session,
        subscription=subscription,
        webhook_in=webhook_in,
        actor_id=user.id,
        allow_private=settings.private_webhook_targets_allowed,
    )
    return WebhookRead.model_validate(updated)


@router.post("/subscriptions/{webhook_id}/secret", responses=errors(404))
def rotate_secret(
    webhook_id: WebhookId, session: SessionDep, settings: SettingsDep, _: Manager
) -> WebhookCreated:
    """A new signing secret, in this answer only; the old one stops at once."""
    subscription = service.get_or_raise(session, webhook_id=webhook_id)
    created = service.rotate_secret(
        session, subscription=subscription, server_key=settings.secret_key
    )
    return _created(created)
