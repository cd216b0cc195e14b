"""A customer's e-mails and notices are in their export and gone with their erasure (a request,
or the retention period); a notice still waiting for an erased customer is cancelled."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calmdesk import maintenance
from calmdesk.cases import service as cases
from calmdesk.cases.enums import CaseStatus, CustomerAnswer
from calmdesk.customers.service import erase_customer, export_customer
from calmdesk.mail import notices
from calmdesk.mail.intake import receive
from calmdesk.mail.models import MailAttachment, MailMessage, MailNotice
from calmdesk.mail.privacy import ERASED, TABLES
from calmdesk.playbook.load import default_playbook
from calmdesk.storage.types import utcnow
from tests.conftest import LoginHelper
from tests.mail import corpus
from tests.mail.helpers import walk

PLAYBOOK = default_playbook("pl")
CUSTOMER = "anna.nowak@example.pl"


def a_customers_mail(session: Session) -> int:
    raw = corpus.complaint("pl", attachment=("skan.pdf", b"%PDF scan of the receipt"))
    case = cases.get_or_raise(
        session,
        case_id=receive(session, raw, mailbox="INBOX", playbook=PLAYBOOK).case_id or 0,
    )
    receive(session, corpus.AUTO_REPLY, mailbox="INBOX", playbook=PLAYBOOK)  # no case, same sender
    cases.transition(
        session,
        case=case,
        to=CaseStatus.ACKNOWLEDGED,
        actor_id=None,
        note=None,
        playbook=PLAYBOOK,
        customer_answer=CustomerAnswer.ACCEPTED,
    )
    notices.queue_due(session, playbook=PLAYBOOK, from_address="c@calmdesk.test")
    session.flush()
    return case.id


def test_the_export_holds_the_mail_and_the_notices(session: Session) -> None:
    case_id = a_customers_mail(session)
    exported = export_customer(session, contact="Anna.Nowak@example.pl", region="PL")
    mail = exported["mail"]
    assert [m["outcome"] for m in mail["messages"]] == ["created", "auto_reply"]
    assert mail["messages"][0]["attachments"][0]["filename"] == "skan.pdf"
    assert [n["kind"] for n in mail["notices"]] == ["acknowledgement"]
    assert mail["notices"][0]["case_id"] == case_id and mail["notices"][0]["to"] == CUSTOMER


def test_the_api_export_carries_the_mail(
    client: TestClient, login: LoginHelper, session: Session
) -> None:
    a_customers_mail(session)
    session.commit()
    login(client, "admin")
    answer = client.get(f"/api/customers/{CUSTOMER}/export")
    assert answer.status_code == 200, answer.text
    mail = answer.json()["mail"]
    assert [m["outcome"] for m in mail["messages"]] == ["created", "auto_reply"]
    assert mail["notices"][0]["to"] == CUSTOMER


def test_erasure_removes_the_mail_and_cancels_what_waits(session: Session) -> None:
    case_id = a_customers_mail(session)
    erasure = erase_customer(session, contact=CUSTOMER, actor_id=None, region="PL")
    assert erasure.case_ids == [case_id] and set(TABLES) <= set(erasure.tables)
    for message in session.scalars(select(MailMessage)):
        assert (message.sender, message.subject, message.message_id) == (None, None, None)
    [attachment] = session.scalars(select(MailAttachment)).all()
    assert attachment.data is None and attachment.filename == ERASED
    [notice] = session.scalars(select(MailNotice)).all()
    assert notice.status == "cancelled" and notice.to_address is None
    assert notice.body == ERASED and notice.subject == ERASED
    text = " ".join(
        str(v) for row in session.execute(select(MailMessage.__table__)).all() for v in row
    )
    assert CUSTOMER not in text


def test_the_retention_period_takes_the_mail_with_the_case(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    case_id = a_customers_mail(session)
    case = cases.get_or_raise(session, case_id=case_id)
    walk(session, case, PLAYBOOK, "in_progress", "resolved", "closed")
    case.closed_at = utcnow() - timedelta(days=400)
    session.commit()
    maintenance._next_mail_sweep[0] = 0.0
    maintenance.run_once(session_factory, retention_days=365)
    session.expire_all()
    row = session.scalar(select(MailMessage).where(MailMessage.case_id == case_id))
    assert row is not None and row.sender is None and row.subject is None
    assert all(n.body == ERASED for n in session.scalars(select(MailNotice)))
