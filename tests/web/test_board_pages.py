"""The board's pages (issue 12) without a browser: another agent's contact opens read only for a
supervisor (the console only after taking it over), the board embeds today's alerts with their
words in the reader's language, and a compensation proposal tells every board to re-read its
approvals."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from calmdesk.cases import service as cases_service
from calmdesk.cases.schemas import CaseCreate
from calmdesk.live import alerts as live_alerts
from calmdesk.live import service as live_service
from calmdesk.live.models import Alert, Contact
from calmdesk.playbook.load import default_playbook
from calmdesk.storage.types import utcnow
from calmdesk.users.models import User
from tests.conftest import LoginHelper, TokenGetter

PLAYBOOK = default_playbook("pl")
JSON_WRITE = {"origin": "http://testserver", "content-type": "application/json"}


def _live_contact(session: Session, agent: User) -> Contact:
    contact = live_service.start_contact(session, agent=agent, lang="pl", playbook=PLAYBOOK)
    live_service.says(
        session,
        contact_id=contact.id,
        speaker="customer",
        text="Ty idioto, oddawaj pieniądze!",
        actor=agent,
        playbook=PLAYBOOK,
    )
    session.commit()
    return contact


def _embedded(page: str, element_id: str) -> Any:
    match = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', page)
    assert match, f"no #{element_id} on the page"
    return json.loads(match.group(1))


def test_a_supervisor_opening_an_agents_contact_gets_the_read_only_monitor(
    client: TestClient, login: LoginHelper, users: dict[str, User], session: Session
) -> None:
    contact = _live_contact(session, users["agent"])
    login(client, "supervisor")
    redirected = client.get(f"/console/{contact.id}", follow_redirects=False)
    assert redirected.status_code == 303
    assert redirected.headers["location"] == f"/board/contacts/{contact.id}"

    page = client.get(f"/board/contacts/{contact.id}").text
    assert 'id="utterance-form"' not in page and 'id="end-contact"' not in page
    assert 'id="whisper-form"' in page and 'id="take-over"' in page
    state = _embedded(page, "monitor-data")["state"]
    assert [e["type"] for e in state["events"]] == ["customer_said"]
    assert state["guidance"]["rung"] == "acknowledge"

    taken = client.post(f"/api/contacts/{contact.id}/take-over", headers=JSON_WRITE)
    assert taken.status_code == 200, taken.text
    console = client.get(f"/console/{contact.id}", follow_redirects=False)
    assert console.status_code == 200
    assert 'id="utterance-form"' in console.text
    monitor = client.get(f"/board/contacts/{contact.id}", follow_redirects=False)
    assert monitor.headers["location"] == f"/console/{contact.id}"


def test_the_agents_console_carries_the_whispers_so_far(
    client: TestClient, login: LoginHelper, users: dict[str, User], session: Session
) -> None:
    contact = _live_contact(session, users["agent"])
    live_service.whisper(
        session, contact_id=contact.id, text="Zaproponuj zwrot.", actor=users["supervisor"]
    )
    session.commit()
    login(client, "agent")
    page = client.get(f"/console/{contact.id}").text
    whispers = _embedded(page, "whisper-data")
    assert whispers["notes"] == [
        {"type": "whisper", "text": "Zaproponuj zwrot.", "by_name": "Sergei Supervisor"}
    ]
    assert whispers["labels"]["whisper_from"] == "Szept od: {name}"
    assert 'src="/static/whisper.js"' in page


def test_the_board_shows_todays_alerts_in_the_readers_language(
    client: TestClient, login: LoginHelper, users: dict[str, User], session: Session
) -> None:
    contact = _live_contact(session, users["agent"])
    for kind in ("abuse", "threat_violence"):
        session.add(
            Alert(
                contact_id=contact.id,
                agent_id=contact.agent_id,
                kind=kind,
                severity=live_alerts.severity_of(kind),
                params={},
                created_at=utcnow(),
            )
        )
    session.commit()
    login(client, "supervisor")  # reads Russian
    data = _embedded(client.get("/board").text, "board-data")
    assert [a["kind"] for a in data["alerts"]] == ["threat_violence", "abuse"]
    assert data["labels"]["alerts"]["threat_violence"] == "Угроза насилием"
    assert data["labels"]["alerts"]["self_harm"] == "Риск причинения себе вреда"
    assert data["severity"]["self_harm"] == data["critical"]
    # No words were stored: the Polish agent's alert text is nowhere in the board's data.
    assert "obraź" not in json.dumps(data["alerts"], ensure_ascii=False)


def test_a_board_section_renders_alone_and_an_unknown_one_is_refused(
    client: TestClient, login: LoginHelper
) -> None:
    login(client, "supervisor")
    approvals = client.get("/board/sections/approvals")
    assert approvals.status_code == 200
    assert 'data-section="approvals"' in approvals.text
    deadlines = client.get("/board/sections/deadlines")
    assert 'data-section="deadlines"' in deadlines.text
    assert client.get("/board/sections/anything").status_code == 422
    login(client, "agent")
    assert client.get("/board/sections/approvals").status_code == 403


def test_a_compensation_proposal_tells_the_board_to_re_read_its_approvals(
    app: FastAPI,
    client: TestClient,
    login: LoginHelper,
    users: dict[str, User],
    session: Session,
    csrf_token: TokenGetter,
) -> None:
    case = cases_service.intake(
        session,
        case_in=CaseCreate(customer_contact="jan@example.pl", description="Zepsuty czajnik."),
        actor=users["agent"],
        playbook=PLAYBOOK,
    )
    session.commit()
    login(client, "supervisor")
    with TestClient(app) as agent_client, client.websocket_connect("/ws/board") as board:
        assert board.receive_json()["type"] == "snapshot"
        login(agent_client, "agent")
        token = csrf_token(agent_client, f"/cases/{case.id}")
        proposed = agent_client.post(
            f"/cases/{case.id}/compensation",
            data={"kind": "refund", "amount": "1500,00", "reason": "Zwrot", "csrf_token": token},
            follow_redirects=False,
        )
        assert proposed.status_code == 303, proposed.text
        seen = []
        for _ in range(5):
            message = board.receive_json()
            seen.append(message)
            if message == {"type": "board_changed", "section": "approvals"}:
                break
    assert {"type": "board_changed", "section": "approvals"} in seen


def test_a_case_changed_outside_any_request_tells_the_board_too(
    client: TestClient, login: LoginHelper, users: dict[str, User], session: Session
) -> None:
    """As the deadline worker does: a commit in a thread of no request (here the test's own)
    still reaches the boards, through the loop their sockets run on."""
    login(client, "supervisor")
    with client.websocket_connect("/ws/board") as board:
        assert board.receive_json()["type"] == "snapshot"
        cases_service.intake(
            session,
            case_in=CaseCreate(customer_contact="ola@example.pl", description="Brak zwrotu."),
            actor=users["agent"],
            playbook=PLAYBOOK,
        )
        session.commit()
        assert board.receive_json() == {"type": "board_changed", "section": "deadlines"}
