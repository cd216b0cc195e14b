"""Facebook Page comments and visitor posts (Graph API webhooks, ``page`` object, ``feed`` field).

* ``GET /api/social/webhooks/facebook``: the subscription check (``hub.mode=subscribe``,
  ``hub.verify_token`` equal to ours, answer ``hub.challenge``);
* ``POST``: ``X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body under the app secret>``,
  body ``{"object": "page", "entry": [{"id", "time", "changes": [{"field": "feed",
  "value": {...}}]}]}``. A ``value`` of ``item`` ``comment`` has ``comment_id``, ``post_id``,
  ``parent_id``, ``from`` {``id``, ``name``}, ``message``, ``created_time``, ``verb`` ``add`` /
  ``edited`` / ``remove``; a visitor post has ``item`` ``post`` or ``status`` and ``post_id``.
  Reactions, likes and shares are not complaints and are skipped.

Publishing answers a comment or post with ``POST {graph}/{id}/comments`` (``message``, the Page
access token); the Graph API answers ``{"id": ...}``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx

from calmdesk.social.connectors import (
    ConnectorNotConfigured,
    IncomingRequest,
    OutgoingReply,
    PayloadInvalid,
    PostChange,
    Published,
    PublishFailed,
    SignatureInvalid,
)
from calmdesk.social.connectors.signing import check
from calmdesk.social.enums import Platform

HEADER = "X-Hub-Signature-256"
GRAPH_URL = "https://graph.facebook.com/v19.0"
ITEMS = frozenset({"comment", "post", "status"})
VERBS = {"add": "upsert", "edited": "upsert", "edit": "upsert", "remove": "deleted"}
TIMEOUT = httpx.Timeout(10.0)


def _invalid(problem: str) -> PayloadInvalid:
    return PayloadInvalid(f"The Facebook delivery is invalid: {problem}", problem=problem)


class FacebookConnector:
    key = "facebook"
    platform = Platform.FACEBOOK

    def __init__(
        self,
        *,
        app_secret: str | None,
        verify_token: str | None = None,
        page_token: str | None = None,
        graph_url: str = GRAPH_URL,
    ) -> None:
        self.app_secret = app_secret
        self.verify_token = verify_token
        self.page_token = page_token
        self.graph_url = graph_url.rstrip("/")

    def subscription_challenge(self, query: dict[str, str]) -> str:
        """The ``hub.challenge`` to echo when the subscription request is ours."""
        if not self.verify_token:
            raise ConnectorNotConfigured(
                "Facebook is not configured: set CALMDESK_FACEBOOK_VERIFY_TOKEN."
            )
        if query.get("hub.mode") != "subscribe":
            raise _invalid("hub.mode must be subscribe")
        if query.get("hub.verify_token") != self.verify_token:
            raise SignatureInvalid("hub.verify_token is not the one configured.")
        challenge = query.get("hub.challenge", "")
        if not challenge or len(challenge) > 200:
            raise _invalid("hub.challenge is missing")
        return challenge

    def verify(self, request: IncomingRequest) -> None:
        if not self.app_secret:
            raise ConnectorNotConfigured(
                "Facebook is not configured: set CALMDESK_FACEBOOK_APP_SECRET."
            )
        check(self.app_secret, request.body, request.headers.get(HEADER.lower()), name=HEADER)

    def parse(self, payload: bytes) -> list[PostChange]:
        try:
            body = json.loads(payload)
        except (ValueError, UnicodeDecodeError):
            raise _invalid("the body is not JSON") from None
        if not isinstance(body, dict) or body.get("object") != "page":
            raise _invalid('object must be "page"')
        entries = body.get("entry")
        if not isinstance(entries, list):
            raise _invalid("entry must be a list")
        changes: list[PostChange] = []
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get("changes", []), list):
                raise _invalid(f"entry.{i}.changes must be a list")
            for j, change in enumerate(entry.get("changes", [])):
                found = self._change(change, f"entry.{i}.changes.{j}")
                if found is not None:
                    changes.append(found)
        return changes

    def _change(self, change: Any, where: str) -> PostChange | None:
        if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
            raise _invalid(f"{where}.value must be an object")
        value: dict[str, Any] = change["value"]
        if change.get("field") != "feed" or value.get("item") not in ITEMS:
            return None
        kind = VERBS.get(str(value.get("verb")))
        if kind is None:
            return None  # hide, unhide, block...: nothing said
        item = value["item"]
        external_id = value.get("comment_id") if item == "comment" else value.get("post_id")
        if not isinstance(external_id, str) or not external_id:
            raise _invalid(
                f"{where}.value needs {'comment_id' if item == 'comment' else 'post_id'}"
            )
        if kind == "deleted":
            return PostChange(external_id=external_id, kind="deleted")
        sender = value.get("from")
        author: dict[str, Any] = sender if isinstance(sender, dict) else {}
        handle = str(author.get("name") or author.get("id") or "").strip()
        text = value.get("message")
        if not handle:
            raise _invalid(f"{where}.value.from needs a name or an id")
        if not isinstance(text, str) or not text.strip():
            return None  # a photo or sticker without words: nothing to answer in words
        created = value.get("created_time")
        posted_at = (
            datetime.fromtimestamp(created, tz=UTC) if isinstance(created, int | float) else None
        )
        return PostChange(
            external_id=external_id,
            author_handle=handle[:200],
            text=text,
            url=f"https://www.facebook.com/{external_id}",
            posted_at=posted_at,
        )

    def publish(self, reply: OutgoingReply) -> Published:
        if not self.page_token:
            raise ConnectorNotConfigured(
                "Publishing to Facebook is not configured: set CALMDESK_FACEBOOK_PAGE_TOKEN."
            )
        try:
            response = httpx.post(
                f"{self.graph_url}/{reply.external_id}/comments",
                data={"message": reply.text, "access_token": self.page_token},
                timeout=TIMEOUT,
            )
        except httpx.HTTPError as error:
            raise PublishFailed(f"Facebook could not be reached: {error}") from None
        if response.status_code >= 400:
            raise PublishFailed(
                f"Facebook refused the reply ({response.status_code}): {_graph_error(response)}"
            )
        try:
            platform_id = str(response.json()["id"])
        except (ValueError, KeyError, TypeError):
            raise PublishFailed("Facebook's answer has no id.") from None
        return Published(platform_id, f"https://www.facebook.com/{platform_id}")


def _graph_error(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["message"])[:300]
    except (ValueError, KeyError, TypeError):
        return response.text[:300]
