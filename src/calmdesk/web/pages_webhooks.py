"""The admin's webhooks page: the webhooks with their state and secret hint, a form to make one
(its secret shown once, on the answer to that form), disable/enable, a new secret; the
delivery log with status, attempts and last error, one delivery's attempts and a replay.

Access is :mod:`calmdesk.webhooks.permissions`; everything else is :mod:`calmdesk.webhooks.service`.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from calmdesk.errors import InvalidInput
from calmdesk.playbook.deps import request_playbook
from calmdesk.users.deps import CurrentUser, SessionDep
from calmdesk.users.models import User
from calmdesk.web import pages_labels as labels
from calmdesk.web.csrf import CsrfChecked
from calmdesk.web.i18n import gettext_for
from calmdesk.web.pages_cases import moment_formatter
from calmdesk.web.pages_common import page_language, render, settings_of
from calmdesk.web.pages_labels import N_
from calmdesk.webhooks import service, targets
from calmdesk.webhooks.events import WebhookEventKind
from calmdesk.webhooks.permissions import ensure_may_manage
from calmdesk.webhooks.schemas import DeliveryFilters, WebhookCreate, WebhookUpdate

router = APIRouter(include_in_schema=False)
MAX_ID = 2**31 - 1
NO_STORE = {"Cache-Control": "no-store"}


def _manager(user: CurrentUser) -> User:
    ensure_may_manage(user)
    return user


Manager = Annotated[User, Depends(_manager)]

EVENT_KINDS: dict[str, str] = {
    WebhookEventKind.ALERT_ABUSE: N_("Abuse on a live contact"),
    WebhookEventKind.ALERT_THREAT_VIOLENCE: N_("Threat of violence"),
    WebhookEventKind.ALERT_SELF_HARM: N_("Self-harm mentioned"),
    WebhookEventKind.ALERT_SUPERVISOR_REQUESTED: N_("Supervisor requested"),
    WebhookEventKind.CASE_CREATED: N_("Case created"),
    WebhookEventKind.CASE_TRANSITIONED: N_("Case status changed"),
    WebhookEventKind.CASE_SLA_WARNING: N_("Case target close"),
    WebhookEventKind.CASE_SLA_BREACHED: N_("Case target missed"),
    WebhookEventKind.CASE_LEGAL_DEADLINE_RISK: N_("Legal deadline at risk"),
    WebhookEventKind.CASE_LEGAL_DEADLINE_MISSED: N_("Legal deadline missed"),
    WebhookEventKind.COMPENSATION_AWAITING_APPROVAL: N_("Compensation awaiting approval"),
}
DELIVERY_STATUSES: dict[str, str] = {
    "pending": N_("Waiting to be sent"),
    "delivered": N_("Delivered"),
    "failed": N_("Given up"),
}
ATTEMPT_OUTCOMES: dict[str, str] = {
    "sending": N_("No outcome recorded (interrupted)"),
    "delivered": N_("Delivered"),
    "retry": N_("Failed, will retry"),
    "failed": N_("Failed, given up"),
}
URL_PROBLEMS: dict[str, str] = {
    "too_long": N_("The address is too long."),
    "spaces": N_("The address must not contain spaces."),
    "unreadable": N_("The address cannot be read; check the port number."),
    "scheme": N_("The address must start with http:// or https://."),
    "no_host": N_("The address has no server name."),
    "credentials": N_("The address must not contain a user name or password."),
    "fragment": N_("The address must not end with a #fragment."),
    "not_public": N_("The address leads to an internal network, which this server does not allow."),
}
FORM_PROBLEMS: dict[str, str] = {
    "name": N_("Give the webhook a name."),
    "kinds": N_("Choose at least one kind of event."),
    "url": N_("Give the receiver's address."),
}


def _page(
    request: Request,
    session: SessionDep,
    user: User,
    *,
    status: str = "",
    webhook: int | None = None,
    page: int = 1,
    problems: list[str] | None = None,
    form: dict[str, object] | None = None,
    status_code: int = 200,
) -> Response:
    gettext = gettext_for(page_language(request, user))
    try:
        filters = DeliveryFilters(status=status or None, webhook_id=webhook, page=page)
    except ValidationError:
        filters = DeliveryFilters(page=page)
    subscriptions = service.list_(session)
    return render(
        request,
        "webhooks.html",
        user=user,
        status_code=status_code,
        title=gettext("Webhooks"),
        subscriptions=subscriptions,
        names={s.id: s.name for s in subscriptions},
        log=service.deliveries(session, filters=filters),
        chosen={"status": filters.status or "", "webhook": filters.webhook_id or ""},
        kind_labels=labels.translated(EVENT_KINDS, gettext),
        status_labels=labels.translated(DELIVERY_STATUSES, gettext),
        problems=[gettext(p) for p in problems or []],
        form=form or {"name": "", "url": "", "event_kinds": []},
        fmt=moment_formatter(request_playbook(request), page_language(request, user)),
    )


@router.get("/webhooks")
def webhooks_page(
    request: Request,
    session: SessionDep,
    user: Manager,
    status: Annotated[str, Query(max_length=20)] = "",
    webhook: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    return _page(request, session, user, status=status, webhook=webhook, page=page)


def _secret_page(request: Request, user: User, created: service.Created) -> Response:
    gettext = gettext_for(page_language(request, user))
    response = render(
        request,
        "webhook_secret.html",
        user=user,
        title=gettext("The webhook's secret"),
        subscription=created.subscription,
        secret=created.secret,
        kind_labels=labels.translated(EVENT_KINDS, gettext),
    )
    response.headers.update(NO_STORE)
    return response


@router.post("/webhooks")
def create_webhook(
    request: Request,
    session: SessionDep,
    user: Manager,
    _csrf: CsrfChecked,
    name: Annotated[str, Form(max_length=200)] = "",
    url: Annotated[str, Form(max_length=4000)] = "",
    event_kinds: Annotated[list[str], Form(max_length=64)] = [],  # noqa: B006 (FastAPI copies it)
) -> Response:
    form: dict[str, object] = {"name": name, "url": url, "event_kinds": event_kinds}
    problems = [
        FORM_PROBLEMS[key]
        for key, missing in (
            ("name", not name.strip()),
            ("url", not url.strip()),
            ("kinds", not [k for k in event_kinds if k in EVENT_KINDS]),
        )
        if missing
    ]
    if not problems:
        settings = settings_of(request)
        try:
            targets.parse(url.strip())  # its problem, in the page's words (below)
            webhook_in = WebhookCreate(
                name=name.strip(),
                url=url.strip(),
                event_kinds=[WebhookEventKind(k) for k in event_kinds if k in EVENT_KINDS],
            )
            created = service.create(
                session,
                webhook_in=webhook_in,
                actor_id=user.id,
                server_key=settings.secret_key,
                allow_private=settings.private_webhook_targets_allowed,
            )
        except ValidationError:
            problems = [N_("Check the name and the address: one of them is too long.")]
        except InvalidInput as refused:
            problem = str(refused.fields.get("problem", ""))
            problems = [URL_PROBLEMS.get(problem, N_("The address cannot be used."))]
        else:
            return _secret_page(request, user, created)
    return _page(request, session, user, problems=problems, form=form, status_code=422)


def _webhook(session: SessionDep, webhook_id: int) -> service.WebhookSubscription:
    if not 1 <= webhook_id <= MAX_ID:
        raise service.WebhookNotFound(f"There is no webhook {webhook_id}.", webhook_id=webhook_id)
    return service.get_or_raise(session, webhook_id=webhook_id)


@router.post("/webhooks/{webhook_id}/active")
def set_active(
    request: Request,
    session: SessionDep,
    user: Manager,
    _csrf: CsrfChecked,
    webhook_id: int,
    active: Annotated[str, Form(max_length=5)] = "",
) -> RedirectResponse:
    subscription = _webhook(session, webhook_id)
    service.update(
        session,
        subscription=subscription,
        webhook_in=WebhookUpdate(is_active=active == "true"),
        actor_id=user.id,
        allow_private=settings_of(request).private_webhook_targets_allowed,
    )
    return RedirectResponse("/webhooks", status_code=303)


@router.post("/webhooks/{webhook_id}/secret")
def rotate_secret(
    request: Request, session: SessionDep, user: Manager, _csrf: CsrfChecked, webhook_id: int
) -> Response:
    subscription = _webhook(session, webhook_id)
    created = service.rotate_secret(
        session, subscription=subscription, server_key=settings_of(request).secret_key
    )
    return _secret_page(request, user, created)


def _delivery(session: SessionDep, delivery_id: int) -> service.OutboxMessage:
    if not 1 <= delivery_id <= MAX_ID:
        raise service.DeliveryNotFound(
            f"There is no delivery {delivery_id}.", delivery_id=delivery_id
        )
    return service.delivery_or_raise(session, delivery_id=delivery_id)


@router.get("/webhooks/deliveries/{delivery_id}")
def delivery_page(
    request: Request, session: SessionDep, user: Manager, delivery_id: int
) -> Response:
    gettext = gettext_for(page_language(request, user))
    delivery = _delivery(session, delivery_id)
    subscription = service.get(session, webhook_id=delivery.target_id)
    return render(
        request,
        "webhook_delivery.html",
        user=user,
        title=gettext("Delivery #{number}").format(number=delivery.id),
        delivery=delivery,
        subscription=subscription,
        attempts=service.attempts_of(session, delivery=delivery),
        payload=json.dumps(delivery.payload, ensure_ascii=False, indent=2),
        kind_labels=labels.translated(EVENT_KINDS, gettext),
        status_labels=labels.translated(DELIVERY_STATUSES, gettext),
        outcome_labels=labels.translated(ATTEMPT_OUTCOMES, gettext),
        fmt=moment_formatter(request_playbook(request), page_language(request, user)),
    )


@router.post("/webhooks/deliveries/{delivery_id}/replay")
def replay(
    session: SessionDep, user: Manager, _csrf: CsrfChecked, delivery_id: int
) -> RedirectResponse:
    delivery = _delivery(session, delivery_id)
    service.replay(session, delivery=delivery, actor_id=user.id)
    return RedirectResponse(f"/webhooks/deliveries/{delivery.id}", status_code=303)
