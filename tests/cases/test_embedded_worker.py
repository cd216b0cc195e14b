"""``calmdesk serve`` runs the deadline worker in its lifespan when ``embedded_worker`` is on.

The app gets its own engine-bound sessions here (not the test's shared connection): the lifespan
runs workers in threads, and one connection cannot serve several threads at once."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete

from calmdesk.cases import service
from calmdesk.cases.models import Case
from calmdesk.playbook.schema import Playbook
from calmdesk.settings import Settings
from calmdesk.storage.db import make_session_factory
from calmdesk.web.app import create_app
from tests.cases.conftest import intake_at, local

WAIT_SECONDS = 30.0


def test_the_app_records_due_events_by_itself(
    settings: Settings, engine: Engine, pl: Playbook
) -> None:
    factory = make_session_factory(engine)
    received = local("Europe/Warsaw", 2026, 3, 2, 9)
    with factory() as session, session.begin():
        case_id = intake_at(
            session,
            received,
            pl,
            customer_contact="embedded@example.com",
            description="Faktura wyższa niż w umowie.",
            category="invoice_error",
        ).id
    app = create_app(
        settings.model_copy(update={"embedded_worker": True, "worker_interval_seconds": 0.2})
    )
    app.state.session_factory = factory
    kinds: list[str] = []
    try:
        with TestClient(app):
            deadline = time.monotonic() + WAIT_SECONDS
            while time.monotonic() < deadline and "sla_breached" not in kinds:
                time.sleep(0.2)
                with factory() as session:
                    kinds = [e.kind for e in service.events_of(session, case_id=case_id)]
    finally:
        app.state.engine.dispose()
        with engine.begin() as connection:
            connection.execute(delete(Case).where(Case.id == case_id))
    assert "sla_breached" in kinds
