"""Streaming synthesised lines the way telephony systems send them."""

from __future__ import annotations

import base64
import json
import socket
import struct
import uuid
from collections.abc import Iterator
from typing import Any

import numpy as np
from fastapi.testclient import TestClient

from calmdesk.audio.calls import hub_of
from calmdesk.audio.codecs import PCM, ulaw_encode
from calmdesk.audio.synth import silence, speak
from calmdesk.audio.transcribe import ProcessTranscriber

FRAME = 160  # 20 ms at 8 kHz, what Twilio and Asterisk send


def call_audio(turns: list[tuple[str, str]], lang: str) -> dict[str, PCM]:
    """Both legs of a call, time-aligned: each turn is said on its speaker's leg while the other
    leg is silent, with a pause after it."""
    legs: dict[str, list[PCM]] = {"customer": [silence(0.3)], "agent": [silence(0.3)]}
    for speaker, text in turns:
        said = np.concatenate([speak(text, lang), silence(1.0)])
        legs[speaker].append(said)
        other = "agent" if speaker == "customer" else "customer"
        legs[other].append(silence(said.size / 8000))
    return {name: np.concatenate(parts) for name, parts in legs.items()}


def frames(samples: PCM) -> Iterator[PCM]:
    for i in range(0, samples.size, FRAME):
        yield samples[i : i + FRAME]


def twilio_messages(
    legs: dict[str, PCM], params: dict[str, str], *, sid: str = "MZ0001"
) -> Iterator[dict[str, Any]]:
    """connected, start (both tracks), media interleaved 20 ms by 20 ms, stop."""
    yield {"event": "connected", "protocol": "Call", "version": "1.0.0"}
    yield {
        "event": "start",
        "sequenceNumber": "1",
        "streamSid": sid,
        "start": {
            "streamSid": sid,
            "accountSid": "AC0001",
            "callSid": "CA0001",
            "tracks": ["inbound", "outbound"],
            "customParameters": params,
            "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
        },
    }
    seq = 2
    tracks = {"inbound": legs["customer"], "outbound": legs["agent"]}
    length = max(x.size for x in tracks.values())
    for chunk, start in enumerate(range(0, length, FRAME), start=1):
        for track, samples in tracks.items():
            piece = samples[start : start + FRAME]
            if piece.size == 0:
                continue
            yield {
                "event": "media",
                "sequenceNumber": str(seq),
                "streamSid": sid,
                "media": {
                    "track": track,
                    "chunk": str(chunk),
                    "timestamp": str(start // 8),
                    "payload": base64.b64encode(ulaw_encode(piece)).decode(),
                },
            }
            seq += 1
    yield {
        "event": "stop",
        "sequenceNumber": str(seq),
        "streamSid": sid,
        "stop": {"callSid": "CA0001"},
    }


def audiosocket_message(kind: int, payload: bytes = b"") -> bytes:
    return struct.pack(">BH", kind, len(payload)) + payload


def audiosocket_leg(
    port: int, call: uuid.UUID, samples: PCM | None, *, hangup: bool = True
) -> socket.socket:
    """Connect one leg, send its UUID and its audio (20 ms a message), then hang up."""
    conn = socket.create_connection(("127.0.0.1", port), timeout=30)
    conn.sendall(audiosocket_message(0x01, call.bytes))
    if samples is not None:
        for piece in frames(samples):
            conn.sendall(audiosocket_message(0x10, piece.astype("<i2").tobytes()))
    if hangup:
        conn.sendall(audiosocket_message(0x00))
    return conn


def warm_up(client: TestClient) -> None:
    """Start the app's speech worker and load its model before the call (the first utterance
    would otherwise wait for it)."""
    transcriber = hub_of(client.app).transcriber  # type: ignore[arg-type]
    assert isinstance(transcriber, ProcessTranscriber)
    transcriber.warm_up()


def as_json(message: dict[str, Any]) -> str:
    return json.dumps(message)
