"""One adapter interface for every place public complaints come from.

A :class:`Connector` checks that a delivery is genuine (:meth:`Connector.verify`), turns its body
into :class:`PostChange` values (:meth:`Connector.parse`) and publishes a reply back
(:meth:`Connector.publish`, giving the platform's id and address of the reply).
:func:`calmdesk.social.connectors.ingest.apply_changes` applies the changes: a new post is
registered, a repeated one (a retried webhook) changes nothing, an edited one keeps its earlier
text in the history, a deletion on the platform is recorded and not applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from calmdesk.errors import CalmDeskError, ConfigurationError, InvalidInput
from calmdesk.social.enums import Platform

ChangeKind = Literal["upsert", "deleted"]


class SignatureInvalid(CalmDeskError):
    """The delivery is not signed with the shared secret (or not signed at all)."""

    code = "webhook_signature_invalid"
    http_status = 401


class PayloadInvalid(InvalidInput):
    """The body is not what the platform sends; ``problem`` names what is wrong."""

    code = "webhook_payload_invalid"


class ConnectorNotConfigured(ConfigurationError):
    code = "connector_not_configured"
    http_status = 503


class PublishFailed(CalmDeskError):
    code = "publish_failed"
    http_status = 502


@dataclass(frozen=True, slots=True)
class IncomingRequest:
    """What a connector sees of a delivery: its headers (lower-case names), raw body and query."""

    headers: Mapping[str, str]
    body: bytes
    query: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PostChange:
    """One post or comment as the platform reports it now."""

    external_id: str
    kind: ChangeKind = "upsert"
    author_handle: str = ""
    text: str = ""
    url: str | None = None
    posted_at: datetime | None = None
    lang: str | None = None
    platform: Platform | None = None
    """For the generic connector, which serves many platforms; else the connector's own."""


@dataclass(frozen=True, slots=True)
class OutgoingReply:
    """A reply to publish under the post ``external_id``."""

    post_id: int
    external_id: str
    text: str


@dataclass(frozen=True, slots=True)
class Published:
    platform_id: str
    url: str | None


class Connector(Protocol):
    key: str
    platform: Platform

    def verify(self, request: IncomingRequest) -> None:
        """Raise :class:`SignatureInvalid` unless the delivery is genuine."""

    def parse(self, payload: bytes) -> list[PostChange]:
        """The changes in a verified body; :class:`PayloadInvalid` names what is wrong."""

    def publish(self, reply: OutgoingReply) -> Published:
        """Post ``reply`` on the platform; :class:`PublishFailed` when it refuses."""
