"""The live messages as they travel: the coach's guidance and summary, and the board's updates.

Each message is a pydantic model built once from the coach's own objects (``of``), serialised
once (``model_dump_json``) and validated wherever it is read back: by the bus subscriber on
every worker (:data:`BUS_MESSAGE`), by the REST routes' response models, by the tests. Every model
forbids unknown keys and carries pl/ru/en examples (:mod:`calmdesk.live.wire_examples`) that
``docs/api.md`` shows (``python -m calmdesk.live.wire_docs``).

A guidance is stored with its contact event as :class:`GuidanceRecord`; after an erasure only
:class:`ErasedGuidance` is left of it (and :class:`CallSummaryCounts` of the summary).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

from calmdesk.analysis.signals import Level, Signals
from calmdesk.coach import messages as coach_messages
from calmdesk.coach.guidance import Guidance
from calmdesk.coach.heard import Step
from calmdesk.coach.stages import Action, AlertKind
from calmdesk.coach.summary import CallSummary
from calmdesk.live import wire_examples as ex
from calmdesk.live.models import Contact, ContactStatus, EventKind
from calmdesk.playbook.schema import Channel, Stage
from calmdesk.users.models import User

Speaker = Literal["customer", "agent"]
"""Who said a line."""


class BoardAlertKind(StrEnum):
    """Alerts the live layer raises for the board, besides the coach's :class:`AlertKind`."""

    RUNG_CLIMBED = "rung_climbed"
    """The contact climbed a rung of the ladder (``params.rung``)."""
    THREAT_VIOLENCE = "threat_violence"
    """The customer threatened violence (the analysis's intent): the loudest alert."""
    SELF_HARM = "self_harm"
    """The customer spoke of harming themself (the analysis's intent): the loudest alert."""


BoardAlert = AlertKind | BoardAlertKind
"""Any kind an ``alert`` message carries."""
AlertParam = str | int | float | bool | None


def examples(items: list[dict[str, Any]]) -> ConfigDict:
    """The model's config: unknown keys refused, immutable, and these examples in its schema."""
    extra: dict[str, Any] = {"examples": items}
    return ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra=extra,
        # What is sent always has every key (null when empty): say so in the schema.
        json_schema_serialization_defaults_required=True,
    )


class WireModel(BaseModel):
    """A message the server sends. Its nullable fields default to null: the OpenAPI document
    leaves nulls out of the examples it shows, which must still validate."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, json_schema_serialization_defaults_required=True
    )


# -- what the coach and the analysis say, as they travel inside the messages ------------------


class TextRef(WireModel):
    """A message for people as a key and its parameters: stored so, and put into words in the
    language of whoever reads it (``message``, ``why`` and ``end_call_reason`` beside it are
    those words, in the reader's language)."""

    model_config = examples(
        [
            {"key": "alerts.break_recommended", "params": {"minutes": 10}},
            {"key": "end_call_reasons.ladder", "params": {"rung": "set_boundary"}},
            {"key": "alerts.abuse", "params": {"evidence": ["#$&^&%@!", "idioto"], "more": 0}},
        ]
    )

    key: str
    params: dict[str, str | int | list[str]] = Field(default_factory=dict)

    def render(self, lang: str) -> str:
        return coach_messages.render(self.key, self.params, lang)


class SuggestionRead(WireModel):
    """What to say next (``text``, in the customer's language) and why (the reader's language)."""

    model_config = examples(ex.SUGGESTIONS)

    step: str = Field(description="the stage, or a sub-step such as still_here, intake_question")
    text: str
    why: str
    why_texts: list[TextRef] = Field(default_factory=list, description="``why`` as messages")


class HeardRead(WireModel):
    """A step heard in the agent's own words (or, with ``undone``, taken back): ``turn`` is the
    contact event it was heard in (its ``seq``, the key to undo it with); ``action`` the button
    with the same effect, if any; ``message`` in the reader's language (``text`` its key and
    parameters); ``evidence`` quotes the agent."""

    model_config = examples(ex.HEARD)

    turn: int
    step: Step
    evidence: str
    message: str
    action: Action | None = None
    undone: bool = False
    text: TextRef | None = Field(None, description="``message`` as a key and its parameters")


class AlertRead(WireModel):
    """Something for the agent to notice; ``evidence`` quotes the words behind it."""

    model_config = examples(ex.ALERTS)

    kind: AlertKind
    message: str = Field(description="in the reader's language")
    evidence: list[str]
    alternative: str | None = Field(None, description="a better wording, for negative_wording")
    minutes: int | None = Field(None, description="the break's length, for break_recommended")
    text: TextRef | None = Field(None, description="``message`` as a key and its parameters")


class FactRead(WireModel):
    """Something concrete the customer said (an amount, a date, an order number...)."""

    model_config = examples(ex.FACTS)

    kind: str = Field(description="amount, date, duration, order, invoice, ticket or phone")
    text: str = Field(description="as the customer said it")
    value: str = Field(description="normalised: 200 PLN, 2026-12-23, P21D, +48601234567")
    start: int
    end: int
    amount: str | None = None
    currency: str | None = None


class ProfanitySpanRead(WireModel):
    model_config = examples(ex.PROFANITY)

    start: int
    end: int
    text: str
    kind: str = Field(description="profanity, insult, threat, grawlix or emoji")
    normalized: str
    entry: str


class PiiSpanRead(WireModel):
    model_config = examples(ex.PII)

    kind: str = Field(description="phone, email, pesel, iban, card...")
    start: int
    end: int
    text: str


class ExplanationRead(WireModel):
    model_config = examples(ex.EXPLANATIONS)

    signal: str
    reason: str
    source: str = Field(description="lexicon, model, cue or pattern")
    score: float | None = None
    matched: str | None = None


class SignalsRead(WireModel):
    """The analysis of the customer's line this guidance answers."""

    model_config = examples(ex.SIGNALS)

    lang: str
    anger: float = Field(ge=0, le=1)
    abuse: float = Field(ge=0, le=1)
    level: Level
    profanity: list[ProfanitySpanRead]
    insult_directed: bool
    shouting: bool
    intents: list[str]
    facts: list[FactRead]
    pii: list[PiiSpanRead]
    explanations: list[ExplanationRead]

    @field_validator("intents", mode="before")
    @classmethod
    def _sorted(cls, value: Any) -> Any:
        return sorted(value) if isinstance(value, set | frozenset) else value

    @classmethod
    def of(cls, signals: Signals) -> Self:
        return cls.model_validate(signals, from_attributes=True)

    @property
    def heat(self) -> float:
        """The higher of anger and abuse (what the board shows)."""
        return round(max(self.anger, self.abuse), 3)


class EventView(WireModel):
    """The line or action a guidance answers, as the console adds it to the transcript."""

    model_config = examples(ex.EVENTS)

    seq: int
    kind: EventKind
    speaker: Speaker | None = None
    text: str | None = None
    action: str | None = None


# -- the coach's guidance ---------------------------------------------------------------------


class _GuidanceKept(WireModel):
    """What erasure keeps of a guidance."""

    type: Literal["guidance"] = "guidance"
    contact_id: int
    seq: int = Field(description="the contact event this answers, from 1")
    turn: int
    stage: Stage
    rung: Stage | None = Field(
        None, description="the highest ladder rung so far; null before abuse"
    )
    lang: str = Field(description="the customer's language")


class AlertKindRead(WireModel):
    model_config = examples([{"kind": "abuse"}, {"kind": "churn_risk"}, {"kind": "risky_promise"}])

    kind: AlertKind


class ErasedGuidance(_GuidanceKept):
    """A stored guidance after its contact's words were erased: stages and alert kinds only."""

    model_config = examples(ex.ERASED_GUIDANCE)

    alerts: list[AlertKindRead]


class GuidanceRecord(_GuidanceKept):
    """The coach's answer to one event, as stored with it and replayed."""

    model_config = examples(ex.GUIDANCE_RECORDS)

    suggestions: list[SuggestionRead]
    alerts: list[AlertRead]
    may_end_call: bool
    end_call_reason: str = Field(description="why ending is (not) allowed, the reader's language")
    end_call_text: TextRef | None = Field(None, description="``end_call_reason`` as a message")
    signals: SignalsRead | None = Field(None, description="null after the agent's own turns")
    facts: list[FactRead] = Field(description="every fact of the contact so far")
    category: str | None = Field(None, description="the suggested complaint category key")
    end_outcome: Literal["closed", "hang_up", "transferred"] = Field(
        "closed",
        description="what ending the contact now records: hang_up while the abuse is not over",
    )
    heard: list[HeardRead] = Field(
        default_factory=list,
        description="the agent's steps heard in this turn's line, or the one this turn undid",
    )

    def alert_kinds(self) -> list[str]:
        kinds: list[str] = []
        for alert in self.alerts:
            if alert.kind.value not in kinds:
                kinds.append(alert.kind.value)
        return kinds


StoredGuidance = GuidanceRecord | ErasedGuidance


class GuidanceMessage(GuidanceRecord):
    """``guidance``: the coach's answer after a line or action, pushed to the contact's sockets
    and answered by ``POST .../utterances`` and ``.../actions``; ``event`` is what it answers."""

    model_config = examples(ex.GUIDANCE)

    event: EventView

    @classmethod
    def of(cls, contact_id: int, seq: int, guidance: Guidance, event: EventView) -> Self:
        return cls(
            contact_id=contact_id,
            seq=seq,
            turn=guidance.turn,
            stage=guidance.stage,
            rung=guidance.rung,
            lang=guidance.lang,
            suggestions=[
                SuggestionRead.model_validate(s, from_attributes=True) for s in guidance.suggestions
            ],
            alerts=[AlertRead.model_validate(a, from_attributes=True) for a in guidance.alerts],
            may_end_call=guidance.may_end_call,
            end_call_reason=guidance.end_call_reason,
            end_call_text=TextRef.model_validate(guidance.end_call_text, from_attributes=True),
            signals=SignalsRead.of(guidance.signals) if guidance.signals else None,
            facts=[FactRead.model_validate(f, from_attributes=True) for f in guidance.facts],
            category=guidance.category,
            end_outcome=guidance.end_outcome,
            heard=[HeardRead.model_validate(h, from_attributes=True) for h in guidance.heard],
            event=event,
        )

    def record(self) -> dict[str, Any]:
        """The stored form: the line itself is stored once, in its event."""
        return self.model_dump(mode="json", exclude={"event"})


# -- the summary at the end -------------------------------------------------------------------


class TransferRead(WireModel):
    model_config = examples(ex.TRANSFERS)

    offered: bool
    failed: bool
    done: bool


class CallSummaryCounts(WireModel):
    """What erasure keeps of a summary: everything but the facts."""

    model_config = examples(ex.ERASED_SUMMARIES)

    turns: int
    customer_turns: int
    agent_turns: int
    peak_anger: float
    abusive_turns: int
    highest_rung: Stage | None = None
    rungs: list[Stage]
    warnings: int
    boundaries: int
    transfer: TransferRead
    supervisor_requested: bool
    ended: Literal["hang_up", "closed", "transferred", "timed_out"] | None = None
    end_allowed: bool | None = Field(
        None, description="whether the coach allowed ending when the agent ended the contact"
    )
    end_reason: str | None = Field(
        None, description="the key of the coach's verdict then: allowed, warnings, ladder..."
    )
    intents: list[str]
    category: str | None = None
    difficulty: float = Field(ge=0, le=1, description="from observable events only")
    break_minutes: int
    break_recommended: bool


class CallSummaryRead(CallSummaryCounts):
    """The coach's summary of an ended contact."""

    model_config = examples(ex.SUMMARIES)

    facts: list[FactRead]

    @classmethod
    def of(cls, summary: CallSummary) -> Self:
        """Field by field from the coach's summary (the transfer and the facts included)."""
        return cls.model_validate(summary, from_attributes=True)


StoredSummary = CallSummaryRead | CallSummaryCounts


class SummaryMessage(WireModel):
    """``summary``: the contact ended (answered by ``POST .../end``)."""

    model_config = examples(ex.SUMMARY_MESSAGES)

    type: Literal["summary"] = "summary"
    contact_id: int
    summary: CallSummaryRead
    break_recommended: bool
    break_minutes: int


# -- the board --------------------------------------------------------------------------------


class ContactUpdateMessage(WireModel):
    """``contact_update``: a contact's state for the supervisors' board."""

    model_config = examples(ex.CONTACT_UPDATES)

    type: Literal["contact_update"] = "contact_update"
    contact_id: int
    agent: str = Field(description="the agent's username")
    agent_name: str
    channel: Channel
    lang: str | None = None
    stage: Stage | None = None
    rung: Stage | None = None
    heat: float = Field(ge=0, le=1, description="the higher of the last line's anger and abuse")
    peak_heat: float = Field(ge=0, le=1)
    alerts: list[BoardAlert] = Field(description="the alert kinds of the latest guidance")
    status: ContactStatus
    turns: int
    break_minutes: int | None = None
    started_at: datetime
    taken_over_by: str | None = Field(None, description="the supervisor who took it over")
    taken_over_by_name: str | None = None

    @classmethod
    def of(cls, contact: Contact, agent: User, taken_over_by: User | None = None) -> Self:
        return cls(
            contact_id=contact.id,
            agent=agent.username,
            agent_name=agent.display_name,
            channel=Channel(contact.channel),
            lang=contact.lang,
            stage=Stage(contact.stage) if contact.stage else None,
            rung=Stage(contact.rung) if contact.rung else None,
            heat=contact.heat,
            peak_heat=contact.peak_heat,
            alerts=[board_alert_kind(kind) for kind in contact.alerts or []],
            status=ContactStatus(contact.status),
            turns=contact.event_count,
            break_minutes=contact.break_minutes,
            started_at=contact.started_at,
            taken_over_by=taken_over_by.username if taken_over_by else None,
            taken_over_by_name=taken_over_by.display_name if taken_over_by else None,
        )


def board_alert_kind(kind: str) -> BoardAlert:
    try:
        return AlertKind(kind)
    except ValueError:
        return BoardAlertKind(kind)


class AlertMessage(WireModel):
    """``alert``: an alert kind the contact's previous turn did not have (or a climb of a rung),
    for the board. Every alert the bus carries is stored first (``alert_id``), so a board
    opened later shows it and any supervisor can acknowledge it."""

    model_config = examples([*ex.ALERT_MESSAGES, *ex.RUNG_CLIMBS])

    type: Literal["alert"] = "alert"
    contact_id: int
    kind: BoardAlert
    message: str = Field(
        description="the alert in the reader's language (from text); empty for a kind the "
        "coach has no message for (rung_climbed, an intent): a board composes its words from "
        "kind, params, agent_name and minutes"
    )
    text: TextRef | None = Field(None, description="``message`` as a key and its parameters")
    agent: str
    agent_name: str
    seq: int | None = Field(None, description="the guidance that raised it; null for a break")
    minutes: int | None = Field(None, description="the break's length, for break_recommended")
    params: dict[str, AlertParam] = Field(
        default_factory=dict,
        description="what the reader's words are composed from (rung_climbed: rung)",
    )
    alert_id: int | None = Field(None, description="the stored alert (null before it is stored)")
    severity: int | None = Field(None, description="higher is louder; the board's order")
    at: datetime | None = Field(None, description="when it was raised")
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    acknowledged_by_name: str | None = None


class AlertAcknowledgedMessage(WireModel):
    """``alert_acknowledged``: a supervisor acknowledged a stored alert (every board)."""

    model_config = examples(ex.ALERTS_ACKNOWLEDGED)

    type: Literal["alert_acknowledged"] = "alert_acknowledged"
    alert_id: int
    contact_id: int
    acknowledged_at: datetime
    acknowledged_by: str
    acknowledged_by_name: str


class WhisperMessage(WireModel):
    """``whisper``: a supervisor's note to the agent, on the contact's channel only (the
    agent's console shows it; the customer never hears it)."""

    model_config = examples(ex.WHISPERS)

    type: Literal["whisper"] = "whisper"
    contact_id: int
    seq: int
    text: str
    by: str
    by_name: str
    at: datetime


class TakenOverMessage(WireModel):
    """``taken_over``: a supervisor took the contact over (the contact's channel and the
    board); from then on they may act in it."""

    model_config = examples(ex.TAKEN_OVER)

    type: Literal["taken_over"] = "taken_over"
    contact_id: int
    seq: int
    agent: str
    by: str
    by_name: str
    at: datetime


BoardSection = Literal["approvals", "deadlines"]


class BoardChangedMessage(WireModel):
    """``board_changed``: compensation or a case changed; a board re-reads that section."""

    model_config = examples(
        [
            {"type": "board_changed", "section": "approvals"},
            {"type": "board_changed", "section": "deadlines"},
            {"type": "board_changed", "section": "approvals"},
        ]
    )

    type: Literal["board_changed"] = "board_changed"
    section: BoardSection


class BreakGrantedMessage(WireModel):
    """``break_granted``: a supervisor granted the agent's break (the board, the contact's
    console and the agent's own ``/ws/agent``; answered by ``POST .../break``)."""

    model_config = examples(ex.BREAKS_GRANTED)

    type: Literal["break_granted"] = "break_granted"
    contact_id: int
    agent: str
    minutes: int
    granted_by: str
    granted_by_name: str | None = Field(None, description="the supervisor's display name")
    granted_at: datetime | None = Field(None, description="when: the break runs from then")


BusMessage = Annotated[
    GuidanceMessage
    | SummaryMessage
    | ContactUpdateMessage
    | AlertMessage
    | BreakGrantedMessage
    | AlertAcknowledgedMessage
    | WhisperMessage
    | TakenOverMessage
    | BoardChangedMessage,
    Field(discriminator="type"),
]
"""What travels on the bus (in process, or Redis between workers)."""

BUS_MESSAGE: TypeAdapter[BusMessage] = TypeAdapter(BusMessage)
