"""The playbook over HTTP: a signed-in employee reads it in any language; nobody else does."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from calmdesk.playbook.load import default_playbook
from calmdesk.playbook.views import preferred_language
from tests.conftest import LoginHelper

HEADINGS = {"pl": "Kategorie zgłoszeń", "ru": "Категории претензий", "en": "Complaint categories"}


@pytest.mark.parametrize("lang", ["pl", "ru", "en"])
def test_export_page_answers_in_each_language(
    lang: str, client: TestClient, login: LoginHelper
) -> None:
    login(client, "agent")

    response = client.get("/playbook/export", params={"lang": lang})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-language"] == lang
    assert f'<html lang="{lang}">' in response.text
    assert HEADINGS[lang] in response.text


def test_export_language_follows_accept_language(client: TestClient, login: LoginHelper) -> None:
    login(client, "agent")

    response = client.get(
        "/playbook/export", headers={"Accept-Language": "de-DE, ru;q=0.8, en;q=0.5"}
    )

    assert response.headers["content-language"] == "ru"


def test_export_as_markdown(client: TestClient, login: LoginHelper) -> None:
    login(client, "handler")

    response = client.get("/playbook/export", params={"format": "md", "lang": "en"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    assert response.text.startswith("# ")


def test_an_unknown_language_is_a_clear_error(client: TestClient, login: LoginHelper) -> None:
    login(client, "agent")

    response = client.get("/playbook/export", params={"lang": "de"})

    # The parameter is an enum in the OpenAPI document, and the server refuses what it refuses.
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["fields"][0]["field"] == "lang"
    assert "'pl', 'ru' or 'en'" in body["message"]


def test_api_returns_the_running_playbook_as_json(client: TestClient, login: LoginHelper) -> None:
    login(client, "agent")

    body = client.get("/api/playbook").json()

    expected = default_playbook("pl")  # the test settings keep the default playbook
    assert body["name"] == expected.name
    assert [c["key"] for c in body["categories"]] == [c.key for c in expected.categories]
    assert body["categories"][0]["kpi"]["first_response"] == "PT4H"


@pytest.mark.parametrize("path", ["/playbook/export", "/api/playbook"])
def test_strangers_cannot_read_the_policy(path: str, client: TestClient) -> None:
    response = client.get(path, follow_redirects=False)

    # 401 from the API; pages send a browser to sign in.
    assert response.status_code in (401, 303)
    assert default_playbook("pl").categories[0].name["pl"] not in response.text


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ru-RU,ru;q=0.9,en;q=0.8", "ru"),
        ("en-GB;q=0.5, pl", "pl"),
        ("de, fr;q=0.9", None),
        ("pl;q=0, en;q=0.1", "en"),
        ("pl;q=abc, ru", "ru"),
        ("", None),
        (None, None),
    ],
)
def test_preferred_language_reads_accept_language(header: str | None, expected: str | None) -> None:
    assert preferred_language(header, ["pl", "ru", "en"]) == expected
