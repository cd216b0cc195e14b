"""The playbook: the company's written policy for complaints and difficult conversations.

A YAML document parsed into these models at the edge (see :mod:`calmdesk.playbook.load`).
It is the single source of truth for categories, deadlines, owners, compensation rules, the
intake script, the conversation policy and every phrase the coach suggests.
"""

from __future__ import annotations

import itertools
import re
import string
from datetime import date, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError


class Stage(StrEnum):
    """A step of the conversation; the abuse ladder is a subset of them (see ``coach.stages``)."""

    LISTEN = "listen"
    ACKNOWLEDGE = "acknowledge"
    CLARIFY = "clarify"
    SET_BOUNDARY = "set_boundary"
    WARN = "warn"
    SILENT_RECORD = "silent_record"
    TRANSFER = "transfer"
    END_CALL = "end_call"
    RESOLVE = "resolve"
    CLOSE = "close"


# The placeholders each stage's phrases may use; the coach fills exactly these.
STAGE_PLACEHOLDERS: dict[Stage, frozenset[str]] = {
    Stage.LISTEN: frozenset(),
    Stage.ACKNOWLEDGE: frozenset({"agent_name"}),
    Stage.CLARIFY: frozenset({"facts"}),
    Stage.SET_BOUNDARY: frozenset({"agent_name"}),
    Stage.WARN: frozenset(),
    Stage.SILENT_RECORD: frozenset(),
    Stage.TRANSFER: frozenset(),
    Stage.END_CALL: frozenset(),
    Stage.RESOLVE: frozenset({"deadline", "channel", "amount", "team", "facts"}),
    Stage.CLOSE: frozenset({"agent_name", "channel"}),
}


class CompensationKind(StrEnum):
    REFUND = "refund"
    DISCOUNT_PERCENT = "discount_percent"
    VOUCHER = "voucher"
    GIFT = "gift"


class Channel(StrEnum):
    PHONE = "phone"
    CHAT = "chat"
    EMAIL = "email"
    SOCIAL = "social"
    IN_PERSON = "in_person"
    INTERNAL = "internal"


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(d|h|m)\b")


def parse_duration(value: Any) -> timedelta:
    """``"4h"``, ``"1h 30m"``, ``"90m"`` or ``"2d"`` (2 × 24 h of *business* time when used as a
    business duration) into a timedelta; numbers are hours. Negative values are refused."""
    if isinstance(value, timedelta):
        result = value
    elif isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration")
    elif isinstance(value, int | float):
        result = timedelta(hours=value)
    elif isinstance(value, str):
        text = value.strip().lower()
        if text.startswith("-"):
            raise ValueError("a duration cannot be negative")
        parts = _DURATION_PART.findall(text)
        if not parts or _DURATION_PART.sub("", text).strip():
            raise ValueError(f"{value!r} is not a duration such as '4h', '1h 30m' or '90m'")
        units = {"d": "days", "h": "hours", "m": "minutes"}
        result = timedelta()
        for number, unit in parts:
            result += timedelta(**{units[unit]: float(number)})
    else:
        raise ValueError(f"{value!r} is not a duration")
    if result < timedelta(0):
        raise ValueError("a duration cannot be negative")
    return result


def parse_positive_duration(value: Any) -> timedelta:
    """:func:`parse_duration` that also refuses zero (a target of no time at all)."""
    result = parse_duration(value)
    if result <= timedelta(0):
        raise ValueError("a duration must be longer than zero")
    return result


class Strict(BaseModel):
    """Base of every playbook model: unknown keys are an error (they are usually typos)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


LocalizedText = dict[str, str]
"""Text in each language of the playbook, e.g. ``{"pl": "...", "ru": "...", "en": "..."}``."""

PositiveDuration = Annotated[timedelta, Field(gt=timedelta(0))]
WallClock = Annotated[
    time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$",
            "description": "A wall-clock time in the calendar's time zone, e.g. 08:00",
        }
    ),
]
"""A time of day without an offset: JSON Schema's ``time`` format would require one."""


class TimeRange(Strict):
    start: WallClock
    end: WallClock

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end <= self.start:
            raise ValueError(f"working period ends ({self.end}) before it starts ({self.start})")
        return self

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            start, sep, end = value.partition("-")
            if not sep:
                raise ValueError(f"{value!r} is not a period such as '08:00-16:00'")
            return {"start": start.strip(), "end": end.strip()}
        return value


class BusinessCalendar(Strict):
    """Time zone, working periods per weekday, public holidays of the country and closures."""

    timezone: str
    country: str = Field(description="ISO country code for the `holidays` package, e.g. PL")
    subdivision: str | None = None
    working_hours: dict[str, list[TimeRange]]
    closures: list[date] = Field(default_factory=list, description="extra company closures")

    @field_validator("working_hours")
    @classmethod
    def _weekdays(cls, value: dict[str, list[TimeRange]]) -> dict[str, list[TimeRange]]:
        unknown = sorted(set(value) - set(WEEKDAYS))
        if unknown:
            raise ValueError(f"unknown weekday(s) {unknown}; use {list(WEEKDAYS)}")
        if not any(value.values()):
            raise ValueError("at least one working period is needed")
        for day, periods in value.items():
            ordered = sorted(periods, key=lambda p: p.start)
            for before, after in itertools.pairwise(ordered):
                if after.start < before.end:
                    raise ValueError(f"working periods overlap on {day}")
        return value

    @model_validator(mode="after")
    def _known_country(self) -> Self:
        import holidays

        try:
            holidays.country_holidays(self.country, subdiv=self.subdivision)
        except NotImplementedError:
            place = f"{self.country}/{self.subdivision}" if self.subdivision else self.country
            raise ValueError(
                f"public holidays of {place!r} are unknown; use an ISO country code such as PL"
                " and a subdivision the `holidays` package knows"
            ) from None
        return self

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value


class Team(Strict):
    key: str
    name: LocalizedText
    email: str | None = None


class Severity(Strict):
    key: str
    name: LocalizedText
    weight: int = Field(ge=1)


class Kpi(Strict):
    """Internal reaction-time targets, in business time; paused while waiting for the customer."""

    first_response: PositiveDuration
    resolution: PositiveDuration
    warning_share: float = Field(0.8, gt=0, lt=1, description="share of time that warns")

    @field_validator("first_response", "resolution", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> timedelta:
        return parse_positive_duration(value)


class LegalDeadline(Strict):
    """The statutory maximum. ``days`` are calendar days (or business days when
    ``business_days``); a deadline ending on a non-working day moves to the next working day."""

    days: int = Field(gt=0)
    business_days: bool = False
    extended_days: int | None = Field(None, gt=0, description="the maximum in complex cases")
    basis: LocalizedText
    consequence: LocalizedText
    to_confirm: bool = Field(False, description="a default that counsel must confirm")


class Category(Strict):
    key: str
    name: LocalizedText
    description: LocalizedText
    examples: dict[str, list[str]] = Field(default_factory=dict)
    team: str
    severities: list[Severity]
    default_severity: str
    kpi: Kpi
    legal: LegalDeadline

    @model_validator(mode="after")
    def _default_severity_known(self) -> Self:
        keys = [s.key for s in self.severities]
        if self.default_severity not in keys:
            raise ValueError(f"default_severity {self.default_severity!r} is not one of {keys}")
        return self


class CompensationOption(Strict):
    kind: CompensationKind
    min: Decimal = Field(ge=0)
    max: Decimal = Field(ge=0)
    description: LocalizedText | None = None

    @model_validator(mode="after")
    def _range(self) -> Self:
        if self.max < self.min:
            raise ValueError(f"max ({self.max}) is below min ({self.min})")
        if self.kind == CompensationKind.DISCOUNT_PERCENT and self.max > 100:
            raise ValueError("a discount cannot exceed 100%")
        return self


class CompensationRule(Strict):
    """What may be offered for a category (and optionally one severity). Amounts up to
    ``agent_limit`` (in the playbook currency; percent for discounts) are granted by the agent
    at once; above it a supervisor approves."""

    category: str
    severity: str | None = None
    options: list[CompensationOption]
    agent_limit: Decimal = Field(ge=0)
    agent_discount_limit_percent: Decimal = Field(Decimal(10), ge=0, le=100)


class CustomerCompensationCap(Strict):
    """What one customer may receive (amounts, not percent discounts) over all their cases in
    ``period_days`` before a supervisor must approve the rest."""

    amount: Decimal = Field(ge=0)
    period_days: int = Field(gt=0, le=3660)


class IntakeQuestion(Strict):
    key: str
    text: LocalizedText
    required: bool = True


class BreakRule(Strict):
    min_difficulty: float = Field(ge=0, le=1)
    minutes: int = Field(gt=0)


class ConversationPolicy(Strict):
    end_call_allowed: bool = True
    warnings_before_end: int = Field(1, ge=1)
    transfer_available: bool = True
    break_threshold: float = Field(0.6, ge=0, le=1)
    break_minutes: list[BreakRule]
    idle_timeout_minutes: int = Field(
        30, ge=1, le=24 * 60, description="an open contact without a line this long times out"
    )

    @property
    def shortest_break(self) -> int:
        """The break granted to an agent who asked for one after an easy contact."""
        return min((r.minutes for r in self.break_minutes), default=5)

    def break_for(self, difficulty: float) -> int:
        """Minutes of break for a contact of this difficulty (0 below the threshold)."""
        if difficulty < self.break_threshold:
            return 0
        eligible = [r.minutes for r in self.break_minutes if difficulty >= r.min_difficulty]
        return max(eligible, default=0)


class NegativeWording(Strict):
    """A wording to avoid (a case-insensitive phrase) and what to say instead."""

    phrase: str
    alternative: str


class Phrasebook(Strict):
    """Several variants per stage and language, with the placeholders the stage can fill."""

    stages: dict[Stage, dict[str, list[str]]]
    negative_wordings: dict[str, list[NegativeWording]]
    listening_signals: dict[str, list[str]] = Field(default_factory=dict)
    still_here: dict[str, list[str]] = Field(
        default_factory=dict, description="answer to 'are you there?' while silent_record"
    )


PUBLIC_REPLY_STEPS = ("apologise", "prepare", "counteract", "improve", "compensate")
"""The 5P steps of a public reply, in the order a reply draft uses them."""
PUBLIC_REPLY_PLACEHOLDERS = frozenset({"author", "facts", "deadline", "gift"})


class PublicComplaints(Strict):
    """Targets for public complaints on social media; weekends included."""

    first_response: PositiveDuration
    resolution: PositiveDuration
    weekends_included: bool = True
    guidance: dict[str, list[str]] = Field(default_factory=dict, description="the 5P steps")
    reply_phrases: dict[str, dict[str, list[str]]] = Field(
        default_factory=dict,
        description="public reply variants: 5P step -> language -> variants",
    )
    signature: LocalizedText = Field(
        default_factory=dict,
        description="the team's signature closing every public reply (language -> text); "
        "without it the handler's name closes each reply",
    )

    @field_validator("first_response", "resolution", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> timedelta:
        return parse_positive_duration(value)


NOTICE_KINDS = ("acknowledgement", "update", "resolution")
"""The e-mail notices a case sends its customer (:mod:`calmdesk.mail.notices`)."""
NOTICE_PLACEHOLDERS = frozenset(
    {
        "case_number",
        "customer_name",
        "company",
        "how",
        "expected_by",
        "contact_person",
        "next_contact_at",
        "channel",
        "message",
    }
)
NOTICE_REQUIRED = {
    "acknowledgement": frozenset(
        {"case_number", "how", "expected_by", "contact_person", "next_contact_at", "channel"}
    ),
    "update": frozenset({"case_number", "how"}),
    "resolution": frozenset({"case_number", "how"}),
}
"""What each notice's body must say: the acknowledgement tells how the case will be handled, how
long it may take, who will contact the customer, when, and by which channel."""


class NoticeTemplate(Strict):
    subject: LocalizedText
    body: LocalizedText


class MailNotices(Strict):
    """The e-mail notices to customers, per language. Subjects get the case tag ``[#123]``
    appended (replies find their case by it); the signature ends every body."""

    acknowledgement: NoticeTemplate
    update: NoticeTemplate
    resolution: NoticeTemplate
    signature: LocalizedText
    survey: LocalizedText = Field(
        default_factory=dict,
        description="a paragraph with {survey_url}, added to the resolution when a survey exists",
    )


class ViolenceProcedure(Strict):
    """What to do when a customer threatens physical harm to staff or property."""

    who_to_call: LocalizedText = Field(description="who to tell at once, for the agent")
    what_to_record: LocalizedText = Field(description="what to note down, for the agent")
    say: LocalizedText = Field(description="a calm line for the customer, per language")


class SelfHarmProcedure(Strict):
    """What to do when a customer speaks of hurting or killing themselves: care, not the ladder."""

    say: LocalizedText = Field(description="a caring line for the customer, per language")
    crisis_line: LocalizedText = Field(
        description="for the agent: the crisis line to give and when to call emergency services"
    )


class SafetyProcedures(Strict):
    """The company's safety procedures the coach shows when a line threatens violence or speaks
    of self-harm (they outrank the de-escalation ladder)."""

    violence: ViolenceProcedure
    self_harm: SelfHarmProcedure


class Playbook(Strict):
    name: str
    company: str
    languages: list[str]
    default_language: str
    currency: str
    calendar: BusinessCalendar
    teams: list[Team]
    categories: list[Category]
    compensation: list[CompensationRule]
    customer_compensation_cap: CustomerCompensationCap | None = None
    intake: list[IntakeQuestion]
    conversation: ConversationPolicy
    phrases: Phrasebook
    public: PublicComplaints
    mail: MailNotices | None = None
    safety: SafetyProcedures | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        """Cross-field checks (see :mod:`calmdesk.playbook.checks`); every problem is reported,
        each as ``path: problem``, and kept in the error's context for the loader."""
        from calmdesk.playbook.checks import problems

        found = problems(self)
        if found:
            raise PydanticCustomError(
                "playbook_inconsistent",
                "{summary}",
                {"summary": "; ".join(map(str, found)), "problems": found},
            )
        return self

    def category_texts(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Each category's key with its examples, descriptions and names in every language: what
        :mod:`calmdesk.analysis.category` suggests a category from."""
        return tuple(
            (
                category.key,
                (
                    *(text for examples in category.examples.values() for text in examples),
                    *category.description.values(),
                    *category.name.values(),
                ),
            )
            for category in self.categories
        )

    def category(self, key: str) -> Category:
        for category in self.categories:
            if category.key == key:
                return category
        raise KeyError(key)

    def team(self, key: str) -> Team:
        for team in self.teams:
            if team.key == key:
                return team
        raise KeyError(key)

    def compensation_rule(self, category: str, severity: str | None) -> CompensationRule | None:
        """The most specific rule: the category with this severity, else the category's."""
        exact = [r for r in self.compensation if r.category == category and r.severity == severity]
        general = [r for r in self.compensation if r.category == category and r.severity is None]
        rules = exact or general
        return rules[0] if rules else None


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a phrase uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
