"""The sockets' frames are validated at both ends: the server reads every client frame into its
model and answers a bad one with an ``error`` frame naming the problem (the socket survives, the
nested frame included); everything the server sends validates against its model."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.testclient import WebSocketTestSession

from calmdesk.languages import Language
from calmdesk.live.frames import (
    MAX_FRAME_CHARS,
    MAX_FRAME_DEPTH,
    BoardSnapshot,
    ContactSnapshot,
    ErrorMessage,
    PongMessage,
    nesting_depth,
)
from calmdesk.live.wire import ContactUpdateMessage, GuidanceMessage, SummaryMessage
from calmdesk.users.models import User
from tests.conftest import LoginHelper
from tests.live.helpers import DIALOGUE, bearer, socket_frame, start

NESTED = "[" * 990 + "]" * 990  # 2 KB that would exhaust the JSON parser's recursion

UTTERANCE = '{"type": "utterance", "speaker": "customer", "text": %s}'
BAD_FRAMES = [
    pytest.param(b'{"type": "ping"}', "bad_frame", id="binary"),
    pytest.param(UTTERANCE % json.dumps("x" * MAX_FRAME_CHARS), "frame_too_large", id="huge"),
    pytest.param(NESTED, "frame_too_deep", id="nested"),
    pytest.param('{"a":' * 900 + "1" + "}" * 900, "frame_too_deep", id="nested-object"),
    pytest.param(UTTERANCE % NESTED, "frame_too_deep", id="nested-field"),
    pytest.param("{not json", "bad_json", id="not-json"),
    pytest.param('["ping"]', "bad_json", id="not-an-object"),
    pytest.param('{"text": "halo"}', "unknown_type", id="no-type"),
    pytest.param('{"type": "sing"}', "unknown_type", id="unknown-type"),
    pytest.param('{"type": "utterance", "speaker": "customer"}', "invalid_message", id="no-text"),
    pytest.param(UTTERANCE % '[["a"]]', "invalid_message", id="text-not-a-string"),
    pytest.param(UTTERANCE % json.dumps("x" * 5001), "invalid_message", id="text-too-long"),
    pytest.param(
        '{"type": "utterance", "speaker": "robot", "text": "halo"}',
        "invalid_message",
        id="unknown-speaker",
    ),
    pytest.param('{"type": "end", "reason": "tired"}', "invalid_message", id="unknown-key"),
    pytest.param('{"type": "ping", "ref": {"a": 1}}', "invalid_message", id="bad-ref"),
    pytest.param('{"type": "ping", "ref": true}', "invalid_message", id="bool-ref"),
    pytest.param('{"type": "action", "action": ""}', "invalid_message", id="empty-action"),
    pytest.param('{"type": "action", "action": "dance"}', "unknown_action", id="unknown-action"),
    pytest.param(UTTERANCE % '"   "', "empty_text", id="blank-line"),
]


def receive(ws: WebSocketTestSession, model: type[BaseModel]) -> Any:
    """The next frame, validated against what it must be."""
    return model.model_validate_json(ws.receive_text())


def still_open(ws: WebSocketTestSession) -> None:
    ws.send_json({"type": "ping", "ref": 41})
    assert receive(ws, PongMessage) == PongMessage(ref=41)


@pytest.mark.parametrize(("frame", "code"), BAD_FRAMES)
def test_a_bad_frame_of_each_kind_gets_the_error_frame_and_the_socket_survives(
    client: TestClient, tokens: dict[str, str], frame: str | bytes, code: str
) -> None:
    contact_id = start(client, tokens["agent"])
    with client.websocket_connect(f"/ws/contacts/{contact_id}?token={tokens['agent']}") as ws:
        receive(ws, ContactSnapshot)
        if isinstance(frame, bytes):
            ws.send_bytes(frame)
        else:
            ws.send_text(frame)
        error = receive(ws, ErrorMessage)
        assert error.code == code and error.message
        still_open(ws)
    detail = client.get(f"/api/contacts/{contact_id}", headers=bearer(tokens["agent"])).json()
    assert detail["events"] == []  # nothing a bad frame said was stored


def test_the_nested_frame_is_refused_by_its_depth_and_named_so(
    client: TestClient, tokens: dict[str, str]
) -> None:
    contact_id = start(client, tokens["agent"])
    with client.websocket_connect(f"/ws/contacts/{contact_id}?token={tokens['agent']}") as ws:
        receive(ws, ContactSnapshot)
        ws.send_text(NESTED)
        error = receive(ws, ErrorMessage)
        assert error.code == "frame_too_deep" and str(MAX_FRAME_DEPTH) in error.message
        still_open(ws)


def test_brackets_inside_a_line_are_words_not_depth(
    client: TestClient, tokens: dict[str, str]
) -> None:
    line = "Faktura [[[[[ {{{{ ]]] — co to jest?"
    assert nesting_depth(json.dumps({"type": "utterance", "text": line})) == 1
    contact_id = start(client, tokens["agent"])
    with client.websocket_connect(f"/ws/contacts/{contact_id}?token={tokens['agent']}") as ws:
        receive(ws, ContactSnapshot)
        ws.send_json({"type": "utterance", "speaker": "customer", "text": line})
        guidance = receive(ws, GuidanceMessage)
        assert guidance.event.text == line


def test_errors_carry_the_frames_ref_when_it_is_one_to_echo(
    client: TestClient, tokens: dict[str, str]
) -> None:
    contact_id = start(client, tokens["agent"])
    with client.websocket_connect(f"/ws/contacts/{contact_id}?token={tokens['agent']}") as ws:
        receive(ws, ContactSnapshot)
        ws.send_json({"type": "action", "action": "dance", "ref": "a-7"})
        assert receive(ws, ErrorMessage).ref == "a-7"
        ws.send_json({"type": "utterance", "speaker": "robot", "text": "x", "ref": 12})
        error = receive(ws, ErrorMessage)
        assert (error.code, error.ref) == ("invalid_message", 12) and "speaker" in error.message
        ws.send_json({"type": "ping", "ref": "x" * 101})
        assert receive(ws, ErrorMessage).ref is None  # too long to echo


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        (NESTED, "frame_too_deep"),
        ('{"type": "utterance", "speaker": "customer", "text": "halo"}', "unknown_type"),
        ('{"type": "ping", "extra": 1}', "invalid_message"),
        ("42", "bad_json"),
    ],
    ids=["nested", "turn", "unknown-key", "not-an-object"],
)
def test_the_board_answers_a_bad_frame_with_the_error_frame_and_stays_open(
    client: TestClient, login: LoginHelper, frame: str, code: str
) -> None:
    login(client, "supervisor")
    with client.websocket_connect("/ws/board") as board:
        receive(board, BoardSnapshot)
        board.send_text(frame)
        assert receive(board, ErrorMessage).code == code
        still_open(board)


def test_everything_a_console_receives_validates_against_its_model(
    client: TestClient, tokens: dict[str, str], login: LoginHelper
) -> None:
    login(client, "supervisor")
    contact_id = start(client, tokens["agent"])
    with (
        client.websocket_connect("/ws/board") as board,
        client.websocket_connect(f"/ws/contacts/{contact_id}?token={tokens['agent']}") as ws,
    ):
        assert receive(board, BoardSnapshot).contacts[0].contact_id == contact_id
        snapshot = receive(ws, ContactSnapshot)
        assert snapshot.contact.id == contact_id and snapshot.guidance is None
        ws.send_json(socket_frame(DIALOGUE[2]))
        guidance = receive(ws, GuidanceMessage)
        update = receive(board, ContactUpdateMessage)
        assert (update.stage, update.rung, update.turns) == (guidance.stage, guidance.rung, 1)
        ws.send_json({"type": "end", "ref": "bye"})
        # The end is recorded as the agent's call_ended: its guidance, then the summary.
        ended = receive(ws, GuidanceMessage)
        assert ended.event.action == "call_ended" and ended.end_outcome == "hang_up"
        summary = receive(ws, SummaryMessage)
        assert summary.summary.turns == 2 and summary.contact_id == contact_id
        assert (summary.summary.ended, summary.summary.end_allowed) == ("hang_up", False)

    with client.websocket_connect(f"/ws/contacts/{contact_id}?token={tokens['agent']}") as ws:
        again = receive(ws, ContactSnapshot)
        assert again.guidance is not None and again.guidance.seq == ended.seq
        assert again.contact.summary == summary.summary


@pytest.mark.parametrize(
    ("lang", "blank", "ended"),
    [
        ("pl", "Tekst jest pusty.", "Ta rozmowa jest zakończona; nie można już nic do niej dodać."),
        ("ru", "Текст пустой.", "Этот разговор завершён; добавить в него больше ничего нельзя."),
        ("en", "The text is empty.", "This contact has ended; nothing more can be added to it."),
    ],
)
def test_a_refused_line_is_explained_in_the_agents_language(
    client: TestClient,
    tokens: dict[str, str],
    users: dict[str, User],
    session: Session,
    lang: str,
    blank: str,
    ended: str,
) -> None:
    users["agent"].language = Language(lang)
    session.flush()
    contact_id = start(client, tokens["agent"])
    line = {"type": "utterance", "speaker": "customer", "text": "   ", "ref": 1}
    with client.websocket_connect(f"/ws/contacts/{contact_id}?token={tokens['agent']}") as ws:
        receive(ws, ContactSnapshot)
        ws.send_json(line)
        error = receive(ws, ErrorMessage)
        assert (error.code, error.message, error.ref) == ("empty_text", blank, 1)
        rest = client.post(
            f"/api/contacts/{contact_id}/utterances",
            json={"speaker": "customer", "text": "   "},
            headers=bearer(tokens["agent"]),
        )
        assert (rest.status_code, rest.json()["message"]) == (422, blank)  # REST says the same
        assert client.post(
            f"/api/contacts/{contact_id}/end", headers=bearer(tokens["agent"])
        ).is_success
        receive(ws, GuidanceMessage)  # the call_ended the end records
        receive(ws, SummaryMessage)
        ws.send_json({**line, "text": "halo"})
        error = receive(ws, ErrorMessage)
        assert (error.code, error.message) == ("contact_ended", ended)
