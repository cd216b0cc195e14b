"""The case pages: the queue with filters, a case with its timeline, transitions, what the
customer was told and compensation, and a new case prefilled from a live contact."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from calmdesk.cases import compensation as compensation_service
from calmdesk.cases import from_contact
from calmdesk.cases import permissions as case_permissions
from calmdesk.cases import service as cases_service
from calmdesk.cases.enums import CaseEventKind, CaseStatus, CompensationKind
from calmdesk.cases.errors import CompensationNotAllowed
from calmdesk.cases.flows import ALLOWED
from calmdesk.cases.models import Case
from calmdesk.cases.schemas import (
    CaseCreate,
    CaseFilters,
    CompensationCreate,
    CustomerUpdate,
    PageParams,
)
from calmdesk.errors import InvalidInput
from calmdesk.i18n import PERCENT, format_day, format_moment, format_money
from calmdesk.live import permissions as live_permissions
from calmdesk.live import service as live_service
from calmdesk.playbook.deps import request_playbook
from calmdesk.playbook.schema import Playbook
from calmdesk.storage.types import utcnow
from calmdesk.users.deps import SessionDep, require_permission
from calmdesk.users.models import User
from calmdesk.users.permissions import Permission, can
from calmdesk.web import pages_labels as labels
from calmdesk.web.csrf import CsrfChecked
from calmdesk.web.errors import validation_errors
from calmdesk.web.i18n import LANGUAGE_NAMES, gettext_for
from calmdesk.web.pages_common import page_language, render
from calmdesk.web.pages_console import CONTACT_CHANNELS
from calmdesk.web.pages_labels import N_
from calmdesk.web.pages_legal import legal_viewer

router = APIRouter(include_in_schema=False)

CaseWorker = Annotated[User, Depends(require_permission(Permission.WORK_CASES))]
QUEUE_PAGE_SIZE = 50


def localized(text: dict[str, str], lang: str, playbook: Playbook) -> str:
    return text.get(lang) or text.get(playbook.default_language) or next(iter(text.values()), "")


def moment_formatter(
    playbook: Playbook, lang: str
) -> Callable[[datetime | date | str | None], str]:
    """Times shown in the company's time zone (the playbook calendar's), to the minute, as a
    reader of ``lang`` writes them (``12 lis 2026, 16:00``); a stored ISO text is read first."""
    zone = playbook.calendar.timezone

    def show(value: datetime | date | str | None) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, str):
            text = value
            try:
                value = datetime.fromisoformat(text)
            except ValueError:
                return text
            if value.tzinfo is None:
                value = value.replace(tzinfo=ZoneInfo(zone))
        if isinstance(value, datetime):
            return format_moment(value, lang, zone)
        return format_day(value, lang)

    return show


def invalid_form(error: ValidationError) -> InvalidInput:
    """One readable message naming each bad field of a page's form."""
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'form'}: {e['msg']}" for e in error.errors()
    )
    return InvalidInput(
        problems, code="invalid_form", fields=validation_errors([dict(e) for e in error.errors()])
    )


def _common(request: Request, user: User) -> dict[str, Any]:
    lang = page_language(request, user)
    gettext = gettext_for(lang)
    playbook = request_playbook(request)
    return {
        "gettext": gettext,
        "lang": lang,
        "playbook": playbook,
        "fmt": moment_formatter(playbook, lang),
        "status_labels": labels.translated(labels.CASE_STATUSES, gettext),
        "channel_labels": labels.translated(labels.CHANNELS, gettext),
        "category_names": {c.key: localized(c.name, lang, playbook) for c in playbook.categories},
        "severity_names": {
            (c.key, s.key): localized(s.name, lang, playbook)
            for c in playbook.categories
            for s in c.severities
        },
        "kind_labels": labels.translated(labels.COMPENSATION_KINDS, gettext),
        "event_labels": labels.translated(labels.CASE_EVENTS, gettext),
    }


def _filters_from_query(
    status: str, category: str, channel: str, language: str, due: str, q: str
) -> CaseFilters:
    try:
        return CaseFilters(
            status=[CaseStatus(status)] if status else None,
            category=category or None,
            channel=channel or None,
            language=language or None,
            overdue=True if due == "overdue" else None,
            legal_risk=True if due == "legal_risk" else None,
            legal_missed=True if due == "legal_missed" else None,
            legal_provisional=True if due == "legal_provisional" else None,
            q=q or None,
        )
    except (ValidationError, ValueError) as error:
        if isinstance(error, ValidationError):
            raise invalid_form(error) from None
        raise InvalidInput(str(error), code="invalid_filter", value=status or due) from None


@router.get("/cases")
def queue_page(
    request: Request,
    session: SessionDep,
    user: CaseWorker,
    status: Annotated[str, Query(max_length=20)] = "",
    category: Annotated[str, Query(max_length=64)] = "",
    channel: Annotated[str, Query(max_length=20)] = "",
    language: Annotated[str, Query(max_length=8)] = "",
    due: Annotated[str, Query(max_length=20)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    common = _common(request, user)
    filters = _filters_from_query(status, category, channel, language, due, q)
    result = cases_service.list_(
        session,
        filters=filters,
        page=PageParams(page=page, per_page=QUEUE_PAGE_SIZE),
        scope=case_permissions.visible_cases(user),
        region=common["playbook"].calendar.country,
        timezone=common["playbook"].calendar.timezone,
    )
    gettext = common["gettext"]
    return render(
        request,
        "cases.html",
        user=user,
        title=gettext("Complaint cases"),
        cases=result,
        chosen={
            "status": status,
            "category": category,
            "channel": channel,
            "language": language,
            "due": due,
            "q": q,
        },
        languages=LANGUAGE_NAMES,
        legal_of=legal_viewer(common["playbook"], common["lang"], gettext, utcnow()),
        **common,
    )


def _told_log(case: Case, events: list[Any]) -> list[dict[str, Any]]:
    return [
        {"at": e.at, "told": e.data.get("told", {}), "note": e.note}
        for e in events
        if e.kind == CaseEventKind.CUSTOMER_INFORMED
    ]


def prefill_from_contact(
    session: Session, *, contact_id: int, user: User, playbook: Playbook, ui_lang: str
) -> dict[str, Any]:
    """The case form filled from a contact's draft (:mod:`calmdesk.cases.from_contact`): its
    channel and language, the customer's lines and facts, the coach's category, the references."""
    contact = live_permissions.contact_for_user(session, contact_id=contact_id, user=user)
    events = live_service.events_of(session, contact=contact)
    summary = contact.summary or {}
    facts = [
        (str(f["kind"]), str(f["value"]))
        for f in summary.get("facts") or []
        if isinstance(f, dict) and f.get("kind") and f.get("value")
    ]
    lang = contact.lang or next(
        (e.signals.get("lang") for e in events if e.signals and e.signals.get("lang")), None
    )
    draft = from_contact.draft_from_contact(
        customer_lines="\n".join(e.text for e in events if e.kind == "customer_said" and e.text),
        category=summary.get("category"),
        facts=facts,
        channel=contact.channel,
        language=lang,
        playbook=playbook,
    )
    return {
        "channel": draft.channel,
        "language": draft.language,
        "description": draft.description,
        "category": draft.category,
        "references": list(draft.references),
        "facts": [
            f"{from_contact.fact_label(kind, ui_lang)}: {value}" for kind, value in draft.facts
        ],
    }


@router.get("/cases/new")
def new_case_page(
    request: Request,
    session: SessionDep,
    user: CaseWorker,
    contact: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    common = _common(request, user)
    playbook: Playbook = common["playbook"]
    prefill: dict[str, Any] = {"channel": "phone", "language": common["lang"], "references": []}
    if contact is not None:
        prefill.update(
            prefill_from_contact(
                session, contact_id=contact, user=user, playbook=playbook, ui_lang=common["lang"]
            )
        )
        prefill["language"] = prefill["language"] or common["lang"]
    questions = [
        {"key": q.key, "text": localized(q.text, common["lang"], playbook), "required": q.required}
        for q in playbook.intake
    ]
    return render(
        request,
        "case_new.html",
        user=user,
        title=common["gettext"]("New complaint case"),
        prefill=prefill,
        contact_id=contact,
        questions=questions,
        channels={c.value: common["channel_labels"][c.value] for c in CONTACT_CHANNELS},
        languages=LANGUAGE_NAMES,
        **common,
    )


@router.post("/cases/new")
async def create_case(
    request: Request,
    session: SessionDep,
    user: CaseWorker,
    _csrf: CsrfChecked,
) -> RedirectResponse:
    form = await request.form()
    playbook = request_playbook(request)
    text = {key: str(value).strip() for key, value in form.items() if isinstance(value, str)}
    answers = [
        f"{localized(q.text, text.get('language', 'en'), playbook)}\n{text[f'intake_{q.key}']}"
        for q in playbook.intake
        if text.get(f"intake_{q.key}")
    ]
    description = "\n\n".join(part for part in [text.get("description", ""), *answers] if part)
    references = [r.strip() for r in text.get("references", "").splitlines() if r.strip()]
    try:
        case_in = CaseCreate(
            channel=text.get("channel") or "phone",
            customer_contact=text.get("customer_contact", ""),
            customer_name=text.get("customer_name") or None,
            description=description,
            language=text.get("language") or None,
            category=text.get("category") or None,
            references=references,
            source_contact_id=int(text["contact_id"]) if text.get("contact_id") else None,
        )
    except ValidationError as error:
        raise invalid_form(error) from None
    except ValueError as error:
        raise InvalidInput(str(error), code="invalid_form") from None
    case = cases_service.intake(session, case_in=case_in, actor=user, playbook=playbook)
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


def compensation_limits(playbook: Playbook, case: Case, lang: str) -> dict[str, dict[str, str]]:
    """What the playbook allows for the case, by kind, in the reader's words: the range of each
    option (``0,00 zł – 500,00 zł``) and what an agent grants alone."""
    rule = playbook.compensation_rule(case.category, case.severity)
    if rule is None:
        return {}
    limits: dict[str, dict[str, str]] = {}
    for option in rule.options:
        unit = PERCENT if option.kind == CompensationKind.DISCOUNT_PERCENT else playbook.currency
        alone = compensation_service.agent_limit(rule, CompensationKind(option.kind))
        limits[str(option.kind)] = {
            "min": format_money(option.min, unit, lang),
            "max": format_money(option.max, unit, lang),
            "alone": format_money(alone, unit, lang),
        }
    return limits


@router.get("/cases/{case_id}")
def case_page(request: Request, session: SessionDep, user: CaseWorker, case_id: int) -> Response:
    return _case_page(request, session, user, case_id)


def _case_page(
    request: Request,
    session: Session,
    user: User,
    case_id: int,
    *,
    offer: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    """The case page; ``offer`` is a compensation form refused (what was typed and each field's
    problem, shown beside it) and ``status_code`` its 422."""
    common = _common(request, user)
    case = case_permissions.case_for_user(session, case_id=case_id, user=user)
    events = cases_service.events_of(session, case_id=case.id)
    compensations = compensation_service.list_(session, case_id=case.id)
    gettext = common["gettext"]
    legal = legal_viewer(common["playbook"], common["lang"], gettext, utcnow())
    return render(
        request,
        "case.html",
        user=user,
        title=gettext("Case {number}").format(number=case.id),
        case=case,
        events=events,
        told=_told_log(case, events),
        compensations=compensations,
        next_statuses=sorted(ALLOWED[CaseStatus(case.status)], key=list(CaseStatus).index),
        compensation_kinds=[k.value for k in CompensationKind],
        severity_name=common["severity_names"].get((case.category, case.severity), case.severity),
        may_decide=can(user, Permission.APPROVE_COMPENSATION),
        currency=common["playbook"].currency,
        compensation_labels=labels.translated(labels.COMPENSATION_STATUSES, gettext),
        exchanges={
            item.id: compensation_service.exchange(session, compensation=item)
            for item in compensations
        },
        side_labels=labels.translated(labels.SIDES, gettext),
        may_propose=can(user, Permission.PROPOSE_COMPENSATION),
        awaiting=[c.id for c in compensations if c.status_enum.awaits_approval],
        legal=legal(case),
        limits=compensation_limits(common["playbook"], case, common["lang"]),
        offer=offer or {"kind": "", "amount": "", "reason": "", "errors": {}},
        status_code=status_code,
        **common,
    )


@router.post("/cases/{case_id}/transition")
def transition_case(
    request: Request,
    session: SessionDep,
    user: CaseWorker,
    _csrf: CsrfChecked,
    case_id: int,
    to: Annotated[str, Form(max_length=20)],
    note: Annotated[str, Form(max_length=4000)] = "",
    override_reason: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    case = case_permissions.case_for_user(session, case_id=case_id, user=user)
    try:
        target = CaseStatus(to)
    except ValueError:
        raise InvalidInput(f"unknown status {to!r}", code="unknown_status", value=to) from None
    if override_reason.strip():
        case_permissions.ensure_may_decide_compensation(user)
    cases_service.transition(
        session,
        case=case,
        to=target,
        actor_id=user.id,
        note=note.strip() or None,
        playbook=request_playbook(request),
        override_reason=override_reason.strip() or None,
    )
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


@router.post("/cases/{case_id}/inform")
def inform_customer(
    session: SessionDep,
    user: CaseWorker,
    _csrf: CsrfChecked,
    case_id: int,
    how: Annotated[str, Form(max_length=2000)],
    channel: Annotated[str, Form(max_length=20)],
    contact_person: Annotated[str, Form(max_length=200)] = "",
    message: Annotated[str, Form(max_length=4000)] = "",
) -> RedirectResponse:
    case = case_permissions.case_for_user(session, case_id=case_id, user=user)
    try:
        update = CustomerUpdate(
            how=how.strip(),
            channel=channel,
            contact_person=contact_person.strip() or None,
            message=message.strip() or None,
        )
    except ValidationError as error:
        raise invalid_form(error) from None
    cases_service.inform_customer(session, case=case, update=update, actor_id=user.id)
    return RedirectResponse(f"/cases/{case.id}#told", status_code=303)


@router.post("/cases/{case_id}/compensation")
def propose_compensation(
    request: Request,
    session: SessionDep,
    user: CaseWorker,
    _csrf: CsrfChecked,
    case_id: int,
    kind: Annotated[str, Form(max_length=30)] = "",
    amount: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    case = case_permissions.case_for_user(session, case_id=case_id, user=user)
    case_permissions.ensure_may_propose_compensation(user)
    gettext = gettext_for(page_language(request, user))
    typed = {"kind": kind, "amount": amount, "reason": reason}
    errors: dict[str, str] = {}
    try:
        compensation_in = CompensationCreate(
            kind=kind,
            amount=amount.replace(" ", "").replace("\u00a0", "").replace(",", ".").strip(),
            reason=reason.strip(),
        )
        compensation_service.propose(
            session,
            case=case,
            compensation_in=compensation_in,
            actor_id=user.id,
            playbook=request_playbook(request),
        )
    except ValidationError as error:
        for problem in error.errors():
            field = str(problem["loc"][0]) if problem["loc"] else "amount"
            errors.setdefault(field, gettext(OFFER_PROBLEMS.get(field, OFFER_PROBLEMS["amount"])))
    except CompensationNotAllowed as error:
        field = str(error.fields.get("field") or "amount")
        key = "maximum" if "maximum" in error.fields else field
        errors[field] = gettext(OFFER_PROBLEMS.get(key, OFFER_PROBLEMS["kind"]))
    if errors:
        offer = {**typed, "errors": errors}
        return _case_page(request, session, user, case_id, offer=offer, status_code=422)
    return RedirectResponse(f"/cases/{case.id}#compensation", status_code=303)


OFFER_PROBLEMS = {
    "kind": N_("The playbook offers no compensation of this kind for this case."),
    "amount": N_("Write the amount as a number, for example 150 or 150,50."),
    "maximum": N_("This is above the maximum the playbook allows for this kind."),
    "reason": N_("Say why the customer gets this compensation."),
}


@router.post("/compensations/{compensation_id}/appeal")
def appeal_compensation(
    session: SessionDep,
    user: CaseWorker,
    _csrf: CsrfChecked,
    compensation_id: int,
    reason: Annotated[str, Form(max_length=2000)],
) -> RedirectResponse:
    """The agent answers a supervisor's rejection from the case page."""
    case_permissions.ensure_may_propose_compensation(user)
    compensation = compensation_service.get_or_raise(session, compensation_id=compensation_id)
    case_permissions.case_for_user(session, case_id=compensation.case_id, user=user)
    if not reason.strip():
        raise InvalidInput(
            "reason: say why the rejection should be reconsidered", code="invalid_form"
        )
    compensation_service.appeal(
        session, compensation=compensation, actor_id=user.id, reason=reason.strip()
    )
    return RedirectResponse(f"/cases/{compensation.case_id}#compensation", status_code=303)


@router.post("/compensations/{compensation_id}/{decision}")
def decide_compensation(
    session: SessionDep,
    user: CaseWorker,
    _csrf: CsrfChecked,
    compensation_id: int,
    decision: str,
    rationale: Annotated[str, Form(min_length=1, max_length=2000)],
    back: Annotated[str, Form(max_length=200)] = "",
) -> RedirectResponse:
    case_permissions.ensure_may_decide_compensation(user)
    if decision not in ("approve", "reject"):
        raise InvalidInput("the decision is 'approve' or 'reject'", code="unknown_decision")
    compensation = compensation_service.get_or_raise(session, compensation_id=compensation_id)
    compensation_service.decide(
        session,
        compensation=compensation,
        approve=decision == "approve",
        actor_id=user.id,
        rationale=rationale.strip(),
    )
    local = back.startswith("/") and not back.startswith("//")
    return RedirectResponse(back if local else f"/cases/{compensation.case_id}", status_code=303)
