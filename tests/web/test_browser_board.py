"""The supervisor's board in a real browser (issue 12), two people in two browser contexts: a
Russian-reading supervisor monitors a Polish agent's contact read only (the server refuses a
line too), whispers (the agent sees it on the console at once), reloads the board and still sees
the morning's alerts with the loudest on top, and acknowledges one (another board sees it
acknowledged without a reload); then takes the contact over, asked to confirm."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Dialog, Page, expect
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from calmdesk.live import alerts as live_alerts
from calmdesk.live.models import Alert, Contact
from calmdesk.playbook.load import default_playbook
from calmdesk.storage.types import utcnow
from tests.web.conftest import LiveServer, Screenshot, SignedIn
from tests.web.test_browser import FIRST_TURN_TIMEOUT_MS, _start_contact

pytestmark = [pytest.mark.browser, pytest.mark.slow]

INSULT = "Ty #$&^&%@! idioto, gdzie jest mój laptop?!"


def _customer_says(console: Page, text: str) -> None:
    before = console.locator("body").get_attribute("data-guidance-seq") or "0"
    console.locator("#utterance-text").fill(text)
    console.locator("#utterance-text").press("Enter")
    expect(console.locator("body")).to_have_attribute(
        "data-guidance-seq", str(int(before) + 1), timeout=FIRST_TURN_TIMEOUT_MS
    )


def _store_morning_alerts(live_server: LiveServer, contact_id: int) -> None:
    """Alerts raised earlier today (stored as the app stores them), a threat of violence among
    them: what a supervisor coming on shift must still see."""
    zone = default_playbook("pl").calendar.timezone
    now = utcnow()
    midnight = live_alerts.start_of_day(now, zone)
    morning = min(midnight + timedelta(hours=7), midnight + (now - midnight) / 2)
    engine = create_engine(live_server.database_url)
    try:
        with Session(engine) as session:
            contact = session.get(Contact, contact_id)
            assert contact is not None
            for kind, minutes in (("threat_violence", 0), ("churn_risk", 5)):
                session.add(
                    Alert(
                        contact_id=contact.id,
                        agent_id=contact.agent_id,
                        kind=kind,
                        severity=live_alerts.severity_of(kind),
                        params={},
                        created_at=morning + timedelta(minutes=minutes),
                    )
                )
            session.commit()
    finally:
        engine.dispose()


def _alert_ids(live_server: LiveServer, contact_id: int, kind: str | None = None) -> list[int]:
    engine = create_engine(live_server.database_url)
    try:
        with Session(engine) as session:
            query = select(Alert.id).where(Alert.contact_id == contact_id)
            if kind is not None:
                query = query.where(Alert.kind == kind)
            return list(session.scalars(query))
    finally:
        engine.dispose()


def test_a_supervisor_monitors_whispers_reloads_and_acknowledges(
    signed_in: SignedIn, live_server: LiveServer, screenshot: Screenshot
) -> None:
    console = signed_in("agent")  # Polish
    contact_id = _start_contact(console)
    _customer_says(console, INSULT)

    board = signed_in("supervisor")  # Russian
    board.goto("/board")
    expect(board.locator("#connection")).to_have_attribute("data-status", "open")
    abuse = board.locator(f"#alert-feed li[data-kind=abuse][data-contact-id='{contact_id}']")
    expect(abuse).to_have_count(1)
    expect(abuse).to_contain_text("Оскорбления")
    row = board.locator(f"#live-contacts tr[data-contact-id='{contact_id}']")
    expect(row.locator(".heat-scale")).to_have_attribute("data-band", re.compile(r"[1-5]"))
    expect(row).to_have_attribute("data-rung", "acknowledge")

    # Monitor: read only in the page, and refused by the server too.
    row.locator("a").first.click()
    board.wait_for_url(re.compile(rf"/board/contacts/{contact_id}$"))
    expect(board.locator("#transcript li.customer")).to_contain_text("gdzie jest mój laptop")
    expect(board.locator("#utterance-text")).to_have_count(0)
    expect(board.locator("#end-contact")).to_have_count(0)
    refused = board.context.request.post(
        f"/api/contacts/{contact_id}/utterances", data={"speaker": "agent", "text": "Halo?"}
    )
    assert refused.status == 403 and refused.json()["code"] == "not_taken_over"

    # A line the agent types appears live on the monitor.
    _customer_says(console, "Chcę rozmawiać z kierownikiem, natychmiast!")
    expect(board.locator("#transcript li.customer")).to_have_count(2)

    # Whisper: the agent sees it at once, the transcript does not take it as a line.
    board.locator("#whisper-text").fill("Zaproponuj oddzwonienie jutro do 12:00.")
    board.locator("#whisper-send").click()
    whisper = console.locator("#whispers li.whisper")
    expect(whisper).to_contain_text("Zaproponuj oddzwonienie jutro do 12:00.")
    expect(console.locator("[data-testid=whisper-panel]")).to_be_visible()
    expect(console.locator("#transcript li")).to_have_count(2)
    screenshot(board, "supervisor-monitor.png")

    # Reload the board: the morning's alerts are still there, the loudest on top.
    _store_morning_alerts(live_server, contact_id)
    board.goto("/board")
    expect(board.locator("#alert-feed li").first).to_have_attribute("data-kind", "threat_violence")
    expect(board.locator("#urgent")).to_be_visible()
    expect(board.locator("#urgent-feed li[data-kind=threat_violence]")).to_contain_text(
        "Угроза насилием"
    )
    everything = _alert_ids(live_server, contact_id)
    assert len(everything) >= 4  # abuse, the first rung, and the two of the morning
    expect(board.locator(f"#alert-feed li[data-contact-id='{contact_id}']")).to_have_count(
        len(everything)
    )
    screenshot(board, "supervisor-board-history.png")

    # Acknowledge: recorded, and another supervisor's board sees it without a reload.
    other = signed_in("supervisor")
    other.goto("/board")
    expect(other.locator("#connection")).to_have_attribute("data-status", "open")
    other.evaluate("window.__sameDocument = true")
    [threat] = _alert_ids(live_server, contact_id, "threat_violence")
    board.locator(f"#alert-feed li[data-alert-id='{threat}'] [data-acknowledge]").click()
    acknowledged = other.locator(f"#alert-feed li[data-alert-id='{threat}']")
    expect(acknowledged).to_have_attribute("data-acknowledged", "true")
    expect(acknowledged).to_contain_text("Sergey Volkov")
    expect(other.locator("#urgent")).to_be_hidden()
    assert other.evaluate("window.__sameDocument") is True

    # Take over, after confirming: then the console is the supervisor's to work.
    board.goto(f"/board/contacts/{contact_id}")
    asked: list[str] = []

    def accept(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    expect(board.locator("#open-console")).to_be_hidden()  # not the supervisor's console yet
    expect(board.locator("#end-call-verdict")).to_have_text(re.compile("разговор"))
    # the coach's reason is rendered in the supervisor's own language (Russian), not hidden
    expect(board.locator("#end-call-why")).not_to_be_empty()
    board.once("dialog", accept)
    board.locator("#take-over").click()
    expect(board.locator("#open-console")).to_be_visible()
    assert asked and "записано" in asked[0]
    expect(console.locator("#whispers li[data-kind=taken_over]")).to_contain_text("Sergey Volkov")
    board.locator("#open-console").click()
    board.wait_for_url(re.compile(rf"/console/{contact_id}$"))
    expect(board.locator("#utterance-text")).to_be_visible()
