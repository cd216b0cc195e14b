"""Transcription off the call's path: through Redis streams to a separate ``calmdesk
asr-worker`` process, and a failed or slow transcription that holds back no other line."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from calmdesk.audio.calls import hub_of
from calmdesk.audio.codecs import Audio
from calmdesk.audio.transcribe import AsrFailed, AsrStatus
from calmdesk.settings import Settings
from calmdesk.users.models import User
from tests.audio.helpers import call_audio, twilio_messages
from tests.live.helpers import bearer

pytestmark = pytest.mark.slow


class ScriptedTranscriber:
    """The first utterance's worker dies, the second is slow (answers only after the third's
    line was stored), the third is heard at once."""

    def __init__(self) -> None:
        self.calls = 0
        self.third_stored = asyncio.Event()

    async def transcribe(self, audio: Audio, lang: str | None) -> str:
        self.calls += 1
        turn = self.calls
        if turn == 1:
            raise AsrFailed("a speech worker process died")
        if turn == 2:
            await asyncio.wait_for(self.third_stored.wait(), 120)
            return "Now I am really angry."
        return "Shut up, you moron."

    async def status(self) -> AsrStatus:
        return AsrStatus("scripted", 1, 0, 0.0, 0, 0)

    async def close(self) -> None:
        return None


def test_a_dead_or_slow_transcription_blocks_no_other_line(
    speech: None, client: TestClient, app: FastAPI, tokens: dict[str, str]
) -> None:
    scripted = ScriptedTranscriber()
    hub = hub_of(app)
    hub.use(scripted)

    def stored(contact_id: int, speaker: str, text: str) -> None:
        if text.startswith("Shut up"):
            scripted.third_stored.set()

    hub.listeners.append(stored)

    lines = [
        ("customer", "Hello there."),
        ("customer", "Where is my parcel?"),
        ("customer", "Bye."),
    ]
    legs = call_audio(lines, "en")
    with client.websocket_connect("/ws/media/twilio") as media:
        for message in twilio_messages(legs, {"token": tokens["agent"]}):
            media.send_json(message)
        with pytest.raises(WebSocketDisconnect):  # closed once the call has finished
            media.receive_text()
    contact = client.get("/api/contacts", headers=bearer(tokens["agent"])).json()[0]
    assert hub.finished(contact["id"]).wait(120)
    detail = client.get(f"/api/contacts/{contact['id']}", headers=bearer(tokens["agent"])).json()
    said = [e["text"] for e in detail["events"] if e["kind"] == "customer_said"]
    # The dead worker's line is lost alone; the slow one came after the quick one.
    assert said == ["Shut up, you moron.", "Now I am really angry."]
    assert detail["status"] == "ended"


@pytest.fixture
def redis_settings(settings: Settings, redis_url: str) -> Settings:
    return settings.model_copy(
        update={"redis_url": redis_url, "redis_channel_prefix": f"cdtest-{uuid.uuid4().hex[:8]}"}
    )


@pytest.fixture
def asr_worker(redis_settings: Settings) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "CALMDESK_REDIS_URL": str(redis_settings.redis_url),
        "CALMDESK_REDIS_CHANNEL_PREFIX": redis_settings.redis_channel_prefix,
    }
    worker = subprocess.Popen([sys.executable, "-m", "calmdesk", "asr-worker"], env=env)
    yield worker
    worker.terminate()
    worker.wait(30)


@pytest.mark.redis
def test_utterances_go_through_redis_to_an_asr_worker(
    speech: None,
    redis_settings: Settings,
    session_factory: object,
    users: dict[str, User],
    tokens: dict[str, str],
    asr_worker: subprocess.Popen[bytes],
) -> None:
    from calmdesk.web.app import create_app

    app = create_app(redis_settings)
    app.state.session_factory = session_factory
    legs = call_audio([("customer", "I want to speak to your manager.")], "en")
    with TestClient(app) as client:
        with client.websocket_connect("/ws/media/twilio") as media:
            for message in twilio_messages(legs, {"token": tokens["agent"], "lang": "en"}):
                media.send_json(message)
            with pytest.raises(WebSocketDisconnect):
                media.receive_text()
        contact = client.get("/api/contacts", headers=bearer(tokens["agent"])).json()[0]
        assert hub_of(app).finished(contact["id"]).wait(300)
        status = client.get("/api/audio/status", headers=bearer(tokens["supervisor"])).json()
        assert status["mode"] == "redis" and status["workers"] >= 1 and status["failed"] == 0
        assert status["transcribed"] == 1 and status["backlog"] == 0
        detail = client.get(f"/api/contacts/{contact['id']}", headers=bearer(tokens["agent"]))
    said = [e["text"].lower() for e in detail.json()["events"] if e["kind"] == "customer_said"]
    assert said and "manager" in said[0]
    app.state.engine.dispose()
