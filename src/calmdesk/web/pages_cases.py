"""The case pages: the queue with filters, a case with its timeline, transitions, what the
customer was told and compensation, and a new case prefilled from a live contact."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from calmdesk.cases import compensation as compensation_service
from calmdesk.cases import from_contact, notes, saved_filters, surveys
from calmdesk.cases import permissions as case_permissions
from calmdesk.cases import service as cases_service
from calmdesk.cases.enums import (
    CaseEventKind,
    CaseStatus,
    Channel,
    CompensationKind,
    CustomerAnswer,
)
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
from calmdesk.live.refusals import localize_error
from calmdesk.mail import send as mail_send
from calmdesk.mail.panel import mail_panel
from calmdesk.playbook.deps import request_playbook
from calmdesk.playbook.schema import Playbook
from calmdesk.settings import get_settings
from calmdesk.storage.types import utcnow
from calmdesk.users import service as users_service
from calmdesk.users.deps import SessionDep, require_permission
from calmdesk.users.models import User
from calmdesk.users.permissions import Permission, can
from calmdesk.web import pages_labels as labels
from calmdesk.web.csrf import CsrfChecked
from calmdesk.web.errors import validation_errors
from calmdesk.web.i18n import LANGUAGE_NAMES, gettext_for
from calmdesk.web.pages_common import page_language, render
from calmdesk.web.pages_labels import N_
from calmdesk.web.pages_legal import legal_viewer

router = APIRouter(include_in_schema=False)

CaseWorker = Annotated[User, Depends(require_permission(Permission.WORK_CASES))]
QUEUE_PAGE_SIZE = 50
CALLBACK_SOON = timedelta(hours=4)
"""The queue's "call-back due" filter: promised within this time (or already late)."""


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


QUEUE_VIEWS = ("open", "mine", "unassigned", "closed", "all")
"""The queue's views: open cases (the default), the user's own, nobody's, closed, every case."""


def _filters_from_query(
    view: str,
    status: str,
    category: str,
    channel: str,
    language: str,
    due: str,
    q: str,
    user: User,
) -> CaseFilters:
    if view not in QUEUE_VIEWS:
        raise InvalidInput(f"unknown view {view!r}", code="invalid_filter", field="view")
    try:
        return CaseFilters(
            status=[CaseStatus(status)] if status else None,
            open=None if status or view == "all" else view != "closed",
            owner_id=user.id if view == "mine" else None,
            unassigned=True if view == "unassigned" else None,
            category=category or None,
            channel=channel or None,
            language=language or None,
            overdue=True if due == "overdue" else None,
            legal_risk=True if due == "legal_risk" else None,
            legal_missed=True if due == "legal_missed" else None,
            legal_provisional=True if due == "legal_provisional" else None,
            callback_before=utcnow() + CALLBACK_SOON if due == "callback" else None,
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
    view: Annotated[str, Query(max_length=20)] = "open",
    status: Annotated[str, Query(max_length=20)] = "",
    category: Annotated[str, Query(max_length=64)] = "",
    channel: Annotated[str, Query(max_length=20)] = "",
    language: Annotated[str, Query(max_length=8)] = "",
    due: Annotated[str, Query(max_length=20)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    common = _common(request, user)
    view = view or "open"
    filters = _filters_from_query(view, status, category, channel, language, due, q, user)
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
            "view": view,
            "status": status,
            "category": category,
            "channel": channel,
            "language": language,
            "due": due,
            "q": q,
        },
        languages=LANGUAGE_NAMES,
        legal_of=legal_viewer(common["playbook"], common["lang"], gettext, utcnow()),
        now=utcnow(),
        views={
            "open": gettext("Open cases"),
            "mine": gettext("My cases"),
            "unassigned": gettext("Nobody's yet"),
            "closed": gettext("Closed"),
            "all": gettext("Every case"),
        },
        saved=saved_filters.list_for(session, user_id=user.id),
        unread_mentions=notes.unread_count(session, user_id=user.id),
        query=saved_filters.clean_query(str(request.url.query)),
        may_take=can(user, Permission.VIEW_ALL_CASES) or can(user, Permission.ASSIGN_CASES),
        **common,
    )


@router.post("/cases/{case_id}/notes")
def add_note(
    request: Request,
    session: SessionDep,
    user: CaseWorker,
    _csrf: CsrfChecked,
    case_id: int,
    text: Annotated[str, Form(max_length=notes.MAX_NOTE_CHARS + 100)] = "",
) -> Response:
    case = case_permissions.case_for_user(session, case_id=case_id, user=user)
    try:
        notes.add_note(session, case=case, author=user, text=text)
    except InvalidInput as error:
        page = _case_page(
            request,
            session,
            user,
            case_id,
            note_problem=localized_error(error, request, user),
            note_text=text,
        )
        page.status_code = 422
        return page
    return RedirectResponse(f"/cases/{case.id}#notes", status_code=303)


@router.get("/mentions")
def mentions_page(request: Request, session: SessionDep, user: CaseWorker) -> Response:
    common = _common(request, user)
    found = notes.mentions_for(session, user_id=user.id, unread_only=False)
    names = {u.id: u.display_name for u in users_service.list_(session)}
    return render(
        request,
        "mentions.html",
        user=user,
        title=common["gettext"]("Mentions"),
        mentions=found,
        names=names,
        **common,
    )


@router.post("/cases/filters")
def save_filter(
    session: SessionDep,
    user: CaseWorker,
    _csrf: CsrfChecked,
    name: Annotated[str, Form(max_length=200)],
    query: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    saved = saved_filters.save(session, user_id=user.id, name=name, query=query)
    return RedirectResponse(f"/cases?{saved.query}", status_code=303)


@router.post("/cases/filters/{filter_id}/delete")
def delete_filter(
    session: SessionDep, user: CaseWorker, _csrf: CsrfChecked, filter_id: int
) -> RedirectResponse:
    saved_filters.delete(session, user_id=user.id, filter_id=filter_id)
    return RedirectResponse("/cases", status_code=303)


@router.post("/cases/{case_id}/take")
def take_case(
    session: SessionDep,
    user: CaseWorker,
    _csrf: CsrfChecked,
    case_id: int,
    back: Annotated[str, Form(max_length=200)] = "",
) -> RedirectResponse:
    case = case_permissions.case_for_user(session, case_id=case_id, user=user)
    case_permissions.ensure_may_take(user, case)
    cases_service.assign(session, case=case, owner_id=user.id, actor_id=user.id)
    local = back.startswith("/") and not back.startswith("//")
    return RedirectResponse(back if local else f"/cases/{case.id}", status_code=303)


@router.post("/cases/{case_id}/assign")
def assign_case(
    session: SessionDep,
    user: CaseWorker,
    _csrf: CsrfChecked,
    case_id: int,
    owner_id: Annotated[str, Form(max_length=12)] = "",
) -> RedirectResponse:
    case = case_permissions.case_for_user(session, case_id=case_id, user=user)
    case_permissions.ensure_may_assign(user)
    owner = users_service.get(session, user_id=int(owner_id)) if owner_id.isdigit() else None
    if owner_id and (owner is None or not can(owner, Permission.WORK_CASES)):
        raise InvalidInput(
            "owner_id: choose someone who works cases", code="invalid_form", field="owner_id"
        )
    cases_service.assign(session, case=case, owner_id=owner.id if owner else None, actor_id=user.id)
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


def team_name(playbook: Playbook, key: str, lang: str) -> str:
    try:
        return localized(playbook.team(key).name, lang, playbook)
    except KeyError:
        return key


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _told_log(case: Case, events: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at,
            "told": e.data.get("told", {}),
            "note": e.note,
            "expected_by": _moment(e.data.get("told", {}).get("expected_by")),
            "next_contact_at": _moment(e.data.get("told", {}).get("next_contact_at")),
        }
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
    return _new_case_form(request, user, common, prefill=prefill, contact_id=contact)


def _new_case_form(
    request: Request,
    user: User,
    common: dict[str, Any],
    *,
    prefill: dict[str, Any],
    contact_id: int | None,
    problems: dict[str, str] | None = None,
    answers: dict[str, str] | None = None,
) -> Response:
    """The new case form; after a refused submission, with what was typed and each problem
    beside its field (answered 422)."""
    playbook: Playbook = common["playbook"]
    questions = [
        {"key": q.key, "text": localized(q.text, common["lang"], playbook), "required": q.required}
        for q in playbook.intake
    ]
    response = render(
        request,
        "case_new.html",
        user=user,
        title=common["gettext"]("New complaint case"),
        prefill=prefill,
        contact_id=contact_id,
        questions=questions,
        answers=answers or {},
        problems=problems or {},
        channels={c.value: common["channel_labels"][c.value] for c in Channel},
        languages=LANGUAGE_NAMES,
        **common,
    )
    if problems:
        response.status_code = 422
    return response


def _form_problems(error: ValidationError, gettext: Callable[[str], str]) -> dict[str, str]:
    """Each bad field of the form with its problem, in the page language where we have words."""
    problems: dict[str, str] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "form"
        kind = item.get("type", "")
        if kind in ("missing", "string_too_short"):
            text = gettext("This field is required.")
        elif kind == "string_too_long":
            text = gettext("This text is too long.")
        elif kind in ("enum", "literal_error"):
            text = gettext("Choose one of the options.")
        else:
            text = gettext("This value is not valid.")
        problems.setdefault(field, text)
    return problems


@router.post("/cases/new")
async def create_case(
    request: Request,
    session: SessionDep,
    user: CaseWorker,
    _csrf: CsrfChecked,
) -> Response:
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
    contact_id = int(text["contact_id"]) if text.get("contact_id", "").isdigit() else None
    common = _common(request, user)

    def refused(problems: dict[str, str]) -> Response:
        typed = {
            "customer_name": text.get("customer_name", ""),
            "customer_contact": text.get("customer_contact", ""),
            "description": text.get("description", ""),
            "category": text.get("category", ""),
            "channel": text.get("channel", ""),
            "language": text.get("language", ""),
            "references": references,
        }
        intake = {q.key: text.get(f"intake_{q.key}", "") for q in playbook.intake}
        return _new_case_form(
            request,
            user,
            common,
            prefill=typed,
            contact_id=contact_id,
            problems=problems,
            answers=intake,
        )

    try:
        case_in = CaseCreate(
            channel=text.get("channel") or "phone",
            customer_contact=text.get("customer_contact") or None,
            customer_name=text.get("customer_name") or None,
            description=description,
            language=text.get("language") or None,
            category=text.get("category") or None,
            references=references,
            source_contact_id=contact_id,
        )
    except ValidationError as error:
        return refused(_form_problems(error, common["gettext"]))
    try:
        case = cases_service.intake(session, case_in=case_in, actor=user, playbook=playbook)
    except InvalidInput as error:
        field = str(error.fields.get("field") or "form")
        return refused({field: localize_error(error, common["lang"])})
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


def localized_error(error: InvalidInput, request: Request, user: User) -> str:
    return localize_error(error, page_language(request, user))


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
    note_problem: str = "",
    note_text: str = "",
    offer: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    """The case page; after a refused note, with the note as typed and the problem; ``offer``
    is a compensation form refused (what was typed and each field's problem, shown beside it);
    ``status_code`` the refusal's 422."""
    common = _common(request, user)
    case = case_permissions.case_for_user(session, case_id=case_id, user=user)
    events = cases_service.events_of(session, case_id=case.id)
    compensations = compensation_service.list_(session, case_id=case.id)
    gettext = common["gettext"]
    legal = legal_viewer(common["playbook"], common["lang"], gettext, utcnow())
    survey = surveys.survey_of_case(session, case_id=case.id)
    secret = get_settings().secret_key
    may_assign = can(user, Permission.ASSIGN_CASES)
    workers = (
        [u for u in users_service.list_(session, active_only=True) if can(u, Permission.WORK_CASES)]
        if may_assign
        else []
    )
    owner = users_service.get(session, user_id=case.owner_id) if case.owner_id else None
    notes.mark_read(session, user_id=user.id, case_id=case.id)  # they are reading it now
    case_notes = notes.notes_of(session, case_id=case.id)
    authors = {
        u.id: u.display_name
        for u in users_service.list_(session)
        if u.id in {n.author_id for n in case_notes}
    }
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
        answer_labels=labels.translated(labels.CUSTOMER_ANSWERS, gettext),
        owner=owner,
        notes=case_notes,
        note_problem=note_problem,
        note_text=note_text,
        authors=authors,
        team_name=team_name(common["playbook"], case.team, common["lang"]),
        may_assign=may_assign,
        workers=workers,
        may_take=case.owner_id != user.id
        and (may_assign or (can(user, Permission.VIEW_ALL_CASES) and case.owner_id is None)),
        survey=survey,
        survey_link=(
            str(request.base_url).rstrip("/") + surveys.survey_path(survey, secret)
            if survey is not None
            else ""
        ),
        now=utcnow(),
        mail=mail_panel(session, case_id=case.id, lang=common["lang"]),
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
    customer_answer: Annotated[str, Form(max_length=20)] = "",
) -> RedirectResponse:
    case = case_permissions.case_for_user(session, case_id=case_id, user=user)
    try:
        target = CaseStatus(to)
        answer = CustomerAnswer(customer_answer) if customer_answer else None
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
        customer_answer=answer,
    )
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


def local_moment(value: str, zone: str, field: str) -> datetime | None:
    """A ``datetime-local`` field (``2026-03-18T12:00``, the company's time zone) as an aware
    moment; empty is ``None``."""
    if not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            f"{field}: not a date and time", code="invalid_form", field=field
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(zone))


@router.post("/cases/{case_id}/inform")
def inform_customer(
    request: Request,
    session: SessionDep,
    user: CaseWorker,
    _csrf: CsrfChecked,
    case_id: int,
    how: Annotated[str, Form(max_length=2000)],
    channel: Annotated[str, Form(max_length=20)],
    contact_person: Annotated[str, Form(max_length=200)] = "",
    message: Annotated[str, Form(max_length=4000)] = "",
    expected_by: Annotated[str, Form(max_length=40)] = "",
    next_contact_at: Annotated[str, Form(max_length=40)] = "",
) -> RedirectResponse:
    case = case_permissions.case_for_user(session, case_id=case_id, user=user)
    zone = request_playbook(request).calendar.timezone
    try:
        update = CustomerUpdate(
            how=how.strip(),
            channel=channel,
            expected_by=local_moment(expected_by, zone, "expected_by"),
            next_contact_at=local_moment(next_contact_at, zone, "next_contact_at"),
            contact_person=contact_person.strip() or None,
            message=message.strip() or None,
        )
    except ValidationError as error:
        raise invalid_form(error) from None
    cases_service.inform_customer(session, case=case, update=update, actor_id=user.id)
    return RedirectResponse(f"/cases/{case.id}#told", status_code=303)


@router.post("/cases/{case_id}/mail/notices/{notice_id}/retry")
def retry_notice(
    session: SessionDep,
    user: CaseWorker,
    _csrf: CsrfChecked,
    case_id: int,
    notice_id: int,
) -> RedirectResponse:
    """Send a failed e-mail notice again (the mail loop picks it up on its next pass)."""
    case = case_permissions.case_for_user(session, case_id=case_id, user=user)
    mail_send.retry_now(session, case_id=case.id, notice_id=notice_id)
    return RedirectResponse(f"/cases/{case.id}#mail", status_code=303)


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
