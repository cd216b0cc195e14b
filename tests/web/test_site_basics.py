"""What every page shares: ``HEAD`` where ``GET`` is, a favicon, the API's documentation without
a CDN, and error pages that keep the menu, "sign out" and the reader's language."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import LoginHelper

CDN = re.compile(r"https?://(?!testserver)[^\"' ]+\.(?:js|css)")


@pytest.mark.parametrize("path", ["/login", "/healthz", "/static/calmdesk.css", "/docs"])
def test_head_is_answered_where_get_is(client: TestClient, path: str) -> None:
    got = client.get(path)
    head = client.head(path)
    assert got.status_code == head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]


def test_head_of_a_signed_in_page(client: TestClient, login: LoginHelper) -> None:
    login(client, "agent")
    assert client.head("/cases").status_code == 200
    assert client.head("/console").status_code == 200


def test_every_page_has_a_favicon(client: TestClient) -> None:
    page = client.get("/login").text
    assert '<link rel="icon" href="/static/favicon.svg"' in page
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.text.startswith("<svg")


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_api_documentation_loads_nothing_from_another_site(
    client: TestClient, path: str
) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assert CDN.findall(page.text) == []
    assets = re.findall(r'(?:src|href)="(/apidocs-assets/[^"]+)"', page.text)
    assert assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


@pytest.mark.parametrize(
    ("path", "status"), [("/board", 403), ("/no-such-page", 404), ("/cases/999999", 404)]
)
def test_an_error_page_keeps_the_menu_and_sign_out_in_the_readers_language(
    client: TestClient, login: LoginHelper, path: str, status: int
) -> None:
    login(client, "agent")  # reads Polish
    page = client.get(path)
    assert page.status_code == status
    assert 'action="/logout"' in page.text and "Wyloguj" in page.text
    assert 'href="/console"' in page.text and 'lang="pl"' in page.text
    main = page.text.split("<main", 1)[1]
    assert "board.view" not in main and "Your role" not in main


def test_a_bug_on_a_page_is_a_page_with_the_menu(app: FastAPI, login: LoginHelper) -> None:
    @app.get("/boom-for-test", include_in_schema=False)
    def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        login(client, "supervisor")  # reads Russian
        page = client.get("/boom-for-test")
        assert page.status_code == 500
        assert 'lang="ru"' in page.text and 'action="/logout"' in page.text
        assert "a bug" not in page.text and "Traceback" not in page.text
        api = client.get("/api/users/me")
        assert api.status_code == 200
