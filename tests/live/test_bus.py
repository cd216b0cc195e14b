"""The event buses: in-process, and Redis carrying messages between two bus instances (as between
two ``calmdesk serve`` workers)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from calmdesk.live.bus import (
    BOARD_CHANNEL,
    EventBus,
    InProcessBus,
    RedisBus,
    bus_from_settings,
    contact_channel,
)
from calmdesk.settings import Settings
from tests.servers import REDIS_URL


def _run(coro_factory: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(asyncio.wait_for(coro_factory(), timeout=10))


async def _exchange(publisher: EventBus, subscriber: EventBus) -> None:
    async with (
        subscriber.subscribe(contact_channel(7)) as contact,
        subscriber.subscribe(BOARD_CHANNEL) as board,
    ):
        await publisher.publish(contact_channel(8), {"type": "guidance", "contact_id": 8})
        await publisher.publish(contact_channel(7), {"type": "guidance", "seq": 1})
        await publisher.publish(contact_channel(7), {"type": "guidance", "seq": 2})
        await publisher.publish(BOARD_CHANNEL, {"type": "contact_update", "contact_id": 7})
        assert await contact.next() == {"type": "guidance", "seq": 1}
        assert await contact.next() == {"type": "guidance", "seq": 2}
        assert await board.next() == {"type": "contact_update", "contact_id": 7}


def test_it_delivers_in_order_only_to_the_channel_subscribed_in_process() -> None:
    bus = InProcessBus()
    _run(lambda: _exchange(bus, bus))


def test_it_forgets_a_subscriber_when_it_leaves() -> None:
    bus = InProcessBus()

    async def scenario() -> None:
        async with bus.subscribe(BOARD_CHANNEL):
            assert bus.subscriber_count(BOARD_CHANNEL) == 1
        assert bus.subscriber_count(BOARD_CHANNEL) == 0
        await bus.publish(BOARD_CHANNEL, {"type": "alert"})  # nobody listens: no error

    _run(scenario)


def test_it_refuses_a_message_that_could_not_cross_redis() -> None:
    bus = InProcessBus()

    async def scenario() -> None:
        with pytest.raises(TypeError):
            await bus.publish(BOARD_CHANNEL, {"type": "alert", "when": object()})

    _run(scenario)


def test_it_uses_the_in_process_bus_without_redis() -> None:
    assert isinstance(bus_from_settings(Settings(redis_url=None)), InProcessBus)
    assert isinstance(bus_from_settings(Settings(redis_url=REDIS_URL)), RedisBus)


@pytest.mark.redis
def test_it_carries_messages_between_two_redis_buses(redis_url: str) -> None:
    prefix = f"calmdesk-test-{uuid.uuid4().hex}"

    async def scenario() -> None:
        worker_a, worker_b = RedisBus(redis_url, prefix=prefix), RedisBus(redis_url, prefix=prefix)
        try:
            await _exchange(publisher=worker_b, subscriber=worker_a)
        finally:
            await worker_a.close()
            await worker_b.close()

    _run(scenario)


@pytest.mark.redis
def test_it_keeps_deployments_with_different_prefixes_apart(redis_url: str) -> None:
    async def scenario() -> None:
        ours = RedisBus(redis_url, prefix=f"calmdesk-test-{uuid.uuid4().hex}")
        theirs = RedisBus(redis_url, prefix=f"calmdesk-test-{uuid.uuid4().hex}")
        try:
            async with ours.subscribe(BOARD_CHANNEL) as board:
                await theirs.publish(BOARD_CHANNEL, {"type": "alert", "from": "theirs"})
                await ours.publish(BOARD_CHANNEL, {"type": "alert", "from": "ours"})
                assert await board.next() == {"type": "alert", "from": "ours"}
        finally:
            await ours.close()
            await theirs.close()

    _run(scenario)
