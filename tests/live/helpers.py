"""Shared by the live tests: a short difficult dialogue and small client helpers."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

# A difficult call in Polish, in our own words: venting with facts, insults (grawlix included),
# the agent's boundary and warning, more abuse, a failed transfer. Turns are
# {"customer": text} | {"agent": text} | {"action": name}.
DIALOGUE: list[dict[str, str]] = [
    {"customer": "Dzień dobry, na fakturze FV/2026/11/42 mam 200 zł więcej niż w umowie!"},
    {"agent": "Rozumiem, sprawdzę to od razu."},
    {"customer": "Ty #$&^&%@! idioto, znowu mnie oszukujecie!"},
    {"action": "boundary_stated"},
    {"customer": "Zamknij się, debilu, nic nie umiesz!"},
    {"action": "warning_given"},
    {"customer": "Ty kretynie, #$&^&%@! cała ta wasza firma!"},
    {"action": "transfer_failed"},
    {"customer": "Idioto, słyszysz mnie?!"},
]


def comparable(guidance: dict[str, Any]) -> dict[str, Any]:
    """A guidance message without what differs between two contacts (their id)."""
    return {k: v for k, v in guidance.items() if k != "contact_id"}


def without_event(guidance: dict[str, Any]) -> dict[str, Any]:
    """A live guidance message as stored (the line it answers is stored once, in its event)."""
    return {k: v for k, v in guidance.items() if k != "event"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def start(client: TestClient, token: str, **body: Any) -> int:
    response = client.post("/api/contacts", json={"lang": "pl", **body}, headers=bearer(token))
    assert response.status_code == 201, response.text
    contact_id: int = response.json()["id"]
    return contact_id


def post_turn(client: TestClient, token: str, contact_id: int, turn: dict[str, str]) -> Any:
    if "action" in turn:
        path, body = "actions", {"action": turn["action"]}
    else:
        speaker = "customer" if "customer" in turn else "agent"
        path, body = "utterances", {"speaker": speaker, "text": turn[speaker]}
    response = client.post(f"/api/contacts/{contact_id}/{path}", json=body, headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()


def socket_frame(turn: dict[str, str]) -> dict[str, str]:
    if "action" in turn:
        return {"type": "action", "action": turn["action"]}
    speaker = "customer" if "customer" in turn else "agent"
    return {"type": "utterance", "speaker": speaker, "text": turn[speaker]}


def receive(socket: WebSocketTestSession, kind: str) -> dict[str, Any]:
    """The next message of type ``kind`` (others, such as alerts, are skipped)."""
    for _ in range(20):
        message: dict[str, Any] = socket.receive_json()
        if message["type"] == kind:
            return message
    raise AssertionError(f"no {kind!r} message")
