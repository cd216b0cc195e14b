"""The satisfaction survey: opened when a case is closed, a signed link that cannot be forged
or stretched, answerable once, expiring, in the case's language, results per group."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from calmdesk.cases import surveys
from calmdesk.cases.enums import CaseStatus
from calmdesk.cases.models import CaseSurvey
from calmdesk.customers import service as customers
from calmdesk.storage.types import utcnow
from tests.cases.conftest import MakeCase
from tests.conftest import TEST_SECRET_KEY

SECRET = TEST_SECRET_KEY


def closed_case(make_case: MakeCase, walk: Any, **fields: Any) -> Any:
    return walk(make_case(**fields), CaseStatus.CLOSED)


def test_closing_opens_one_survey_and_closing_again_keeps_it(
    make_case: MakeCase, walk: Any, move: Any, session: Session
) -> None:
    case = walk(make_case(), CaseStatus.RESOLVED)
    assert surveys.survey_of_case(session, case_id=case.id) is None
    move(case, CaseStatus.CLOSED)
    survey = surveys.survey_of_case(session, case_id=case.id)
    assert survey is not None
    assert (survey.language, survey.team, survey.category) == ("pl", case.team, case.category)
    assert surveys.open_survey(session, case=case).id == survey.id


def test_the_link_opens_its_survey(make_case: MakeCase, walk: Any, session: Session) -> None:
    case = closed_case(make_case, walk)
    survey = surveys.survey_of_case(session, case_id=case.id)
    assert survey is not None
    token = surveys.token_of(survey, SECRET)
    assert surveys.survey_for_token(session, token=token, secret=SECRET).id == survey.id


@pytest.mark.parametrize(
    "forge",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature altered
        lambda t: "9" + t,  # another survey's id
        lambda t: t.split(".")[0] + "." + str(int(t.split(".")[1]) + 86400) + "." + t.split(".")[2],
        lambda t: t.rsplit(".", 1)[0],  # signature cut off
        lambda t: "not-a-token",
        lambda t: "1.2.3.4",
    ],
)
def test_a_forged_or_stretched_link_is_refused(
    make_case: MakeCase, walk: Any, session: Session, forge: Any
) -> None:
    case = closed_case(make_case, walk)
    survey = surveys.survey_of_case(session, case_id=case.id)
    assert survey is not None
    with pytest.raises(surveys.SurveyLinkInvalid):
        surveys.survey_for_token(
            session, token=forge(surveys.token_of(survey, SECRET)), secret=SECRET
        )


def test_a_link_signed_with_another_key_is_refused(
    make_case: MakeCase, walk: Any, session: Session
) -> None:
    survey = surveys.survey_of_case(session, case_id=closed_case(make_case, walk).id)
    assert survey is not None
    token = surveys.token_of(survey, "another-server-secret-" + "x" * 20)
    with pytest.raises(surveys.SurveyLinkInvalid):
        surveys.survey_for_token(session, token=token, secret=SECRET)


def test_the_link_expires(make_case: MakeCase, walk: Any, session: Session) -> None:
    survey = surveys.survey_of_case(session, case_id=closed_case(make_case, walk).id)
    assert survey is not None
    token = surveys.token_of(survey, SECRET)
    later = utcnow() + surveys.SURVEY_VALID + timedelta(minutes=1)
    with pytest.raises(surveys.SurveyExpired):
        surveys.survey_for_token(session, token=token, secret=SECRET, now=later)


def test_a_survey_is_answered_once(make_case: MakeCase, walk: Any, session: Session) -> None:
    survey = surveys.survey_of_case(session, case_id=closed_case(make_case, walk).id)
    assert survey is not None
    with pytest.raises(surveys.InvalidSurveyAnswer):
        surveys.answer(session, survey=survey, score=6, comment=None)
    surveys.answer(session, survey=survey, score=4, comment="  Szybko i uprzejmie. ")
    assert (survey.score, survey.comment) == (4, "Szybko i uprzejmie.")
    with pytest.raises(surveys.SurveyAlreadyAnswered):
        surveys.answer(session, survey=survey, score=1, comment="zmiana zdania")
    assert survey.score == 4


def test_results_per_team_and_category_count_sent_and_answered(
    make_case: MakeCase, walk: Any, session: Session
) -> None:
    for score in (5, 3, None):
        survey = surveys.survey_of_case(session, case_id=closed_case(make_case, walk).id)
        assert survey is not None
        if score is not None:
            surveys.answer(session, survey=survey, score=score, comment=None)
    [row] = surveys.results(session, by="category")
    assert (row.group, row.sent, row.answered, row.average) == ("invoice_error", 3, 2, 4.0)
    assert row.scores == {1: 0, 2: 0, 3: 1, 4: 0, 5: 1}


def test_erasure_removes_the_comment_and_keeps_the_score(
    make_case: MakeCase, walk: Any, session: Session
) -> None:
    case = closed_case(make_case, walk, customer_contact="ewa@example.pl")
    survey = surveys.survey_of_case(session, case_id=case.id)
    assert survey is not None
    surveys.answer(session, survey=survey, score=2, comment="Ewa Nowak, tel. 601 234 567")
    exported = customers.export_customer(session, contact="ewa@example.pl", region="PL")
    assert exported["cases"][0]["survey"]["comment"] == "Ewa Nowak, tel. 601 234 567"
    customers.erase_customer(session, contact="ewa@example.pl", actor_id=None, region="PL")
    session.expire_all()
    erased = session.get(CaseSurvey, survey.id)
    assert erased is not None
    assert (erased.score, erased.comment) == (2, None)


def _link_path(client: TestClient, headers: dict[str, str], case_id: int) -> str:
    answer = client.get(f"/api/cases/{case_id}/survey", headers=headers)
    assert answer.status_code == 200, answer.text
    link: str = answer.json()["link"]
    return "/" + link.split("/", 3)[3]


def test_the_customer_answers_in_the_cases_language_without_signing_in(
    make_case: MakeCase, walk: Any, client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    case = closed_case(make_case, walk, language="ru", description="Заказ не доставили.")
    path = _link_path(client, tokens["handler"], case.id)
    page = client.get(path, headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert 'lang="ru"' in page.text and "Ваше мнение" in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    missing = client.post(path, data={"csrf_token": csrf.group(1), "comment": "Долго ждал."})
    assert missing.status_code == 422
    assert "Долго ждал." in missing.text  # what was typed is kept
    done = client.post(path, data={"csrf_token": csrf.group(1), "score": "3", "comment": "Долго."})
    assert done.status_code == 200 and "Спасибо" in done.text
    again = client.get(path)
    assert 'name="score"' not in again.text
    survey = client.get(f"/api/cases/{case.id}/survey", headers=tokens["handler"]).json()
    assert (survey["score"], survey["comment"]) == (3, "Долго.")


def test_a_bad_link_gets_a_page_not_an_error(client: TestClient) -> None:
    page = client.get("/survey/1.2.abc", headers={"Accept-Language": "pl"})
    assert page.status_code == 404
    assert "link do ankiety jest nieprawidłowy" in page.text


def test_an_open_case_has_no_survey_yet(
    make_case: MakeCase, client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    case = make_case()
    answer = client.get(f"/api/cases/{case.id}/survey", headers=tokens["handler"])
    assert answer.status_code == 404
    assert answer.json()["code"] == "survey_not_found"


def test_satisfaction_results_are_for_those_who_watch_the_floor(
    make_case: MakeCase, walk: Any, client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    closed_case(make_case, walk)
    assert client.get("/api/satisfaction", headers=tokens["agent"]).status_code == 403
    answer = client.get("/api/satisfaction?by=team", headers=tokens["supervisor"])
    assert answer.status_code == 200
    assert [(r["sent"], r["answered"]) for r in answer.json()["rows"]] == [(1, 0)]
    assert (
        client.get("/api/satisfaction?by=weather", headers=tokens["supervisor"]).status_code == 422
    )
