"""What the live API takes in and gives back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

from calmdesk.analysis.line import MAX_TEXT_CHARS
from calmdesk.live.models import Contact, ContactEvent
from calmdesk.playbook.schema import Channel
from calmdesk.users.models import User

MAX_ID = 2**31 - 1
"""The largest id an integer column holds on PostgreSQL; a larger one is a 422, not a crash."""

ContactId = Annotated[int, Path(ge=1, le=MAX_ID, description="the contact's id")]


class ContactCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Channel = Channel.PHONE
    lang: str | None = Field(
        None, max_length=8, description="pl, ru, en; omit or 'auto' to detect it"
    )
    can_transfer: bool | None = Field(
        None, description="whether a transfer is possible; the playbook's default when omitted"
    )
    agent: str | None = Field(
        None,
        max_length=64,
        pattern=r"^[^\x00]*$",
        description="username of the agent (supervisors only; yourself by default)",
    )


class UtteranceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    speaker: Literal["customer", "agent"]
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)


class ActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: str = Field(min_length=1, max_length=40)


class BreakGrant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minutes: int | None = Field(None, gt=0, le=240)


class ContactRead(BaseModel):
    id: int
    agent: str
    agent_name: str
    channel: str
    lang: str | None
    can_transfer: bool
    status: str
    started_at: datetime
    ended_at: datetime | None
    stage: str | None
    rung: str | None
    heat: float
    peak_heat: float
    alerts: list[str]
    turns: int
    summary: dict[str, Any] | None
    break_minutes: int | None
    break_granted_minutes: int | None
    break_granted_at: datetime | None
    redacted_at: datetime | None = None
    erased_at: datetime | None = None

    @classmethod
    def of(cls, contact: Contact, agent: User) -> ContactRead:
        return cls(
            id=contact.id,
            agent=agent.username,
            agent_name=agent.display_name,
            channel=contact.channel,
            lang=contact.lang,
            can_transfer=contact.can_transfer,
            status=contact.status,
            started_at=contact.started_at,
            ended_at=contact.ended_at,
            stage=contact.stage,
            rung=contact.rung,
            heat=contact.heat,
            peak_heat=contact.peak_heat,
            alerts=list(contact.alerts or []),
            turns=contact.event_count,
            summary=contact.summary,
            break_minutes=contact.break_minutes,
            break_granted_minutes=contact.break_granted_minutes,
            break_granted_at=contact.break_granted_at,
            redacted_at=contact.redacted_at,
            erased_at=contact.erased_at,
        )


class ContactEventRead(BaseModel):
    seq: int
    kind: str
    text: str | None
    action: str | None
    created_at: datetime
    guidance: dict[str, Any] | None

    @classmethod
    def of(cls, event: ContactEvent) -> ContactEventRead:
        return cls(
            seq=event.seq,
            kind=event.kind,
            text=event.text,
            action=event.action,
            created_at=event.created_at,
            guidance=event.guidance,
        )


class ContactDetail(ContactRead):
    events: list[ContactEventRead]
