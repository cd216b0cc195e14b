"""What the webhooks API takes in and gives back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from calmdesk.fields import Flag, NoNul, NotBlank
from calmdesk.webhooks.events import WebhookEventKind
from calmdesk.webhooks.targets import MAX_URL_CHARS, URL_PATTERN, InvalidWebhookUrl, parse

Name = Annotated[str, Field(min_length=1, max_length=100), NoNul, NotBlank]


def _url(value: str) -> str:
    try:
        parse(value)
    except InvalidWebhookUrl as bad:
        raise ValueError(bad.message) from None
    return value


Url = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_URL_CHARS,
        description="An http:// or https:// URL with a host name or IPv4 address, no user name "
        "or password, no #fragment; in production its host must resolve to public addresses "
        "only",
        # The pattern says in the schema what ``_url`` checks, whose errors name the problem.
        json_schema_extra={"pattern": URL_PATTERN},
    ),
    NoNul,
    AfterValidator(_url),
]
Kinds = Annotated[list[WebhookEventKind], Field(min_length=1, max_length=len(WebhookEventKind))]

DeliveryStatus = Literal["pending", "delivered", "failed"]
AttemptOutcome = Literal["sending", "delivered", "retry", "failed"]


class WebhookCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Dyżur kierowników",
                    "url": "https://alerts.example.pl/calmdesk",
                    "event_kinds": ["alert.abuse", "alert.threat_violence", "alert.self_harm"],
                },
                {
                    "name": "Учёт жалоб",
                    "url": "https://crm.example.ru/hooks/calmdesk",
                    "event_kinds": ["case.created", "case.transitioned", "case.sla_breached"],
                },
                {
                    "name": "Legal team",
                    "url": "https://legal.example.com/webhooks",
                    "event_kinds": ["case.legal_deadline_risk", "case.legal_deadline_missed"],
                },
            ]
        },
    )

    name: Name
    url: Url
    event_kinds: Kinds


class WebhookUpdate(BaseModel):
    """Any of the fields; ``is_active: false`` disables the webhook (its pending deliveries are
    given up), ``true`` enables it again."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"is_active": False}, {"event_kinds": ["case.created"]}]},
    )

    name: Name | None = None
    url: Url | None = None
    event_kinds: Kinds | None = None
    is_active: Flag | None = None


class WebhookRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    url: str
    event_kinds: list[WebhookEventKind]
    is_active: bool
    secret_hint: str = Field(description="The secret's prefix and last four characters")
    created_at: datetime
    secret_rotated_at: datetime | None
    disabled_at: datetime | None


class WebhookCreated(WebhookRead):
    secret: str = Field(
        description="The signing secret, shown this once: it is never stored nor shown again "
        "(rotate it to get a new one)"
    )


class DeliveryFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    webhook_id: Annotated[int | None, Field(ge=1, le=2**31 - 1)] = None
    status: DeliveryStatus | None = None
    event_kind: WebhookEventKind | None = None
    page: Annotated[int, Field(ge=1, le=100_000)] = 1
    per_page: Annotated[int, Field(ge=1, le=200)] = 50


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    id: int
    webhook_id: int | None = Field(validation_alias="target_id")
    event_id: str = Field(description="The idempotency key, also sent as `CalmDesk-Event-Id`")
    event_kind: WebhookEventKind
    status: DeliveryStatus
    attempts: int
    created_at: datetime
    due_at: datetime | None = Field(description="When the next attempt is due (while pending)")
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    replayed_at: datetime | None


class AttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    started_at: datetime
    finished_at: datetime | None
    outcome: AttemptOutcome = Field(
        description="`sending` past the lease: the worker stopped before recording the outcome"
    )
    status_code: int | None
    error: str | None
    duration_ms: int | None


class DeliveryDetail(DeliveryRead):
    payload: dict[str, Any] = Field(description="The JSON body sent (signed as sent)")
    attempt_log: list[AttemptRead]


class DeliveryPage(BaseModel):
    items: list[DeliveryRead]
    total: int
    page: int
    per_page: int


__all__ = [
    "AttemptRead",
    "DeliveryDetail",
    "DeliveryFilters",
    "DeliveryPage",
    "DeliveryRead",
    "WebhookCreate",
    "WebhookCreated",
    "WebhookRead",
    "WebhookUpdate",
]
