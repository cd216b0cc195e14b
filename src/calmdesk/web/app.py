"""``create_app()``: the FastAPI application, a thin shell over the domain packages."""

from __future__ import annotations

from fastapi import FastAPI

from calmdesk import __version__
from calmdesk.settings import Settings, get_settings
from calmdesk.web.errors import install_error_handlers


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="CalmDesk",
        version=__version__,
        description=(
            "Complaint cases with two clocks, live de-escalation coaching and the company's "
            "complaint playbook, in Polish, Russian and English."
        ),
    )
    app.state.settings = settings
    install_error_handlers(app)

    @app.get("/healthz", tags=["meta"])
    def healthz() -> dict[str, str]:
        """Liveness probe."""
        return {"status": "ok", "version": __version__}

    return app
