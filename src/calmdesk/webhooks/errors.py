"""The webhooks' errors, each with a stable code."""

from __future__ import annotations

from calmdesk.errors import NotFound


class WebhookNotFound(NotFound):
    code = "webhook_not_found"


class DeliveryNotFound(NotFound):
    code = "delivery_not_found"
