"""The supervisor's board behind the API (issue 12): a signed-in supervisor watches another
agent's contact read only until taking it over (recorded), whispers reach the agent's socket
only, every alert the bus carries is stored with its kind and params (a climb of a rung too),
today's alerts come back loudest first (a threat of violence and self-harm on top) and an
acknowledgement reaches every board."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import anyio
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.live import alerts, service
from calmdesk.live.bus import BOARD_CHANNEL
from calmdesk.live.fanout import get_bus
from calmdesk.live.models import Alert, Contact, ContactEvent, EventKind
from calmdesk.live.wire import AlertMessage, BoardAlertKind
from calmdesk.playbook.load import default_playbook
from calmdesk.storage.types import utcnow
from calmdesk.users.models import User
from tests.conftest import LoginHelper
from tests.live.helpers import DIALOGUE, bearer, post_turn, receive, start

JSON_WRITE = {"origin": "http://testserver", "content-type": "application/json"}
"""What the board's own page sends with its session cookie."""


def _as_supervisor(client: TestClient, login: LoginHelper) -> None:
    login(client, "supervisor")


def _post(client: TestClient, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, json=body or {}, headers=JSON_WRITE)


def test_a_signed_in_supervisor_watches_read_only_until_taking_over(
    client: TestClient, tokens: dict[str, str], login: LoginHelper, session: Session
) -> None:
    contact_id = start(client, tokens["agent"])
    _as_supervisor(client, login)
    line = {"speaker": "customer", "text": "Dzień dobry, mam problem z fakturą."}

    refused = _post(client, f"/api/contacts/{contact_id}/utterances", line)
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_taken_over"
    # In the supervisor's language (Russian), naming what to do.
    assert "возьмите его на себя" in refused.json()["message"]
    ended = _post(client, f"/api/contacts/{contact_id}/end")
    assert (ended.status_code, ended.json()["code"]) == (403, "not_taken_over")
    assert client.get(f"/api/contacts/{contact_id}").status_code == 200  # watching is allowed

    taken = _post(client, f"/api/contacts/{contact_id}/take-over")
    assert taken.status_code == 200, taken.text
    assert taken.json()["type"] == "taken_over" and taken.json()["by"] == "supervisor"
    again = _post(client, f"/api/contacts/{contact_id}/take-over")
    assert (again.status_code, again.json()["code"]) == (409, "already_taken_over")

    answered = _post(client, f"/api/contacts/{contact_id}/utterances", line)
    assert answered.status_code == 200, answered.text
    # The agent still works the contact too.
    post_turn(client, tokens["agent"], contact_id, DIALOGUE[1])

    detail = client.get(f"/api/contacts/{contact_id}").json()
    kinds = [e["kind"] for e in detail["events"]]
    assert kinds == ["taken_over", "customer_said", "agent_said"]
    taken_event = session.scalars(
        select(ContactEvent).where(
            ContactEvent.contact_id == contact_id, ContactEvent.kind == EventKind.TAKEN_OVER
        )
    ).one()
    supervisor = session.scalars(select(User).where(User.username == "supervisor")).one()
    assert taken_event.actor_id == supervisor.id
    contact = session.get(Contact, contact_id)
    assert contact is not None
    session.refresh(contact)
    assert contact.taken_over_by_id == supervisor.id


def test_an_integrations_supervisor_token_still_posts_for_every_agent(
    client: TestClient, tokens: dict[str, str]
) -> None:
    contact_id = start(client, tokens["agent"])
    answered = post_turn(client, tokens["supervisor"], contact_id, DIALOGUE[0])
    assert answered["seq"] == 1


def test_a_whisper_reaches_the_agents_console_and_not_the_board(
    client: TestClient, tokens: dict[str, str], login: LoginHelper
) -> None:
    contact_id = start(client, tokens["agent"])
    post_turn(client, tokens["agent"], contact_id, DIALOGUE[0])
    _as_supervisor(client, login)
    console_url = f"/ws/contacts/{contact_id}?token={tokens['agent']}"
    with (
        client.websocket_connect(console_url) as console,
        client.websocket_connect("/ws/board", headers={"origin": "http://testserver"}) as board,
    ):
        console.receive_json()
        board.receive_json()
        sent = _post(
            client, f"/api/contacts/{contact_id}/whisper", {"text": "Zaproponuj korektę faktury."}
        )
        assert sent.status_code == 201, sent.text
        whisper = receive(console, "whisper")
        # The next board message is the next turn's, not the whisper.
        post_turn(client, tokens["agent"], contact_id, DIALOGUE[1])
        update = receive(board, "contact_update")
        # And the coach carries on from the stored events, the whisper left out of the call.
        guidance = receive(console, "guidance")
    assert whisper["text"] == "Zaproponuj korektę faktury." and whisper["by"] == "supervisor"
    assert update["contact_id"] == contact_id
    assert guidance["turn"] == 2 and guidance["seq"] == 3


def test_a_whisper_is_for_supervisors_and_live_contacts_with_a_clear_error(
    client: TestClient, tokens: dict[str, str], login: LoginHelper
) -> None:
    contact_id = start(client, tokens["agent"])
    by_agent = client.post(
        f"/api/contacts/{contact_id}/whisper", json={"text": "x"}, headers=bearer(tokens["agent"])
    )
    assert by_agent.status_code == 403
    _as_supervisor(client, login)
    blank = _post(client, f"/api/contacts/{contact_id}/whisper", {"text": "   "})
    assert blank.status_code in (400, 422) and blank.json()["code"] in (
        "empty_text",
        "validation_error",
    )
    client.post(f"/api/contacts/{contact_id}/end", headers=bearer(tokens["agent"]))
    late = _post(client, f"/api/contacts/{contact_id}/whisper", {"text": "Za późno"})
    assert (late.status_code, late.json()["code"]) == (409, "contact_ended")
    missing = _post(client, "/api/contacts/2147483647/whisper", {"text": "x"})
    assert (missing.status_code, missing.json()["code"]) == (404, "contact_not_found")


def test_every_alert_on_the_bus_is_stored_and_a_rung_climb_is_one(
    client: TestClient, tokens: dict[str, str], login: LoginHelper, session: Session
) -> None:
    contact_id = start(client, tokens["agent"])
    _as_supervisor(client, login)
    with client.websocket_connect("/ws/board", headers={"origin": "http://testserver"}) as board:
        board.receive_json()
        for turn in DIALOGUE[:5]:  # three insulting lines: three rungs
            post_turn(client, tokens["agent"], contact_id, turn)
        pushed = [receive(board, "alert") for _ in range(3)]
    stored = session.scalars(
        select(Alert).where(Alert.contact_id == contact_id).order_by(Alert.id)
    ).all()
    assert [a.kind for a in stored][:3] == [m["kind"] for m in pushed]
    assert all(m["alert_id"] for m in pushed)
    climbs = [a for a in stored if a.kind == BoardAlertKind.RUNG_CLIMBED]
    assert [a.params["rung"] for a in climbs] == ["acknowledge", "set_boundary", "warn"]
    # Words are not stored: only the kind and its params, and the coach's message as a key with
    # its parameters (the customer's words it quotes, never the sentence around them).
    assert all(set(a.params) <= {"rung", "minutes", "text"} for a in stored)
    texts = [a.params["text"] for a in stored if "text" in a.params]
    assert texts and all(set(t) == {"key", "params"} for t in texts)
    # the abuse alert is kept without the insults it quoted on the bus
    assert {t["key"] for t in texts} >= {"alerts.abuse_unquoted"}
    assert not any(set(t["params"]) & {"evidence", "phrase", "alternative"} for t in texts)
    # The Russian supervisor reads the Polish agent's stored alerts in Russian.
    listed = client.get("/api/alerts").json()
    worded = [a for a in listed if a["text"] is not None]
    assert worded and all(re.search("[а-яё]", a["message"], re.I) for a in worded)
    assert all(a["message"] == "" for a in listed if a["kind"] == "rung_climbed")


def test_an_alert_published_by_other_code_is_stored_too(
    app: FastAPI, client: TestClient, tokens: dict[str, str], session: Session
) -> None:
    """Any publisher (a new kind from another part of the app) gets its alert kept."""
    contact_id = start(client, tokens["agent"])
    message = AlertMessage(
        contact_id=contact_id,
        kind=BoardAlertKind.SELF_HARM,
        message="",
        agent="agent",
        agent_name="Anna Agent",
    )
    anyio.run(get_bus(app).publish, BOARD_CHANNEL, message)
    kinds = session.scalars(select(Alert.kind).where(Alert.contact_id == contact_id)).all()
    assert kinds == ["self_harm"]


def _alert(session: Session, contact: Contact, kind: str, minutes_ago: float) -> Alert:
    row = Alert(
        contact_id=contact.id,
        agent_id=contact.agent_id,
        kind=kind,
        severity=alerts.severity_of(kind),
        params={},
        created_at=utcnow() - timedelta(minutes=minutes_ago),
    )
    session.add(row)
    session.flush()
    return row


def test_todays_alerts_come_loudest_first_with_violence_and_self_harm_on_top(
    client: TestClient, login: LoginHelper, session: Session, users: dict[str, User]
) -> None:
    playbook = default_playbook("pl")
    contact = service.start_contact(session, agent=users["agent"], playbook=playbook)
    for kind, minutes_ago in [
        ("negative_wording", 1),
        ("abuse", 2),
        ("threat_violence", 30),
        ("churn_risk", 3),
        ("self_harm", 40),
        ("rung_climbed", 4),
        ("a_kind_from_a_newer_worker", 5),
    ]:
        _alert(session, contact, kind, minutes_ago)
    session.commit()
    _as_supervisor(client, login)
    today = client.get("/api/alerts")
    assert today.status_code == 200, today.text
    kinds = [a["kind"] for a in today.json()]
    assert kinds[:2] == ["threat_violence", "self_harm"]
    assert kinds.index("abuse") < kinds.index("rung_climbed") < kinds.index("negative_wording")
    assert "a_kind_from_a_newer_worker" not in kinds  # left out, never a 500


def test_yesterdays_alerts_are_not_todays(
    client: TestClient, login: LoginHelper, session: Session, users: dict[str, User]
) -> None:
    playbook = default_playbook("pl")
    contact = service.start_contact(session, agent=users["agent"], playbook=playbook)
    _alert(session, contact, "abuse", 60 * 30)  # thirty hours ago
    session.commit()
    _as_supervisor(client, login)
    assert client.get("/api/alerts").json() == []


def test_an_acknowledgement_is_recorded_and_reaches_every_board(
    client: TestClient,
    login: LoginHelper,
    session: Session,
    users: dict[str, User],
    tokens: dict[str, str],
) -> None:
    playbook = default_playbook("pl")
    contact = service.start_contact(session, agent=users["agent"], playbook=playbook)
    alert = _alert(session, contact, "threat_violence", 1)
    session.commit()
    _as_supervisor(client, login)
    with client.websocket_connect("/ws/board", headers={"origin": "http://testserver"}) as board:
        snapshot = board.receive_json()
        assert [a["alert_id"] for a in snapshot["alerts"]] == [alert.id]
        done = _post(client, f"/api/alerts/{alert.id}/acknowledge")
        assert done.status_code == 200, done.text
        pushed = receive(board, "alert_acknowledged")
    assert pushed == done.json()
    assert pushed["acknowledged_by"] == "supervisor"
    twice = _post(client, f"/api/alerts/{alert.id}/acknowledge")
    assert (twice.status_code, twice.json()["code"]) == (409, "alert_acknowledged")
    listed = client.get("/api/alerts").json()
    assert listed[0]["acknowledged_by_name"] == users["supervisor"].display_name
    by_agent = client.post(f"/api/alerts/{alert.id}/acknowledge", headers=bearer(tokens["agent"]))
    assert by_agent.status_code == 403
    missing = _post(client, "/api/alerts/2147483647/acknowledge")
    assert (missing.status_code, missing.json()["code"]) == (404, "alert_not_found")
    too_big = _post(client, "/api/alerts/2147483648/acknowledge")
    assert too_big.status_code == 422


@pytest.mark.parametrize(
    ("intent", "kind"),
    [("threat_violence", "threat_violence"), ("self_harm", "self_harm")],
)
def test_a_line_with_the_loudest_intents_alerts_the_board(
    session: Session,
    users: dict[str, User],
    intent: str,
    kind: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The analysis's new intents (issue 12) are alerts of their own, whatever the coach says."""
    from calmdesk.live import messages

    playbook = default_playbook("pl")
    contact = service.start_contact(session, agent=users["agent"], playbook=playbook)
    original = messages.intent_alerts

    def with_intent(guidance: Any) -> Any:
        signals = guidance.signals.model_copy(update={"intents": [intent]})
        return original(guidance.model_copy(update={"signals": signals}))

    monkeypatch.setattr(messages, "intent_alerts", with_intent)
    outcome = service.says(
        session,
        contact_id=contact.id,
        speaker="customer",
        text="Dzień dobry.",
        actor=users["agent"],
        playbook=playbook,
    )
    board_alerts = [o.message for o in outcome.outgoing if isinstance(o.message, AlertMessage)]
    assert [a.kind for a in board_alerts][:1] == [kind]
    assert alerts.severity_of(kind) == alerts.CRITICAL


def test_a_signed_in_supervisors_socket_frames_are_refused_until_taking_over(
    client: TestClient, tokens: dict[str, str], login: LoginHelper
) -> None:
    contact_id = start(client, tokens["agent"])
    _as_supervisor(client, login)
    url = f"/ws/contacts/{contact_id}"
    with client.websocket_connect(url, headers={"origin": "http://testserver"}) as ws:
        assert ws.receive_json()["type"] == "snapshot"  # watching is allowed
        for frame in (
            {"type": "utterance", "speaker": "agent", "text": "Halo?", "ref": "u"},
            {"type": "action", "action": "warning_given", "ref": "a"},
            {"type": "end", "ref": "e"},
        ):
            ws.send_json(frame)
            refused = ws.receive_json()
            assert (refused["type"], refused["code"], refused["ref"]) == (
                "error",
                "not_taken_over",
                frame["ref"],
            )
            assert "возьмите его на себя" in refused["message"]
        assert _post(client, f"/api/contacts/{contact_id}/take-over").status_code == 200
        ws.send_json({"type": "utterance", "speaker": "agent", "text": "Dzień dobry, tu Sergei."})
        assert receive(ws, "guidance")["event"]["speaker"] == "agent"
