"""Speech to text for utterances, off the event loop: a pool of worker processes, or Redis
streams that ``calmdesk asr-worker`` processes on other machines read.

A transcription that fails, or takes longer than ``asr_timeout_seconds``, costs its utterance
only (logged once): the call's other utterances, its typed lines and its actions go on. The
backlog (utterances waiting or being transcribed, and how long the oldest has waited) is what
``GET /api/audio/status`` reports.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any, Protocol

import numpy as np

from calmdesk.audio.codecs import Audio

log = logging.getLogger(__name__)

# Whisper's own stock phrases on noise and silence are not words the customer said.
NO_SPEECH = 0.6
LOW_CONFIDENCE = -1.0
LOOPING = 2.4  # gzip ratio of a text repeating itself
LOAD_TIMEOUT_SECONDS = 300.0


class AsrFailed(Exception):
    """One utterance could not be transcribed (timeout, a dead worker, a model error)."""


@dataclass(frozen=True, slots=True)
class AsrOptions:
    model: str | None = None
    threads: int = 1
    beam_size: int = 1


def transcribe_audio(model: Any, audio: Audio, lang: str | None, beam_size: int = 1) -> str:
    """The words of one utterance (16 kHz float samples), in ``lang`` when known."""
    segments, _ = model.transcribe(
        audio,
        language=lang,
        beam_size=beam_size,
        vad_filter=False,  # the leg's VAD cut it already
        condition_on_previous_text=False,
        # One retry hotter when the first pass loops (compression ratio over 2.4), and never
        # more words than a person says in that time: a bad utterance costs two passes at most.
        temperature=(0.0, 0.6),
        max_new_tokens=min(220, 16 + int(8 * audio.size / 16000)),
        without_timestamps=True,
    )
    words = [
        s.text.strip()
        for s in segments
        if not (s.no_speech_prob > NO_SPEECH and s.avg_logprob < LOW_CONFIDENCE)
        and s.compression_ratio <= LOOPING
    ]
    return " ".join(w for w in words if w).strip()


# --- the worker processes --------------------------------------------------------------------

_MODEL: Any = None
_OPTIONS = AsrOptions()


def _init_worker(options: AsrOptions) -> None:
    global _MODEL, _OPTIONS
    from calmdesk.audio import model as asr_model

    _OPTIONS = options
    _MODEL = asr_model.load(options.model, options.threads)


def _work(pcm: bytes, lang: str | None) -> str:
    audio = np.frombuffer(pcm, dtype=np.float32)
    return transcribe_audio(_MODEL, audio, lang, _OPTIONS.beam_size)


@dataclass(slots=True)
class AsrStatus:
    mode: str
    workers: int
    backlog: int
    oldest_wait_seconds: float
    transcribed: int
    failed: int


class Transcriber(Protocol):
    async def transcribe(self, audio: Audio, lang: str | None) -> str: ...

    async def status(self) -> AsrStatus: ...

    async def close(self) -> None: ...


@dataclass
class _Backlog:
    waiting: dict[int, float] = field(default_factory=dict)
    next_id: int = 0
    transcribed: int = 0
    failed: int = 0

    @contextlib.contextmanager
    def entry(self) -> Iterator[None]:
        self.next_id += 1
        key = self.next_id
        self.waiting[key] = time.monotonic()
        ok = False
        try:
            yield
            ok = True
        finally:
            self.waiting.pop(key, None)
            if ok:
                self.transcribed += 1
            else:
                self.failed += 1

    def oldest(self) -> float:
        if not self.waiting:
            return 0.0
        return round(time.monotonic() - min(self.waiting.values()), 3)


class ProcessTranscriber:
    """A pool of worker processes, each with its own model (spawned, so no lock or thread of
    the server is inherited). A worker that dies breaks the pool: the pool is made anew and
    only the utterances it held fail."""

    def __init__(self, options: AsrOptions, workers: int, timeout: float) -> None:
        self.options = options
        self.workers = workers
        self.timeout = timeout
        self._pool: ProcessPoolExecutor | None = None
        self._backlog = _Backlog()
        self._ready: asyncio.Future[None] | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=get_context("spawn"),
                initializer=_init_worker,
                initargs=(self.options,),
            )
        return self._pool

    def warm_up(self) -> None:
        """Start the workers and load their models now rather than on the first utterance."""
        pool = self._executor()
        silence = np.zeros(1600, np.float32).tobytes()
        for future in [pool.submit(_work, silence, "en") for _ in range(self.workers)]:
            future.result()

    async def _started(self) -> None:
        """The first utterance waits for the workers to load their models (seconds), outside
        its own timeout; a model that cannot load fails every utterance, each logged."""
        if self._ready is None:
            self._ready = asyncio.get_running_loop().run_in_executor(None, self.warm_up)
        try:
            await asyncio.wait_for(asyncio.shield(self._ready), LOAD_TIMEOUT_SECONDS)
        except Exception as error:
            self._ready = None
            raise AsrFailed(f"the speech model did not load: {error}") from error

    async def transcribe(self, audio: Audio, lang: str | None) -> str:
        loop = asyncio.get_running_loop()
        with self._backlog.entry():
            await self._started()
            pool = self._executor()
            try:
                future = loop.run_in_executor(pool, _work, audio.astype(np.float32).tobytes(), lang)
                return await asyncio.wait_for(future, self.timeout)
            except BrokenProcessPool as error:
                if self._pool is pool:
                    self._pool = None
                    self._ready = None
                    pool.shutdown(wait=False, cancel_futures=True)
                raise AsrFailed("a speech worker process died") from error
            except TimeoutError as error:
                raise AsrFailed(f"no transcript within {self.timeout:.0f} s") from error

    async def status(self) -> AsrStatus:
        b = self._backlog
        return AsrStatus(
            "processes", self.workers, len(b.waiting), b.oldest(), b.transcribed, b.failed
        )

    async def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


# --- Redis streams ---------------------------------------------------------------------------

GROUP = "asr"


def jobs_stream(prefix: str) -> str:
    return f"{prefix}:asr:jobs"


class RedisTranscriber:
    """Utterances as entries of the stream ``<prefix>:asr:jobs`` (consumer group ``asr``): any
    ``calmdesk asr-worker`` takes one, transcribes it and pushes the words to this server's
    reply list, then acknowledges and deletes the entry (the audio does not stay in Redis)."""

    def __init__(self, url: str, prefix: str, timeout: float) -> None:
        import redis.asyncio as aioredis

        self._redis = aioredis.Redis.from_url(url)
        self._replies_client = aioredis.Redis.from_url(url)
        self.prefix = prefix
        self.timeout = timeout
        self.reply_key = f"{prefix}:asr:reply:{uuid.uuid4().hex}"
        self._futures: dict[str, asyncio.Future[str]] = {}
        self._listener: asyncio.Task[None] | None = None
        self._backlog = _Backlog()
        self._group_made = False

    async def _ensure(self) -> None:
        if not self._group_made:
            with contextlib.suppress(Exception):  # BUSYGROUP: it exists
                await self._redis.xgroup_create(jobs_stream(self.prefix), GROUP, "0", mkstream=True)
            self._group_made = True
        if self._listener is None or self._listener.done():
            self._listener = asyncio.create_task(self._listen())

    async def _listen(self) -> None:
        while True:
            try:
                item = await self._replies_client.blpop([self.reply_key], timeout=5)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("speech reply list unreachable; retrying", exc_info=True)
                await asyncio.sleep(1)
                continue
            if item is None:
                continue
            reply = json.loads(item[1])
            future = self._futures.pop(reply.get("id", ""), None)
            if future is None or future.done():
                continue
            if reply.get("error"):
                future.set_exception(AsrFailed(str(reply["error"])))
            else:
                future.set_result(str(reply.get("text", "")))

    async def transcribe(self, audio: Audio, lang: str | None) -> str:
        await self._ensure()
        job = uuid.uuid4().hex
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._futures[job] = future
        with self._backlog.entry():
            try:
                await self._redis.xadd(
                    jobs_stream(self.prefix),
                    {
                        "id": job,
                        "lang": lang or "",
                        "reply": self.reply_key,
                        "audio": audio.astype(np.float32).tobytes(),
                    },
                    maxlen=10_000,
                    approximate=True,
                )
                return await asyncio.wait_for(future, self.timeout)
            except TimeoutError as error:
                raise AsrFailed(f"no speech worker answered within {self.timeout:.0f} s") from error
            except AsrFailed:
                raise
            except Exception as error:
                raise AsrFailed(f"Redis: {error}") from error
            finally:
                self._futures.pop(job, None)

    async def status(self) -> AsrStatus:
        stream = jobs_stream(self.prefix)
        workers, queued = 0, len(self._backlog.waiting)
        with contextlib.suppress(Exception):
            queued = int(await self._redis.xlen(stream))
            groups = await self._redis.xinfo_groups(stream)
            for group in groups:
                if group.get("name") in (GROUP, GROUP.encode()):
                    workers = int(group.get("consumers", 0))
        b = self._backlog
        return AsrStatus("redis", workers, queued, b.oldest(), b.transcribed, b.failed)

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(BaseException):
                await self._listener
        await self._redis.aclose()
        await self._replies_client.aclose()


def run_worker(
    url: str, prefix: str, options: AsrOptions, *, name: str | None = None, once: bool = False
) -> int:
    """``calmdesk asr-worker``: take utterances from Redis until stopped (``once``: until the
    stream is empty; for tests). Entries another worker took and did not acknowledge within 30 s
    (it died) are claimed. Returns how many were transcribed."""
    import redis

    from calmdesk.audio import model as asr_model

    client = redis.Redis.from_url(url)
    stream = jobs_stream(prefix)
    consumer = name or f"{os.uname().nodename}-{os.getpid()}"
    with contextlib.suppress(redis.ResponseError):
        client.xgroup_create(stream, GROUP, "0", mkstream=True)
    model = asr_model.load(options.model, options.threads)
    done = 0
    while True:
        claimed: Any = client.xautoclaim(stream, GROUP, consumer, min_idle_time=30_000, count=1)
        entries: Any = [(stream.encode(), claimed[1])] if claimed and claimed[1] else None
        if not entries:
            entries = client.xreadgroup(GROUP, consumer, {stream: ">"}, count=1, block=2000)
        if not entries:
            if once:
                return done
            continue
        for _, items in entries:
            for entry_id, fields in items:
                done += _answer(client, model, options, stream, entry_id, fields)


def _answer(
    client: Any, model: Any, options: AsrOptions, stream: str, entry_id: Any, fields: Any
) -> int:
    job = fields.get(b"id", b"").decode()
    reply = fields.get(b"reply", b"").decode()
    lang = fields.get(b"lang", b"").decode() or None
    answer: dict[str, str] = {"id": job}
    try:
        audio = np.frombuffer(fields[b"audio"], dtype=np.float32)
        answer["text"] = transcribe_audio(model, audio, lang, options.beam_size)
    except Exception as error:  # the server gives up on this utterance only
        log.exception("speech worker failed on %s", job)
        answer["error"] = f"{type(error).__name__}: {error}"
    if reply:
        client.rpush(reply, json.dumps(answer))
        client.expire(reply, 600)
    client.xack(stream, GROUP, entry_id)
    client.xdel(stream, entry_id)
    return 0 if "error" in answer else 1
