"""``calmdesk serve`` runs the deadline worker in its lifespan when ``embedded_worker`` is on."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.cases import service
from calmdesk.settings import Settings
from calmdesk.web.app import create_app
from tests.cases.conftest import MakeCase, local

WAIT_SECONDS = 30.0


def test_the_app_records_due_events_by_itself(
    settings: Settings,
    session_factory: sessionmaker[Session],
    session: Session,
    make_case: MakeCase,
) -> None:
    received = local("Europe/Warsaw", 2026, 3, 2, 9)
    case = make_case(received_at=received, now=received)
    session.commit()
    app = create_app(
        settings.model_copy(update={"embedded_worker": True, "worker_interval_seconds": 3600})
    )
    app.state.session_factory = session_factory
    kinds: list[str] = []
    with TestClient(app):
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline and "sla_breached" not in kinds:
            time.sleep(0.2)
            session.expire_all()
            kinds = [e.kind for e in service.events_of(session, case_id=case.id)]
    app.state.engine.dispose()
    assert "sla_breached" in kinds
