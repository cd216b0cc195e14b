"""An Asterisk AudioSocket server: one TCP connection per leg of a call.

Each message is a 3-byte header (a kind byte and a big-endian 16-bit payload length) and its
payload: ``0x01`` the call's UUID (16 bytes, always first), ``0x10`` signed linear 16-bit
little-endian 8 kHz mono audio, ``0x03`` a DTMF digit (ignored), ``0x00`` hang-up, ``0xff`` an
error. The UUID names the call: CalmDesk issues it with the contact (``POST /api/audio/calls``)
as the contact's id and an HMAC of it, so it is the stream's credential too. The customer's leg
connects to ``port``, the agent's to ``agent_port``; the contact ends when both have hung up.

A refusal (a first message that is not a UUID CalmDesk issued, a contact that is unknown or has
ended, a leg already streaming, an oversized or unknown message, audio of another rate) is
logged once and the connection closed; CalmDesk never sends a hang-up, so the call itself goes
on. A connection that drops keeps what its leg said.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from calmdesk.audio.calls import LiveCall, Speaker, hub_of
from calmdesk.audio.codecs import slin_decode
from calmdesk.audio.streams import contact_of_uuid
from calmdesk.live.models import Contact, ContactStatus
from calmdesk.storage.db import session_scope

log = logging.getLogger(__name__)

KIND_HANGUP = 0x00
KIND_UUID = 0x01
KIND_DTMF = 0x03
KIND_SLIN = 0x10
KIND_ERROR = 0xFF
OTHER_RATES = {0x11: 12000, 0x12: 16000, 0x13: 24000, 0x14: 32000, 0x15: 44100, 0x16: 48000}
MAX_PAYLOAD = 8192  # 256 ms of slin; Asterisk sends 20 ms (320 bytes)
FIRST_MESSAGE_SECONDS = 10.0
IDLE_SECONDS = 60.0


class Refused(Exception):
    pass


@dataclass(frozen=True, slots=True)
class _Target:
    contact_id: int
    agent_id: int
    lang: str | None


def _target(app: FastAPI, contact_id: int) -> _Target:
    with session_scope(app.state.session_factory, reads_first=True) as session:
        contact = session.get(Contact, contact_id)
        if contact is None:
            raise Refused(f"contact_not_found: there is no contact {contact_id}")
        if contact.status != ContactStatus.LIVE:
            raise Refused(f"contact_ended: contact {contact_id} has ended")
        return _Target(contact.id, contact.agent_id, contact.lang)


async def _message(reader: asyncio.StreamReader, timeout: float) -> tuple[int, bytes]:
    header = await asyncio.wait_for(reader.readexactly(3), timeout)
    kind, length = header[0], int.from_bytes(header[1:3], "big")
    if length > MAX_PAYLOAD:
        raise Refused(f"message_too_big: a {length}-byte payload (at most {MAX_PAYLOAD})")
    payload = await asyncio.wait_for(reader.readexactly(length), timeout) if length else b""
    return kind, payload


class AudioSocketServer:
    def __init__(self, app: FastAPI, host: str, port: int, agent_port: int) -> None:
        self.app = app
        self.host = host
        self.ports = {"customer": port, "agent": agent_port}
        self._servers: list[asyncio.Server] = []
        # Legs open one at a time: the two legs of a call arrive together and each looks the
        # contact up; one at a time keeps the lookups (and a test's one shared connection) apart.
        self._opening = asyncio.Lock()

    async def start(self) -> dict[str, int]:
        """Listen on both ports (0: any free one); returns the ports taken."""
        speakers: tuple[Speaker, ...] = ("customer", "agent")
        for speaker in speakers:

            async def serve(
                reader: asyncio.StreamReader,
                writer: asyncio.StreamWriter,
                speaker: Speaker = speaker,
            ) -> None:
                await self.connection(reader, writer, speaker)

            server = await asyncio.start_server(serve, self.host, self.ports[speaker])
            self._servers.append(server)
            self.ports[speaker] = server.sockets[0].getsockname()[1]
        log.info("AudioSocket listening on %s: %s", self.host, self.ports)
        return dict(self.ports)

    async def close(self) -> None:
        for server in self._servers:
            server.close()
            with contextlib.suppress(Exception):
                await server.wait_closed()
        self._servers = []

    async def connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, speaker: Speaker
    ) -> None:
        peer = writer.get_extra_info("peername")
        call: LiveCall | None = None
        leg = f"audiosocket:{speaker}"
        try:
            call = await self._open(reader, speaker, leg)
            await self._stream(reader, call, leg)
        except Refused as refused:
            log.warning("AudioSocket %s leg from %s refused: %s", speaker, peer, refused)
        except (asyncio.IncompleteReadError, ConnectionError):
            if call is not None:
                log.warning("AudioSocket %s leg of contact %s dropped", speaker, call.contact_id)
        except TimeoutError:
            log.warning("AudioSocket %s leg from %s sent nothing in time", speaker, peer)
        except Exception:
            log.exception("AudioSocket %s leg from %s failed", speaker, peer)
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
            if call is not None:
                call.close_leg(leg)
                if call.open_legs == 0:
                    await call.finish()
                else:
                    await call.drain()

    async def _open(self, reader: asyncio.StreamReader, speaker: Speaker, leg: str) -> LiveCall:
        kind, payload = await _message(reader, FIRST_MESSAGE_SECONDS)
        if kind != KIND_UUID or len(payload) != 16:
            raise Refused(f"malformed_message: the first message must be a UUID, not 0x{kind:02x}")
        contact_id = contact_of_uuid(self.app.state.settings.secret_key, payload)
        if contact_id is None:
            raise Refused("not_authenticated: a UUID CalmDesk did not issue")
        async with self._opening:
            target = await run_in_threadpool(_target, self.app, contact_id)
        call = hub_of(self.app).call(target.contact_id, target.agent_id, target.lang)
        existing = call.legs.get(leg)
        if existing is not None and existing.open:
            raise Refused(f"leg_streaming: the {speaker} leg of contact {contact_id} is already in")
        call.open_leg(leg, speaker)
        log.info("AudioSocket %s leg feeds contact %s", speaker, contact_id)
        return call

    async def _stream(self, reader: asyncio.StreamReader, call: LiveCall, leg: str) -> None:
        while True:
            kind, payload = await _message(reader, IDLE_SECONDS)
            if kind == KIND_SLIN:
                call.audio(leg, slin_decode(payload))
            elif kind == KIND_HANGUP:
                return
            elif kind == KIND_ERROR:
                code = payload.hex() or "none"
                log.warning(
                    "AudioSocket leg of contact %s: Asterisk error %s", call.contact_id, code
                )
                return
            elif kind == KIND_DTMF:
                continue
            elif kind in OTHER_RATES:
                raise Refused(
                    f"unsupported_codec: slin at {OTHER_RATES[kind]} Hz; send 8 kHz (0x10)"
                )
            else:
                raise Refused(f"malformed_message: unknown message kind 0x{kind:02x}")


def start_in_app(app: FastAPI) -> AudioSocketServer | None:
    settings = app.state.settings
    if settings.audiosocket_port is None:
        return None
    port = settings.audiosocket_port
    return AudioSocketServer(app, settings.audiosocket_host, port, port + 1 if port else 0)
