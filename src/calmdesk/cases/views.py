"""The cases REST API: a thin shell over the services. Access is decided in
:mod:`calmdesk.cases.permissions`; errors are domain errors rendered by ``web.errors``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query, Request, status
from pydantic import ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.api_docs import errors, named_examples
from calmdesk.cases import compensation, notes, reports, service, surveys
from calmdesk.cases.enums import CompensationStatus
from calmdesk.cases.errors import InvalidCaseInput
from calmdesk.cases.models import Case, Compensation
from calmdesk.cases.permissions import (
    case_for_user,
    ensure_may_assign,
    ensure_may_decide_compensation,
    ensure_may_propose_compensation,
    ensure_may_see_reports,
    ensure_may_see_satisfaction,
    ensure_may_take,
    ensure_may_work_cases,
    may_see,
    visible_cases,
)
from calmdesk.cases.schemas import (
    MAX_ID,
    AppealRequest,
    ApprovalDecision,
    CaseCreate,
    CaseEventRead,
    CaseFilters,
    CaseNoteCreate,
    CaseNoteRead,
    CaseRead,
    CaseUpdate,
    CompensationCreate,
    CompensationExchange,
    CompensationRead,
    CustomerUpdate,
    ExchangeEntryRead,
    MentionRead,
    Page,
    PageParams,
    ReportRead,
    SatisfactionRead,
    SatisfactionRow,
    SurveyRead,
    TransitionRequest,
)
from calmdesk.errors import NotFound
from calmdesk.fields import QueryFlag
from calmdesk.playbook.deps import PlaybookDep
from calmdesk.settings import get_settings
from calmdesk.users.deps import CurrentUser, SessionDep
from calmdesk.users.limits import HEAVY_WORK
from calmdesk.users.models import User

# Every route checks the caller's permission (admins work no cases) or the case's owner.
router = APIRouter(tags=["cases"], responses=errors(403))


CaseId = Annotated[int, Path(ge=1, le=MAX_ID, description="The case's id")]
CompensationId = Annotated[int, Path(ge=1, le=MAX_ID)]
MentionId = Annotated[int, Path(ge=1, le=MAX_ID)]


class CaseListQuery(CaseFilters, PageParams):
    model_config = ConfigDict(extra="forbid")


@router.post(
    "/api/cases",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseRead,
    dependencies=[HEAVY_WORK],
)
def create_case(
    case_in: Annotated[CaseCreate, Body(openapi_examples=named_examples(CaseCreate))],
    session: SessionDep,
    user: CurrentUser,
    playbook: PlaybookDep,
) -> Case:
    """Record a complaint from any channel; without a category one is suggested."""
    ensure_may_work_cases(user)
    return service.intake(session, case_in=case_in, actor=user, playbook=playbook)


@router.get("/api/cases", response_model=Page[CaseRead])
def list_cases(
    query: Annotated[CaseListQuery, Query()],
    session: SessionDep,
    user: CurrentUser,
    playbook: PlaybookDep,
) -> Page[CaseRead]:
    """Cases the caller may see, most urgent first, filtered and paginated."""
    filters = CaseFilters.model_validate(query.model_dump(include=set(CaseFilters.model_fields)))
    found = service.list_(
        session,
        filters=filters,
        page=PageParams(page=query.page, per_page=query.per_page),
        scope=visible_cases(user),
        region=playbook.calendar.country,
        timezone=playbook.calendar.timezone,
    )
    return Page[CaseRead](
        items=[CaseRead.model_validate(case) for case in found.items],
        total=found.total,
        page=found.page,
        per_page=found.per_page,
    )


@router.get("/api/cases/{case_id}", response_model=CaseRead)
def read_case(case_id: CaseId, session: SessionDep, user: CurrentUser) -> Case:
    return case_for_user(session, case_id=case_id, user=user)


@router.patch(
    "/api/cases/{case_id}",
    response_model=CaseRead,
    responses=errors(
        (409, "`category_not_in_playbook`: the case's category left the playbook; choose another")
    ),
)
def update_case(
    case_id: CaseId,
    case_in: Annotated[CaseUpdate, Body(openapi_examples=named_examples(CaseUpdate))],
    session: SessionDep,
    user: CurrentUser,
    playbook: PlaybookDep,
) -> Case:
    """Correct a case; assigning an owner needs the assign permission."""
    case = case_for_user(session, case_id=case_id, user=user)
    if "owner_id" in case_in.model_fields_set:
        ensure_may_assign(user)
        if case_in.owner_id is not None and session.get(User, case_in.owner_id) is None:
            raise InvalidCaseInput(
                f"owner_id: there is no user {case_in.owner_id}", field="owner_id"
            )
    return service.update(session, case=case, case_in=case_in, actor_id=user.id, playbook=playbook)


@router.get("/api/cases/{case_id}/events", response_model=list[CaseEventRead])
def case_events(case_id: CaseId, session: SessionDep, user: CurrentUser) -> list[Any]:
    """The case's history, oldest first."""
    case = case_for_user(session, case_id=case_id, user=user)
    return service.events_of(session, case_id=case.id)


@router.get("/api/cases/{case_id}/notes", response_model=list[CaseNoteRead])
def case_notes(case_id: CaseId, session: SessionDep, user: CurrentUser) -> Sequence[Any]:
    """Notes between colleagues on the case, oldest first."""
    case = case_for_user(session, case_id=case_id, user=user)
    return notes.notes_of(session, case_id=case.id)


@router.post(
    "/api/cases/{case_id}/notes",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseNoteRead,
    responses=errors(
        (422, "`mention_cannot_see_case`: a named colleague does not exist or may not see it")
    ),
)
def add_case_note(
    case_id: CaseId,
    note_in: Annotated[CaseNoteCreate, Body(openapi_examples=named_examples(CaseNoteCreate))],
    session: SessionDep,
    user: CurrentUser,
) -> Any:
    """Write a note for colleagues; each ``@username`` in it is notified."""
    case = case_for_user(session, case_id=case_id, user=user)
    return notes.add_note(session, case=case, author=user, text=note_in.text)


@router.get("/api/me/mentions", response_model=list[MentionRead])
def my_mentions(
    session: SessionDep, user: CurrentUser, unread: Annotated[QueryFlag, Query()] = True
) -> list[MentionRead]:
    """Where colleagues named the caller in a note, newest first (unread only by default)."""
    ensure_may_work_cases(user)
    return [
        MentionRead(**vars(m))
        for m in notes.mentions_for(session, user_id=user.id, unread_only=unread)
    ]


@router.post("/api/me/mentions/{mention_id}/read", status_code=status.HTTP_204_NO_CONTENT)
def read_mention(mention_id: MentionId, session: SessionDep, user: CurrentUser) -> None:
    """Mark one mention read."""
    notes.mark_read(session, user_id=user.id, mention_id=mention_id)


@router.post(
    "/api/cases/{case_id}/take",
    response_model=CaseRead,
    responses=errors((403, "the case has another owner (a supervisor may reassign it)")),
)
def take_case(case_id: CaseId, session: SessionDep, user: CurrentUser) -> Case:
    """ "Assign to me": the caller becomes the case's owner."""
    case = case_for_user(session, case_id=case_id, user=user)
    ensure_may_take(user, case)
    return service.assign(session, case=case, owner_id=user.id, actor_id=user.id)


@router.get(
    "/api/cases/{case_id}/survey",
    response_model=SurveyRead,
    responses=errors((404, "`survey_not_found`: the case has not been closed yet")),
)
def case_survey(
    case_id: CaseId, request: Request, session: SessionDep, user: CurrentUser
) -> SurveyRead:
    """The satisfaction survey opened when the case was closed, with the link to send."""
    case = case_for_user(session, case_id=case_id, user=user)
    survey = surveys.survey_of_case(session, case_id=case.id)
    if survey is None:
        raise NotFound(
            f"Case {case.id} has no survey: one is opened when the case is closed.",
            code="survey_not_found",
            case_id=case.id,
        )
    path = surveys.survey_path(survey, get_settings().secret_key)
    return SurveyRead(
        case_id=case.id,
        language=survey.language,
        sent_at=survey.sent_at,
        expires_at=survey.expires_at,
        answered_at=survey.answered_at,
        score=survey.score,
        comment=survey.comment,
        link=str(request.base_url).rstrip("/") + path,
    )


@router.get("/api/satisfaction", response_model=SatisfactionRead)
def satisfaction(
    session: SessionDep,
    user: CurrentUser,
    by: Annotated[Literal["team", "category", "owner"], Query()] = "team",
) -> SatisfactionRead:
    """Surveys sent, answered, the average score and the spread of scores per team, category
    or case owner."""
    ensure_may_see_satisfaction(user)
    rows = surveys.results(session, by=by)
    return SatisfactionRead(
        by=by,
        rows=[
            SatisfactionRow(
                group=r.group, sent=r.sent, answered=r.answered, average=r.average, scores=r.scores
            )
            for r in rows
        ],
    )


@router.post(
    "/api/cases/{case_id}/transitions",
    response_model=CaseRead,
    responses=errors(
        (
            409,
            "`invalid_transition`: not allowed from the case's status;"
            " `compensation_awaits_approval`: resolving or closing while a compensation waits"
            " for a supervisor (a supervisor may send `override_reason`)",
        )
    ),
)
def transition_case(
    case_id: CaseId,
    request_in: Annotated[
        TransitionRequest, Body(openapi_examples=named_examples(TransitionRequest))
    ],
    session: SessionDep,
    user: CurrentUser,
    playbook: PlaybookDep,
) -> Case:
    """Move the case (409 ``invalid_transition`` names the allowed moves). Resolving or closing
    while a compensation awaits approval is refused (409 ``compensation_awaits_approval``)
    unless a supervisor gives ``override_reason``, which is recorded on the case. Resolving
    needs ``customer_answer`` (422 ``customer_answer_required``)."""
    case = case_for_user(session, case_id=case_id, user=user)
    if request_in.override_reason is not None:
        ensure_may_decide_compensation(user)
    return service.transition(
        session,
        case=case,
        to=request_in.to,
        actor_id=user.id,
        note=request_in.note,
        playbook=playbook,
        customer_update=request_in.customer_update,
        override_reason=request_in.override_reason,
        customer_answer=request_in.customer_answer,
    )


@router.post(
    "/api/cases/{case_id}/customer-updates",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseEventRead,
)
def inform_customer(
    case_id: CaseId,
    update_in: Annotated[CustomerUpdate, Body(openapi_examples=named_examples(CustomerUpdate))],
    session: SessionDep,
    user: CurrentUser,
) -> Any:
    """Record what the customer was told (how, how long, who, when, which channel)."""
    case = case_for_user(session, case_id=case_id, user=user)
    return service.inform_customer(session, case=case, update=update_in, actor_id=user.id)


@router.get("/api/cases/{case_id}/compensations", response_model=list[CompensationRead])
def case_compensations(case_id: CaseId, session: SessionDep, user: CurrentUser) -> list[Any]:
    case = case_for_user(session, case_id=case_id, user=user)
    return compensation.list_(session, case_id=case.id)


@router.post(
    "/api/cases/{case_id}/compensations",
    status_code=status.HTTP_201_CREATED,
    response_model=CompensationRead,
    responses=errors((409, "`case_closed`: a closed case takes no compensation")),
)
def propose_compensation(
    case_id: CaseId,
    compensation_in: Annotated[
        CompensationCreate, Body(openapi_examples=named_examples(CompensationCreate))
    ],
    session: SessionDep,
    user: CurrentUser,
    playbook: PlaybookDep,
) -> Compensation:
    """Granted at once while the case's total stays within the agent's limit (and the customer's
    cap, if the playbook has one), otherwise pending a supervisor."""
    case = case_for_user(session, case_id=case_id, user=user)
    ensure_may_propose_compensation(user)
    return compensation.propose(
        session, case=case, compensation_in=compensation_in, actor_id=user.id, playbook=playbook
    )


@router.get("/api/compensations", response_model=list[CompensationRead])
def list_compensations(
    session: SessionDep,
    user: CurrentUser,
    status_: Annotated[CompensationStatus | None, Query(alias="status")] = None,
) -> list[Compensation]:
    """Compensation proposals on the cases the caller may see (``?status=pending``: the
    supervisor's approval queue)."""
    ensure_may_work_cases(user)
    found = compensation.list_(session, status=status_)
    case_ids = {c.case_id for c in found}
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(case_ids)))}
    return [c for c in found if may_see(user, cases[c.case_id])]


def _decide(
    session: Session, user: User, compensation_id: int, decision: ApprovalDecision, approve: bool
) -> Compensation:
    ensure_may_decide_compensation(user)
    found = compensation.get_or_raise(session, compensation_id=compensation_id)
    return compensation.decide(
        session, compensation=found, approve=approve, actor_id=user.id, rationale=decision.rationale
    )


@router.post(
    "/api/compensations/{compensation_id}/approve",
    response_model=CompensationRead,
    responses=errors((409, "`compensation_not_pending`: already decided")),
)
def approve_compensation(
    compensation_id: CompensationId,
    decision: Annotated[ApprovalDecision, Body(openapi_examples=named_examples(ApprovalDecision))],
    session: SessionDep,
    user: CurrentUser,
) -> Compensation:
    """A supervisor grants a pending proposal with a rationale."""
    return _decide(session, user, compensation_id, decision, approve=True)


@router.post(
    "/api/compensations/{compensation_id}/reject",
    response_model=CompensationRead,
    responses=errors((409, "`compensation_not_pending`: already decided")),
)
def reject_compensation(
    compensation_id: CompensationId,
    decision: Annotated[ApprovalDecision, Body(openapi_examples=named_examples(ApprovalDecision))],
    session: SessionDep,
    user: CurrentUser,
) -> Compensation:
    """A supervisor refuses a pending proposal with a rationale."""
    return _decide(session, user, compensation_id, decision, approve=False)


@router.post(
    "/api/compensations/{compensation_id}/appeal",
    response_model=CompensationRead,
    responses=errors(
        (
            409,
            "`compensation_not_rejected`: only a rejection can be answered;"
            " `compensation_already_appealed`: answered once already;"
            " `case_closed`: the case is closed",
        )
    ),
)
def appeal_compensation(
    compensation_id: CompensationId,
    appeal_in: Annotated[AppealRequest, Body(openapi_examples=named_examples(AppealRequest))],
    session: SessionDep,
    user: CurrentUser,
) -> Compensation:
    """The agent answers a supervisor's rejection; the proposal waits for the supervisor again
    (status ``appealed``), who approves or rejects it with the usual routes."""
    ensure_may_propose_compensation(user)
    found = compensation.get_or_raise(session, compensation_id=compensation_id)
    case_for_user(session, case_id=found.case_id, user=user)
    return compensation.appeal(
        session, compensation=found, actor_id=user.id, reason=appeal_in.reason
    )


@router.get("/api/compensations/{compensation_id}/exchange", response_model=CompensationExchange)
def compensation_exchange(
    compensation_id: CompensationId, session: SessionDep, user: CurrentUser
) -> CompensationExchange:
    """The agent's reason, the supervisor's answers and the agent's reply, oldest first, with
    the outcome."""
    found = compensation.get_or_raise(session, compensation_id=compensation_id)
    case_for_user(session, case_id=found.case_id, user=user)
    return CompensationExchange(
        compensation=CompensationRead.model_validate(found),
        entries=[
            ExchangeEntryRead.model_validate(entry)
            for entry in compensation.exchange(session, compensation=found)
        ],
        outcome=found.status_enum,
    )


DAY_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


@router.get(
    "/api/reports/{name}",
    response_model=ReportRead,
    responses=errors(
        (
            422,
            "`unknown_report`: no report of that name (`reports` lists them);"
            " `invalid_report_period`: `from` or `to` is not a date (YYYY-MM-DD), `from` is"
            " after `to`, or the period is longer than 731 days (`field` names which)",
        )
    ),
)
def report(
    session: SessionDep,
    user: CurrentUser,
    playbook: PlaybookDep,
    name: Annotated[
        str,
        Path(
            max_length=40,
            description="the report",
            json_schema_extra={"enum": list(reports.REPORTS)},
        ),
    ],
    start: Annotated[
        str | None,
        Query(
            alias="from",
            pattern=DAY_PATTERN,
            description="first day (YYYY-MM-DD), included; by default 8 weeks before `to`",
        ),
    ] = None,
    end: Annotated[
        str | None,
        Query(
            alias="to",
            pattern=DAY_PATTERN,
            description="last day (YYYY-MM-DD), included; by default today",
        ),
    ] = None,
) -> ReportRead:
    """One report of the reports page over a period of days in the playbook's time zone (by
    default the last 8 weeks): the complaints received in it per category, team, channel or
    week, the time to first response, the legal deadlines missed, the compensation granted,
    the satisfaction per team, or the abuse agents received (contacts started in it)."""
    ensure_may_see_reports(user)
    which = reports.ensure_report(name)
    period = reports.parse_period(start, end, playbook=playbook)
    return ReportRead(
        report=which,
        start=period.start,
        end=period.end,
        timezone=period.timezone,
        columns=list(reports.COLUMNS[which]),
        rows=reports.as_records(which, reports.run(session, which, period)),
    )
