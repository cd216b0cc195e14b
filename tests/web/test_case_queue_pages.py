"""The queue as a handler works it: open cases by default (closed ones only when asked), their
own queue, "assign to me", a supervisor's reassignment, and filters saved per user."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from calmdesk.cases import saved_filters
from calmdesk.cases import service as cases_service
from calmdesk.cases.enums import CaseStatus
from calmdesk.playbook.load import default_playbook
from calmdesk.users.models import User
from tests.cases.conftest import walk_to
from tests.conftest import LoginHelper, TokenGetter
from tests.web.test_case_legal_and_money_pages import intake

PL = default_playbook("pl")


def rows(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-case-id="(\d+)"', page)]


def test_the_queue_shows_open_cases_unless_asked_for_closed_ones(
    client: TestClient, login: LoginHelper, session: Session, users: dict[str, User]
) -> None:
    open_id, closed_id = (intake(session, users["handler"]) for _ in range(2))
    walk_to(session, cases_service.get_or_raise(session, case_id=closed_id), CaseStatus.CLOSED, PL)
    session.commit()
    login(client, "handler")
    assert rows(client.get("/cases").text) == [open_id]
    assert rows(client.get("/cases?view=closed").text) == [closed_id]
    assert sorted(rows(client.get("/cases?view=all").text)) == [open_id, closed_id]
    assert rows(client.get("/cases?status=closed").text) == [closed_id]
    assert client.get("/cases?view=everything").status_code == 422


def test_a_handler_takes_a_case_and_finds_it_in_their_own_queue(
    client: TestClient,
    login: LoginHelper,
    csrf_token: TokenGetter,
    session: Session,
    users: dict[str, User],
) -> None:
    mine, other = (intake(session, users["agent"]) for _ in range(2))
    login(client, "handler")
    assert rows(client.get("/cases?view=mine").text) == []
    taken = client.post(
        f"/cases/{mine}/take",
        data={"csrf_token": csrf_token(client, "/cases"), "back": "/cases?view=mine"},
        follow_redirects=False,
    )
    assert taken.headers["location"] == "/cases?view=mine"
    assert rows(client.get("/cases?view=mine").text) == [mine]
    assert rows(client.get("/cases?view=unassigned").text) == [other]
    page = client.get(f"/cases/{mine}").text
    assert re.search(r'data-testid="case-owner"><bdi>Helen Handler</bdi>', page)
    events = cases_service.events_of(session, case_id=mine)
    assert events[-1].data["changes"]["owner_id"] == users["handler"].id


def test_a_taken_case_is_reassigned_only_by_a_supervisor(
    client: TestClient,
    login: LoginHelper,
    csrf_token: TokenGetter,
    session: Session,
    users: dict[str, User],
) -> None:
    case_id = intake(session, users["agent"])
    case = cases_service.get_or_raise(session, case_id=case_id)
    cases_service.assign(session, case=case, owner_id=users["handler"].id, actor_id=None)
    session.commit()
    login(client, "agent")
    refused = client.post(
        f"/cases/{case_id}/take", data={"csrf_token": csrf_token(client, "/cases")}
    )
    assert refused.status_code == 403
    login(client, "supervisor")
    assert 'data-testid="reassign"' in client.get(f"/cases/{case_id}").text
    moved = client.post(
        f"/cases/{case_id}/assign",
        data={"owner_id": str(users["agent"].id), "csrf_token": csrf_token(client, "/cases")},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    session.expire_all()
    assert cases_service.get_or_raise(session, case_id=case_id).owner_id == users["agent"].id
    bad = client.post(
        f"/cases/{case_id}/assign",
        data={"owner_id": str(users["admin"].id), "csrf_token": csrf_token(client, "/cases")},
    )
    assert bad.status_code == 422  # admins work no cases


def test_saved_filters_are_the_users_own_and_keep_only_queue_parameters(
    client: TestClient,
    login: LoginHelper,
    csrf_token: TokenGetter,
    session: Session,
    users: dict[str, User],
) -> None:
    login(client, "handler")
    saved = client.post(
        "/cases/filters",
        data={
            "name": "Faktury  po terminie",
            "query": "view=open&category=invoice_error&due=overdue&evil=1&page=3",
            "csrf_token": csrf_token(client, "/cases"),
        },
        follow_redirects=False,
    )
    assert saved.headers["location"] == "/cases?view=open&category=invoice_error&due=overdue"
    page = client.get("/cases").text
    assert "Faktury po terminie" in page
    [mine] = saved_filters.list_for(session, user_id=users["handler"].id)
    assert saved_filters.list_for(session, user_id=users["agent"].id) == []
    login(client, "agent")
    other = client.post(
        f"/cases/filters/{mine.id}/delete", data={"csrf_token": csrf_token(client, "/cases")}
    )
    assert other.status_code == 404
    unnamed = client.post(
        "/cases/filters", data={"name": "  ", "csrf_token": csrf_token(client, "/cases")}
    )
    assert unnamed.status_code == 422


def test_a_mention_shows_on_the_queue_until_the_case_is_opened(
    client: TestClient,
    login: LoginHelper,
    csrf_token: TokenGetter,
    session: Session,
    users: dict[str, User],
) -> None:
    case_id = intake(session, users["agent"])
    login(client, "supervisor")
    refused = client.post(
        f"/cases/{case_id}/notes",
        data={"text": "@nikt spójrz", "csrf_token": csrf_token(client, f"/cases/{case_id}")},
    )
    assert refused.status_code == 422
    assert "@nikt spójrz" in refused.text  # the note as typed stays
    written = client.post(
        f"/cases/{case_id}/notes",
        data={
            "text": "@agent proszę oddzwonić",
            "csrf_token": csrf_token(client, f"/cases/{case_id}"),
        },
        follow_redirects=False,
    )
    assert written.status_code == 303
    login(client, "agent")
    assert 'data-testid="unread-mentions"' in client.get("/cases").text
    assert "proszę oddzwonić" in client.get("/mentions").text
    assert "@agent proszę oddzwonić" in client.get(f"/cases/{case_id}").text
    assert 'data-testid="unread-mentions"' not in client.get("/cases").text
