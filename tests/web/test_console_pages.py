"""The console's and the board's break pages through the app (issue 12): the start page lists
the agent's latest contacts with their outcome (a time-out included), the board's break list has
one row per agent, and the console embeds what its card replays."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from calmdesk.live import service as live_service
from calmdesk.live.models import Contact
from calmdesk.playbook.load import default_playbook
from calmdesk.storage.types import utcnow
from calmdesk.users.models import User
from tests.conftest import LoginHelper

PLAYBOOK = default_playbook("pl")
INSULT = "Ty #$&^&%@! idioto, znowu mnie oszukujecie!"


def _ended(session: Session, agent: User, *, insult: bool, ask: bool = False) -> Contact:
    contact = live_service.start_contact(session, agent=agent, lang="pl", playbook=PLAYBOOK)
    line = INSULT if insult else "Dzień dobry, pytam o fakturę."
    live_service.says(
        session,
        contact_id=contact.id,
        speaker="customer",
        text=line,
        actor=agent,
        playbook=PLAYBOOK,
    )
    live_service.end_contact(session, contact_id=contact.id, actor=agent, playbook=PLAYBOOK)
    if ask:
        live_service.request_break(session, contact_id=contact.id, actor=agent)
    session.commit()
    return contact


def test_the_start_page_shows_each_latest_contact_with_its_outcome(
    client: TestClient, login: LoginHelper, users: dict[str, User], session: Session
) -> None:
    agent = users["agent"]
    hung_up = _ended(session, agent, insult=True)
    idle = live_service.start_contact(session, agent=agent, lang="pl", playbook=PLAYBOOK)
    idle.last_line_at = utcnow() - timedelta(hours=1)
    live_service.time_out_idle(session, playbook=PLAYBOOK, now=utcnow())
    session.commit()

    login(client, "agent")
    page = client.get("/console").text
    assert re.search(rf'data-contact-id="{hung_up.id}" data-outcome="hang_up"', page)
    assert re.search(rf'data-contact-id="{idle.id}" data-outcome="timed_out"', page)
    assert "Wygasła: zbyt długo bez wypowiedzi" in page  # the agent reads Polish
    assert 'id="agent-data"' in page and "/static/agent.js" in page


def test_the_board_lists_one_break_row_per_agent(
    client: TestClient, login: LoginHelper, users: dict[str, User], session: Session
) -> None:
    agent = users["agent"]
    _ended(session, agent, insult=True, ask=True)
    latest = _ended(session, agent, insult=True, ask=True)

    login(client, "supervisor")
    for path in ("/board", "/board/breaks"):
        page = client.get(path).text
        rows = re.findall(r'<li data-agent="([^"]+)" data-contact-id="(\d+)"', page)
        assert rows == [("agent", str(latest.id))], path
        assert "просит перерыв" in page  # the supervisor reads Russian
        assert "оскорбительных реплик сегодня: 2" in page
    login(client, "agent")
    assert client.get("/board/breaks").status_code == 403


def test_the_console_embeds_what_the_card_replays(
    client: TestClient, login: LoginHelper, users: dict[str, User], session: Session
) -> None:
    agent = users["agent"]
    contact = live_service.start_contact(session, agent=agent, lang="pl", playbook=PLAYBOOK)
    live_service.says(
        session,
        contact_id=contact.id,
        speaker="customer",
        text=INSULT,
        actor=agent,
        playbook=PLAYBOOK,
    )
    session.commit()
    login(client, "agent")
    page = client.get(f"/console/{contact.id}").text
    data = json.loads(page.split('id="console-data">', 1)[1].split("</script>", 1)[0])
    [event] = data["state"]["events"]
    assert event["level"] == "abusive" and event["at"]
    assert [a["kind"] for a in event["alerts"]] == ["abuse"]
    assert data["state"]["guidance"]["end_outcome"] == "hang_up"
    assert 'data-action="call_ended"' not in page, "one way to end: the End contact button"
    assert 'id="end-contact"' in page and 'name="speaker"' not in page
