"""The app a ``calmdesk serve`` worker runs, with the Redis channel prefix of one test run.

``uvicorn tests.live.worker_app:create_worker_app --factory``; settings come from the
``CALMDESK_*`` environment, the prefix from ``CALMDESK_TEST_CHANNEL_PREFIX``.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from calmdesk.live.bus import RedisBus
from calmdesk.settings import Settings
from calmdesk.web.app import create_app


def create_worker_app() -> FastAPI:
    settings = Settings()
    assert settings.redis_url, "CALMDESK_REDIS_URL is required"
    app = create_app(settings)
    app.state.live_bus = RedisBus(
        settings.redis_url, prefix=os.environ["CALMDESK_TEST_CHANNEL_PREFIX"]
    )
    return app
