"""The agent's own socket (``/ws/agent``) and asking for a break over REST: a break granted on
the board reaches the agent wherever they are, and only them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from calmdesk.live.frames import AgentSnapshot
from calmdesk.live.wire import BreakGrantedMessage
from tests.live.helpers import DIALOGUE, bearer, post_turn, receive, start


def ended_contact(client: TestClient, token: str) -> int:
    contact_id = start(client, token)
    post_turn(client, token, contact_id, DIALOGUE[0])
    response = client.post(f"/api/contacts/{contact_id}/end", headers=bearer(token))
    assert response.status_code == 200, response.text
    return contact_id


def test_a_break_granted_reaches_the_agents_own_socket_and_its_snapshot(
    client: TestClient, tokens: dict[str, str]
) -> None:
    agent, supervisor = tokens["agent"], tokens["supervisor"]
    contact_id = ended_contact(client, agent)
    with (
        client.websocket_connect(f"/ws/agent?token={agent}") as mine,
        client.websocket_connect(f"/ws/agent?token={supervisor}") as theirs,
    ):
        assert AgentSnapshot.model_validate(mine.receive_json()).break_granted is None
        theirs.receive_json()
        asked = client.post(f"/api/contacts/{contact_id}/break-request", headers=bearer(agent))
        assert asked.status_code == 200 and asked.json()["break_requested_at"]
        granted = client.post(f"/api/contacts/{contact_id}/break", headers=bearer(supervisor))
        assert granted.status_code == 200, granted.text
        pushed = BreakGrantedMessage.model_validate(receive(mine, "break_granted"))
        assert pushed.minutes == granted.json()["minutes"] > 0
        assert pushed.granted_by_name and pushed.granted_at is not None
        theirs.send_json({"type": "ping", "ref": 1})
        assert theirs.receive_json() == {"type": "pong", "ref": 1}, "nothing for anyone else"

    with client.websocket_connect(f"/ws/agent?token={agent}") as again:
        snapshot = AgentSnapshot.model_validate(again.receive_json())
        assert snapshot.break_granted is not None and snapshot.break_granted.minutes > 0


def test_the_agent_socket_needs_a_sign_in(client: TestClient) -> None:
    with client.websocket_connect("/ws/agent") as socket:
        message = socket.receive()
    assert message["type"] == "websocket.close" and message["code"] == 4401


def test_asking_for_a_break_is_for_the_contacts_own_agent_once_it_has_ended(
    client: TestClient, tokens: dict[str, str]
) -> None:
    agent = tokens["agent"]
    live = start(client, agent)
    early = client.post(f"/api/contacts/{live}/break-request", headers=bearer(agent))
    assert (early.status_code, early.json()["code"]) == (409, "contact_live")
    contact_id = ended_contact(client, agent)
    for role, status in (("handler", 403), ("admin", 403)):
        refused = client.post(
            f"/api/contacts/{contact_id}/break-request", headers=bearer(tokens[role])
        )
        assert refused.status_code == status, (role, refused.text)
    theirs = ended_contact(client, tokens["supervisor"])
    other = client.post(f"/api/contacts/{theirs}/break-request", headers=bearer(agent))
    assert other.status_code == 403
    twice = [
        client.post(f"/api/contacts/{contact_id}/break-request", headers=bearer(agent))
        for _ in range(2)
    ]
    assert [r.status_code for r in twice] == [200, 200]
    assert twice[0].json()["break_requested_at"] == twice[1].json()["break_requested_at"]
    pending = client.get("/api/contacts/breaks", headers=bearer(tokens["supervisor"])).json()
    assert contact_id in [c["id"] for c in pending]
