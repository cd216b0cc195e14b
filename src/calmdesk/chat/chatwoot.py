"""Chatwoot's webhook: its signature, the parts of its payloads CalmDesk reads, and what each
event does (:mod:`calmdesk.chat.service`).

The shapes are Chatwoot's own, read in its source (``app/listeners/webhook_listener.rb``,
``Message#webhook_data``, ``Conversations::EventDataPresenter#push_data``,
``lib/webhooks/trigger.rb``):

- ``message_created`` / ``message_updated``: the message at the top level (``id``, ``content``,
  ``message_type`` ``incoming``/``outgoing``/``activity``/``template``, ``private``, ``sender``
  with ``type`` ``user`` for an agent), its ``conversation`` (``id`` is the display id the API
  uses, ``status``, ``meta.assignee``) and ``account``;
- ``conversation_created`` / ``conversation_updated`` / ``conversation_status_changed``: the
  conversation at the top level (``id``, ``status`` ``open``/``resolved``/``pending``/``snoozed``,
  ``meta.assignee``, its last ``messages`` with their ``account_id``), with
  ``changed_attributes`` on updates;
- every delivery of a webhook with a secret carries ``X-Chatwoot-Timestamp`` (Unix seconds) and
  ``X-Chatwoot-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">``.

Anything else in a payload is ignored; a field CalmDesk needs that is missing or mistyped is a
422 naming it.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy.orm import Session

from calmdesk.chat import service
from calmdesk.chat.models import CHATWOOT
from calmdesk.chat.service import ConversationKey, Received
from calmdesk.errors import CalmDeskError, InvalidInput, NotAuthenticated
from calmdesk.live import coaching
from calmdesk.playbook.schema import Playbook
from calmdesk.users.models import User

SIGNATURE_HEADER = "X-Chatwoot-Signature"
TIMESTAMP_HEADER = "X-Chatwoot-Timestamp"
MAX_BODY_BYTES = 1_000_000
MESSAGE_EVENTS = frozenset({"message_created", "message_updated"})
CONVERSATION_EVENTS = frozenset(
    {"conversation_created", "conversation_updated", "conversation_status_changed"}
)


class ChatNotConfigured(CalmDeskError):
    code = "chat_not_configured"
    http_status = 503


class BadSignature(NotAuthenticated):
    code = "invalid_signature"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>``, as Chatwoot signs a delivery."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def verify(
    secret: str,
    *,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    max_age_seconds: int,
    now: float | None = None,
) -> None:
    """Raise :class:`BadSignature` naming the problem unless Chatwoot signed ``body``."""
    if not timestamp or not signature:
        raise BadSignature(
            f"The delivery has no {SIGNATURE_HEADER} and {TIMESTAMP_HEADER} headers; give the "
            "Chatwoot webhook a secret and set CALMDESK_CHATWOOT_WEBHOOK_SECRET to it.",
            code="signature_missing",
        )
    if not timestamp.isdigit() or len(timestamp) > 12:
        raise BadSignature(f"{TIMESTAMP_HEADER} must be Unix seconds.", code="invalid_signature")
    age = (time.time() if now is None else now) - int(timestamp)
    if abs(age) > max_age_seconds:
        raise BadSignature(
            f"The delivery was signed {int(age)} s ago; at most {max_age_seconds} s are accepted "
            "(check the clocks).",
            code="signature_expired",
        )
    if not hmac.compare_digest(sign(secret, timestamp, body), signature.strip()):
        raise BadSignature(
            "The signature does not match the body: another secret signed it, or the body changed.",
            code="invalid_signature",
        )


# --- the parts of the payloads CalmDesk reads ------------------------------------------------


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Person(_Part):
    id: int | str
    type: str | None = None


class Account(_Part):
    id: int | str


class Meta(_Part):
    assignee: Person | None = None


class LastMessage(_Part):
    account_id: int | str | None = None


class Conversation(_Part):
    id: int | str
    status: str | None = None
    account_id: int | str | None = None
    meta: Meta | None = None
    messages: list[LastMessage] = []


class MessageEvent(_Part):
    event: str
    id: int | str
    content: str | None = None
    message_type: str | int
    private: bool = False
    sender: Person | None = None
    conversation: Conversation
    account: Account | None = None


class ConversationEvent(Conversation):
    event: str
    account: Account | None = None


Model = TypeVar("Model", bound=BaseModel)


def _parsed(model: type[Model], payload: dict[str, Any]) -> Model:
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise InvalidInput(
            f"The {payload.get('event')} payload is not one Chatwoot sends: {problems}.",
            code="invalid_payload",
        ) from None


def _account(*candidates: object) -> str | None:
    for value in candidates:
        if value is not None and str(value).strip():
            return str(value)
    return None


def _conversation_account(conversation: Conversation, account: Account | None) -> str | None:
    return _account(
        account.id if account else None,
        conversation.account_id,
        *(m.account_id for m in conversation.messages),
    )


def _assignee(session: Session, account: str, conversation: Conversation) -> User | None:
    assignee = conversation.meta.assignee if conversation.meta else None
    if assignee is None or (assignee.type not in (None, "user")):
        return None
    return service.linked_user(
        session, platform=CHATWOOT, account=account, external_id=str(assignee.id)
    )


Speaker = Literal["customer", "agent"]


def _speaker(message_type: str | int) -> Speaker | None:
    """``incoming`` (0) is the customer, ``outgoing`` (1) an agent; activity and template
    messages are Chatwoot's own."""
    if message_type in ("incoming", 0):
        return "customer"
    if message_type in ("outgoing", 1):
        return "agent"
    return None


def handle(
    session: Session,
    payload: object,
    *,
    playbook: Playbook,
    notes_on: bool,
    cache: coaching.ConversationCache | None = None,
) -> Received:
    """What one verified delivery does."""
    if not isinstance(payload, dict) or not isinstance(payload.get("event"), str):
        raise InvalidInput(
            'A Chatwoot delivery is a JSON object with an "event" name.', code="invalid_payload"
        )
    event = payload["event"]
    if event in MESSAGE_EVENTS:
        return _message(session, _parsed(MessageEvent, payload), playbook, notes_on, cache)
    if event in CONVERSATION_EVENTS:
        parsed = _parsed(ConversationEvent, payload)
        return _conversation(session, parsed, playbook, notes_on, cache)
    return Received("ignored")


def _message(
    session: Session,
    event: MessageEvent,
    playbook: Playbook,
    notes_on: bool,
    cache: coaching.ConversationCache | None,
) -> Received:
    speaker = _speaker(event.message_type)
    if event.private or speaker is None or not (event.content or "").strip():
        return Received("ignored")  # private notes, Chatwoot's activity lines, attachments only
    account = _conversation_account(event.conversation, event.account)
    if account is None:
        raise InvalidInput("The payload names no account (account.id).", code="invalid_payload")
    key = ConversationKey(CHATWOOT, account, str(event.conversation.id))
    agent = None
    if speaker == "agent" and event.sender is not None and event.sender.type in (None, "user"):
        agent = service.linked_user(
            session, platform=CHATWOOT, account=account, external_id=str(event.sender.id)
        )
    agent = agent or _assignee(session, account, event.conversation)
    return service.receive_line(
        session,
        key=key,
        message_id=str(event.id),
        speaker=speaker,
        text=event.content or "",
        agent=agent,
        playbook=playbook,
        notes_on=notes_on,
        cache=cache,
    )


def _conversation(
    session: Session,
    event: ConversationEvent,
    playbook: Playbook,
    notes_on: bool,
    cache: coaching.ConversationCache | None,
) -> Received:
    account = _conversation_account(event, event.account)
    if account is None:
        # A conversation created before any message names no account; its first message will.
        return Received("ignored")
    key = ConversationKey(CHATWOOT, account, str(event.id))
    if event.status == "resolved":
        return service.end_conversation(
            session, key=key, playbook=playbook, notes_on=notes_on, cache=cache
        )
    if event.status == "open":
        service.reopen(session, key=key)
    agent = _assignee(session, account, event)
    return service.assign(
        session, key=key, agent=agent, playbook=playbook, notes_on=notes_on, cache=cache
    )
