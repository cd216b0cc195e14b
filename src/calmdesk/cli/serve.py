"""``calmdesk serve``: the web app and API with uvicorn."""

from __future__ import annotations

import os

import typer

from calmdesk.errors import CalmDeskError
from calmdesk.playbook.load import load_playbook
from calmdesk.settings import get_settings


def register(app: typer.Typer) -> None:
    app.command()(serve)


def serve(
    host: str = typer.Option(None, help="Address to bind (default CALMDESK_HOST, 127.0.0.1)."),
    port: int = typer.Option(None, help="Port (default CALMDESK_PORT, 8000)."),
    workers: int = typer.Option(1, min=1, help="Worker processes (>1 needs PostgreSQL and Redis)."),
) -> None:
    """Serve the web app and the API (http://127.0.0.1:8000 by default)."""
    import uvicorn

    from calmdesk.analysis.features import THREADS_ENV

    settings = get_settings()
    if workers > 1 and not settings.redis_url:
        raise CalmDeskError(
            "several workers need CALMDESK_REDIS_URL (live events must cross workers) "
            "and a shared database such as PostgreSQL (CALMDESK_DATABASE_URL)",
            code="redis_required",
        )
    # A broken playbook is one clear line here, not a traceback from inside uvicorn.
    load_playbook(settings.playbook)
    # The server runs one analysis per core at once; a second BLAS thread for each would only
    # fight them for the cores (p99 125 ms against 3.7 s under load: docs/benchmarks.md).
    os.environ.setdefault(THREADS_ENV, "1")
    uvicorn.run(
        "calmdesk.web.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level="info",
    )
