"""Where each webhook event kind is written: the case verbs, the deadline worker, compensation
above the agent's limit and the live contacts' alerts, each in the transaction of its event,
with no customer text or contact in the payload."""

from __future__ import annotations

import json
from datetime import UTC, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.cases import service as cases
from calmdesk.cases import worker as cases_worker
from calmdesk.cases.enums import CaseStatus
from calmdesk.live import service as live_service
from calmdesk.live.coaching import ConversationCache
from calmdesk.live.notices import ALERT_KINDS
from calmdesk.outbox.models import OutboxMessage
from calmdesk.playbook.load import default_playbook
from calmdesk.users.models import User
from calmdesk.webhooks import service
from calmdesk.webhooks.events import WebhookEventKind
from calmdesk.webhooks.schemas import WebhookCreate
from tests.cases.conftest import intake_at, offer
from tests.conftest import TEST_SECRET_KEY
from tests.social.test_service import MONDAY_NOON

PL = default_playbook("pl")
CONTACT = "zofia.nowak@example.pl"
DESCRIPTION = "Faktura FV/2026/11/42 jest o 200 zł wyższa niż w umowie."


def subscribe_all(session: Session) -> int:
    created = service.create(
        session,
        webhook_in=WebhookCreate(
            name="Wszystko", url="http://127.0.0.1:9/", event_kinds=list(WebhookEventKind)
        ),
        actor_id=None,
        server_key=TEST_SECRET_KEY,
        allow_private=True,
    )
    session.flush()
    return created.subscription.id


def written(session: Session) -> list[OutboxMessage]:
    session.flush()
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def kinds(session: Session) -> list[str]:
    return [m.event_kind for m in written(session)]


def assert_no_customer_data(message: OutboxMessage) -> None:
    text = json.dumps(message.payload, ensure_ascii=False)
    for secret in (CONTACT, "Faktura", "zofia", "idioto", "debilu"):
        assert secret not in text


def test_nothing_is_written_without_a_subscriber(session: Session) -> None:
    intake_at(session, MONDAY_NOON, PL, customer_contact=CONTACT, description=DESCRIPTION)
    assert written(session) == []


def test_a_case_created_and_moved_is_announced_with_its_state(
    session: Session, users: dict[str, User]
) -> None:
    webhook_id = subscribe_all(session)
    case = intake_at(
        session,
        MONDAY_NOON,
        PL,
        customer_contact=CONTACT,
        description=DESCRIPTION,
        category="invoice_error",
    )
    cases.transition(
        session,
        case=case,
        to=CaseStatus.ACKNOWLEDGED,
        actor_id=users["handler"].id,
        note="Zofia dostała potwierdzenie",
        playbook=PL,
        now=MONDAY_NOON + timedelta(minutes=5),
    )
    created, moved = written(session)
    assert (created.event_kind, moved.event_kind) == ("case.created", "case.transitioned")
    assert created.target_id == webhook_id and created.channel == "webhook"
    assert created.payload["type"] == "case.created"
    assert created.payload["id"] == created.event_id
    assert created.payload["data"]["case"]["id"] == case.id
    assert created.payload["data"]["case"]["category"] == "invoice_error"
    event = moved.payload["data"]["case_event"]
    assert (event["from_status"], event["to_status"]) == ("received", "acknowledged")
    assert event["actor_id"] == users["handler"].id
    assert created.event_id != moved.event_id
    for message in (created, moved):
        assert_no_customer_data(message)


def test_the_deadline_worker_announces_warnings_breaches_and_legal_risk(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    subscribe_all(session)
    start = MONDAY_NOON.astimezone(UTC)
    case = intake_at(
        session,
        start,
        PL,
        customer_contact=CONTACT,
        description=DESCRIPTION,
        category="invoice_error",
    )
    session.commit()
    report = cases_worker.run_once(session_factory, now=start + timedelta(days=60))
    session.expire_all()
    recorded = {kind for case_id, kind, _ in report.recorded if case_id == case.id}
    announced = [m for m in written(session) if m.event_kind != "case.created"]
    expected = {
        "sla_warning": "case.sla_warning",
        "sla_breached": "case.sla_breached",
        "legal_deadline_risk": "case.legal_deadline_risk",
        "legal_deadline_missed": "case.legal_deadline_missed",
    }
    assert {expected[k] for k in recorded} == {m.event_kind for m in announced}
    assert {"case.sla_breached", "case.legal_deadline_missed"} <= {m.event_kind for m in announced}
    breached = next(m for m in announced if m.event_kind == "case.sla_breached")
    assert breached.payload["data"]["case_event"]["clock"] in ("first_response", "resolution")
    assert "deadline" in breached.payload["data"]["case_event"]
    # A second step records nothing new, so announces nothing new.
    before = len(written(session))
    cases_worker.run_once(session_factory, now=start + timedelta(days=60))
    assert len(written(session)) == before


def test_compensation_above_the_agents_limit_is_announced_as_awaiting_approval(
    session: Session, users: dict[str, User]
) -> None:
    subscribe_all(session)
    case = intake_at(
        session,
        MONDAY_NOON,
        PL,
        customer_contact=CONTACT,
        description=DESCRIPTION,
        category="invoice_error",
    )
    offer(session, case, PL, "150", users["agent"], now=MONDAY_NOON)  # within 200: granted
    assert "compensation.awaiting_approval" not in kinds(session)
    offer(session, case, PL, "500", users["agent"], now=MONDAY_NOON)  # past it: waits
    [waiting] = [m for m in written(session) if m.event_kind == "compensation.awaiting_approval"]
    compensation = waiting.payload["data"]["compensation"]
    assert compensation["amount"] == "500" and compensation["currency"] == "PLN"
    assert compensation["why_pending"] == "case_limit" and compensation["appealed"] is False
    assert_no_customer_data(waiting)


def test_a_live_abuse_alert_is_announced_once(session: Session, users: dict[str, User]) -> None:
    subscribe_all(session)
    agent = users["agent"]
    cache = ConversationCache()
    contact = live_service.start_contact(session, agent=agent, lang="pl", playbook=PL)
    for line in ("Ty #$&^&%@! idioto, znowu mnie oszukujecie!", "Zamknij się, debilu!"):
        live_service.says(
            session,
            speaker="customer",
            contact_id=contact.id,
            text=line,
            actor=agent,
            cache=cache,
            playbook=PL,
        )
    alerts = [m for m in written(session) if m.event_kind.startswith("alert.")]
    assert [m.event_kind for m in alerts] == ["alert.abuse"]  # the second line: same alert
    data = alerts[0].payload["data"]
    assert data["contact"]["id"] == contact.id and data["agent"] == {"id": agent.id}
    assert data["alert"] == "abuse"
    assert_no_customer_data(alerts[0])


def test_a_supervisor_request_is_announced(session: Session, users: dict[str, User]) -> None:
    subscribe_all(session)
    agent = users["agent"]
    contact = live_service.start_contact(session, agent=agent, lang="en", playbook=PL)
    live_service.says(
        session,
        speaker="customer",
        contact_id=contact.id,
        text="I want to speak to your supervisor right now.",
        actor=agent,
        cache=ConversationCache(),
        playbook=PL,
    )
    assert "alert.supervisor_requested" in kinds(session)


def test_every_alert_event_kind_comes_from_a_coach_alert() -> None:
    alert_events = {k for k in WebhookEventKind if k.startswith("alert.")}
    assert set(ALERT_KINDS.values()) == alert_events
    assert ALERT_KINDS["threat_violence"] is WebhookEventKind.ALERT_THREAT_VIOLENCE
    assert ALERT_KINDS["self_harm"] is WebhookEventKind.ALERT_SELF_HARM
