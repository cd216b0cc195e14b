"""The live API through the app: REST with a bearer token and the WebSockets give the same
guidance, the agent's and the board's sockets receive it as it happens, a contact replays from
``GET /api/contacts/{id}``, and bad input gets a clear error."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from calmdesk.live.bus import InProcessBus, RedisBus
from calmdesk.live.fanout import get_bus, inner_bus
from calmdesk.live.frames import ErrorMessage
from calmdesk.live.localize import localized_record
from calmdesk.live.schemas import MAX_OFFSET, MAX_PAGE
from tests.conftest import LoginHelper
from tests.live.helpers import (
    DIALOGUE,
    bearer,
    comparable,
    post_turn,
    receive,
    socket_frame,
    start,
    without_event,
)


def test_rest_with_a_token_and_the_websocket_give_the_same_guidance(
    client: TestClient, tokens: dict[str, str]
) -> None:
    by_rest = start(client, tokens["agent"])
    rest = [post_turn(client, tokens["agent"], by_rest, turn) for turn in DIALOGUE]

    by_socket = start(client, tokens["agent"])
    pushed = []
    url = f"/ws/contacts/{by_socket}?token={tokens['agent']}"
    with client.websocket_connect(url) as socket:
        assert socket.receive_json()["type"] == "snapshot"
        for turn in DIALOGUE:
            socket.send_json(socket_frame(turn))
            pushed.append(receive(socket, "guidance"))

    assert [comparable(g) for g in pushed] == [comparable(g) for g in rest]
    assert [g["seq"] for g in pushed] == list(range(1, len(DIALOGUE) + 1))


def test_the_agents_and_the_boards_sockets_see_each_turn_as_it_happens(
    client: TestClient, tokens: dict[str, str], login: LoginHelper
) -> None:
    login(client, "supervisor")  # the board authenticates with the session cookie
    contact_id = start(client, tokens["agent"])
    console_url = f"/ws/contacts/{contact_id}?token={tokens['agent']}"
    with (
        client.websocket_connect("/ws/board") as board,
        client.websocket_connect(console_url) as console,
    ):
        snapshot = board.receive_json()
        assert snapshot["type"] == "snapshot"
        assert contact_id in [c["contact_id"] for c in snapshot["contacts"]]
        console.receive_json()  # the console's snapshot

        answered = post_turn(client, tokens["agent"], contact_id, DIALOGUE[2])  # an insult
        guidance = receive(console, "guidance")
        update = receive(board, "contact_update")

    assert guidance == answered
    assert guidance["event"]["text"] == DIALOGUE[2]["customer"]
    assert update["contact_id"] == contact_id and update["agent"] == "agent"
    assert (update["stage"], update["rung"]) == (guidance["stage"], guidance["rung"])
    assert update["alerts"] == [a["kind"] for a in guidance["alerts"]]
    assert update["heat"] > 0


def test_a_supervisor_replays_a_contact_with_the_guidance_after_each_event(
    client: TestClient, tokens: dict[str, str]
) -> None:
    contact_id = start(client, tokens["agent"])
    given = [post_turn(client, tokens["agent"], contact_id, turn) for turn in DIALOGUE]
    ended = client.post(f"/api/contacts/{contact_id}/end", headers=bearer(tokens["agent"]))
    assert ended.status_code == 200 and ended.json()["type"] == "summary"

    replay = client.get(f"/api/contacts/{contact_id}", headers=bearer(tokens["supervisor"]))
    assert replay.status_code == 200
    body = replay.json()
    # Ending records the agent's call_ended as the last event, so the outcome is the coach's.
    assert body["status"] == "ended" and body["summary"]["turns"] == len(DIALOGUE) + 1
    # The Russian supervisor reads the Polish agent's guidance in Russian: the same messages
    # (keys and parameters), put into the reader's words.
    replayed = [e["guidance"] for e in body["events"][:-1]]
    assert replayed == [localized_record(without_event(g), "ru") for g in given]
    alerts = [a for g in replayed for a in g["alerts"]]
    assert alerts and all(re.search("[а-яё]", a["message"], re.I) for a in alerts)
    assert all(a["text"]["key"].startswith(("alerts.", "supervisor_")) for a in alerts)
    reasons = {g["end_call_reason"] for g in replayed}
    assert not any(re.search("[ąęółśżźćń]", r) for r in reasons)
    assert [e["text"] or e["action"] for e in body["events"]] == [
        *(next(iter(turn.values())) for turn in DIALOGUE),
        "call_ended",
    ]


def test_the_list_of_live_contacts_follows_the_viewer(
    client: TestClient, tokens: dict[str, str]
) -> None:
    mine = start(client, tokens["agent"])
    theirs = start(client, tokens["supervisor"])
    client.post(f"/api/contacts/{theirs}/end", headers=bearer(tokens["supervisor"]))

    as_agent = client.get("/api/contacts?live=true", headers=bearer(tokens["agent"])).json()
    as_supervisor = client.get("/api/contacts", headers=bearer(tokens["supervisor"])).json()
    assert [c["id"] for c in as_agent] == [mine]
    assert {c["id"] for c in as_supervisor} == {mine, theirs}


@pytest.mark.parametrize("role", ["handler", "admin"])
def test_roles_without_access_to_contacts_may_not_list_them(
    client: TestClient, tokens: dict[str, str], role: str
) -> None:
    start(client, tokens["agent"])
    response = client.get("/api/contacts", headers=bearer(tokens[role]))
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert role in response.json()["message"]


@pytest.mark.parametrize(
    "query",
    [
        "offset=9223372036854775808",
        "offset=2147483648",
        "offset=-1",
        "limit=0",
        "limit=501",
        "limit=99999999999999999999",
        "offset=abc",
    ],
)
def test_out_of_range_paging_is_a_clear_422(
    client: TestClient, tokens: dict[str, str], query: str
) -> None:
    response = client.get(f"/api/contacts?{query}", headers=bearer(tokens["supervisor"]))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["fields"][0]["field"] == query.split("=")[0]


def test_the_largest_offset_allowed_is_an_empty_page(
    client: TestClient, tokens: dict[str, str]
) -> None:
    start(client, tokens["agent"])
    response = client.get(
        f"/api/contacts?offset={MAX_OFFSET}&limit={MAX_PAGE}", headers=bearer(tokens["supervisor"])
    )
    assert (response.status_code, response.json()) == (200, [])


def test_an_agent_cannot_read_or_work_another_agents_contact(
    client: TestClient, tokens: dict[str, str]
) -> None:
    theirs = start(client, tokens["supervisor"])
    read = client.get(f"/api/contacts/{theirs}", headers=bearer(tokens["agent"]))
    say = client.post(
        f"/api/contacts/{theirs}/utterances",
        json={"speaker": "customer", "text": "halo"},
        headers=bearer(tokens["agent"]),
    )
    assert (read.status_code, read.json()["code"]) == (403, "permission_denied")
    assert say.status_code == 403
    missing = client.get("/api/contacts/999999", headers=bearer(tokens["agent"]))
    assert (missing.status_code, missing.json()["code"]) == (404, "contact_not_found")
    assert client.get("/api/contacts").status_code == 401


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("utterances", {"speaker": "customer", "text": ""}, "validation_error"),
        ("utterances", {"speaker": "robot", "text": "halo"}, "validation_error"),
        ("utterances", {"speaker": "customer", "text": "   "}, "empty_text"),
        ("actions", {"action": "dance"}, "validation_error"),
    ],
    ids=["empty", "unknown-speaker", "blank", "unknown-action"],
)
def test_bad_turns_get_a_clear_error(
    client: TestClient, tokens: dict[str, str], path: str, body: dict[str, str], code: str
) -> None:
    contact_id = start(client, tokens["agent"])
    response = client.post(
        f"/api/contacts/{contact_id}/{path}", json=body, headers=bearer(tokens["agent"])
    )
    assert response.status_code == 422
    assert response.json()["code"] == code and response.json()["message"]


def test_a_turn_after_the_end_is_refused(client: TestClient, tokens: dict[str, str]) -> None:
    contact_id = start(client, tokens["agent"])
    client.post(f"/api/contacts/{contact_id}/end", headers=bearer(tokens["agent"]))
    response = client.post(
        f"/api/contacts/{contact_id}/utterances",
        json={"speaker": "customer", "text": "halo?"},
        headers=bearer(tokens["agent"]),
    )
    assert (response.status_code, response.json()["code"]) == (409, "contact_ended")


def test_a_bad_frame_gets_an_error_and_the_socket_stays_open(
    client: TestClient, tokens: dict[str, str]
) -> None:
    contact_id = start(client, tokens["agent"])
    with client.websocket_connect(f"/ws/contacts/{contact_id}?token={tokens['agent']}") as ws:
        ws.receive_json()
        ws.send_text("{not json")
        assert ws.receive_json()["code"] == "bad_json"
        ws.send_json({"type": "sing", "ref": 7})
        assert ErrorMessage.model_validate(ws.receive_json()) == ErrorMessage(
            code="unknown_type",
            message="Unknown type 'sing'; use utterance, action, undo, end, ping.",
            ref=7,
        )
        ws.send_json({"type": "utterance", "speaker": "customer"})
        error = ws.receive_json()
        assert error["code"] == "invalid_message" and "text" in error["message"]
        ws.send_json({"type": "action", "action": "dance"})
        assert ws.receive_json()["code"] == "unknown_action"
        ws.send_json({"type": "ping", "ref": "p"})
        assert ws.receive_json() == {"type": "pong", "ref": "p"}


@pytest.mark.parametrize(
    ("who", "where", "close_code"),
    [
        (None, "board", 4401),
        ("bad-token", "board", 4401),
        ("agent", "board", 4403),
        ("agent", "theirs", 4403),
        ("agent", "missing", 4404),
    ],
)
def test_sockets_close_with_a_code_naming_the_auth_problem(
    client: TestClient, tokens: dict[str, str], who: str | None, where: str, close_code: int
) -> None:
    theirs = start(client, tokens["supervisor"])
    path = {"board": "/ws/board", "theirs": f"/ws/contacts/{theirs}", "missing": "/ws/contacts/0"}
    token = {None: None, "bad-token": "cdk_nope"}.get(who, tokens.get(who or ""))
    url = path[where] + (f"?token={token}" if token else "")
    with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect(url) as ws:
        ws.receive_json()
    assert closed.value.code == close_code


def test_a_supervisor_grants_the_recommended_break_seen_on_the_board(
    client: TestClient, tokens: dict[str, str], login: LoginHelper
) -> None:
    contact_id = start(client, tokens["agent"])
    client.post(f"/api/contacts/{contact_id}/end", headers=bearer(tokens["agent"]))
    refused = client.post(f"/api/contacts/{contact_id}/break", headers=bearer(tokens["agent"]))
    assert refused.status_code == 403
    login(client, "supervisor")
    with client.websocket_connect("/ws/board") as board:
        board.receive_json()
        granted = client.post(
            f"/api/contacts/{contact_id}/break",
            json={"minutes": 15},
            headers=bearer(tokens["supervisor"]),
        )
        assert granted.status_code == 200, granted.text
        message = receive(board, "break_granted")
    assert message == {**granted.json(), "minutes": 15, "agent": "agent"}


def test_it_runs_in_process_without_redis(app: FastAPI) -> None:
    assert app.state.settings.redis_url is None
    assert isinstance(inner_bus(get_bus(app)), InProcessBus)


def test_a_failing_turn_answers_an_error_and_keeps_the_console_open(
    client: TestClient, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    contact_id = start(client, tokens["agent"])

    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("a bug")

    with client.websocket_connect(f"/ws/contacts/{contact_id}?token={tokens['agent']}") as ws:
        ws.receive_json()
        monkeypatch.setattr("calmdesk.live.service.says", broken)
        ws.send_json({"type": "utterance", "speaker": "customer", "text": "halo", "ref": "a"})
        assert ErrorMessage.model_validate(ws.receive_json()) == ErrorMessage(
            code="internal_error",
            message="Nie udało się przetworzyć wypowiedzi i nic nie zapisano. Spróbuj ponownie.",
            ref="a",
        )
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong", "ref": None}


def test_without_its_bus_a_turn_is_still_stored_and_sockets_close_with_1011(
    app: FastAPI, client: TestClient, tokens: dict[str, str]
) -> None:
    app.state.live_bus = RedisBus("redis://127.0.0.1:1/0")  # nothing listens there
    contact_id = start(client, tokens["agent"])
    answered = post_turn(client, tokens["agent"], contact_id, DIALOGUE[0])
    assert answered["seq"] == 1

    url = f"/ws/contacts/{contact_id}?token={tokens['agent']}"
    with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect(url) as ws:
        ws.receive_json()
    assert closed.value.code == 1011


@pytest.mark.parametrize("contact_id", ["0", "99999999999", "abc"])
def test_an_impossible_contact_id_is_a_clear_422(
    client: TestClient, tokens: dict[str, str], contact_id: str
) -> None:
    response = client.get(f"/api/contacts/{contact_id}", headers=bearer(tokens["supervisor"]))
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_a_socket_for_an_impossible_contact_id_closes_as_not_found(
    client: TestClient, tokens: dict[str, str]
) -> None:
    url = f"/ws/contacts/99999999999?token={tokens['agent']}"
    with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect(url) as ws:
        ws.receive_json()
    assert closed.value.code == 4404


def test_the_live_routes_are_described_in_the_openapi_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/contacts", "/api/contacts/{contact_id}/utterances"} <= set(paths)


@pytest.mark.parametrize("agent", ["nobody", "a\x00b", "x" * 65])
def test_starting_for_an_unknown_or_malformed_agent_is_a_clear_error(
    client: TestClient, tokens: dict[str, str], agent: str
) -> None:
    response = client.post(
        "/api/contacts", json={"agent": agent}, headers=bearer(tokens["supervisor"])
    )
    assert response.status_code in (404, 422)
    assert response.json()["code"] in ("user_not_found", "validation_error")


def test_a_board_socket_from_another_site_does_not_ride_on_the_session_cookie(
    client: TestClient, login: LoginHelper
) -> None:
    login(client, "supervisor")
    with client.websocket_connect("/ws/board", headers={"origin": "http://testserver"}) as ws:
        assert ws.receive_json()["type"] == "snapshot"  # our own page
    evil = {"origin": "https://evil.example"}
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        client.websocket_connect("/ws/board", headers=evil) as ws,
    ):
        ws.receive_json()
    assert closed.value.code == 4401
