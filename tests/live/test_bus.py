"""The event buses: in-process, and Redis carrying messages between two bus instances (as between
two ``calmdesk serve`` workers). Every kind of bus message crosses as its model and arrives as an
equal model; a payload that is not one of ours is skipped."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
import redis.asyncio as aioredis

from calmdesk.live import wire_examples as ex
from calmdesk.live.bus import (
    BOARD_CHANNEL,
    EventBus,
    InProcessBus,
    RedisBus,
    bus_from_settings,
    contact_channel,
)
from calmdesk.live.wire import (
    AlertMessage,
    BreakGrantedMessage,
    BusMessage,
    ContactUpdateMessage,
    GuidanceMessage,
    SummaryMessage,
)
from calmdesk.settings import Settings
from tests.servers import REDIS_URL

# One message of each kind, in each language (the models' own pl/ru/en examples).
EVERY_KIND: list[BusMessage] = [
    *(GuidanceMessage.model_validate(e) for e in ex.GUIDANCE),
    *(SummaryMessage.model_validate(e) for e in ex.SUMMARY_MESSAGES),
    *(ContactUpdateMessage.model_validate(e) for e in ex.CONTACT_UPDATES),
    *(AlertMessage.model_validate(e) for e in ex.ALERT_MESSAGES),
    *(BreakGrantedMessage.model_validate(e) for e in ex.BREAKS_GRANTED),
]


def _run(coro_factory: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(asyncio.wait_for(coro_factory(), timeout=10))


async def _exchange(publisher: EventBus, subscriber: EventBus) -> None:
    async with (
        subscriber.subscribe(contact_channel(7)) as contact,
        subscriber.subscribe(BOARD_CHANNEL) as board,
    ):
        await publisher.publish(contact_channel(8), EVERY_KIND[2])
        for message in EVERY_KIND:
            await publisher.publish(contact_channel(7), message)
        await publisher.publish(BOARD_CHANNEL, EVERY_KIND[-1])
        received = [await contact.next() for _ in EVERY_KIND]
        assert received == EVERY_KIND
        assert [type(m) for m in received] == [type(m) for m in EVERY_KIND]
        assert await board.next() == EVERY_KIND[-1]


def test_it_delivers_in_order_only_to_the_channel_subscribed_in_process() -> None:
    bus = InProcessBus()
    _run(lambda: _exchange(bus, bus))


def test_it_forgets_a_subscriber_when_it_leaves() -> None:
    bus = InProcessBus()

    async def scenario() -> None:
        async with bus.subscribe(BOARD_CHANNEL):
            assert bus.subscriber_count(BOARD_CHANNEL) == 1
        assert bus.subscriber_count(BOARD_CHANNEL) == 0
        await bus.publish(BOARD_CHANNEL, EVERY_KIND[0])  # nobody listens: no error

    _run(scenario)


def test_subscribers_in_process_get_the_message_as_it_crossed_json() -> None:
    bus = InProcessBus()
    guidance = GuidanceMessage.model_validate(ex.GUIDANCE[0])

    async def scenario() -> None:
        async with (
            bus.subscribe(contact_channel(1)) as first,
            bus.subscribe(contact_channel(1)) as second,
        ):
            await bus.publish(contact_channel(1), guidance)
            received = await first.next()
            assert received == guidance and received is not guidance
            assert await second.next() is received  # frozen: one copy for every subscriber

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
                await theirs.publish(BOARD_CHANNEL, EVERY_KIND[0])
                await ours.publish(BOARD_CHANNEL, EVERY_KIND[1])
                assert await board.next() == EVERY_KIND[1]
        finally:
            await ours.close()
            await theirs.close()

    _run(scenario)


@pytest.mark.redis
def test_a_redis_subscriber_skips_a_payload_that_is_not_one_of_our_messages(
    redis_url: str,
) -> None:
    prefix = f"calmdesk-test-{uuid.uuid4().hex}"
    foreign = [
        b"not json",
        b'{"type": "guidance", "seq": 1}',  # a guidance missing nearly everything
        b'{"type": "sing"}',
        b"[" * 5000 + b"]" * 5000,
    ]

    async def scenario() -> None:
        bus = RedisBus(redis_url, prefix=prefix)
        raw: aioredis.Redis = aioredis.Redis.from_url(redis_url)
        try:
            async with bus.subscribe(BOARD_CHANNEL) as board:
                for payload in foreign:
                    await raw.publish(f"{prefix}:{BOARD_CHANNEL}", payload)
                await bus.publish(BOARD_CHANNEL, EVERY_KIND[-1])
                assert await board.next() == EVERY_KIND[-1]
        finally:
            await raw.aclose()
            await bus.close()

    _run(scenario)
