"""Asterisk AudioSocket: a call registered with ``POST /api/audio/calls``, its two legs on their
two ports (the UUID first, then 20 ms slin frames, then a hang-up), the transcripts coached,
the contact ended when both legs hung up; and each refusal closes the connection."""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from calmdesk.audio.calls import hub_of
from calmdesk.audio.streams import call_uuid
from calmdesk.settings import Settings
from tests.audio.helpers import audiosocket_leg, audiosocket_message, call_audio, warm_up
from tests.live.helpers import bearer

pytestmark = pytest.mark.slow


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"audiosocket_port": 0})  # both ports: any free one


@pytest.fixture
def ports(client: TestClient, app: FastAPI) -> Iterator[dict[str, int]]:
    yield app.state.audiosocket_ports


def _register(client: TestClient, token: str, lang: str) -> tuple[int, uuid.UUID]:
    answer = client.post("/api/audio/calls", json={"lang": lang}, headers=bearer(token))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    return body["contact"]["id"], uuid.UUID(body["uuid"])


def _ended(client: TestClient, token: str, contact_id: int) -> dict[str, Any]:
    """The contact once its streamed call has finished (the app's threads share the test's
    database connection: it is read only then)."""
    assert hub_of(client.app).finished(contact_id).wait(300), "the call never finished"  # type: ignore[arg-type]
    detail: dict[str, Any] = client.get(f"/api/contacts/{contact_id}", headers=bearer(token)).json()
    assert detail["status"] == "ended", detail
    return detail


def _both_legs(ports: dict[str, int], call: uuid.UUID, legs: dict[str, Any]) -> None:
    threads = [
        threading.Thread(
            target=lambda speaker=speaker: audiosocket_leg(ports[speaker], call, legs[speaker])
        )
        for speaker in ("customer", "agent")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_both_legs_of_an_english_call(
    speech: None, client: TestClient, ports: dict[str, int], tokens: dict[str, str]
) -> None:
    warm_up(client)
    contact_id, call = _register(client, tokens["agent"], "en")
    legs = call_audio(
        [
            ("customer", "You are an idiot, I want my money back."),
            ("agent", "One more insult and I will end this call."),
            ("customer", "Shut up, you moron."),
        ],
        "en",
    )
    _both_legs(ports, call, legs)
    detail = _ended(client, tokens["agent"], contact_id)
    said = [(e["kind"], e["text"].lower()) for e in detail["events"] if e.get("text")]
    assert any(kind == "agent_said" and "i will end" in text for kind, text in said), said
    assert any(kind == "customer_said" and "moron" in text for kind, text in said), said
    alerts = {a["kind"] for e in detail["events"] for a in (e["guidance"] or {}).get("alerts", [])}
    assert "abuse" in alerts, detail["events"]


@pytest.mark.parametrize(
    ("lang", "line"),
    [("pl", "To jest skandal, oszukujecie mnie!"), ("ru", "Это безобразие, я буду жаловаться.")],
)
def test_a_customer_line_in_polish_and_russian_reaches_the_coach(
    speech: None,
    client: TestClient,
    ports: dict[str, int],
    tokens: dict[str, str],
    lang: str,
    line: str,
) -> None:
    """Only the customer's leg, which drops without a hang-up right after the line (an abrupt
    disconnect, the pause after it cut short): the line is still transcribed and stored, and
    the contact ends."""
    warm_up(client)
    contact_id, call = _register(client, tokens["agent"], lang)
    said = call_audio([("customer", line)], lang)["customer"][:-4000]  # half the pause gone
    audiosocket_leg(ports["customer"], call, said, hangup=False).close()
    detail = _ended(client, tokens["agent"], contact_id)
    lines = [e for e in detail["events"] if e["kind"] == "customer_said"]
    assert lines and lines[0]["text"].strip(), detail["events"]
    assert lines[0]["guidance"]["lang"] == lang


def _refused(port: int, *messages: bytes) -> bytes:
    """What the server sent before closing (nothing: it never hangs the call up)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        for message in messages:
            conn.sendall(message)
        return conn.recv(100)


def test_refusals_close_the_connection(
    client: TestClient, app: FastAPI, ports: dict[str, int], tokens: dict[str, str]
) -> None:
    secret = app.state.settings.secret_key
    forged = uuid.UUID(bytes=(7).to_bytes(6, "big") + bytes(10))
    assert _refused(ports["customer"], audiosocket_message(0x01, forged.bytes)) == b""
    assert _refused(ports["customer"], audiosocket_message(0x10, bytes(320))) == b""
    unknown = call_uuid(secret, 999_999)
    assert _refused(ports["agent"], audiosocket_message(0x01, unknown.bytes)) == b""
    contact_id, call = _register(client, tokens["agent"], "pl")
    hello = audiosocket_message(0x01, call.bytes)
    big = bytes([0x10]) + (9000).to_bytes(2, "big")
    assert _refused(ports["customer"], hello, big) == b""
    # The customer leg was refused and closed: no leg is open, the contact ended.
    detail = _ended(client, tokens["agent"], contact_id)
    assert detail["status"] == "ended"
    assert _refused(ports["agent"], hello) == b""  # an ended contact takes no leg
    contact_id, call = _register(client, tokens["agent"], "pl")
    slin16 = audiosocket_message(0x12, bytes(640))
    assert _refused(ports["customer"], audiosocket_message(0x01, call.bytes), slin16) == b""
    assert _ended(client, tokens["agent"], contact_id)["status"] == "ended"  # its only leg left
