"""Fan-out of live events to the agent consoles and the supervisor board.

Three kinds of channel: one per contact (``contact:<id>``, the agent's console), one per agent
(``agent:<id>``, what reaches the agent on any console page) and ``board`` (every supervisor).
:class:`InProcessBus` serves a single ``calmdesk serve`` process; with
``CALMDESK_REDIS_URL`` set, :class:`RedisBus` carries the same messages between workers, so a
board connected to worker A sees a turn posted to worker B.

Messages are the models of :data:`calmdesk.live.wire.BusMessage`: a publisher serialises one
once (``model_dump_json``), a subscriber validates what it reads back into the model. Both buses
do the same, so a message that would not cross Redis fails in the in-process bus too; a payload
on our channel that is not one of our messages is logged and skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

import redis.asyncio as aioredis
from pydantic import ValidationError
from redis.asyncio.client import PubSub

from calmdesk.live.wire import BUS_MESSAGE, BusMessage
from calmdesk.settings import Settings

BOARD_CHANNEL = "board"
DEFAULT_PREFIX = "calmdesk"
CONNECT_TIMEOUT_SECONDS = 2.0
SUBSCRIBER_QUEUE_SIZE = 1000
"""A subscriber further behind than this loses the newest messages (a stuck browser tab must
not grow the server's memory)."""

log = logging.getLogger(__name__)


def contact_channel(contact_id: int) -> str:
    return f"contact:{contact_id}"


def agent_channel(user_id: int) -> str:
    """The agent's own channel (``/ws/agent``): what reaches them wherever they are, such as a
    break granted."""
    return f"agent:{user_id}"


class Subscription(Protocol):
    """Messages of one channel, in publishing order."""

    async def next(self) -> BusMessage: ...

    def __aiter__(self) -> AsyncIterator[BusMessage]: ...


class EventBus(Protocol):
    async def publish(self, channel: str, message: BusMessage) -> None: ...

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[Subscription]:
        """Messages published after the context is entered (the subscription is in effect
        when ``__aenter__`` returns)."""
        ...

    async def close(self) -> None: ...


class _QueueSubscription:
    def __init__(self, queue: asyncio.Queue[BusMessage]) -> None:
        self._queue = queue

    async def next(self) -> BusMessage:
        return await self._queue.get()

    async def __aiter__(self) -> AsyncIterator[BusMessage]:
        while True:
            yield await self._queue.get()


class InProcessBus:
    """Asyncio queues in one event loop: the default when Redis is not configured."""

    def __init__(self) -> None:
        self._queues: dict[str, set[asyncio.Queue[BusMessage]]] = defaultdict(set)

    async def publish(self, channel: str, message: BusMessage) -> None:
        # Through JSON as on Redis; the models are frozen, so subscribers share the one copy.
        decoded = BUS_MESSAGE.validate_json(message.model_dump_json())
        for queue in list(self._queues.get(channel, ())):
            try:
                queue.put_nowait(decoded)
            except asyncio.QueueFull:
                log.warning("live subscriber on %s is too slow; message dropped", channel)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        queue: asyncio.Queue[BusMessage] = asyncio.Queue(maxsize=SUBSCRIBER_QUEUE_SIZE)
        self._queues[channel].add(queue)
        try:
            yield _QueueSubscription(queue)
        finally:
            self._queues[channel].discard(queue)
            if not self._queues[channel]:
                del self._queues[channel]

    def subscriber_count(self, channel: str) -> int:
        return len(self._queues.get(channel, ()))

    async def close(self) -> None:
        self._queues.clear()


class _RedisSubscription:
    def __init__(self, pubsub: PubSub) -> None:
        self._pubsub = pubsub

    async def next(self) -> BusMessage:
        while True:
            raw = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=None)
            if raw is None or raw.get("type") != "message":
                continue
            try:
                return BUS_MESSAGE.validate_json(raw["data"])
            except ValidationError as error:
                log.warning(
                    "ignoring a payload on %s that is not a live message: %s",
                    raw.get("channel"),
                    error.errors(include_input=False, include_url=False)[:3],
                )

    async def __aiter__(self) -> AsyncIterator[BusMessage]:
        while True:
            yield await self.next()


class RedisBus:
    """Redis pub/sub: channels are ``<prefix>:<channel>``; each subscription holds its own
    pub/sub connection (simple, and a contact centre has hundreds of sockets, not millions).

    Use a distinct ``prefix`` per deployment sharing one Redis (pub/sub ignores the db number).
    """

    def __init__(self, url: str, *, prefix: str = DEFAULT_PREFIX) -> None:
        # A Redis that does not answer must fail a publish fast, not hold up the turn.
        self._client: aioredis.Redis = aioredis.Redis.from_url(
            url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS
        )
        self.prefix = prefix

    def _name(self, channel: str) -> str:
        return f"{self.prefix}:{channel}"

    async def publish(self, channel: str, message: BusMessage) -> None:
        await self._client.publish(self._name(channel), message.model_dump_json())

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        pubsub = self._client.pubsub()
        try:
            await pubsub.subscribe(self._name(channel))
            # Wait for Redis to confirm, so nothing published after we return is missed.
            while True:
                confirmation = await pubsub.get_message(timeout=None)
                if confirmation is not None and confirmation.get("type") == "subscribe":
                    break
            yield _RedisSubscription(pubsub)
        finally:
            with contextlib.suppress(Exception):
                await pubsub.unsubscribe()
            await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def ping(self) -> bool:
        return bool(await self._client.ping())

    async def close(self) -> None:
        await self._client.aclose()


def bus_from_settings(settings: Settings, *, prefix: str = DEFAULT_PREFIX) -> EventBus:
    """Redis when ``settings.redis_url`` is set, else the in-process bus."""
    if settings.redis_url:
        return RedisBus(settings.redis_url, prefix=prefix)
    return InProcessBus()
