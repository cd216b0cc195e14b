"""Case verbs: ``intake``, ``get``, ``get_or_raise``, ``list_``, ``update``, ``transition`` and
``inform_customer``. Keyword-only, session first; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, not_, select, text
from sqlalchemy.orm import Session

from calmdesk.analysis.contact_keys import contact_key
from calmdesk.cases import compensation, deadlines, flows, surveys
from calmdesk.cases.categorize import guess_language, suggest_category
from calmdesk.cases.contacts import InvalidContact, check_contact
from calmdesk.cases.enums import CaseEventKind, CaseStatus, Channel, CustomerAnswer
from calmdesk.cases.errors import (
    CaseNotFound,
    CompensationAwaitsApproval,
    CustomerAnswerRequired,
    InvalidCaseInput,
    InvalidCustomerContact,
)
from calmdesk.cases.history import record, snapshot
from calmdesk.cases.models import OPEN_CASE_SQL, Case, CaseEvent
from calmdesk.cases.schemas import (
    CaseCreate,
    CaseFilters,
    CaseUpdate,
    CustomerUpdate,
    PageParams,
)
from calmdesk.fields import CLOCK_SKEW, storable_id
from calmdesk.playbook.schema import Category, Playbook
from calmdesk.storage.types import utcnow
from calmdesk.users.models import User


@dataclass(frozen=True, slots=True)
class CasePage:
    items: list[Case]
    total: int
    page: int
    per_page: int


LIST_ORDER = (Case.resolution_due, Case.id)
"""Most urgent first; matches the open-case index."""
FUTURE_TOLERANCE = CLOCK_SKEW
"""How far ahead of our clock a ``received_at`` may be (clients' clocks drift)."""


def _category(playbook: Playbook, key: str) -> Category:
    try:
        return playbook.category(key)
    except KeyError:
        known = ", ".join(c.key for c in playbook.categories)
        raise InvalidCaseInput(
            f"category: unknown category {key!r}; the playbook has: {known}",
            field="category",
        ) from None


def _severity(category: Category, key: str | None) -> str:
    if key is None:
        return category.default_severity
    keys = [s.key for s in category.severities]
    if key not in keys:
        raise InvalidCaseInput(
            f"severity: {key!r} is not a severity of {category.key} ({', '.join(keys)})",
            field="severity",
        )
    return key


def intake(
    session: Session,
    *,
    case_in: CaseCreate,
    actor: User | None,
    playbook: Playbook,
    now: datetime | None = None,
) -> Case:
    """Record a complaint from any channel.

    Without a category, one is suggested from the text and ``category_suggested`` is set;
    severity defaults to the category's, the owning team and both clocks come from the playbook.
    """
    now = now or utcnow()
    received_at = case_in.received_at or now
    if received_at > now + FUTURE_TOLERANCE:
        raise InvalidCaseInput("received_at: lies in the future", field="received_at")
    occurred_at = case_in.occurred_at
    if occurred_at is not None and occurred_at > now + FUTURE_TOLERANCE:
        raise InvalidCaseInput("occurred_at: lies in the future", field="occurred_at")
    if occurred_at is not None and occurred_at > received_at + FUTURE_TOLERANCE:
        raise InvalidCaseInput("occurred_at: is after received_at", field="occurred_at")
    try:
        contact = check_contact(
            case_in.customer_contact, case_in.channel, playbook.calendar.country
        )
    except InvalidContact as problem:
        raise InvalidCustomerContact(problem.problem, problem.contact) from None
    suggestion = None
    if case_in.category is None:
        suggestion = suggest_category(playbook, case_in.description)
        category = playbook.category(suggestion.category)
    else:
        category = _category(playbook, case_in.category)
    language = case_in.language or guess_language(case_in.description, playbook)
    case = Case(
        status=str(CaseStatus.RECEIVED),
        channel=str(case_in.channel),
        language=language,
        category=category.key,
        category_suggested=suggestion is not None,
        severity=_severity(category, case_in.severity),
        team=category.team,
        customer_contact=contact.shown if contact else None,
        customer_key=contact.key if contact else None,
        customer_name=case_in.customer_name,
        description=case_in.description,
        references=list(case_in.references),
        occurred_at=case_in.occurred_at,
        source_contact_id=case_in.source_contact_id,
        created_by_id=actor.id if actor is not None else None,
        received_at=received_at,
        paused_seconds=0,
    )
    deadlines.apply_clocks(
        case, deadlines.clocks_for(playbook, category, received_at, timedelta(0))
    )
    session.add(case)
    session.flush()
    data: dict[str, Any] = {}
    if suggestion is not None:
        data["suggestion"] = {"score": suggestion.score, "why": suggestion.explanation}
    record(
        session,
        case=case,
        kind=CaseEventKind.CREATED,
        before=None,
        actor_id=case.created_by_id,
        data=data,
        at=now,
    )
    return case


def get(session: Session, *, case_id: int) -> Case | None:
    return session.get(Case, case_id)


def get_or_raise(session: Session, *, case_id: int) -> Case:
    case = session.get(Case, case_id) if storable_id(case_id) else None
    if case is None:
        raise CaseNotFound(f"There is no case {case_id}.", case_id=case_id)
    return case


def events_of(session: Session, *, case_id: int) -> list[CaseEvent]:
    """A case's history, oldest first."""
    query = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
    return list(session.scalars(query))


def conditions_for(
    filters: CaseFilters, now: datetime, region: str | None = None, timezone: str = "UTC"
) -> list[ColumnElement[bool]]:
    """The WHERE terms of :func:`list_` for ``filters`` at ``now``; a phone number without a
    country code is read in ``region`` (the playbook's country), and "today" for the legal
    deadline is the day in ``timezone`` (the playbook calendar's)."""
    conditions: list[ColumnElement[bool]] = []
    today = now.astimezone(ZoneInfo(timezone)).date()
    if filters.status:
        conditions.append(Case.status.in_([str(s) for s in filters.status]))
    for column, value in (
        (Case.category, filters.category),
        (Case.team, filters.team),
        (Case.channel, filters.channel),
        (Case.language, filters.language),
    ):
        if value is not None:
            conditions.append(column == str(value))
    if filters.customer_contact is not None:
        conditions.append(Case.customer_key == contact_key(filters.customer_contact, region))
    conditions += _moment_conditions(filters, now, today)
    conditions += _flag_conditions(filters, now, today)
    if filters.q:
        conditions.append(
            Case.description.icontains(filters.q, autoescape=True)
            | Case.customer_contact.icontains(filters.q, autoescape=True)
            | Case.customer_name.icontains(filters.q, autoescape=True)
        )
    return conditions


def _moment_conditions(
    filters: CaseFilters, now: datetime, today: date
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.owner_id is not None:
        conditions.append(Case.owner_id == filters.owner_id)
    if filters.callback_before is not None:
        conditions.append(Case.callback_due < filters.callback_before)
    if filters.due_before is not None:
        conditions.append(Case.resolution_due < filters.due_before)
    return conditions


def _flag(condition: ColumnElement[bool], wanted: bool) -> ColumnElement[bool]:
    return condition if wanted else not_(condition)


def _flag_conditions(filters: CaseFilters, now: datetime, today: date) -> list[ColumnElement[bool]]:
    """The yes/no filters: each one's condition, or its negation for ``false``."""
    # The partial indexes' own predicate, as literal SQL: with bound parameters neither SQLite
    # nor PostgreSQL can prove a query only wants rows those indexes hold.
    is_open = text(OPEN_CASE_SQL)
    # On legal_due, so the open cases' partial index serves both legal lists: at risk from the
    # day before the deadline through its day, missed from the day after.
    flags: list[tuple[bool | None, ColumnElement[bool]]] = [
        (filters.unassigned, Case.owner_id.is_(None)),
        (filters.overdue, and_(is_open, Case.resolution_due < now)),
        (
            filters.legal_risk,
            and_(is_open, Case.legal_due >= today, Case.legal_due <= today + timedelta(days=1)),
        ),
        (filters.legal_missed, and_(is_open, Case.legal_due < today)),
        (filters.legal_provisional, Case.legal_provisional_year.is_not(None)),
    ]
    conditions = [_flag(condition, wanted) for wanted, condition in flags if wanted is not None]
    if filters.open is not None:
        finished = [str(CaseStatus.RESOLVED), str(CaseStatus.CLOSED)]
        conditions.append(and_(is_open) if filters.open else Case.status.in_(finished))
    return conditions


def list_(
    session: Session,
    *,
    filters: CaseFilters,
    page: PageParams,
    scope: ColumnElement[bool] | None = None,
    now: datetime | None = None,
    region: str | None = None,
    timezone: str = "UTC",
) -> CasePage:
    """Cases matching ``filters`` (and ``scope``, the viewer's visibility), most urgent first:
    by resolution target, then id."""
    conditions = conditions_for(filters, now or utcnow(), region, timezone)
    if scope is not None:
        conditions.append(scope)
    total = session.scalar(select(func.count()).select_from(Case).where(*conditions)) or 0
    query = (
        select(Case)
        .where(*conditions)
        .order_by(*LIST_ORDER)
        .limit(page.per_page)
        .offset((page.page - 1) * page.per_page)
    )
    return CasePage(
        items=list(session.scalars(query)), total=total, page=page.page, per_page=page.per_page
    )


def update(
    session: Session,
    *,
    case: Case,
    case_in: CaseUpdate,
    actor_id: int | None,
    playbook: Playbook,
) -> Case:
    """Apply corrections. A new category takes its team and severity rules and re-derives both
    clocks from the original reception time (keeping the time already spent waiting)."""
    before = snapshot(case)
    fields = case_in.model_fields_set
    if "category" in fields and case_in.category and case_in.category != case.category:
        category = _category(playbook, case_in.category)
        case.category = category.key
        case.category_suggested = False
        case.team = category.team
        if case.severity not in [s.key for s in category.severities]:
            case.severity = category.default_severity
        paused = timedelta(seconds=case.paused_seconds or 0)
        deadlines.apply_clocks(
            case, deadlines.clocks_for(playbook, category, case.received_at, paused)
        )
    if "severity" in fields and case_in.severity:
        case.severity = _severity(deadlines.category_of(playbook, case.category), case_in.severity)
    if "owner_id" in fields:
        case.owner_id = case_in.owner_id
    if "customer_name" in fields:
        case.customer_name = case_in.customer_name
    if "references" in fields and case_in.references is not None:
        case.references = list(case_in.references)
    session.flush()
    if snapshot(case) != before:
        record(session, case=case, kind=CaseEventKind.UPDATED, before=before, actor_id=actor_id)
    return case


def assign(session: Session, *, case: Case, owner_id: int | None, actor_id: int | None) -> Case:
    """Give the case to ``owner_id`` (or to nobody); recorded as an ``updated`` event."""
    before = snapshot(case)
    case.owner_id = owner_id
    session.flush()
    if snapshot(case) != before:
        record(session, case=case, kind=CaseEventKind.UPDATED, before=before, actor_id=actor_id)
    return case


def default_customer_update(case: Case, playbook: Playbook) -> CustomerUpdate:
    """What to tell the customer when nobody wrote it: the category's description as how the
    case is handled, the resolution target, the owning team, the first-response target and the
    channel the complaint came from, all in the case's language."""
    category = deadlines.category_of(playbook, case.category)
    lang = case.language

    def local(text: dict[str, str]) -> str:
        return text.get(lang) or text.get(playbook.default_language) or next(iter(text.values()))

    try:
        team = local(playbook.team(case.team).name)
    except KeyError:
        team = case.team
    return CustomerUpdate(
        how=local(category.description),
        expected_by=case.resolution_due,
        contact_person=team,
        next_contact_at=case.first_response_due,
        channel=Channel(case.channel),
    )


def inform_customer(
    session: Session,
    *,
    case: Case,
    update: CustomerUpdate,
    actor_id: int | None,
    note: str | None = None,
    now: datetime | None = None,
    details: dict[str, Any] | None = None,
) -> CaseEvent:
    """Record what the customer was told; the first such update is the first response.
    ``details`` go into the event's data beside ``told`` (e.g. ``mail``: the notice sent)."""
    now = now or utcnow()
    before = snapshot(case)
    if case.first_responded_at is None:
        case.first_responded_at = now
        case.next_check_at = deadlines.next_check_at(case)
    # The promised next contact becomes the call-back task; telling the customer again without
    # a new promise means the promised contact happened.
    promised = update.next_contact_at
    if promised is not None and promised > now and case.status_enum.is_open:
        case.callback_due = promised
        case.callback_channel = str(update.channel)
    else:
        case.callback_due = None
        case.callback_channel = None
    session.flush()
    return record(
        session,
        case=case,
        kind=CaseEventKind.CUSTOMER_INFORMED,
        before=before,
        actor_id=actor_id,
        note=note,
        data={**(details or {}), "told": update.model_dump(mode="json", exclude_none=True)},
        at=now,
    )


def transition(
    session: Session,
    *,
    case: Case,
    to: CaseStatus,
    actor_id: int | None,
    note: str | None,
    playbook: Playbook,
    customer_update: CustomerUpdate | None = None,
    override_reason: str | None = None,
    customer_answer: CustomerAnswer | None = None,
    now: datetime | None = None,
) -> Case:
    """Move ``case`` to ``to`` (:func:`calmdesk.cases.flows.move`: the allowed moves and the
    clocks) and write the event; acknowledging records what the customer was told
    (``customer_update`` or :func:`default_customer_update`).

    A case is not resolved or closed while a compensation awaits a supervisor
    (:class:`CompensationAwaitsApproval`), unless ``override_reason`` is given: the caller has
    checked the actor may decide compensation, and the override is recorded with the reason and
    the proposals left waiting.

    Resolving records the customer's answer to the proposed solution (``customer_answer``,
    required: :class:`CustomerAnswerRequired`); a resolved or closed case has no call-back left.
    """
    now = now or utcnow()
    waiting = []
    if to in (CaseStatus.RESOLVED, CaseStatus.CLOSED) and flows.is_allowed(case.status_enum, to):
        waiting = [c.id for c in compensation.awaiting_approval(session, case_id=case.id)]
        if waiting and not override_reason:
            raise CompensationAwaitsApproval(
                f"Case {case.id} cannot be {to} while compensation "
                f"{', '.join(map(str, waiting))} awaits a supervisor's decision; decide it first"
                " (a supervisor may override, giving a reason).",
                case_id=case.id,
                compensation_ids=waiting,
            )
    if (
        to == CaseStatus.RESOLVED
        and customer_answer is None
        and flows.is_allowed(case.status_enum, to)
    ):
        raise CustomerAnswerRequired()
    before = snapshot(case)
    flows.move(case, to, playbook=playbook, now=now)
    if to == CaseStatus.RESOLVED:
        case.customer_answer = str(customer_answer)
    if not case.status_enum.is_open:
        case.callback_due = None
        case.callback_channel = None
    session.flush()
    record(
        session,
        case=case,
        kind=CaseEventKind.STATUS_CHANGED,
        before=before,
        actor_id=actor_id,
        note=note,
        at=now,
    )
    if waiting:
        record(
            session,
            case=case,
            kind=CaseEventKind.APPROVAL_OVERRIDDEN,
            before=snapshot(case),
            actor_id=actor_id,
            note=override_reason,
            data={"to": str(to), "compensation_ids": waiting},
            at=now,
        )
    if to == CaseStatus.CLOSED:
        surveys.open_survey(session, case=case, now=now)
    if customer_update is not None or to == CaseStatus.ACKNOWLEDGED:
        inform_customer(
            session,
            case=case,
            update=customer_update or default_customer_update(case, playbook),
            actor_id=actor_id,
            now=now,
        )
    return case
