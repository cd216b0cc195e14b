"""Personal data in contacts: redacted or erased on request, erased after the retention period."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from calmdesk.errors import Conflict, PermissionDenied
from calmdesk.live import privacy, service
from calmdesk.live.coaching import ConversationCache
from calmdesk.live.models import Contact
from calmdesk.playbook.load import default_playbook
from calmdesk.storage.types import utcnow
from calmdesk.users.models import User

PLAYBOOK = default_playbook("pl")

PHONE_LINE = "Proszę oddzwonić na 601 234 567 albo napisać na jan.kowalski@example.com, to pilne!"


def ended_contact(session: Session, agent: User, cache: ConversationCache) -> Contact:
    playbook = PLAYBOOK
    contact = service.start_contact(session, agent=agent, lang="pl", playbook=playbook)
    for text in (PHONE_LINE, "Ty #$&^&%@! idioto, faktura FV/2026/11/42 jest zawyżona o 200 zł!"):
        service.says(
            session,
            speaker="customer",
            contact_id=contact.id,
            text=text,
            actor=agent,
            playbook=playbook,
            cache=cache,
        )
    service.end_contact(session, contact_id=contact.id, actor=agent, cache=cache, playbook=PLAYBOOK)
    return contact


def stored_text(session: Session, contact: Contact) -> str:
    events = service.events_of(session, contact=contact)
    rows = [[e.text, e.signals, e.guidance] for e in events]
    return json.dumps([rows, contact.summary], ensure_ascii=False)


def stages(session: Session, contact: Contact) -> list[str]:
    """The coach's stage after each stored event (every event keeps its guidance)."""
    guidance = [e.guidance for e in service.events_of(session, contact=contact)]
    assert all(g is not None for g in guidance)
    return [g["stage"] for g in guidance if g is not None]


def test_redaction_removes_personal_data_from_everything_stored(
    session: Session, users: dict[str, User], cache: ConversationCache
) -> None:
    contact = ended_contact(session, users["agent"], cache)
    assert "601 234 567" in stored_text(session, contact)

    privacy.redact_contact(session, contact_id=contact.id, actor=users["supervisor"])

    stored = stored_text(session, contact)
    assert "601 234 567" not in stored and "jan.kowalski@example.com" not in stored
    assert "[PHONE]" in stored and "FV/2026/11/42" in stored  # references are not personal
    assert contact.redacted_at is not None


def test_erasure_keeps_the_shape_of_the_contact_and_no_words(
    session: Session, users: dict[str, User], cache: ConversationCache
) -> None:
    contact = ended_contact(session, users["agent"], cache)
    before = stages(session, contact)

    privacy.erase_contact(session, contact_id=contact.id, actor=users["supervisor"])

    events = service.events_of(session, contact=contact)
    assert stages(session, contact) == before
    assert all(e.text is None and e.signals is None for e in events)
    stored = stored_text(session, contact)
    for words in ("idioto", "601 234 567", "jan.kowalski", "FV/2026/11/42", "200 zł"):
        assert words not in stored
    assert contact.summary is not None and "facts" not in contact.summary
    assert contact.erased_at is not None


def test_a_live_contact_is_not_rewritten_and_agents_cannot_erase(
    session: Session, users: dict[str, User]
) -> None:
    contact = service.start_contact(session, agent=users["agent"], playbook=PLAYBOOK)
    with pytest.raises(Conflict):
        privacy.erase_contact(session, contact_id=contact.id, actor=users["supervisor"])
    with pytest.raises(PermissionDenied):
        privacy.redact_contact(session, contact_id=contact.id, actor=users["agent"])


def test_retention_erases_only_contacts_ended_before_the_period(
    session: Session, users: dict[str, User], cache: ConversationCache
) -> None:
    old = ended_contact(session, users["agent"], cache)
    recent = ended_contact(session, users["agent"], cache)
    assert old.ended_at is not None
    old.ended_at = utcnow() - timedelta(days=400)
    session.flush()

    assert privacy.apply_retention(session, retention_days=365) == 1
    assert old.erased_at is not None and recent.erased_at is None
    assert privacy.apply_retention(session, retention_days=365) == 0


def test_a_supervisor_erases_through_the_api(
    client: TestClient, tokens: dict[str, str], session: Session, users: dict[str, User]
) -> None:
    contact = ended_contact(session, users["agent"], ConversationCache())
    session.commit()
    as_agent = client.post(
        f"/api/contacts/{contact.id}/erase", headers={"Authorization": f"Bearer {tokens['agent']}"}
    )
    assert as_agent.status_code == 403
    erased = client.post(
        f"/api/contacts/{contact.id}/erase",
        headers={"Authorization": f"Bearer {tokens['supervisor']}"},
    )
    assert erased.status_code == 200 and erased.json()["erased_at"]
    replay = client.get(
        f"/api/contacts/{contact.id}", headers={"Authorization": f"Bearer {tokens['supervisor']}"}
    ).json()
    # The two lines and the call_ended the end recorded: no words left in any.
    assert [e["text"] for e in replay["events"]] == [None, None, None]
