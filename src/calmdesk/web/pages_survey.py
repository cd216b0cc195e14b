"""The customer's satisfaction survey (no login: the signed link is the key), in the case's
language, and the team leads' results per team, category and handler."""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from calmdesk.cases import permissions as case_permissions
from calmdesk.cases import surveys
from calmdesk.errors import CalmDeskError
from calmdesk.playbook.deps import request_playbook
from calmdesk.settings import get_settings
from calmdesk.users import service as users_service
from calmdesk.users.deps import CurrentUser, SessionDep
from calmdesk.web.csrf import CsrfChecked
from calmdesk.web.i18n import gettext_for
from calmdesk.web.pages_cases import localized
from calmdesk.web.pages_common import page_language, render

router = APIRouter(include_in_schema=False)


def _refusal(error: CalmDeskError, gettext: Any) -> str:
    if isinstance(error, surveys.SurveyExpired):
        return str(gettext("This survey has expired. Thank you for your time."))
    if isinstance(error, surveys.SurveyAlreadyAnswered):
        return str(gettext("This survey has already been answered. Thank you!"))
    return str(gettext("This survey link is not valid. Please use the link exactly as sent."))


def _survey_page(
    request: Request,
    session: SessionDep,
    token: str,
    *,
    problem: str = "",
    typed: dict[str, str] | None = None,
) -> Response:
    try:
        survey = surveys.survey_for_token(session, token=token, secret=get_settings().secret_key)
    except CalmDeskError as error:
        lang = page_language(request, None)
        return render(
            request,
            "survey.html",
            user=None,
            language=lang,
            title=gettext_for(lang)("Your opinion"),
            refusal=_refusal(error, gettext_for(lang)),
            status_code=error.http_status,
        )
    gettext = gettext_for(survey.language)
    playbook = request_playbook(request)
    done = survey.answered_at is not None
    return render(
        request,
        "survey.html",
        user=None,
        language=survey.language,
        title=gettext("Your opinion"),
        refusal="",
        survey=survey,
        token=token,
        company=playbook.company,
        done=done,
        problem=problem,
        typed=typed or {},
        scores=surveys.SCORES,
        status_code=422 if problem else 200,
    )


@router.get("/survey/{token}")
def survey_page(request: Request, session: SessionDep, token: str) -> Response:
    return _survey_page(request, session, token)


@router.post("/survey/{token}")
def answer_survey(
    request: Request,
    session: SessionDep,
    _csrf: CsrfChecked,
    token: str,
    score: Annotated[str, Form(max_length=2)] = "",
    comment: Annotated[str, Form(max_length=surveys.MAX_COMMENT_CHARS + 100)] = "",
) -> Response:
    try:
        survey = surveys.survey_for_token(session, token=token, secret=get_settings().secret_key)
    except CalmDeskError:
        return _survey_page(request, session, token)
    gettext = gettext_for(survey.language)
    if not score.isdigit() or int(score) not in surveys.SCORES:
        return _survey_page(
            request,
            session,
            token,
            problem=gettext("Please choose a score from 1 to 5."),
            typed={"comment": comment},
        )
    if len(comment) > surveys.MAX_COMMENT_CHARS:
        return _survey_page(
            request,
            session,
            token,
            problem=gettext("The comment is too long: at most {limit} characters.").format(
                limit=surveys.MAX_COMMENT_CHARS
            ),
            typed={"comment": comment, "score": score},
        )
    # Answered meanwhile (another tab): the page below thanks them all the same.
    with contextlib.suppress(surveys.SurveyAlreadyAnswered):
        surveys.answer(session, survey=survey, score=int(score), comment=comment)
    return _survey_page(request, session, token)


GROUPINGS = {"team", "category", "owner"}


@router.get("/satisfaction")
def satisfaction_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    by: Annotated[str, Query(max_length=20)] = "team",
) -> Response:
    case_permissions.ensure_may_see_satisfaction(user)
    lang = page_language(request, user)
    gettext = gettext_for(lang)
    playbook = request_playbook(request)
    grouping = by if by in GROUPINGS else "team"
    rows = surveys.results(session, by=grouping)  # type: ignore[arg-type]
    names: dict[str, str] = {}
    if grouping == "team":
        names = {t.key: localized(t.name, lang, playbook) for t in playbook.teams}
    elif grouping == "category":
        names = {c.key: localized(c.name, lang, playbook) for c in playbook.categories}
    else:
        names = {str(u.id): u.display_name or u.username for u in users_service.list_(session)}
    return render(
        request,
        "satisfaction.html",
        user=user,
        title=gettext("Customer satisfaction"),
        rows=rows,
        names=names,
        by=grouping,
        groupings={
            "team": gettext("Team"),
            "category": gettext("Category"),
            "owner": gettext("Case owner"),
        },
    )
