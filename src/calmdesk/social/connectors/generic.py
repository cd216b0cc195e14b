"""The generic JSON webhook, for the places without a connector of their own (VK, Telegram
channels, Opinie.pl, Otzovik, X through an integrator): ``POST /api/social/webhooks/generic``
with ``X-CalmDesk-Signature: sha256=<HMAC-SHA256 of the raw body under the shared secret>``.

The body::

    {"changes": [{"id": "vk-wall-1-345", "platform": "other", "author": "Ирина", "text": "...",
                  "url": "https://vk.com/wall-1_345", "posted_at": "2026-12-04T09:12:00Z",
                  "lang": "ru", "kind": "upsert"}]}

``kind`` is ``upsert`` (new or edited, the default) or ``deleted``. Publishing is not available:
the places behind it have no API CalmDesk calls; replies are recorded only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from calmdesk.fields import NoNul
from calmdesk.social.connectors import (
    ConnectorNotConfigured,
    IncomingRequest,
    OutgoingReply,
    PayloadInvalid,
    PostChange,
    Published,
)
from calmdesk.social.connectors.signing import check
from calmdesk.social.enums import Platform
from calmdesk.social.schemas import Handle, PostText, Url

HEADER = "X-CalmDesk-Signature"
MAX_CHANGES = 500


class GenericChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(min_length=1, max_length=200), NoNul]
    platform: Platform = Platform.OTHER
    kind: Literal["upsert", "deleted"] = "upsert"
    author: Handle | None = None
    text: PostText | None = None
    url: Url | None = None
    posted_at: datetime | None = None
    lang: Annotated[str, Field(max_length=8)] | None = None


class GenericPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    changes: Annotated[list[GenericChange], Field(min_length=1, max_length=MAX_CHANGES)]


def problem_of(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "body"
    return f"{where}: {first['msg']}"


class GenericConnector:
    key = "generic"
    platform = Platform.OTHER

    def __init__(self, secret: str | None) -> None:
        self.secret = secret

    def verify(self, request: IncomingRequest) -> None:
        if not self.secret:
            raise ConnectorNotConfigured(
                "The generic webhook is not configured: set CALMDESK_SOCIAL_WEBHOOK_SECRET."
            )
        check(self.secret, request.body, request.headers.get(HEADER.lower()), name=HEADER)

    def parse(self, payload: bytes) -> list[PostChange]:
        return self.parse_values(payload)

    def parse_values(self, payload: bytes | list[dict[str, str]]) -> list[PostChange]:
        """The changes of a JSON body, or of already-read ``changes`` (the CSV import's rows)."""
        try:
            if isinstance(payload, bytes):
                body = GenericPayload.model_validate_json(payload)
            else:
                body = GenericPayload.model_validate({"changes": payload})
        except ValidationError as error:
            problem = problem_of(error)
            raise PayloadInvalid(
                f"The webhook body is invalid: {problem}", problem=problem
            ) from None
        changes = []
        for index, change in enumerate(body.changes):
            if change.kind == "upsert" and (not change.author or not change.text):
                problem = f"changes.{index}: a new or edited post needs author and text"
                raise PayloadInvalid(f"The webhook body is invalid: {problem}", problem=problem)
            changes.append(
                PostChange(
                    external_id=change.id,
                    kind=change.kind,
                    author_handle=change.author or "",
                    text=change.text or "",
                    url=change.url,
                    posted_at=change.posted_at,
                    lang=change.lang,
                    platform=change.platform,
                )
            )
        return changes

    def publish(self, reply: OutgoingReply) -> Published:
        raise ConnectorNotConfigured(
            "Replies to posts from the generic webhook are published by hand; CalmDesk records them"
            "."
        )
