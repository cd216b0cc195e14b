"""An open WebSocket keeps checking the credential it was opened with: once its token is
revoked or its account disabled, the next frame closes it with 4401 and a reason naming why,
and nothing it sent after the revocation is stored. (The periodic check, which closes a quiet
socket, runs against real workers in ``test_workers.py``.)"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from calmdesk.live.sockets import CLOSE_NOT_AUTHENTICATED
from calmdesk.users import service
from calmdesk.users.models import User
from tests.live.helpers import bearer, start

LINE = {"type": "utterance", "speaker": "customer", "text": "Dzień dobry, mam problem z fakturą."}


@pytest.fixture
def tokens(session: Session, users: dict[str, User]) -> dict[str, str]:
    issued = {
        name: service.issue_token(session, user=users[name], name=f"{name} integration")
        for name in ("agent", "supervisor", "admin")
    }
    session.commit()
    return issued


def _closed_reason(socket: WebSocketTestSession) -> tuple[int, str]:
    """Send a line and return how the server closed the socket instead of answering it."""
    socket.send_json(LINE)
    with pytest.raises(WebSocketDisconnect) as closed:
        socket.receive_json()
    return closed.value.code, closed.value.reason


def _events(client: TestClient, token: str, contact_id: int) -> list[object]:
    response = client.get(f"/api/contacts/{contact_id}", headers=bearer(token))
    assert response.status_code == 200, response.text
    events: list[object] = response.json()["events"]
    return events


def test_a_revoked_token_closes_the_socket_it_opened_at_the_next_frame(
    client: TestClient, session: Session, users: dict[str, User], tokens: dict[str, str]
) -> None:
    agent = users["agent"]
    integration = service.issue_token(session, user=agent, name="pbx")
    session.commit()
    contact_id = start(client, integration)
    (token_row,) = [t for t in service.list_tokens(session, user=agent) if t.name == "pbx"]
    with client.websocket_connect(f"/ws/contacts/{contact_id}?token={integration}") as socket:
        assert socket.receive_json()["type"] == "snapshot"
        socket.send_json({"type": "ping"})
        assert socket.receive_json() == {"type": "pong", "ref": None}
        revoked = client.delete(
            f"/api/users/{agent.id}/tokens/{token_row.id}", headers=bearer(tokens["admin"])
        )
        assert revoked.status_code == 204
        code, reason = _closed_reason(socket)
    assert code == CLOSE_NOT_AUTHENTICATED
    assert reason.startswith("token_revoked")
    assert _events(client, tokens["agent"], contact_id) == []


def test_disabling_a_user_closes_their_open_sockets(
    client: TestClient, users: dict[str, User], tokens: dict[str, str]
) -> None:
    contact_id = start(client, tokens["agent"])
    agent = users["agent"]
    with (
        client.websocket_connect(f"/ws/contacts/{contact_id}?token={tokens['agent']}") as console,
        client.websocket_connect(f"/ws/board?token={tokens['supervisor']}") as board,
    ):
        assert console.receive_json()["type"] == "snapshot"
        assert board.receive_json()["type"] == "snapshot"
        disabled = client.patch(
            f"/api/users/{agent.id}", json={"is_active": False}, headers=bearer(tokens["admin"])
        )
        assert disabled.status_code == 200, disabled.text
        code, reason = _closed_reason(console)
        # Another user's socket is not affected.
        board.send_json({"type": "ping"})
        assert board.receive_json() == {"type": "pong", "ref": None}
    assert (code, reason.split(":")[0]) == (CLOSE_NOT_AUTHENTICATED, "account_disabled")
    enabled = client.patch(
        f"/api/users/{agent.id}", json={"is_active": True}, headers=bearer(tokens["admin"])
    )
    assert enabled.status_code == 200
    assert _events(client, tokens["agent"], contact_id) == []


def test_logging_out_closes_the_sockets_opened_with_that_session(
    client: TestClient, users: dict[str, User]
) -> None:
    body = {"username": "supervisor", "password": "supervisor-password"}
    assert client.post("/api/auth/login", json=body).status_code == 200
    with client.websocket_connect("/ws/board") as board:
        assert board.receive_json()["type"] == "snapshot"
        assert client.post("/api/auth/logout", json={}).status_code == 204
        board.send_json({"type": "ping"})
        with pytest.raises(WebSocketDisconnect) as closed:
            board.receive_json()
    assert closed.value.code == CLOSE_NOT_AUTHENTICATED
    assert closed.value.reason.startswith("session_ended")
