"""A live call's audio: its legs (each a speaker), their utterances, their transcripts fed to
the live service like typed lines, and the contact ended when the last leg stops.

The :class:`AudioHub` on ``app.state.audio`` holds the transcriber (made on first use) and the
calls being streamed in this process. Each utterance is transcribed on its own task; its line
is stored when its words come back (turns of one call are serialised, never run together), so
a slow transcription delays only its own line. When a stream stops or drops, what each leg was
saying is flushed and every transcription under way is awaited before the contact ends: nothing
already said is lost.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from calmdesk.audio.codecs import PCM, Upsampler, to_float
from calmdesk.audio.transcribe import (
    AsrFailed,
    AsrOptions,
    AsrStatus,
    ProcessTranscriber,
    RedisTranscriber,
    Transcriber,
)
from calmdesk.audio.vad import Segmenter, Utterance, silero_scorer
from calmdesk.errors import CalmDeskError
from calmdesk.live import service
from calmdesk.live.fanout import get_bus, publish_all
from calmdesk.live.locks import ContactEnded
from calmdesk.live.messages import Outgoing
from calmdesk.playbook.deps import app_playbook
from calmdesk.settings import Settings
from calmdesk.storage.db import DatabaseBusy, session_scope
from calmdesk.users.models import User

log = logging.getLogger(__name__)
Speaker = Literal["customer", "agent"]
TURN_RETRIES = 5


def _factory(app: FastAPI) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = app.state.session_factory
    return factory


class AudioHub:
    """The audio side of one app: the transcriber and the calls streaming into this process."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.settings: Settings = app.state.settings
        self._transcriber: Transcriber | None = None
        self.calls: dict[int, LiveCall] = {}
        self.lines_stored = 0
        self._finished: dict[int, threading.Event] = {}
        self.listeners: list[Callable[[int, Speaker, str], None]] = []
        """Told of every transcript stored (on the event loop): benchmarks and tests."""

    def finished(self, contact_id: int) -> threading.Event:
        """Set once the streamed call of ``contact_id`` has finished (its last line stored, the
        contact ended): what tests and benchmarks wait for."""
        return self._finished.setdefault(contact_id, threading.Event())

    @property
    def transcriber(self) -> Transcriber:
        if self._transcriber is None:
            s = self.settings
            if s.redis_url:
                self._transcriber = RedisTranscriber(
                    s.redis_url, s.redis_channel_prefix, s.asr_timeout_seconds
                )
            else:
                options = AsrOptions(s.asr_model, s.asr_threads, s.asr_beam_size)
                self._transcriber = ProcessTranscriber(
                    options, s.asr_workers, s.asr_timeout_seconds
                )
        return self._transcriber

    def use(self, transcriber: Transcriber) -> None:
        """Another transcriber (a test's, a benchmark's)."""
        self._transcriber = transcriber

    async def status(self) -> AsrStatus:
        if self._transcriber is None:
            mode = "redis" if self.settings.redis_url else "processes"
            return AsrStatus(mode, 0, 0, 0.0, 0, 0)
        return await self._transcriber.status()

    def call(self, contact_id: int, agent_id: int, lang: str | None) -> LiveCall:
        """The call streaming into ``contact_id`` (legs of one call share it)."""
        existing = self.calls.get(contact_id)
        if existing is not None and not existing.finished:
            return existing
        call = LiveCall(self, contact_id, agent_id, lang)
        self.calls[contact_id] = call
        return call

    async def close(self) -> None:
        for call in list(self.calls.values()):
            await call.finish(end_contact=False)
        if self._transcriber is not None:
            await self._transcriber.close()
            self._transcriber = None


def hub_of(app: FastAPI) -> AudioHub:
    hub: AudioHub | None = getattr(app.state, "audio", None)
    if hub is None:
        hub = AudioHub(app)
        app.state.audio = hub
    return hub


@dataclass
class Leg:
    speaker: Speaker
    segmenter: Segmenter
    upsample: Upsampler = field(default_factory=Upsampler)
    open: bool = True


class LiveCall:
    def __init__(self, hub: AudioHub, contact_id: int, agent_id: int, lang: str | None) -> None:
        self.hub = hub
        self.contact_id = contact_id
        self.agent_id = agent_id
        self.lang = lang
        self.legs: dict[str, Leg] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._turns = asyncio.Lock()
        self.finished = False
        self.ended_elsewhere = False

    def open_leg(self, name: str, speaker: Speaker) -> Leg:
        leg = self.legs.get(name)
        if leg is None or not leg.open:
            leg = Leg(speaker, Segmenter(silero_scorer()))
            self.legs[name] = leg
        return leg

    def audio(self, name: str, samples: PCM) -> None:
        """8 kHz samples of one leg: cut into utterances, each sent to be transcribed."""
        leg = self.legs[name]
        for utterance in leg.segmenter.feed(leg.upsample(to_float(samples))):
            self._spawn(leg.speaker, utterance)

    def _spawn(self, speaker: Speaker, utterance: Utterance) -> None:
        task = asyncio.get_running_loop().create_task(self._line(speaker, utterance))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _line(self, speaker: Speaker, utterance: Utterance) -> None:
        try:
            text = await self.hub.transcriber.transcribe(utterance.audio, self.lang)
        except AsrFailed as error:
            log.warning(
                "contact %s: a %s utterance (%.1f s) was not transcribed: %s",
                self.contact_id,
                speaker,
                utterance.seconds,
                error,
            )
            return
        if not text:
            return
        async with self._turns:
            await self._store(speaker, text)

    async def _store(self, speaker: Speaker, text: str) -> None:
        app = self.hub.app
        for attempt in range(TURN_RETRIES):
            try:
                outgoing = await run_in_threadpool(self._turn, app, speaker, text)
            except ContactEnded:
                self.ended_elsewhere = True
                log.info(
                    "contact %s ended; a late %s line was not stored", self.contact_id, speaker
                )
                return
            except (DatabaseBusy, CalmDeskError) as error:
                if error.code in ("database_busy", "contact_busy") and attempt < TURN_RETRIES - 1:
                    await asyncio.sleep(0.2 * (attempt + 1))
                    continue
                log.warning(
                    "contact %s: a %s line was refused: %s", self.contact_id, speaker, error
                )
                return
            self.hub.lines_stored += 1
            for listener in self.hub.listeners:
                listener(self.contact_id, speaker, text)
            await publish_all(get_bus(app), outgoing)
            return

    def _turn(self, app: FastAPI, speaker: Speaker, text: str) -> list[Outgoing]:
        with session_scope(_factory(app), reads_first=True) as session:
            agent = session.get(User, self.agent_id)
            return service.says(
                session,
                contact_id=self.contact_id,
                speaker=speaker,
                text=text,
                actor=agent,
                playbook=app_playbook(app),
            ).outgoing

    def close_leg(self, name: str) -> None:
        """The leg stopped: what it was saying is transcribed still."""
        leg = self.legs.get(name)
        if leg is None or not leg.open:
            return
        leg.open = False
        tail = leg.segmenter.flush()
        if tail is not None:
            self._spawn(leg.speaker, tail)

    @property
    def open_legs(self) -> int:
        return sum(1 for leg in self.legs.values() if leg.open)

    async def drain(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def finish(self, *, end_contact: bool = True) -> None:
        """Every leg closed, every line stored, then the contact ended (unless already)."""
        for name in list(self.legs):
            self.close_leg(name)
        await self.drain()
        if self.finished:
            return
        self.finished = True
        if self.hub.calls.get(self.contact_id) is self:
            del self.hub.calls[self.contact_id]
        if end_contact and not self.ended_elsewhere:
            async with self._turns:
                await self._end()
        self.hub.finished(self.contact_id).set()

    async def _end(self) -> None:
        app = self.hub.app

        def end() -> list[Outgoing]:
            with session_scope(_factory(app), reads_first=True) as session:
                agent = session.get(User, self.agent_id)
                return service.end_contact(
                    session, contact_id=self.contact_id, actor=agent, playbook=app_playbook(app)
                ).outgoing

        try:
            outgoing = await run_in_threadpool(end)
        except ContactEnded:
            return
        except CalmDeskError as error:
            log.warning("contact %s could not be ended: %s", self.contact_id, error)
            return
        await publish_all(get_bus(app), outgoing)
