"""A call streamed in the Twilio Media Streams protocol, with real synthesised speech: the
transcript reaches the coach, the insult raises an alert, the board sees the call live, and
the contact ends at `stop`. Plus every refusal the protocol can earn (no speech needed)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from calmdesk.audio import streams
from tests.audio.helpers import call_audio, twilio_messages, warm_up
from tests.live.helpers import bearer

pytestmark = pytest.mark.slow

START = {
    "event": "start",
    "streamSid": "MZ1",
    "start": {
        "streamSid": "MZ1",
        "tracks": ["inbound"],
        "customParameters": {},
        "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
    },
}


def _start(**params: str) -> dict[str, Any]:
    start = dict(START["start"])  # type: ignore[arg-type]
    start["customParameters"] = params
    return {**START, "start": start}


def _closed(client: TestClient, messages: list[dict[str, Any]]) -> tuple[int, str]:
    with client.websocket_connect("/ws/media/twilio") as ws:
        for message in messages:
            ws.send_json(message)
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    return closed.value.code, closed.value.reason


def _board_until_pong(board: Any) -> list[dict[str, Any]]:
    board.send_json({"type": "ping", "ref": "done"})
    seen: list[dict[str, Any]] = []
    while True:
        message = board.receive_json()
        if message.get("type") == "pong":
            return seen
        seen.append(message)


def test_an_english_call_reaches_the_coach_and_the_board(
    speech: None, client: TestClient, tokens: dict[str, str]
) -> None:
    warm_up(client)
    legs = call_audio(
        [
            ("customer", "I want to speak to your manager, this is outrageous."),
            ("agent", "I understand, I will check it right away."),
            ("customer", "Shut up, you moron."),
        ],
        "en",
    )
    with client.websocket_connect(f"/ws/board?token={tokens['supervisor']}") as board:
        assert board.receive_json()["type"] == "snapshot"
        with client.websocket_connect("/ws/media/twilio") as media:
            for message in twilio_messages(legs, {"token": tokens["agent"], "lang": "en"}):
                media.send_json(message)
            with pytest.raises(WebSocketDisconnect) as closed:
                media.receive_text()
        assert closed.value.code == 1000
        seen = _board_until_pong(board)
    contacts = client.get("/api/contacts", headers=bearer(tokens["agent"])).json()
    contact = contacts[0]
    assert contact["status"] == "ended"
    detail = client.get(f"/api/contacts/{contact['id']}", headers=bearer(tokens["agent"])).json()
    lines = [(e["kind"], e["text"].lower()) for e in detail["events"] if e.get("text")]
    customer = " ".join(text for kind, text in lines if kind == "customer_said")
    agent = " ".join(text for kind, text in lines if kind == "agent_said")
    assert "moron" in customer and "manager" in customer
    assert "check" in agent
    kinds = {m.get("kind") for m in seen if m["type"] == "alert"}
    assert "abuse" in kinds, seen
    updates = [
        m for m in seen if m["type"] == "contact_update" and m["contact_id"] == contact["id"]
    ]
    assert updates and updates[-1]["status"] == "ended"
    # The supervisor request is flagged, and the insult puts the call on the abuse ladder.
    assert "supervisor_requested" in {a for u in updates for a in u["alerts"]}
    assert updates[0]["rung"] is None and updates[-1]["rung"] is not None


def test_refusals_have_close_codes(client: TestClient, tokens: dict[str, str]) -> None:
    token = tokens["agent"]
    assert _closed(client, [_start()])[0] == streams.CLOSE_NOT_AUTHENTICATED
    assert _closed(client, [_start(token="nope")])[0] == streams.CLOSE_NOT_AUTHENTICATED
    bad_codec = _start(token=token)
    bad_codec["start"]["mediaFormat"] = {"encoding": "audio/opus", "sampleRate": 48000}
    code, reason = _closed(client, [bad_codec])
    assert code == streams.CLOSE_UNSUPPORTED_CODEC and "audio/opus" in reason
    assert _closed(client, [_start(token=token, contact="999999")])[0] == streams.CLOSE_NOT_FOUND
    media = {"event": "media", "media": {"track": "inbound", "payload": "AAAA"}}
    assert _closed(client, [media])[0] == streams.CLOSE_MALFORMED
    with client.websocket_connect("/ws/media/twilio") as ws:
        ws.send_text("{not json")
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    assert closed.value.code == streams.CLOSE_MALFORMED
    with client.websocket_connect("/ws/media/twilio") as ws:
        ws.send_text("x" * 70_000)
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    assert closed.value.code == streams.CLOSE_TOO_BIG
    with client.websocket_connect("/ws/media/twilio") as ws:
        ws.send_bytes(b"\x00\x01")
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    assert closed.value.code == streams.CLOSE_BINARY
    # A started stream with a broken payload is closed, and its contact ended with it.
    broken = {"event": "media", "media": {"track": "inbound", "payload": "!!!"}}
    assert _closed(client, [_start(token=token), broken])[0] == streams.CLOSE_MALFORMED
    ended = client.get("/api/contacts", headers=bearer(token)).json()[0]
    assert ended["status"] == "ended"
    code, reason = _closed(client, [_start(token=token, contact=str(ended["id"]))])
    assert code == streams.CLOSE_ENDED and "ended" in reason
    # Someone else's contact: the admin may not work contacts at all.
    assert _closed(client, [_start(token=tokens["admin"])])[0] == streams.CLOSE_FORBIDDEN


def test_silence_then_stop_ends_the_contact(client: TestClient, tokens: dict[str, str]) -> None:
    """No speech, no transcription: the contact is started at `start` and ended at `stop`."""
    silence = base64.b64encode(b"\xff" * 160).decode()
    messages = [
        _start(token=tokens["agent"], lang="pl"),
        *({"event": "media", "media": {"track": "inbound", "payload": silence}} for _ in range(50)),
        {"event": "stop", "stop": {}},
    ]
    assert _closed(client, messages)[0] == 1000
    contact = client.get("/api/contacts", headers=bearer(tokens["agent"])).json()[0]
    assert contact["status"] == "ended" and contact["lang"] == "pl"
