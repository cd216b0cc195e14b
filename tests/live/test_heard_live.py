"""Both sides of a streamed transcript: the agent's steps heard in the agent's lines, the same
over REST and over the contact's WebSocket, stored so a rebuilt coach gives the same guidance,
and undone by either path."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from calmdesk.live import service
from tests.live.helpers import bearer, comparable, receive, start

# A transcript as an integration streams it: who spoke and what, not a single click. The
# undo takes back the boundary heard in turn 4 (the agent's console would send it).
TRANSCRIPT: list[dict[str, Any]] = [
    {"speaker": "customer", "text": "Ty #$&^&%@! idioto, gdzie jest mój laptop?!"},
    {"speaker": "agent", "text": "Nazywam się Bartek. Słyszę, że jest Pan bardzo zdenerwowany."},
    {"speaker": "customer", "text": "Zamknij się, debilu, nic nie umiesz!"},
    {"speaker": "agent", "text": "Proszę zwracać się do mnie z szacunkiem."},
    {"undo": 4, "step": "boundary"},
    {"speaker": "agent", "text": "Proszę mnie nie obrażać, chcę pomóc."},
    {"speaker": "customer", "text": "Ty kretynie, #$&^&%@! cała ta wasza firma!"},
    {"speaker": "agent", "text": "Przy kolejnej obeldze będę zmuszona zakończyć rozmowę."},
    {"speaker": "customer", "text": "Idioto jeden, gówno mnie to obchodzi!"},
    {"speaker": "customer", "text": "Halo, jesteś tam?"},
    {"speaker": "agent", "text": "Tak, jestem i notuję każde słowo."},
    {"speaker": "customer", "text": "Debilu, #$&^&%@!"},
]


def rest_turn(client: TestClient, token: str, contact_id: int, turn: dict[str, Any]) -> Any:
    if "undo" in turn:
        path, body = "undo", {"seq": turn["undo"], "step": turn["step"]}
    else:
        path, body = "utterances", turn
    response = client.post(f"/api/contacts/{contact_id}/{path}", json=body, headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()


def socket_turn(socket: WebSocketTestSession, turn: dict[str, Any]) -> dict[str, Any]:
    if "undo" in turn:
        socket.send_json({"type": "undo", "seq": turn["undo"], "step": turn["step"]})
    else:
        socket.send_json({"type": "utterance", **turn})
    return receive(socket, "guidance")


def test_rest_and_the_websocket_hear_the_agent_the_same_way(
    client: TestClient, tokens: dict[str, str]
) -> None:
    token = tokens["agent"]
    by_rest = start(client, token, can_transfer=False)
    rest = []
    for turn in TRANSCRIPT:
        service.DEFAULT_CACHE.forget(by_rest)  # every REST turn rebuilds the coach from storage
        rest.append(rest_turn(client, token, by_rest, turn))

    by_socket = start(client, token, can_transfer=False)
    with client.websocket_connect(f"/ws/contacts/{by_socket}?token={token}") as socket:
        assert socket.receive_json()["type"] == "snapshot"
        pushed = [socket_turn(socket, turn) for turn in TRANSCRIPT]

    assert [comparable(g) for g in pushed] == [comparable(g) for g in rest]
    heard = [[h["step"] for h in g["heard"]] for g in rest]
    assert heard[1] == ["acknowledge"] and heard[3] == ["boundary"]
    undone = rest[4]["heard"][0]
    assert undone["undone"] is True and undone["turn"] == 4 and undone["step"] == "boundary"
    assert undone["evidence"] == rest[3]["heard"][0]["evidence"]
    assert rest[4]["event"]["kind"] == "step_undone"
    assert heard[5] == ["boundary"] and heard[7] == ["warning"] and heard[10] == ["silent_record"]
    assert rest[7]["heard"][0]["action"] == "warning_given"
    assert all(h["message"] and h["evidence"] for g in rest for h in g["heard"])
    assert rest[-1]["rung"] == "end_call" and rest[-1]["may_end_call"] is True
    assert not any(g["may_end_call"] for g in rest[:-1])

    detail = client.get(f"/api/contacts/{by_rest}", headers=bearer(token)).json()
    kinds = [e["kind"] for e in detail["events"]]
    assert kinds[4] == "step_undone" and kinds.count("agent_said") == 5
    assert detail["events"][3]["guidance"]["heard"][0]["step"] == "boundary"


def test_the_speaker_decides_who_is_heard(client: TestClient, tokens: dict[str, str]) -> None:
    """The same words from the customer are not the agent's warning."""
    token = tokens["agent"]
    contact_id = start(client, token)
    line = "Przy kolejnej obeldze zakończę rozmowę."
    as_customer = rest_turn(client, token, contact_id, {"speaker": "customer", "text": line})
    as_agent = rest_turn(client, token, contact_id, {"speaker": "agent", "text": line})
    assert as_customer["heard"] == [] and as_customer["event"]["speaker"] == "customer"
    assert [h["step"] for h in as_agent["heard"]] == ["warning"]
    assert as_agent["event"]["speaker"] == "agent" and as_agent["signals"] is None


def test_an_undo_of_nothing_heard_is_refused_on_both_paths_and_stores_nothing(
    client: TestClient, tokens: dict[str, str]
) -> None:
    token = tokens["agent"]
    contact_id = start(client, token)
    rest_turn(client, token, contact_id, {"speaker": "customer", "text": "Ty idioto!"})
    url = f"/api/contacts/{contact_id}/undo"
    refused = client.post(url, json={"seq": 1, "step": "warning"}, headers=bearer(token))
    assert (refused.status_code, refused.json()["code"]) == (422, "nothing_to_undo")
    assert "1" in refused.json()["message"]
    for body, field in (
        ({"seq": 1, "step": "dance"}, "step"),
        ({"seq": 0, "step": "warning"}, "seq"),
        ({"seq": "1", "step": "warning"}, "seq"),
        ({"step": "warning"}, "seq"),
    ):
        bad = client.post(url, json=body, headers=bearer(token))
        assert bad.status_code == 422 and field in bad.text, body
    with client.websocket_connect(f"/ws/contacts/{contact_id}?token={token}") as socket:
        socket.receive_json()
        socket.send_json({"type": "undo", "seq": 1, "step": "boundary", "ref": "u"})
        error = socket.receive_json()
        assert (error["type"], error["code"], error["ref"]) == ("error", "nothing_to_undo", "u")
        socket.send_json({"type": "undo", "seq": 1, "step": "dance"})
        assert socket.receive_json()["code"] == "invalid_message"
    detail = client.get(f"/api/contacts/{contact_id}", headers=bearer(token)).json()
    assert [e["kind"] for e in detail["events"]] == ["customer_said"]
