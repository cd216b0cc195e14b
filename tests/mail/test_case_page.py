"""The case page shows a case's e-mail: the message read in with its outcome, the attachments,
the customer's reply in the timeline, and each notice with its delivery state, a failed send
with its attempts and error (in the reader's language)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from calmdesk.cases import service as cases
from calmdesk.cases.enums import CaseStatus, CustomerAnswer
from calmdesk.mail import notices
from calmdesk.mail.intake import receive
from calmdesk.playbook.load import default_playbook
from tests.conftest import LoginHelper, TokenGetter
from tests.mail import corpus

PLAYBOOK = default_playbook("pl")


def section(page: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</(ul|section|pre)>', page, re.S)
    assert found, testid
    return found.group(1)


def test_the_case_page_shows_the_mail_and_a_failed_notice(
    client: TestClient, login: LoginHelper, session: Session, csrf_token: TokenGetter
) -> None:
    raw = corpus.complaint(
        "ru",
        sender="Иван <ivan@example.ru>",
        subject="<b>Жалоба</b> на доставку",
        attachment=("фото.jpg", b"jpeg-bytes"),
    )
    created = receive(session, raw, mailbox="INBOX", playbook=PLAYBOOK)
    case = cases.get_or_raise(session, case_id=created.case_id or 0)
    cases.transition(
        session,
        case=case,
        to=CaseStatus.ACKNOWLEDGED,
        actor_id=None,
        note=None,
        playbook=PLAYBOOK,
        customer_answer=CustomerAnswer.ACCEPTED,
    )
    [notice] = notices.queue_due(session, playbook=PLAYBOOK, from_address="c@calmdesk.test")
    notice.status, notice.attempts = "failed", 8
    notice.last_error = "SMTPRecipientsRefused: 550 no such mailbox"
    receive(
        session,
        corpus.complaint(
            "ru",
            sender="ivan@example.ru",
            subject=f"Re: [#{case.id}]",
            text="Где мой заказ?",
            message_id="<ivan-2@example>",
        ),
        mailbox="INBOX",
        playbook=PLAYBOOK,
    )
    session.commit()
    login(client, "handler")  # reads English
    page = client.get(f"/cases/{case.id}").text
    panel = section(page, "mail-panel")
    assert "case created" in panel and "added to the case" in panel
    assert "&lt;b&gt;Жалоба&lt;/b&gt;" in panel  # escaped, never markup
    assert "<bdi>фото.jpg</bdi>" in section(page, "mail-attachments")
    notices_ = section(page, "mail-notices")
    assert 'data-notice-status="failed"' in notices_
    assert "not delivered" in notices_ and "8 attempts" in notices_
    assert "550 no such mailbox" in notices_
    assert "Где мой заказ?" in section(page, "customer-wrote")
    assert "The customer wrote" in page
    # "Send again" puts it back in the queue; a second press is refused with a clear answer
    token = csrf_token(client, f"/cases/{case.id}")
    path = f"/cases/{case.id}/mail/notices/{notice.id}/retry"
    answer = client.post(path, data={"csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303
    session.refresh(notice)
    assert notice.status == "pending" and notice.attempts == 0
    again = client.post(path, data={"csrf_token": token}, follow_redirects=False)
    assert (
        again.status_code == 409
        and "Only a notice whose sending failed can be sent again." in again.text
    )
    other = client.post(f"/cases/{case.id}/mail/notices/999999/retry", data={"csrf_token": token})
    assert other.status_code == 404


def test_a_case_without_mail_has_no_mail_panel(
    client: TestClient, login: LoginHelper, session: Session
) -> None:
    from calmdesk.cases.schemas import CaseCreate

    case = cases.intake(
        session,
        case_in=CaseCreate(customer_contact="+48 600 100 200", description="Telefon."),
        actor=None,
        playbook=PLAYBOOK,
    )
    session.commit()
    login(client, "handler")
    assert 'data-testid="mail-panel"' not in client.get(f"/cases/{case.id}").text
