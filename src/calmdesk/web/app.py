"""``create_app()``: the FastAPI application, a thin shell over the domain packages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Literal

from fastapi import Depends, FastAPI
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from calmdesk import __version__
from calmdesk.analysis import load_all as load_analysis
from calmdesk.analysis.model import load_default_model
from calmdesk.audio import views as audio_views
from calmdesk.audio.audiosocket import start_in_app as audiosocket_in_app
from calmdesk.cases import worker as cases_worker
from calmdesk.cases.views import router as cases_router
from calmdesk.chat.views import install as install_chat
from calmdesk.customers.views import router as customers_router
from calmdesk.live.fanout import close_bus, get_bus, publish_all
from calmdesk.live.messages import Outgoing
from calmdesk.live.views import install as install_live
from calmdesk.maintenance import run_embedded
from calmdesk.playbook.load import load_playbook
from calmdesk.playbook.views import router as playbook_router
from calmdesk.settings import Settings, get_settings
from calmdesk.social.connectors.views import router as social_webhooks_router
from calmdesk.social.views import router as social_router
from calmdesk.storage.db import make_engine, make_session_factory
from calmdesk.storage.migrate import upgrade
from calmdesk.users.deps import get_current_user
from calmdesk.users.limits import limiter_from_settings
from calmdesk.users.passwords import VERIFICATION_TIME, configure_hashing
from calmdesk.users.views import auth_router, users_router
from calmdesk.web.apidocs import install_api_docs
from calmdesk.web.errors import install_error_handlers
from calmdesk.web.head import HeadAsGet
from calmdesk.web.openapi import install_openapi
from calmdesk.web.pages import install_pages
from calmdesk.webhooks.views import router as webhooks_router


class Health(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "ok", "version": "0.1.0"}]}
    )

    status: Literal["ok"]
    version: str


def warm_up_analysis() -> None:
    load_analysis()
    load_default_model()
    # The time an unknown username waits is measured now, not during the first flood of them.
    VERIFICATION_TIME.seconds()


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    if settings.auto_migrate:
        await run_in_threadpool(upgrade, app.state.engine)
    # Loading the lexicons, morphology and tone model takes seconds; doing it now, off the
    # event loop, spares the first customer line of the day that wait.
    warm_up = (
        asyncio.create_task(asyncio.to_thread(warm_up_analysis))
        if settings.warm_up_models
        else None
    )
    worker = None
    if settings.embedded_worker:
        # A newer calendar may publish a year some legal dates had to assume.
        await run_in_threadpool(
            cases_worker.refresh_provisional,
            app.state.session_factory,
            playbook=app.state.playbook,
        )
        bus = get_bus(app)

        async def publish(outgoing: Sequence[Outgoing]) -> None:
            await publish_all(bus, outgoing)

        worker = asyncio.create_task(
            run_embedded(
                app.state.session_factory,
                interval=settings.worker_interval_seconds,
                retention_days=settings.retention_days,
                settings=settings,
                playbook=app.state.playbook,
                publish=publish,
            )
        )
    mail = None
    if settings.mail_in_serve:
        from calmdesk.mail.loop import EmbeddedMail, MailRuntime

        runtime = MailRuntime.from_settings(settings)
        if runtime.configured:
            mail = EmbeddedMail(app.state.session_factory, runtime, app.state.playbook)
            mail.start()
    audiosocket = audiosocket_in_app(app)  # CALMDESK_AUDIOSOCKET_PORT: Asterisk's legs too
    if audiosocket is not None:
        app.state.audiosocket_ports = await audiosocket.start()
    try:
        yield
    finally:
        if audiosocket is not None:
            await audiosocket.close()
        await audio_views.close(app)
        if mail is not None:
            await asyncio.to_thread(mail.stop)
        for task in (worker, warm_up):
            if task is not None:
                task.cancel()
        await close_bus(app)
        close = getattr(app.state.rate_limiter, "close", None)
        if close is not None:
            close()
        app.state.engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    production = settings.env == "production"
    app = FastAPI(
        title="CalmDesk",
        version=__version__,
        description=(
            "Complaint cases with two clocks, live de-escalation coaching and the company's "
            "complaint playbook, in Polish, Russian and English."
        ),
        lifespan=_lifespan,
        # In production the API's map is for signed-in users (below); development keeps it open.
        # /docs and /redoc come from web/apidocs.py, with their assets served locally.
        docs_url=None,
        redoc_url=None,
        openapi_url=None if production else "/openapi.json",
    )
    app.state.settings = settings
    app.state.rate_limiter = limiter_from_settings(settings)
    configure_hashing(
        concurrency=settings.password_hashing_concurrency,
        wait_seconds=settings.password_hashing_wait_seconds,
        nice=settings.password_hashing_nice,
    )
    app.state.playbook = load_playbook(settings.playbook)
    # Tests replace session_factory with one bound to their rolled-back transaction.
    app.state.engine = make_engine(settings.effective_database_url)
    app.state.session_factory = make_session_factory(app.state.engine)
    install_error_handlers(app)
    install_api_docs(app, signed_in=production)
    app.include_router(auth_router)
    app.include_router(users_router)
    app.include_router(cases_router)
    app.include_router(customers_router)
    app.include_router(social_router)
    app.include_router(social_webhooks_router)
    app.include_router(webhooks_router)
    install_live(app)  # /api/contacts and the /ws/contacts/{id}, /ws/board sockets
    install_chat(app)  # /api/chat: Chatwoot's webhook and card, the generic adapter
    audio_views.install(app)  # /api/audio/* and the /ws/media/twilio socket
    app.include_router(playbook_router, dependencies=[Depends(get_current_user)])
    install_pages(app)  # HTML pages and their error pages; after the API's error handlers

    @app.get("/healthz", tags=["meta"])
    def healthz() -> Health:
        """Liveness probe."""
        return Health(status="ok", version=__version__)

    install_openapi(app)  # last: it documents the errors of every route above
    app.add_middleware(HeadAsGet)  # HEAD wherever GET is answered
    return app
