"""The case page's e-mail panel in Chromium: an e-mail case with a notice the SMTP server refused
for good shows it as not delivered, with its error, and "Send again" puts it back in the queue;
the customer's subject stays text."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from calmdesk.cases import service as cases
from calmdesk.cases.enums import CaseStatus
from calmdesk.mail import notices
from calmdesk.mail.intake import receive
from calmdesk.playbook.load import default_playbook
from calmdesk.storage.db import make_engine, make_session_factory
from tests.mail import corpus
from tests.web.conftest import LiveServer, SignedIn

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PLAYBOOK = default_playbook("pl")


def failed_notice_case(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session, session.begin():
            return _make(session)
    finally:
        engine.dispose()


def _make(session: Session) -> int:
    raw = corpus.complaint(
        "pl",
        sender="Zofia <zofia.browser@example.pl>",
        subject="<img src=x onerror=alert(1)> Reklamacja",
        message_id="<browser-mail@example>",
    )
    result = receive(session, raw, mailbox="INBOX", playbook=PLAYBOOK)
    case = cases.get_or_raise(session, case_id=result.case_id or 0)
    cases.transition(
        session, case=case, to=CaseStatus.ACKNOWLEDGED, actor_id=None, note=None, playbook=PLAYBOOK
    )
    made = notices.queue_due(session, playbook=PLAYBOOK, from_address="c@calmdesk.test")
    [notice] = [n for n in made if n.case_id == case.id]
    notice.status, notice.attempts = "failed", 8
    notice.last_error = "SMTPRecipientsRefused: 550 5.1.1 mailbox unavailable"
    return case.id


def test_a_failed_notice_is_shown_and_sent_again(
    live_server: LiveServer, signed_in: SignedIn
) -> None:
    case_id = failed_notice_case(live_server.database_url)
    page = signed_in("handler")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    page.goto(f"/cases/{case_id}")
    panel = page.get_by_test_id("mail-panel")
    notice = panel.locator("[data-notice-status=failed]")
    assert "550 5.1.1 mailbox unavailable" in notice.inner_text()
    assert "<img src=x onerror=alert(1)> Reklamacja" in panel.inner_text()
    assert panel.locator("img").count() == 0 and dialogs == []
    page.get_by_test_id("retry-notice").click()
    page.wait_for_url(f"**/cases/{case_id}#mail")
    assert page.locator("[data-notice-status=failed]").count() == 0
    assert page.get_by_test_id("retry-notice").count() == 0
