"""One request erases a customer everywhere, whatever spelling of the phone it names: every
text column of every table is scanned afterwards (SQLite and PostgreSQL). Export holds the same
records, the call's transcript included."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.cases.models import Case
from calmdesk.cases.rebuild import differences
from calmdesk.cases.service import events_of
from calmdesk.customers import service as customers
from calmdesk.customers.messages import CustomerContactLive, CustomerNotFound
from calmdesk.live import service as live
from calmdesk.live.models import Contact
from calmdesk.playbook.load import default_playbook
from calmdesk.social.models import PublicPost
from calmdesk.users.models import User
from tests.customers.scenario import (
    CUSTOMER_LINE,
    OTHER_LINE,
    PHONE,
    PHONE_COMPACT,
    POST_TEXT,
    Scenario,
    build,
    personal_data_found,
)

PL = default_playbook("pl")


def bearer(session: Session, user: User) -> dict[str, str]:
    from calmdesk.users.service import issue_token

    token = issue_token(session, user=user, name="tests")
    session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def scenario(session: Session, users: dict[str, User]) -> Scenario:
    built = build(session, users, PL)
    session.commit()
    return built


def test_one_spelling_finds_every_record_of_the_customer(
    session: Session, scenario: Scenario
) -> None:
    for spelling in (PHONE, PHONE_COMPACT, "601-234-567", " 0048 601 234 567 "):
        records = customers.find_records(session, contact=spelling, region="PL")
        assert [c.id for c in records.cases] == [
            scenario.call_case_id,
            scenario.second_case_id,
            scenario.post_case_id,
        ], spelling
        assert [c.id for c in records.contacts] == [scenario.contact_id]
        assert [p.id for p in records.posts] == [scenario.post_id]
    by_mail = customers.find_records(session, contact=" JAN.kowalski@example.PL", region="PL")
    assert {c.id for c in by_mail.cases} == {
        scenario.call_case_id,
        scenario.second_case_id,
        scenario.post_case_id,
    }


def test_after_erasure_no_column_of_any_table_holds_the_customer(
    session: Session, users: dict[str, User], scenario: Scenario
) -> None:
    before = personal_data_found(session.connection())
    assert {hit.split(".")[0] for hit in before} == {
        "cases",
        "case_events",
        "compensations",
        "live_contacts",
        "live_contact_events",
        "live_contact_keys",
        "social_posts",
        "social_post_events",
        "social_post_keys",
        "social_promises",
    }

    erasure = customers.erase_customer(
        session, contact="601 234 567", actor_id=users["admin"].id, region="PL"
    )
    session.commit()

    assert erasure.contact_ids == [scenario.contact_id]
    assert erasure.post_ids == [scenario.post_id]
    assert personal_data_found(session.connection()) == []
    # The statistics and the history's shape stay; the other customer is untouched.
    session.expire_all()
    case = session.get(Case, scenario.call_case_id)
    assert case is not None and case.category and case.erased_at is not None
    assert differences(case, events_of(session, case_id=case.id)) == {}
    other = session.get(Contact, scenario.other_contact_id)
    assert other is not None and other.erased_at is None
    lines = [e.text for e in live.events_of(session, contact=other) if e.text is not None]
    assert lines == [OTHER_LINE]  # its end (the agent's call_ended) carries no words
    other_case = session.get(Case, scenario.other_case_id)
    assert other_case is not None and other_case.description == OTHER_LINE
    post = session.get(PublicPost, scenario.post_id)
    assert post is not None and post.status  # the post and its clock stay, without words
    with pytest.raises(CustomerNotFound):
        customers.erase_customer(session, contact=PHONE, actor_id=None, region="PL")


def test_both_spellings_go_in_one_request_through_the_api(
    client: TestClient, session: Session, users: dict[str, User], scenario: Scenario
) -> None:
    admin = bearer(session, users["admin"])
    erased = client.delete(f"/api/customers/{quote(PHONE_COMPACT)}", headers=admin)
    assert erased.status_code == 200, erased.text
    body = erased.json()
    assert body["case_ids"] == [
        scenario.call_case_id,
        scenario.second_case_id,
        scenario.post_case_id,
    ]
    assert (body["erased_contacts"], body["erased_posts"]) == (1, 1)
    keys = session.scalars(select(Case.customer_key).where(Case.id.in_(body["case_ids"])))
    assert list(keys) == [None, None, None]
    again = client.delete(f"/api/customers/{quote(PHONE)}", headers=admin)
    assert again.status_code == 404
    assert again.json()["code"] == "customer_not_found"
    assert "klienta" in again.json()["message"]  # the admin of the cast reads Polish


def test_export_holds_the_transcript_the_cases_and_the_posts(
    client: TestClient, session: Session, users: dict[str, User], scenario: Scenario
) -> None:
    handler = bearer(session, users["handler"])
    exported = client.get(f"/api/customers/{quote(PHONE)}/export", headers=handler)
    assert exported.status_code == 200, exported.text
    data = exported.json()
    assert data["customer_key"] == PHONE_COMPACT
    [contact] = data["contacts"]
    assert contact["id"] == scenario.contact_id
    assert next(e["text"] for e in contact["events"]) == CUSTOMER_LINE
    assert contact["events"][0]["signals"]["pii"]  # what the analysis found in it
    assert contact["summary"] is not None
    assert [c["id"] for c in data["cases"]] == [
        scenario.call_case_id,
        scenario.second_case_id,
        scenario.post_case_id,
    ]
    assert data["cases"][0]["compensations"][0]["reason"].endswith("Kowalski")
    [post] = data["posts"]
    assert post["text"] == POST_TEXT
    assert {e["kind"] for e in post["events"]} >= {"registered", "replied"}
    assert post["promises"][0]["text"].startswith("Oddzwonimy")
    assert (
        client.get(
            f"/api/customers/{quote(PHONE)}/export", headers=bearer(session, users["agent"])
        ).status_code
        == 403
    )


def test_a_live_call_of_the_customer_stops_the_erasure_and_nothing_is_erased(
    client: TestClient, session: Session, users: dict[str, User], scenario: Scenario
) -> None:
    contact = live.start_contact(session, agent=users["agent"], lang="pl", playbook=PL)
    live.says(
        session,
        speaker="customer",
        contact_id=contact.id,
        text=f"Tu znowu {PHONE}",
        actor=None,
        playbook=PL,
    )
    session.commit()
    with pytest.raises(CustomerContactLive) as refused:
        customers.erase_customer(session, contact=PHONE, actor_id=None, region="PL", lang="ru")
    assert refused.value.fields["contact_ids"] == [contact.id]
    assert "завершите" in refused.value.message
    answer = client.delete(
        f"/api/customers/{quote(PHONE)}", headers=bearer(session, users["admin"])
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "contact_live"
    assert answer.json()["contact_ids"] == [contact.id]
    session.expire_all()
    assert personal_data_found(session.connection())  # still all there


@pytest.mark.parametrize(
    ("contact", "status", "code"),
    [("ghost@example.com", 404, "customer_not_found"), ("\x00", 422, "validation_error")],
)
def test_unknown_or_malformed_contacts_answer_in_the_projects_shape(
    client: TestClient,
    session: Session,
    users: dict[str, User],
    contact: str,
    status: int,
    code: str,
) -> None:
    for role, words in (("supervisor", "клиента"), ("handler", "customer"), ("admin", "klienta")):
        answer = client.get(
            f"/api/customers/{quote(contact)}/export", headers=bearer(session, users[role])
        )
        assert answer.status_code == status
        assert answer.json()["code"] == code
        if status == 404:
            assert words in answer.json()["message"]


def test_the_case_list_filter_matches_any_spelling(
    client: TestClient, session: Session, users: dict[str, User], scenario: Scenario
) -> None:
    handler = bearer(session, users["handler"])
    listed = client.get("/api/cases", params={"customer_contact": "601-234-567"}, headers=handler)
    assert listed.status_code == 200, listed.text
    found = {c["id"] for c in listed.json()["items"]}
    assert found == {scenario.call_case_id, scenario.second_case_id}
