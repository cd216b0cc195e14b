"""``/ws/media/twilio``: the Twilio Media Streams protocol (also what several CPaaS providers and
the console's browser speak). Text frames of JSON: ``connected``, then ``start`` (the stream's
``customParameters`` carry ``token``, and optionally ``contact``, ``agent``, ``lang``,
``inbound``, ``end``; ``mediaFormat`` must be μ-law 8 kHz mono), then ``media`` (base64 μ-law
of the ``inbound`` or ``outbound`` track), then ``stop``. ``dtmf`` and ``mark`` are ignored.

The inbound track (what the caller says) is the customer, the outbound track the agent;
``inbound=agent`` swaps them for a stream forked on the agent's leg. The contact is started at
``start`` (or the live ``contact`` named is fed) and ended at ``stop``, or when the stream
drops, after the last words were transcribed (``end=false`` keeps it live: the console's
microphone). A refusal closes the socket with a code from :mod:`calmdesk.audio.streams` and a
reason naming the problem, logged once.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI, WebSocket
from starlette.concurrency import run_in_threadpool

from calmdesk.audio.calls import LiveCall, Speaker, hub_of
from calmdesk.audio.codecs import ulaw_decode
from calmdesk.audio.streams import (
    CLOSE_BINARY,
    CLOSE_MALFORMED,
    CLOSE_NO_START,
    CLOSE_TOO_BIG,
    CLOSE_UNSUPPORTED_CODEC,
    StreamRefused,
    open_target,
)
from calmdesk.live.fanout import get_bus, publish_all
from calmdesk.users.sessions import SESSION_COOKIE

log = logging.getLogger(__name__)
media_router = APIRouter()

MAX_MESSAGE_CHARS = 64 * 1024
START_TIMEOUT_SECONDS = 15.0
ENCODINGS = {"audio/x-mulaw"}
TRACKS = {"inbound", "outbound"}


def _same_origin(websocket: WebSocket) -> bool:
    origin = websocket.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == websocket.headers.get("host", "")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


class TwilioStream:
    def __init__(self, websocket: WebSocket) -> None:
        self.websocket = websocket
        self.app: FastAPI = websocket.app
        self.call: LiveCall | None = None
        self.tracks: dict[str, Speaker] = {}
        self.stream_sid = ""
        self.end_at_stop = True

    def _parse(self, raw: Mapping[str, Any]) -> dict[str, Any] | str:
        if raw["type"] == "websocket.disconnect":
            return "disconnect"
        text = raw.get("text")
        if text is None:
            raise StreamRefused(CLOSE_BINARY, "binary frames are not Media Streams messages")
        if len(text) > MAX_MESSAGE_CHARS:
            raise StreamRefused(CLOSE_TOO_BIG, f"message over {MAX_MESSAGE_CHARS} characters")
        try:
            message = json.loads(text)
        except ValueError:
            raise StreamRefused(CLOSE_MALFORMED, "malformed_message: not JSON") from None
        if not isinstance(message, dict) or not isinstance(message.get("event"), str):
            raise StreamRefused(CLOSE_MALFORMED, "malformed_message: no `event`")
        return message

    async def start(self, message: dict[str, Any]) -> None:
        if self.call is not None:
            raise StreamRefused(CLOSE_MALFORMED, "malformed_message: a second `start`")
        start = message.get("start")
        if not isinstance(start, dict):
            raise StreamRefused(CLOSE_MALFORMED, "malformed_message: `start` has no `start` object")
        fmt = start.get("mediaFormat") or {}
        encoding = fmt.get("encoding") if isinstance(fmt, dict) else None
        rate = fmt.get("sampleRate") if isinstance(fmt, dict) else None
        channels = fmt.get("channels", 1) if isinstance(fmt, dict) else None
        if encoding not in ENCODINGS or rate != 8000 or channels != 1:
            raise StreamRefused(
                CLOSE_UNSUPPORTED_CODEC,
                f"unsupported_codec: {str(encoding)[:30]} at {str(rate)[:8]} Hz, "
                f"{str(channels)[:3]} channel(s); send audio/x-mulaw, 8000 Hz, mono",
            )
        params = start.get("customParameters") or {}
        if not isinstance(params, dict):
            raise StreamRefused(CLOSE_MALFORMED, "malformed_message: `customParameters`")
        tracks = start.get("tracks") or ["inbound"]
        if not isinstance(tracks, list) or not tracks or not set(tracks) <= TRACKS:
            raise StreamRefused(CLOSE_MALFORMED, "malformed_message: `tracks`: inbound, outbound")
        swapped = params.get("inbound") == "agent"
        self.end_at_stop = params.get("end") != "false"
        for track in tracks:
            customer = (track == "inbound") != swapped
            self.tracks[track] = "customer" if customer else "agent"
        ws = self.websocket
        token = _text(params.get("token")) or ws.query_params.get("token") or None
        cookie = ws.cookies.get(SESSION_COOKIE) if _same_origin(ws) and not token else None
        target, outgoing = await run_in_threadpool(
            lambda: open_target(
                self.app,
                token=token,
                cookie=cookie,
                contact=_text(params.get("contact")) or ws.query_params.get("contact"),
                agent=_text(params.get("agent")),
                lang=_text(params.get("lang")),
            )
        )
        await publish_all(get_bus(self.app), outgoing)
        self.stream_sid = str(start.get("streamSid") or message.get("streamSid") or "")[:64]
        self.call = hub_of(self.app).call(target.contact_id, target.agent_id, target.lang)
        for track, speaker in self.tracks.items():
            self.call.open_leg(f"{self.stream_sid}:{track}", speaker)
        log.info(
            "media stream %s feeds contact %s (%s)", self.stream_sid, target.contact_id, tracks
        )

    def media(self, message: dict[str, Any]) -> None:
        if self.call is None:
            raise StreamRefused(CLOSE_MALFORMED, "malformed_message: `media` before `start`")
        media = message.get("media")
        if not isinstance(media, dict):
            raise StreamRefused(CLOSE_MALFORMED, "malformed_message: `media` has no `media` object")
        track = media.get("track", "inbound")
        if track not in self.tracks:
            raise StreamRefused(
                CLOSE_MALFORMED, f"malformed_message: unknown track {str(track)[:20]!r}"
            )
        payload = media.get("payload")
        if not isinstance(payload, str):
            raise StreamRefused(CLOSE_MALFORMED, "malformed_message: `media.payload` missing")
        try:
            data = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            raise StreamRefused(
                CLOSE_MALFORMED, "malformed_message: payload is not base64"
            ) from None
        self.call.audio(f"{self.stream_sid}:{track}", ulaw_decode(data))

    async def finish(self) -> None:
        if self.call is not None:
            call, self.call = self.call, None
            for track in self.tracks:
                call.close_leg(f"{self.stream_sid}:{track}")
            if call.open_legs == 0:
                await call.finish(end_contact=self.end_at_stop)
            else:
                await call.drain()

    async def run(self) -> None:
        ws = self.websocket
        await ws.accept()
        code, reason = 1000, "stream stopped"
        try:
            while True:
                timeout = START_TIMEOUT_SECONDS if self.call is None else None
                try:
                    raw = await asyncio.wait_for(ws.receive(), timeout)
                except TimeoutError:
                    raise StreamRefused(CLOSE_NO_START, "no `start` message in time") from None
                message = self._parse(raw)
                if message == "disconnect":
                    if self.call is not None:
                        log.warning("media stream %s dropped without `stop`", self.stream_sid)
                    await self.finish()
                    return
                assert isinstance(message, dict)
                event = message["event"]
                if event == "media":
                    self.media(message)
                elif event == "start":
                    await self.start(message)
                elif event == "stop":
                    break
                # connected, dtmf, mark and events of later versions: nothing to do
        except StreamRefused as refused:
            code, reason = refused.code, refused.reason
            log.warning("media stream %s refused: %s %s", self.stream_sid or "-", code, reason)
        except Exception:
            log.exception("media stream %s failed", self.stream_sid or "-")
            code, reason = 1011, "internal_error"
        await self.finish()
        with contextlib.suppress(RuntimeError):  # the client is gone already
            await ws.close(code, reason)


@media_router.websocket("/ws/media/twilio")
async def twilio_stream(websocket: WebSocket) -> None:
    """A call's audio in the Twilio Media Streams protocol (see the module)."""
    await TwilioStream(websocket).run()
