"""The mail loop against real servers on loopback: a private Dovecot (IMAP over TLS, IDLE) and
aiosmtpd (SMTP). Messages in pl, ru and en, broken ones included; the notice round trip
(acknowledgement sent, the customer's reply attached, the case reopened); a crash between the
commit and the move."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.cases import service as cases
from calmdesk.cases.enums import CaseEventKind, CaseStatus, CustomerAnswer
from calmdesk.cases.models import Case
from calmdesk.mail.imap import ImapConfig, Mailbox, MailboxError, Stopper
from calmdesk.mail.intake import Limits, Outcome
from calmdesk.mail.loop import MailRuntime, PassReport, run
from calmdesk.mail.models import MailMessage
from calmdesk.mail.send import SmtpConfig
from calmdesk.playbook.load import default_playbook
from tests.mail import corpus
from tests.mail.helpers import walk
from tests.mail.servers import Dovecot, Outbox, dovecot, smtp_server

PLAYBOOK = default_playbook("pl")
FROM = "Reklamacje <complaints@calmdesk.test>"
PROCESSED, REJECTED = "CalmDesk/Processed", "CalmDesk/Rejected"


@pytest.fixture
def imap_server() -> Iterator[Dovecot]:
    with dovecot() as server:
        yield server


def runtime_for(server: Dovecot, smtp_url: str | None = None) -> MailRuntime:
    return MailRuntime(
        imap=ImapConfig.from_url(
            server.url,
            user=server.user,
            password=server.password,
            inbox="INBOX",
            ca_file=server.ca_file,
        ),
        smtp=(
            SmtpConfig.from_url(smtp_url, from_address=FROM, user=None, password=None, ca_file=None)
            if smtp_url
            else None
        ),
        processed_folder=PROCESSED,
        rejected_folder=REJECTED,
        limits=Limits(own_addresses=frozenset({"complaints@calmdesk.test"})),
        max_message_bytes=200_000,
        poll_seconds=0.2,
        idle_seconds=5,
    )


def once(factory: sessionmaker[Session], runtime: MailRuntime) -> PassReport:
    reports: list[PassReport] = []
    run(factory, runtime, PLAYBOOK, once=True, on_pass=reports.append)
    return reports[0]


def test_a_mailbox_of_good_and_bad_mail_gives_one_clear_outcome_each(
    imap_server: Dovecot, session: Session, session_factory: sessionmaker[Session]
) -> None:
    good = [corpus.complaint(lang) for lang in ("pl", "ru", "en")]
    broken = [corpus.BROKEN_MIME, corpus.UNKNOWN_CHARSET, corpus.HTML_ONLY]
    rejected = [corpus.NO_SENDER, corpus.AUTO_REPLY]
    huge = corpus.complaint(
        "en", text="The photos are attached.", attachment=("photos.zip", b"z" * 300_000)
    )
    for raw in [*good, *broken, *rejected, huge]:
        imap_server.append(raw)
    report = once(session_factory, runtime_for(imap_server))
    outcomes = [r.outcome for r in report.received]
    assert outcomes == [Outcome.CREATED] * 6 + [Outcome.NO_SENDER, Outcome.AUTO_REPLY] + [
        Outcome.CREATED
    ]
    assert "too_large" in report.received[-1].reasons
    assert imap_server.count("INBOX") == 0
    assert imap_server.count(PROCESSED) == 7 and imap_server.count(REJECTED) == 2
    languages = sorted(
        session.scalars(
            select(Case.language).where(Case.id.in_([r.case_id for r in report.received[:3]]))
        )
    )
    assert languages == ["en", "pl", "ru"]
    # read again (as after a restart): nothing new
    for raw in good:
        imap_server.append(raw)
    again = once(session_factory, runtime_for(imap_server))
    assert all(r.duplicate for r in again.received) and len(again.received) == 3
    assert session.scalar(select(func.count()).select_from(Case)) == 7


def test_the_loop_waits_with_idle_and_wakes_for_new_mail(
    imap_server: Dovecot, session: Session
) -> None:
    config = runtime_for(imap_server).imap
    assert config is not None
    watchdog = Stopper()
    timer = threading.Timer(60, watchdog.stop)
    with Mailbox(config) as mailbox:
        assert mailbox.has_idle
        threading.Timer(0.5, imap_server.append, args=(corpus.complaint("pl"),)).start()
        timer.start()
        mailbox.wait(120, stop=watchdog)
        timer.cancel()
        assert not watchdog.stopped, "IDLE did not wake up for the new message"
        assert mailbox.uids() != []


def test_a_server_without_idle_and_move_is_polled_and_copied(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    with dovecot(capability="IMAP4rev1 LITERAL+ UIDPLUS") as server:
        server.append(corpus.complaint("ru"))
        config = runtime_for(server).imap
        assert config is not None
        with Mailbox(config) as mailbox:
            assert not mailbox.has_idle and "MOVE" not in mailbox.capabilities
            mailbox.wait(0.2)  # a poll's sleep, not an IDLE
        report = once(session_factory, runtime_for(server))
        assert [r.outcome for r in report.received] == [Outcome.CREATED]
        assert server.count("INBOX") == 0 and server.count(PROCESSED) == 1


def test_a_wrong_password_is_a_clear_error(imap_server: Dovecot) -> None:
    config = ImapConfig.from_url(
        imap_server.url,
        user=imap_server.user,
        password="wrong",
        inbox="INBOX",
        ca_file=imap_server.ca_file,
    )
    with pytest.raises(MailboxError, match="cannot sign in to the mailbox"):
        Mailbox(config).connect()


def test_an_untrusted_certificate_is_refused(imap_server: Dovecot) -> None:
    config = ImapConfig.from_url(
        imap_server.url,
        user=imap_server.user,
        password=imap_server.password,
        inbox="INBOX",
        ca_file=None,
    )
    with pytest.raises(MailboxError, match="CERTIFICATE_VERIFY_FAILED"):
        Mailbox(config).connect()


def test_a_crash_between_commit_and_move_gives_the_case_once(
    imap_server: Dovecot,
    session: Session,
    session_factory: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    imap_server.append(corpus.complaint("ru"))
    runtime = runtime_for(imap_server)

    def crash(self: Mailbox, uid: int, folder: str) -> None:
        raise KeyboardInterrupt("power cut after the commit, before the move")

    with monkeypatch.context() as patch:
        patch.setattr(Mailbox, "move", crash)
        with pytest.raises(KeyboardInterrupt):
            once(session_factory, runtime)
    assert imap_server.count("INBOX") == 1
    assert session.scalar(select(func.count()).select_from(Case)) == 1
    report = once(session_factory, runtime)
    assert [r.duplicate for r in report.received] == [True]
    assert session.scalar(select(func.count()).select_from(Case)) == 1
    assert imap_server.count("INBOX") == 0 and imap_server.count(PROCESSED) == 1


def _sent(outbox: Outbox) -> EmailMessage:
    assert outbox.messages, "nothing was sent"
    return outbox.messages[-1]


def test_notice_round_trip_acknowledgement_reply_reopen(
    imap_server: Dovecot, session: Session, session_factory: sessionmaker[Session]
) -> None:
    with smtp_server() as (smtp_url, outbox):
        runtime = runtime_for(imap_server, smtp_url)
        imap_server.append(corpus.complaint("pl", message_id="<first-pl@example>"))
        [created] = once(session_factory, runtime).received
        case = cases.get_or_raise(session, case_id=created.case_id or 0)
        # the agent acknowledges: the acknowledgement goes out by e-mail
        cases.transition(
            session,
            case=case,
            to=CaseStatus.ACKNOWLEDGED,
            actor_id=None,
            note=None,
            playbook=PLAYBOOK,
            customer_answer=CustomerAnswer.ACCEPTED,
        )
        session.commit()
        report = once(session_factory, runtime)
        assert report.notices_queued == 1 and len(report.delivery.sent) == 1
        ack = _sent(outbox)
        assert ack["In-Reply-To"] == "<first-pl@example>"
        assert f"[#{case.id}]" in str(ack["Subject"])
        # the case is resolved and closed; the customer answers the acknowledgement
        walk(session, case, PLAYBOOK, "in_progress", "resolved", "closed")
        session.commit()
        once(session_factory, runtime)  # sends the resolution
        assert "rozpatrzone" in str(_sent(outbox)["Subject"])
        reply = EmailMessage()
        reply["From"] = "Anna Nowak <anna.nowak@example.pl>"
        reply["To"] = FROM
        reply["Subject"] = "Re: " + str(ack["Subject"]).replace(f"[#{case.id}]", "")
        reply["Message-ID"] = "<reply-pl@example>"
        reply["In-Reply-To"] = str(ack["Message-ID"])
        reply["References"] = f"<first-pl@example> {ack['Message-ID']}"
        reply.set_content(
            "Pieniądze nadal nie wróciły na konto.\n\n"
            "W dniu 4 grudnia Reklamacje pisze:\n> Dzień dobry"
        )
        imap_server.append(reply.as_bytes())
        [answered] = once(session_factory, runtime).received
        assert answered.outcome == Outcome.REOPENED and answered.case_id == case.id
        session.refresh(case)
        assert case.status == "in_progress"
        wrote = [
            e
            for e in cases.events_of(session, case_id=case.id)
            if e.kind == CaseEventKind.CUSTOMER_WROTE
        ]
        assert [e.data["wrote"]["text"] for e in wrote] == ["Pieniądze nadal nie wróciły na konto."]
        # our own notices never came back in as mail (they carry Auto-Submitted anyway)
        parsed = message_from_bytes(imap_server.messages(PROCESSED)[-1], policy=policy.default)
        assert parsed["Message-ID"] == "<reply-pl@example>"
        assert session.scalar(select(func.count()).select_from(MailMessage)) == 2
