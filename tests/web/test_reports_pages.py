"""The reports page, its CSV files and the API's reports, on known rows (SQLite and
PostgreSQL): in Polish and Russian with the viewer's number, date and money formats; a bad
period answered with 422 naming the problem, the form keeping what was typed."""

from __future__ import annotations

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from calmdesk.cases.models import Case
from calmdesk.languages import Language
from calmdesk.users.models import User
from tests.cases.test_reports import known as known
from tests.conftest import LoginHelper

PERIOD = "from=2026-03-02&to=2026-03-22"


def section(page: str, name: str) -> str:
    found = re.search(rf'data-testid="report-{name}".*?</section>', page, re.S)
    assert found, f"no section {name}"
    return found.group(0)


def cells(html: str) -> list[list[str]]:
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    assert body
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    ]


def as_polish(session: Session, users: dict[str, User]) -> None:
    users["supervisor"].language = Language.PL
    session.commit()


def test_the_page_in_polish_draws_each_report_with_its_table(
    client: TestClient,
    login: LoginHelper,
    session: Session,
    users: dict[str, User],
    known: dict[str, Case],
) -> None:
    as_polish(session, users)
    login(client, "supervisor")
    page = client.get(f"/reports?{PERIOD}")
    assert page.status_code == 200, page.text
    html = page.text
    assert '<html lang="pl">' in html and 'lang="pl" dir="ltr"' in html
    assert "<h1>Raporty</h1>" in html
    weeks = section(html, "weeks")
    assert "<polyline" in weeks and '<title id="chart-weeks-title">' in weeks
    assert cells(weeks) == [["2 mar 2026", "2"], ["9 mar 2026", "2"], ["16 mar 2026", "1"]]
    teams = section(html, "teams")
    assert teams.count('class="chart-bar"') == 2
    assert cells(teams)[0][1] == "3"
    first = cells(section(html, "first_response"))
    # every team: 5 cases, 3 answered, median 4 h, p90 10 h, 2 of 5 judged on time
    assert first[0] == ["Wszystkie zespoły", "5", "3", "4,0 godz.", "10,0 godz.", "40%"]
    money = cells(section(html, "compensation"))
    assert money[0][1:] == ["2", "150,50\xa0zł"]
    assert money[1][2] == "—"  # a percent discount: no sum
    satisfaction = cells(section(html, "satisfaction"))
    assert satisfaction[0][2:] == ["100%", "3,5"]
    assert 'href="/reports/weeks.csv?from=2026-03-02&amp;to=2026-03-22"' in html


def test_the_page_in_russian(
    client: TestClient, login: LoginHelper, users: dict[str, User], known: dict[str, Case]
) -> None:
    login(client, "supervisor")  # Sergei's language is Russian
    html = client.get(f"/reports?{PERIOD}").text
    assert '<html lang="ru">' in html
    assert "<h1>Отчёты</h1>" in html
    assert cells(section(html, "weeks"))[0] == ["2 мар. 2026\u202fг.", "2"]
    first = cells(section(html, "first_response"))
    assert first[0][3:] == ["4,0 ч", "10,0 ч", "40\xa0%"]
    legal = cells(section(html, "legal_missed"))
    # seen today, every deadline of March has passed: a, b (late), e; c, d
    assert [row[2:] for row in legal] == [["3", "2"], ["2", "2"]]


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("from=2026-03-22&to=2026-03-02", "from", "po jego końcu"),
        ("from=2.03.2026&to=2026-03-22", "from", "„2.03.2026” nie jest datą"),
        ("from=2020-01-01&to=2026-03-22", "to", "731"),
    ],
)
def test_a_bad_period_is_a_422_naming_the_problem_keeping_what_was_typed(
    client: TestClient,
    login: LoginHelper,
    session: Session,
    users: dict[str, User],
    query: str,
    field: str,
    words: str,
) -> None:
    as_polish(session, users)
    login(client, "supervisor")
    page = client.get(f"/reports?{query}")
    assert page.status_code == 422
    problem = re.search(r'data-testid="period-problem">(.*?)</p>', page.text)
    assert problem and words in problem.group(1), page.text
    typed = dict(part.split("=") for part in query.split("&"))
    assert f'value="{typed["from"]}"' in page.text and f'value="{typed["to"]}"' in page.text
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', page.text)
    assert 'data-testid="report-' not in page.text


def test_a_report_as_csv_with_a_byte_order_mark(
    client: TestClient,
    login: LoginHelper,
    session: Session,
    users: dict[str, User],
    known: dict[str, Case],
) -> None:
    as_polish(session, users)
    login(client, "supervisor")
    response = client.get(f"/reports/compensation.csv?{PERIOD}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "compensation-2026-03-02-2026-03-22.csv" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Rodzaj", "Waluta", "Przyznana", "Razem"],
        ["refund", "PLN", "2", "150.50"],
        ["discount_percent", "%", "1", "10.00"],
    ]
    teams = client.get(f"/reports/first_response.csv?{PERIOD}").content.decode("utf-8-sig")
    assert teams.splitlines()[1] == ",5,3,14400.0,36000.0,2,5,0.4"
    assert client.get(f"/reports/secrets.csv?{PERIOD}").status_code == 422
    assert client.get("/reports/weeks.csv?from=2026-13-01").status_code == 422


def test_the_api_gives_the_same_rows(
    client: TestClient, login: LoginHelper, known: dict[str, Case]
) -> None:
    login(client, "supervisor")
    answer = client.get(f"/api/reports/teams?{PERIOD}")
    assert answer.status_code == 200
    assert answer.json() == {
        "report": "teams",
        "from": "2026-03-02",
        "to": "2026-03-22",
        "timezone": "Europe/Warsaw",
        "columns": ["team", "cases"],
        "rows": [{"team": "billing", "cases": 3}, {"team": "logistics", "cases": 2}],
    }
    unknown = client.get("/api/reports/secrets")
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_report"
    bad = client.get("/api/reports/weeks?from=2026-03-22&to=2026-03-01")
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_report_period" and bad.json()["field"] == "from"


@pytest.mark.parametrize("username", ["agent", "handler", "admin"])
def test_only_who_sees_the_board_sees_the_reports(
    client: TestClient, login: LoginHelper, username: str
) -> None:
    login(client, username)
    assert client.get("/reports").status_code == 403
    assert client.get("/reports/weeks.csv").status_code == 403
    assert client.get("/api/reports/weeks").status_code == 403


def test_an_empty_period_says_so_without_charts(
    client: TestClient, login: LoginHelper, known: dict[str, Case]
) -> None:
    login(client, "supervisor")
    page = client.get("/reports?from=2025-01-06&to=2025-01-19")
    assert page.status_code == 200
    assert "<svg" not in page.text
    assert "За этот период жалоб не поступало." in section(page.text, "teams")
    assert cells(section(page.text, "weeks")) == [
        ["6 янв. 2025\u202fг.", "0"],
        ["13 янв. 2025\u202fг.", "0"],
    ]
