"""The outbox channel ``webhook``: a signed ``POST`` of the event's JSON to a subscription's URL.

Headers: ``CalmDesk-Signature`` (:mod:`.signing`), ``CalmDesk-Event-Id`` (the idempotency key:
the same on every attempt and replay), ``CalmDesk-Event-Type``, ``CalmDesk-Delivery`` (the
delivery's id in the log) and ``CalmDesk-Attempt``. A 2xx answer is delivered; anything else (or
no answer within the timeout) is tried again later. Redirects are not followed.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from calmdesk import __version__
from calmdesk.outbox.service import Job, Outcome, Undeliverable
from calmdesk.webhooks import signing, targets
from calmdesk.webhooks.events import CHANNEL
from calmdesk.webhooks.models import WebhookSubscription

_CACHE = "calmdesk_webhook_targets"
MAX_ANSWER_BYTES = 4096
"""Of a refusing receiver's answer, what is kept for the log."""


@dataclass(frozen=True, slots=True)
class Prepared:
    url: str
    secret: str


def body_of(job: Job) -> bytes:
    """The exact bytes signed and sent."""
    return json.dumps(job.payload, ensure_ascii=False, separators=(",", ":")).encode()


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # The certificate is checked against the URL's host name, not the address.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(
    url: str, body: bytes, headers: dict[str, str], *, timeout: float, allow_private: bool
) -> Outcome:
    target = targets.parse(url)
    try:
        address = targets.resolve(target, allow_private=allow_private)
    except targets.TargetRefused as refused:
        return Outcome(delivered=False, error=str(refused))
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = kind(target.host, target.port, address, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read(MAX_ANSWER_BYTES)
    except (OSError, http.client.HTTPException) as error:
        return Outcome(delivered=False, error=f"{type(error).__name__}: {error}")
    finally:
        connection.close()
    status = response.status
    if 200 <= status < 300:
        return Outcome(delivered=True, status_code=status)
    text = answer.decode("utf-8", "replace").strip()
    reason = f"HTTP {status} {response.reason}".strip()
    return Outcome(
        delivered=False, status_code=status, error=f"{reason}: {text}" if text else reason
    )


class WebhookChannel:
    """Sends with the server's key, timeout and target rule (from the settings)."""

    name = CHANNEL

    def __init__(self, *, server_key: str, timeout: float, allow_private: bool) -> None:
        self.server_key = server_key
        self.timeout = timeout
        self.allow_private = allow_private

    @classmethod
    def from_settings(cls, settings: Any) -> WebhookChannel:
        return cls(
            server_key=settings.secret_key,
            timeout=settings.webhook_timeout_seconds,
            allow_private=settings.private_webhook_targets_allowed,
        )

    def prepare(self, session: Session, job: Job) -> Prepared:
        # One look-up and one derived secret per subscription and claim (a batch is mostly the
        # same few subscriptions), kept on the claim's session.
        cache: dict[int | None, Prepared | str] = session.info.setdefault(_CACHE, {})
        if job.target_id not in cache:
            cache[job.target_id] = self._prepare(session, job.target_id)
        prepared = cache[job.target_id]
        if isinstance(prepared, str):
            raise Undeliverable(prepared)
        return prepared

    def _prepare(self, session: Session, target_id: int | None) -> Prepared | str:
        subscription = session.get(WebhookSubscription, target_id) if target_id else None
        if subscription is None:
            return "the subscription was deleted"
        if not subscription.is_active:
            return "the subscription is disabled"
        secret = signing.derive_secret(self.server_key, subscription.secret_salt)
        return Prepared(url=subscription.url, secret=secret)

    def headers(self, job: Job, body: bytes, secret: str) -> dict[str, str]:
        return {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"CalmDesk-Webhooks/{__version__}",
            signing.SIGNATURE_HEADER: signing.header(secret, body),
            "CalmDesk-Event-Id": job.event_id,
            "CalmDesk-Event-Type": job.event_kind,
            "CalmDesk-Delivery": str(job.message_id),
            "CalmDesk-Attempt": str(job.attempt),
        }

    def send(self, job: Job, prepared: Prepared) -> Outcome:
        body = body_of(job)
        return post(
            prepared.url,
            body,
            self.headers(job, body, prepared.secret),
            timeout=self.timeout,
            allow_private=self.allow_private,
        )
