"""What the live REST API takes in and gives back (the pushed messages are in ``wire.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal, Self

from fastapi import Path, Query
from pydantic import BaseModel, Field, Strict

from calmdesk.analysis.line import MAX_TEXT_CHARS
from calmdesk.coach.heard import Step
from calmdesk.coach.stages import Action, AlertKind
from calmdesk.fields import LINE_PATTERN, Flag
from calmdesk.languages import Language
from calmdesk.live import wire_examples as ex
from calmdesk.live.models import Contact, ContactEvent, ContactStatus, EventKind
from calmdesk.live.wire import Speaker, StoredGuidance, StoredSummary, WireModel, examples
from calmdesk.playbook.schema import Channel, Stage
from calmdesk.users.models import User

MAX_ID = 2**31 - 1
"""The largest id an integer column holds on PostgreSQL; a larger one is a 422, not a crash."""
MAX_PAGE = 500
MAX_OFFSET = MAX_ID
"""Past the last possible contact; a larger offset is a 422, not an overflow in the database."""

ContactId = Annotated[int, Path(ge=1, le=MAX_ID, description="the contact's id")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="contacts per page")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="contacts to skip")]


class ContactCreate(BaseModel):
    model_config = examples(ex.CONTACTS_STARTED)

    channel: Channel = Channel.PHONE
    lang: Language | Literal["auto"] | None = Field(
        None, description="the customer's language; omit it or 'auto' to detect it"
    )
    can_transfer: Flag | None = Field(
        None, description="whether a transfer is possible; the playbook's default when omitted"
    )
    agent: str | None = Field(
        None,
        max_length=64,
        pattern=r"^[^\x00]*$",
        description="username of the agent (supervisors only; yourself by default)",
    )


class UtteranceIn(BaseModel):
    model_config = examples(ex.UTTERANCES)

    speaker: Speaker
    text: str = Field(
        min_length=1,
        max_length=MAX_TEXT_CHARS,
        # check_line refuses a line of nothing but spaces and invisible characters (empty_text).
        json_schema_extra={"pattern": LINE_PATTERN},
    )


class ActionIn(BaseModel):
    model_config = examples(ex.ACTIONS)

    action: Action = Field(description="what the agent did")


class UndoIn(BaseModel):
    """Take back a step the coach heard in the agent's words."""

    model_config = examples(ex.UNDOS)

    seq: Annotated[int, Strict()] = Field(
        ge=1, le=MAX_ID, description="the event the step was heard in (its `turn`)"
    )
    step: Step = Field(description="the step heard (`heard[].step` of that event's guidance)")


class WhisperIn(BaseModel):
    """A supervisor's note to the agent (only the agent's console shows it)."""

    model_config = examples([{"text": w["text"]} for w in ex.WHISPERS])

    text: str = Field(
        min_length=1, max_length=MAX_TEXT_CHARS, json_schema_extra={"pattern": LINE_PATTERN}
    )


AlertId = Annotated[int, Path(ge=1, le=MAX_ID, description="the alert's id")]


class BreakGrant(BaseModel):
    model_config = examples(ex.BREAK_GRANTS)

    minutes: Annotated[int, Strict()] | None = Field(None, gt=0, le=240)


class ContactRead(WireModel):
    """A contact: who, which channel and language, where the coach is, and its summary."""

    model_config = examples(ex.CONTACTS)

    id: int
    agent: str
    agent_name: str
    channel: Channel
    lang: str | None = None
    can_transfer: bool
    status: ContactStatus
    started_at: datetime
    ended_at: datetime | None = None
    stage: Stage | None = None
    rung: Stage | None = None
    heat: float = Field(ge=0, le=1)
    peak_heat: float = Field(ge=0, le=1)
    alerts: list[AlertKind]
    turns: int
    summary: StoredSummary | None = None
    break_minutes: int | None = None
    break_granted_minutes: int | None = None
    break_granted_at: datetime | None = None
    break_requested_at: datetime | None = Field(
        None, description="when the agent asked for a break after this contact"
    )
    redacted_at: datetime | None = None
    erased_at: datetime | None = None

    @classmethod
    def of(cls, contact: Contact, agent: User) -> Self:
        return cls.model_validate(_contact_fields(contact, agent))


def _contact_fields(contact: Contact, agent: User) -> dict[str, Any]:
    return {
        "id": contact.id,
        "agent": agent.username,
        "agent_name": agent.display_name,
        "channel": contact.channel,
        "lang": contact.lang,
        "can_transfer": contact.can_transfer,
        "status": contact.status,
        "started_at": contact.started_at,
        "ended_at": contact.ended_at,
        "stage": contact.stage,
        "rung": contact.rung,
        "heat": contact.heat,
        "peak_heat": contact.peak_heat,
        "alerts": list(contact.alerts or []),
        "turns": contact.event_count,
        "summary": contact.summary,
        "break_minutes": contact.break_minutes,
        "break_granted_minutes": contact.break_granted_minutes,
        "break_granted_at": contact.break_granted_at,
        "break_requested_at": contact.break_requested_at,
        "redacted_at": contact.redacted_at,
        "erased_at": contact.erased_at,
    }


class ContactEventRead(WireModel):
    """One stored event: what was said or done, and the guidance the coach gave after it."""

    model_config = examples(ex.CONTACT_EVENTS)

    seq: int
    kind: EventKind
    text: str | None = None
    action: str | None = None
    created_at: datetime
    guidance: StoredGuidance | None = None

    @classmethod
    def of(cls, event: ContactEvent) -> Self:
        return cls.model_validate(
            {
                "seq": event.seq,
                "kind": event.kind,
                "text": event.text,
                "action": event.action,
                "created_at": event.created_at,
                "guidance": event.guidance,
            }
        )


class ContactDetail(ContactRead):
    """A contact with every event in order: the replay."""

    model_config = examples(ex.CONTACT_DETAILS)

    events: list[ContactEventRead]

    @classmethod
    def with_events(cls, contact: Contact, agent: User, events: Sequence[ContactEvent]) -> Self:
        return cls.model_validate(
            {**_contact_fields(contact, agent), "events": [ContactEventRead.of(e) for e in events]}
        )
