"""The chat API's bodies: the generic adapter's events and answers, and the dashboard app's card."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from calmdesk.live.wire import GuidanceMessage, SummaryMessage

GENERIC_EXAMPLES: list[JsonValue] = [
    {
        "platform": "livechat",
        "conversation": "c-20417",
        "event": "message",
        "message_id": "m-1",
        "speaker": "customer",
        "text": "Trzeci raz piszę w tej sprawie, a paczki dalej nie ma!",
    },
    {
        "platform": "livechat",
        "conversation": "c-20418",
        "event": "message",
        "message_id": "m-7",
        "speaker": "agent",
        "text": "Понимаю, как это неприятно. Меня зовут Анна, сейчас проверю заказ.",
        "agent": "anna",
    },
    {"platform": "livechat", "conversation": "c-20419", "event": "ended"},
]


class ChatEventIn(BaseModel):
    """One event of another chat platform's conversation (``POST /api/chat/events``)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": GENERIC_EXAMPLES})

    platform: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$",
        description="the platform's name, lower case (not `chatwoot`, which has its webhook)",
    )
    account: str = Field("default", min_length=1, max_length=64, pattern=r"^\S+$")
    conversation: str = Field(min_length=1, max_length=128, pattern=r"^\S+$")
    event: Literal["message", "assigned", "ended"]
    message_id: str | None = Field(
        None, min_length=1, max_length=128, description="for `message`: unique in the conversation"
    )
    speaker: Literal["customer", "agent"] | None = Field(None, description="for `message`")
    text: str | None = Field(None, max_length=20_000, description="for `message`")
    agent: str | None = Field(
        None,
        max_length=64,
        description="the CalmDesk username handling the conversation; the caller when omitted",
    )


class ChatEventRead(BaseModel):
    """What the event did: ``fed`` (a line of the live contact; ``guidance`` is the coach's
    answer), ``started`` (the contact started on ``assigned``), ``pending`` (kept until an
    agent is known), ``duplicate`` (this message id was received before; nothing changed),
    ``dropped``, ``ignored``, ``ended`` (``summary``), ``unchanged``."""

    model_config = ConfigDict(extra="forbid")

    outcome: Literal[
        "fed", "started", "pending", "duplicate", "dropped", "ignored", "ended", "unchanged"
    ]
    contact_id: int | None = None
    guidance: GuidanceMessage | None = None
    summary: SummaryMessage | None = None


class CardAlert(BaseModel):
    kind: str
    message: str


class CardRead(BaseModel):
    """The coach's card for the dashboard app: what to do now, in the agent's language (the
    phrase in the customer's)."""

    model_config = ConfigDict(extra="forbid")

    state: Literal["unknown", "waiting", "live", "ended"]
    contact_id: int | None = None
    seq: int = 0
    stage: str | None = None
    rung: str | None = None
    phrase: str | None = None
    why: str | None = None
    alerts: list[CardAlert] = []
    may_end: bool | None = None
    end_reason: str | None = None
    break_minutes: int | None = None
    waiting_lines: int = 0
