"""What the cases API takes in and gives back. ``*Create``/``*Update`` come in, ``*Read`` go out.

The shared exact types (ids, moments with their offset, booleans, texts without NUL) are in
:mod:`calmdesk.fields`: the API is fuzzed with schemathesis, and a lax coercion or an
out-of-range value would otherwise reach the database as an error instead of an answer.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from calmdesk.cases.enums import (
    CaseStatus,
    Channel,
    CompensationKind,
    CompensationStatus,
    CustomerAnswer,
)
from calmdesk.cases.examples import CASES, COMPENSATIONS
from calmdesk.fields import MAX_ID as MAX_ID
from calmdesk.fields import Moment as Moment
from calmdesk.fields import Money, PastMoment, QueryFlag, QueryId, RecordId
from calmdesk.fields import NoNul as NoNul
from calmdesk.languages import Language

Contact = Annotated[str, Field(min_length=1, max_length=320), NoNul]
Name = Annotated[str, Field(max_length=200), NoNul]
Description = Annotated[str, Field(min_length=1, max_length=10_000), NoNul]
Reference = Annotated[str, Field(min_length=1, max_length=100), NoNul]
Note = Annotated[str, Field(max_length=4000), NoNul]
Reason = Annotated[str, Field(min_length=1, max_length=2000), NoNul]


Key = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_\-]+$")]


class CaseCreate(BaseModel):
    """A complaint from any channel. Without ``category`` one is suggested from the text."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "channel": "phone",
                    "language": "pl",
                    "customer_contact": "jan.kowalski@example.pl",
                    "customer_name": "Jan Kowalski",
                    "description": "Faktura za marzec jest o 200 zł wyższa niż kwota z umowy.",
                    "references": ["FV/2026/03/118"],
                },
                {
                    "channel": "chat",
                    "language": "ru",
                    "customer_contact": "+7 912 000-00-00",
                    "description": "Заказ не доставили в срок, курьер не отвечает на звонки.",
                    "category": "delivery_delay",
                    "occurred_at": "2026-03-02T09:30:00+03:00",
                },
                {
                    "channel": "email",
                    "language": "en",
                    "customer_contact": "pat@example.com",
                    "description": "I was charged twice for the same order.",
                    "references": ["ORDER-7731"],
                },
            ]
        },
    )

    channel: Channel = Channel.PHONE
    customer_contact: Contact | None = None
    """A phone number (stored in E.164), an e-mail address or, in chat and social channels, a
    ``platform:handle``. Only ``in_person`` and ``internal`` remarks may go without."""
    customer_name: Name | None = None
    description: Description
    language: Language | None = None
    category: Key | None = None
    severity: Key | None = None
    occurred_at: PastMoment | None = None
    received_at: PastMoment | None = None
    """When the complaint reached the company (default: now); used when importing."""
    references: list[Reference] = Field(default_factory=list, max_length=20)
    source_contact_id: RecordId | None = None


class CaseUpdate(BaseModel):
    """Corrections by the handler; a new category re-derives the team and both clocks."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"category": "delivery_delay", "severity": "high"},
                {"customer_name": "Анна Петрова"},
                {"owner_id": 3, "references": ["ORDER-7731", "RMA-2201"]},
            ]
        },
    )

    category: Key | None = None
    severity: Key | None = None
    owner_id: RecordId | None = None
    customer_name: Name | None = None
    references: list[Reference] | None = Field(None, max_length=20)


class CaseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": CASES})

    id: int
    status: CaseStatus
    channel: Channel
    language: str
    category: str
    category_suggested: bool
    severity: str
    team: str
    customer_contact: str | None
    customer_name: str | None
    description: str
    references: list[str]
    occurred_at: datetime | None
    source_contact_id: int | None
    created_by_id: int | None
    owner_id: int | None
    received_at: datetime
    first_responded_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    paused_at: datetime | None
    paused_seconds: int
    first_response_due: datetime
    resolution_due: datetime
    legal_due: date
    legal_missed_at: datetime
    """From this moment an open case has missed its legal deadline (the day after it)."""
    legal_provisional_year: int | None
    """Set when ``legal_due`` assumes a year whose official calendar is not published yet (the
    statute's default was used; the date may move)."""
    first_response_breached_at: datetime | None
    resolution_breached_at: datetime | None
    legal_risk_flagged_at: datetime | None
    legal_missed_flagged_at: datetime | None
    customer_answer: CustomerAnswer | None
    """The customer's answer to the proposed solution, recorded when the case was resolved."""
    callback_due: datetime | None
    """The next contact promised to the customer, until it happens."""
    callback_channel: Channel | None
    erased_at: datetime | None
    created_at: datetime
    updated_at: datetime


class CaseEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    kind: str
    at: datetime
    actor_id: int | None
    from_status: str | None
    to_status: str | None
    note: str | None
    data: dict[str, Any]


class CustomerUpdate(BaseModel):
    """What the customer was told: how the case will be handled, how long it may take, who will
    contact them, when, and by which channel."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "how": "Sprawdzimy fakturę z umową i skorygujemy kwotę.",
                    "expected_by": "2026-03-20T16:00:00+01:00",
                    "contact_person": "Dział rozliczeń",
                    "next_contact_at": "2026-03-18T12:00:00+01:00",
                    "channel": "email",
                },
                {
                    "how": "Передадим жалобу в службу доставки и проверим маршрут курьера.",
                    "contact_person": "Служба доставки",
                    "channel": "phone",
                },
                {
                    "how": "We will refund the duplicate charge.",
                    "channel": "email",
                    "message": "Sorry for the trouble.",
                },
            ]
        },
    )

    how: Reason
    expected_by: Moment | None = None
    contact_person: Name | None = None
    next_contact_at: Moment | None = None
    channel: Channel
    message: Note | None = None


class TransitionRequest(BaseModel):
    """Move a case. Acknowledging records what the customer was told (``customer_update``, or a
    default built from the playbook when omitted)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"to": "acknowledged", "note": "Klient poinformowany telefonicznie."},
                {"to": "waiting_customer", "note": "Ждём фото повреждённой упаковки."},
                {"to": "resolved", "note": "Refund issued.", "customer_answer": "accepted"},
            ]
        },
    )

    to: CaseStatus
    note: Note | None = None
    customer_answer: CustomerAnswer | None = None
    """Required with ``to: resolved``: the customer's answer to the proposed solution."""
    customer_update: CustomerUpdate | None = None
    override_reason: Reason | None = None
    """A supervisor resolving or closing a case while a compensation awaits approval says why
    (recorded on the case); without it such a move is refused (409
    ``compensation_awaits_approval``)."""


class CompensationCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"kind": "voucher", "amount": "50.00", "reason": "Opóźnienie dostawy o tydzień."},
                {"kind": "refund", "amount": "1500", "reason": "Товар пришёл повреждённым."},
                {"kind": "discount_percent", "amount": "15", "reason": "Repeated billing error."},
            ]
        },
    )

    kind: CompensationKind
    amount: Money
    reason: Reason


class CompensationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": COMPENSATIONS})

    id: int
    case_id: int
    kind: CompensationKind
    amount: Decimal
    currency: str
    reason: str
    status: CompensationStatus
    proposed_by_id: int | None
    proposed_at: datetime
    decided_by_id: int | None
    decided_at: datetime | None
    rationale: str | None
    appeal: str | None
    """The agent's answer to a rejection; the supervisor then decides again."""
    appealed_by_id: int | None
    appealed_at: datetime | None


class AppealRequest(BaseModel):
    """The agent's answer to a supervisor's rejection (once per proposal)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"reason": "Klient czekał trzy tygodnie i to już druga reklamacja w tym miesiącu."},
                {"reason": "Скидка меньше стоимости повторной доставки, которую мы иначе оплатим."},
                {"reason": "The order was the customer's wedding present; the voucher keeps them."},
            ]
        },
    )

    reason: Reason


class ExchangeEntryRead(BaseModel):
    """One say in the exchange about a proposal."""

    model_config = ConfigDict(from_attributes=True)

    event_id: int
    at: datetime
    kind: str
    """``compensation_proposed``, ``compensation_rejected``, ``compensation_appealed`` or
    ``compensation_approved``."""
    side: Literal["agent", "supervisor"]
    actor_id: int | None
    text: str | None


class CompensationExchange(BaseModel):
    """A proposal with both sides' words, oldest first, and its outcome (its status)."""

    compensation: CompensationRead
    entries: list[ExchangeEntryRead]
    outcome: CompensationStatus


class ApprovalDecision(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"rationale": "Zgoda: klient czekał trzy tygodnie."},
                {"rationale": "Отказ: сумма превышает стоимость заказа."},
                {"rationale": "Approved: second failure this month."},
            ]
        },
    )

    rationale: Reason


class CaseFilters(BaseModel):
    """List filters; all optional and combined with AND."""

    model_config = ConfigDict(extra="forbid")

    status: list[CaseStatus] | None = Field(None, max_length=len(CaseStatus))
    category: Key | None = None
    team: Key | None = None
    channel: Channel | None = None
    language: Language | None = None
    due_before: Moment | None = None
    """Resolution target before this moment."""
    overdue: QueryFlag | None = None
    """Open and past the resolution target."""
    legal_risk: QueryFlag | None = None
    """Open, the legal deadline is today or tomorrow (in the playbook's time zone) and not
    missed yet."""
    legal_missed: QueryFlag | None = None
    """Open after the day of its legal deadline."""
    legal_provisional: QueryFlag | None = None
    """The legal deadline assumes a year whose official calendar is not published yet."""
    callback_before: Moment | None = None
    """A promised next contact (call-back) is due before this moment."""
    open: QueryFlag | None = None
    """Neither resolved nor closed (``false``: resolved or closed)."""
    owner_id: QueryId | None = None
    """Owned by this user (the handler's own queue)."""
    unassigned: QueryFlag | None = None
    """Owned by nobody yet."""
    q: Name | None = None
    """Text search in the description, the customer's contact and name."""
    customer_contact: Contact | None = None


class CaseNoteCreate(BaseModel):
    """A note for colleagues (never the customer); ``@username`` notifies that colleague."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"text": "@helen proszę o decyzję w sprawie rabatu, klient czeka od wtorku."},
                {"text": "@sergei клиент прислал фото, можно одобрять возврат."},
            ]
        },
    )

    text: Annotated[str, Field(min_length=1, max_length=4000), NoNul]


class CaseNoteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    author_id: int | None
    text: str
    created_at: datetime


class MentionRead(BaseModel):
    id: int
    case_id: int
    note_id: int
    author_id: int | None
    text: str
    created_at: datetime
    read_at: datetime | None


class SurveyRead(BaseModel):
    """A closed case's satisfaction survey; ``link`` is the page to send the customer (signed,
    answerable once, until ``expires_at``)."""

    case_id: int
    language: str
    sent_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    score: int | None
    comment: str | None
    link: str


class SatisfactionRow(BaseModel):
    group: str
    """The team's or category's key, or the case owner's user id ("" for none)."""
    sent: int
    answered: int
    average: float | None
    scores: dict[int, int]


class SatisfactionRead(BaseModel):
    by: Literal["team", "category", "owner"]
    rows: list[SatisfactionRow]


class ReportRead(BaseModel):
    """One report over a period: its rows, each with the fields ``columns`` lists (money as
    text, shares as fractions, durations in seconds, a row's team ``null`` for every team)."""

    model_config = ConfigDict(populate_by_name=True)

    report: str
    start: date = Field(alias="from", description="first day of the period, included")
    end: date = Field(alias="to", description="last day of the period, included")
    timezone: str = Field(description="the playbook's time zone the days are in")
    columns: list[str]
    rows: list[dict[str, str | int | float | None]]


class PageParams(BaseModel):
    page: Annotated[int, Field(ge=1, le=100_000)] = 1
    per_page: Annotated[int, Field(ge=1, le=200)] = 50


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int
