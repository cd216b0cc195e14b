"""The app's bus and publishing a turn's messages on it.

The app's bus stores every ``alert`` before it carries it (:class:`AlertStoringBus`), whoever
publishes it: the board's history and its acknowledgements read those rows."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

import anyio.from_thread
import anyio.to_thread
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.live import alerts
from calmdesk.live.bus import EventBus, Subscription, bus_from_settings
from calmdesk.live.messages import Outgoing
from calmdesk.live.wire import AlertMessage, BusMessage
from calmdesk.storage.db import begin_write, session_scope

log = logging.getLogger(__name__)


_BUS_LOCK = threading.Lock()


class AlertStoringBus:
    """The app's bus: an ``alert`` not stored yet is stored (in its own short write) before it
    is published, with its id, so every alert a board ever sees can be read back and
    acknowledged. A failed store is logged and the alert still goes out."""

    def __init__(self, inner: EventBus, factory: Callable[[], sessionmaker[Session]]) -> None:
        self.inner = inner
        self._factory = factory
        """The app's session factory as it is at the time of storing (tests replace it)."""

    def _store(self, message: AlertMessage) -> AlertMessage:
        with session_scope(self._factory()) as session:
            begin_write(session)
            return alerts.store(session, message)

    async def publish(self, channel: str, message: BusMessage) -> None:
        if isinstance(message, AlertMessage) and message.alert_id is None:
            try:
                message = await anyio.to_thread.run_sync(self._store, message)
            except Exception:
                log.exception("could not store an alert of contact %s", message.contact_id)
        await self.inner.publish(channel, message)

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[Subscription]:
        return self.inner.subscribe(channel)

    async def close(self) -> None:
        await self.inner.close()

    def __getattr__(self, name: str) -> Any:  # the inner bus's own (subscriber_count, ping)
        return getattr(self.inner, name)


def get_bus(app: FastAPI) -> EventBus:
    """The app's bus (Redis when ``CALMDESK_REDIS_URL`` is set): made by ``install`` at
    startup, or here after a shutdown closed it. The lock matters: a socket (on the event loop)
    and a REST turn (in a worker thread) must never end up on two different buses.

    Set ``app.state.live_bus`` before the first request to use another (a test's own prefix)."""
    with contextlib.suppress(RuntimeError):  # remember the loop, for publish_soon
        app.state.live_loop = asyncio.get_running_loop()
    with _BUS_LOCK:
        bus: EventBus | None = getattr(app.state, "live_bus", None)
        if bus is None:
            settings = app.state.settings
            bus = bus_from_settings(settings, prefix=settings.redis_channel_prefix)
        if not isinstance(bus, AlertStoringBus):
            state = app.state
            bus = AlertStoringBus(bus, lambda: state.session_factory)
            app.state.live_bus = bus
        return bus


async def close_bus(app: FastAPI) -> None:
    bus: EventBus | None = getattr(app.state, "live_bus", None)
    if bus is not None:
        app.state.live_bus = None
        await bus.close()


def inner_bus(bus: EventBus) -> EventBus:
    """The bus under the app's alert-storing wrapper (tests count its subscribers)."""
    return bus.inner if isinstance(bus, AlertStoringBus) else bus


async def publish_all(bus: EventBus, outgoing: Sequence[Outgoing]) -> None:
    """Publish in order. A bus failure is logged, never turned into a failed turn: the turn is
    stored, and a console can always re-read it."""
    for item in outgoing:
        try:
            await bus.publish(item.channel, item.message)
        except Exception:
            # The rest would fail the same way, each after its own connection timeout.
            log.exception("could not publish %d live message(s)", len(outgoing))
            return


def publish_from_thread(app: FastAPI, outgoing: Sequence[Outgoing]) -> None:
    """Publish from a synchronous route (FastAPI runs it in a worker thread), after the commit:
    ``publish_from_thread(request.app, outcome.outgoing)``."""
    anyio.from_thread.run(publish_all, get_bus(app), outgoing)


_PENDING: set[asyncio.Future[None]] = set()


def publish_soon(app: FastAPI, outgoing: Sequence[Outgoing]) -> None:
    """Publish from any thread without waiting: a route's worker thread, the event loop itself,
    or a thread of the embedded deadline worker (through the loop a socket or a route ran on).
    With no loop known yet nothing in this process listens, and nothing is published."""
    bus = get_bus(app)
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is not None:
        task = running.create_task(publish_all(bus, outgoing))
        _PENDING.add(task)
        task.add_done_callback(_PENDING.discard)
        return
    try:
        anyio.from_thread.run(publish_all, bus, outgoing)
        return
    except RuntimeError:  # not an AnyIO worker thread
        pass
    loop: asyncio.AbstractEventLoop | None = getattr(app.state, "live_loop", None)
    if loop is not None and loop.is_running():
        asyncio.run_coroutine_threadsafe(publish_all(bus, outgoing), loop)
