"""Every page, as each role reads it in Polish and in Russian, shows no English text of our
catalogs, no internal key (``silent_record``, ``board.view``) and no raw ISO moment or duration:
the demo's data (cases, contacts and posts in pl, ru and en) crawled link by link, error pages
included. Customer text (isolated with ``<bdi>``/``dir=auto``) is the customer's own words and
is left out of the check."""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.cli.demo import fill
from calmdesk.languages import Language
from calmdesk.settings import Settings
from calmdesk.users.models import User
from calmdesk.users.sessions import SESSION_COOKIE, open_session
from tests.web.crawl import problems, read_page

ROLES = ("agent", "supervisor", "handler", "admin")
SKIPPED = ("/static", "/api", "/ws", "/logout", "/docs", "/redoc", "/openapi")
# Pages no link leads to, and error pages for a signed-in person.
EXTRA = (
    "/console",
    "/board",
    "/cases",
    "/social",
    "/cases/new",
    "/cases/999999",
    "/console/999999",
    "/no-such-page",
)
MAX_PAGES = 80


@pytest.fixture
def demo(session: Session, app: FastAPI) -> Iterator[None]:
    fill(session, playbook=app.state.playbook, password="demo-password-for-tests")
    session.commit()
    yield


def _sign_in(
    client: TestClient, session: Session, settings: Settings, username: str, lang: str
) -> None:
    user = session.scalars(select(User).where(User.username == username)).one()
    user.language = Language(lang)
    cookie = open_session(session, user=user, settings=settings)
    session.commit()
    client.cookies.set(SESSION_COOKIE, cookie, domain="testserver.local")


def crawl(client: TestClient) -> dict[str, str]:
    """Every page reachable from the start pages by local links (GET), by path."""
    seen: dict[str, str] = {}
    queue = deque(["/", *EXTRA])
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft().split("#")[0]
        if path in seen or path.startswith(SKIPPED):
            continue
        response = client.get(path, follow_redirects=True)
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        seen[path] = response.text
        _, links = read_page(response.text)
        queue.extend(link for link in links if link not in seen)
    return seen


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["pl", "ru"])
@pytest.mark.parametrize("username", ROLES)
def test_no_page_shows_english_or_an_internal_key(
    demo: None,
    client: TestClient,
    session: Session,
    settings: Settings,
    username: str,
    lang: str,
) -> None:
    _sign_in(client, session, settings, username, lang)
    pages = crawl(client)
    assert len(pages) >= 5, sorted(pages)
    found = {path: problems(read_page(html)[0], lang) for path, html in pages.items()}
    bad = {path: p for path, p in found.items() if p}
    if os.environ.get("CRAWL_DUMP"):
        with open(os.environ["CRAWL_DUMP"], "a") as dump:
            dump.write(
                json.dumps({"user": username, "lang": lang, "bad": bad}, ensure_ascii=False) + "\n"
            )
    assert bad == {}


@pytest.mark.parametrize("lang", ["pl", "ru"])
def test_the_check_itself_catches_what_it_looks_for(lang: str) -> None:
    """The crawl would pass on anything if the check were blind: it must flag an English
    catalog text, an internal key, a raw ISO moment and duration, and let customer text be."""
    page = (
        "<main><h1>Supervisor board</h1><p>Rung: silent_record</p><p>board.view</p>"
        "<p>Due 2026-11-12T15:00:00Z</p><p>P14D</p>"
        '<p class="customer-text" dir="auto">Supervisor board, silent_record</p>'
        "<bdi>anna.nowak@example.pl</bdi>"
        '<code translate="no">case.created</code><code>case.sla_breached</code></main>'
    )
    found = problems(read_page(page)[0], lang)
    assert any(p.startswith("English: 'Supervisor board'") for p in found)
    assert any("'silent_record'" in p for p in found)
    assert any("'board.view'" in p for p in found)
    assert sum(p.startswith("raw ISO") for p in found) == 2
    # an identifier marked translate="no" (a webhook's event name) is for integrators
    assert any("'case.sla_breached'" in p for p in found)
    assert not any("'case.created'" in p for p in found)
    assert len(found) == 6


def test_the_crawl_reaches_every_kind_of_page(
    demo: None, client: TestClient, session: Session, settings: Settings
) -> None:
    _sign_in(client, session, settings, "supervisor", "ru")
    pages = crawl(client)
    for prefix in ("/board", "/console/", "/cases/", "/social/", "/playbook", "/no-such-page"):
        assert any(path.startswith(prefix) for path in pages), prefix
