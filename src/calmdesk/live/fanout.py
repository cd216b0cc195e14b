"""The app's bus and publishing a turn's messages on it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

import anyio.from_thread
from fastapi import FastAPI

from calmdesk.live.bus import EventBus, bus_from_settings
from calmdesk.live.messages import Outgoing

log = logging.getLogger(__name__)


_BUS_LOCK = threading.Lock()


def get_bus(app: FastAPI) -> EventBus:
    """The app's bus (Redis when ``CALMDESK_REDIS_URL`` is set): made by ``install`` at
    startup, or here after a shutdown closed it. The lock matters: a socket (on the event loop)
    and a REST turn (in a worker thread) must never end up on two different buses.

    Set ``app.state.live_bus`` before the first request to use another (a test's own prefix)."""
    with _BUS_LOCK:
        bus: EventBus | None = getattr(app.state, "live_bus", None)
        if bus is None:
            settings = app.state.settings
            bus = bus_from_settings(settings, prefix=settings.redis_channel_prefix)
            app.state.live_bus = bus
        return bus


async def close_bus(app: FastAPI) -> None:
    bus: EventBus | None = getattr(app.state, "live_bus", None)
    if bus is not None:
        app.state.live_bus = None
        await bus.close()


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
