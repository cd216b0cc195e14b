"""Notes between colleagues: @mentions notify only colleagues who may see the case, the
mention waits until they open the case, and erasure removes the notes' text."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from calmdesk.cases import notes
from calmdesk.cases.models import CaseNote
from calmdesk.customers import service as customers
from calmdesk.users.models import User
from tests.cases.conftest import MakeCase

Headers = dict[str, dict[str, str]]


def test_mentions_are_found_once_and_an_email_is_not_one() -> None:
    text = "@Helen i @sergei: proszę spojrzeć. @helen? Kopia do jan@example.pl."
    assert notes.mentioned_usernames(text) == ["helen", "sergei"]


def test_a_note_notifies_the_colleagues_it_names_but_not_its_author(
    make_case: MakeCase, session: Session, users: dict[str, User]
) -> None:
    case = make_case(actor=users["agent"])
    note = notes.add_note(
        session,
        case=case,
        author=users["supervisor"],
        text="@handler proszę przejąć, @supervisor wie o sprawie",
    )
    handler_mentions = notes.mentions_for(session, user_id=users["handler"].id)
    assert [(m.case_id, m.note_id) for m in handler_mentions] == [(case.id, note.id)]
    assert notes.mentions_for(session, user_id=users["supervisor"].id) == []
    assert notes.mark_read(session, user_id=users["handler"].id, case_id=case.id) == 1
    assert notes.unread_count(session, user_id=users["handler"].id) == 0


def test_naming_someone_who_may_not_see_the_case_writes_nothing(
    make_case: MakeCase, session: Session, users: dict[str, User]
) -> None:
    case = make_case(actor=users["handler"])  # the agent neither recorded nor owns it
    with pytest.raises(notes.MentionCannotSee) as refused:
        notes.add_note(session, case=case, author=users["handler"], text="@agent @nobody spójrz")
    assert refused.value.fields["usernames"] == ["agent", "nobody"]
    assert notes.notes_of(session, case_id=case.id) == []


def test_the_api_writes_notes_and_lists_mentions(
    client: TestClient,
    tokens: Headers,
    make_case: MakeCase,
    session: Session,
    users: dict[str, User],
) -> None:
    case = make_case(actor=users["agent"])
    session.commit()
    written = client.post(
        f"/api/cases/{case.id}/notes",
        json={"text": "@agent klient dzwonił ponownie, proszę oddzwonić"},
        headers=tokens["handler"],
    )
    assert written.status_code == 201, written.text
    listed = client.get(f"/api/cases/{case.id}/notes", headers=tokens["agent"]).json()
    assert [n["text"] for n in listed] == ["@agent klient dzwonił ponownie, proszę oddzwonić"]
    [mention] = client.get("/api/me/mentions", headers=tokens["agent"]).json()
    assert mention["case_id"] == case.id
    read = client.post(f"/api/me/mentions/{mention['id']}/read", headers=tokens["agent"])
    assert read.status_code == 204
    assert client.get("/api/me/mentions", headers=tokens["agent"]).json() == []
    other = client.post(f"/api/me/mentions/{mention['id']}/read", headers=tokens["handler"])
    assert other.status_code == 404
    empty = client.post(f"/api/cases/{case.id}/notes", json={"text": ""}, headers=tokens["agent"])
    assert empty.status_code == 422


def test_erasure_removes_the_notes_text(
    make_case: MakeCase, session: Session, users: dict[str, User]
) -> None:
    case = make_case(customer_contact="ola@example.pl", actor=users["agent"])
    notes.add_note(session, case=case, author=users["agent"], text="Ola Nowak, ul. Polna 3")
    exported = customers.export_customer(session, contact="ola@example.pl", region="PL")
    assert exported["cases"][0]["notes"][0]["text"] == "Ola Nowak, ul. Polna 3"
    customers.erase_customer(session, contact="ola@example.pl", actor_id=None, region="PL")
    session.expire_all()
    assert [n.text for n in session.query(CaseNote).filter_by(case_id=case.id)] == ["[erased]"]
