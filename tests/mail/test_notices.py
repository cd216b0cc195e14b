"""Notices to the customer: the playbook's mail section and its validation, what the case events
queue, and delivery over a real SMTP server (aiosmtpd on loopback) with retries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.cases import service as cases
from calmdesk.cases.enums import CaseEventKind, CaseStatus, Channel, CustomerAnswer
from calmdesk.cases.models import Case
from calmdesk.cases.schemas import CaseCreate, CustomerUpdate
from calmdesk.mail import notices
from calmdesk.mail.intake import receive
from calmdesk.mail.models import MailNotice
from calmdesk.mail.send import SmtpConfig, backoff, deliver_due
from calmdesk.playbook.load import PlaybookError, default_playbook, load_playbook
from calmdesk.playbook.schema import Playbook
from calmdesk.storage.types import utcnow
from tests.mail import corpus
from tests.mail.helpers import walk
from tests.mail.servers import Outbox, smtp_server

PLAYBOOK = default_playbook("pl")
FROM = "Reklamacje <complaints@calmdesk.test>"


@pytest.fixture
def smtp() -> Iterator[tuple[SmtpConfig, Outbox]]:
    with smtp_server() as (url, outbox):
        yield (
            SmtpConfig.from_url(
                url, from_address=FROM, user=None, password=None, ca_file=None, max_attempts=3
            ),
            outbox,
        )


def mail_case(session: Session, lang: str = "pl") -> Case:
    result = receive(session, corpus.complaint(lang), mailbox="INBOX", playbook=PLAYBOOK)
    return cases.get_or_raise(session, case_id=result.case_id or 0)


def acknowledge(session: Session, case: Case) -> None:
    cases.transition(
        session,
        case=case,
        to=CaseStatus.ACKNOWLEDGED,
        actor_id=None,
        note=None,
        playbook=PLAYBOOK,
        customer_answer=CustomerAnswer.ACCEPTED,
    )


def queued(session: Session) -> list[MailNotice]:
    return notices.queue_due(session, playbook=PLAYBOOK, from_address=FROM)


@pytest.mark.parametrize("lang", ["pl", "ru", "en"])
def test_the_acknowledgement_says_how_when_who_and_by_which_channel(
    session: Session, lang: str
) -> None:
    case = mail_case(session, lang)
    acknowledge(session, case)
    [notice] = queued(session)
    assert notice.kind == "acknowledgement" and notice.language == lang
    assert notice.subject.endswith(f"[#{case.id}]") and str(case.id) in notice.subject
    told = cases.default_customer_update(case, PLAYBOOK)
    assert told.how in notice.body
    assert told.contact_person and told.contact_person in notice.body
    channel = {"pl": "e-mailem", "ru": "по электронной почте", "en": "by e-mail"}[lang]
    assert channel in notice.body
    assert PLAYBOOK.company in notice.body
    assert "{" not in notice.body and "{" not in notice.subject
    assert notice.to_address == case.customer_contact
    # it answers the customer's message, so their reply threads back to the case
    assert notice.in_reply_to and notice.in_reply_to in notice.references


def test_updates_and_the_resolution_follow_and_each_is_recorded(session: Session) -> None:
    case = mail_case(session, "en")
    acknowledge(session, case)
    queued(session)
    cases.inform_customer(
        session,
        case=case,
        update=CustomerUpdate(how="We have ordered a replacement kettle.", channel=Channel.EMAIL),
        actor_id=None,
    )
    cases.transition(
        session,
        case=case,
        to=CaseStatus.IN_PROGRESS,
        actor_id=None,
        note=None,
        playbook=PLAYBOOK,
        customer_answer=CustomerAnswer.ACCEPTED,
    )
    cases.transition(
        session,
        case=case,
        to=CaseStatus.RESOLVED,
        actor_id=None,
        note="A new kettle was sent by courier today.",
        playbook=PLAYBOOK,
        customer_answer=CustomerAnswer.ACCEPTED,
    )
    made = queued(session)
    assert [n.kind for n in made] == ["update", "resolution"]
    assert "We have ordered a replacement kettle." in made[0].body
    assert "A new kettle was sent by courier today." in made[1].body
    events = cases.events_of(session, case_id=case.id)
    informed = [e for e in events if e.kind == CaseEventKind.CUSTOMER_INFORMED]
    assert informed[-1].data["mail"]["message_id"] == made[1].message_id
    assert informed[-1].data["mail"]["body"] == made[1].body
    assert made[1].event_id == informed[-1].id
    assert queued(session) == []  # nothing twice


def test_auto_acknowledge_sends_the_acknowledgement_without_a_person(session: Session) -> None:
    from calmdesk.mail.intake import Limits

    result = receive(
        session,
        corpus.complaint("en"),
        mailbox="INBOX",
        playbook=PLAYBOOK,
        limits=Limits(auto_acknowledge=True),
    )
    case = cases.get_or_raise(session, case_id=result.case_id or 0)
    assert case.status == "acknowledged" and case.first_responded_at is not None
    [notice] = queued(session)
    assert notice.kind == "acknowledgement" and notice.case_id == case.id


def test_an_update_given_by_phone_is_not_emailed_again(session: Session) -> None:
    case = mail_case(session, "pl")
    acknowledge(session, case)
    queued(session)
    cases.inform_customer(
        session,
        case=case,
        update=CustomerUpdate(how="Rozmowa: zwrot zlecony.", channel=Channel.PHONE),
        actor_id=None,
    )
    assert queued(session) == []


def test_a_survey_link_from_the_hook_goes_into_the_resolution(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notices, "survey_link", lambda _s, c: f"https://survey.test/{c.id}")
    case = mail_case(session, "ru")
    walk(session, case, PLAYBOOK, "acknowledged", "in_progress", "resolved")
    made = queued(session)
    resolution = next(n for n in made if n.kind == "resolution")
    assert f"https://survey.test/{case.id}" in resolution.body
    assert "Как мы справились?" in resolution.body
    assert "survey.test" not in next(n for n in made if n.kind == "acknowledgement").body


def test_cases_from_other_channels_get_no_mail(session: Session) -> None:
    case = cases.intake(
        session,
        case_in=CaseCreate(
            channel=Channel.PHONE, customer_contact="ola@example.pl", description="Telefon."
        ),
        actor=None,
        playbook=PLAYBOOK,
    )
    acknowledge(session, case)
    assert queued(session) == []


def test_a_notice_goes_out_threaded_over_smtp(
    session: Session, session_factory: sessionmaker[Session], smtp: tuple[SmtpConfig, Outbox]
) -> None:
    config, outbox = smtp
    case = mail_case(session, "pl")
    acknowledge(session, case)
    [notice] = queued(session)
    session.commit()
    report = deliver_due(session_factory, config)
    assert report.sent == [notice.id]
    [sent] = outbox.messages
    assert sent["Message-ID"] == notice.message_id
    assert sent["In-Reply-To"] == notice.in_reply_to
    assert sent["To"] == case.customer_contact
    assert sent["Auto-Submitted"] == "auto-generated"
    assert str(sent["Subject"]) == notice.subject
    body = sent.get_body(("plain",))
    assert body is not None
    assert body.get_content().replace("\r\n", "\n").strip() == notice.body.strip()
    session.refresh(notice)
    assert notice.status == "sent" and notice.attempts == 1 and notice.sent_at is not None


def test_a_refused_notice_is_retried_with_backoff_then_marked_failed(
    session: Session, session_factory: sessionmaker[Session], smtp: tuple[SmtpConfig, Outbox]
) -> None:
    config, outbox = smtp
    outbox.refuse = 10
    case = mail_case(session, "en")
    acknowledge(session, case)
    [notice] = queued(session)
    session.commit()
    now = utcnow()
    first = deliver_due(session_factory, config, now=now)
    assert first.retrying == [notice.id]
    session.refresh(notice)
    assert notice.status == "pending" and notice.attempts == 1
    assert notice.last_error and "451" in notice.last_error
    assert notice.next_attempt_at is not None and notice.next_attempt_at > now
    # not due yet: nothing is tried
    assert deliver_due(session_factory, config, now=now).retrying == []
    later = now + timedelta(hours=3)
    deliver_due(session_factory, config, now=later)
    last = deliver_due(session_factory, config, now=later + timedelta(hours=3))
    assert last.failed == [notice.id]
    session.refresh(notice)
    assert notice.status == "failed" and notice.attempts == 3 and outbox.refused == 3
    assert outbox.messages == []


def test_a_notice_refused_once_is_delivered_on_the_next_attempt(
    session: Session, session_factory: sessionmaker[Session], smtp: tuple[SmtpConfig, Outbox]
) -> None:
    config, outbox = smtp
    outbox.refuse = 1
    case = mail_case(session, "ru")
    acknowledge(session, case)
    [notice] = queued(session)
    session.commit()
    deliver_due(session_factory, config)
    report = deliver_due(session_factory, config, now=utcnow() + backoff(1) + timedelta(seconds=1))
    assert report.sent == [notice.id] and len(outbox.messages) == 1


def test_an_unreachable_smtp_server_is_a_retry_not_a_crash(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    from tests.processes import free_port

    config = SmtpConfig.from_url(
        f"smtp://127.0.0.1:{free_port()}",
        from_address=FROM,
        user=None,
        password=None,
        ca_file=None,
    )
    case = mail_case(session, "pl")
    acknowledge(session, case)
    [notice] = queued(session)
    session.commit()
    report = deliver_due(session_factory, config)
    assert report.retrying == [notice.id]
    session.refresh(notice)
    assert notice.last_error and "ConnectionRefused" in notice.last_error


def test_backoff_doubles_up_to_two_hours() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert backoff(30) == timedelta(hours=2)


def _playbook_with(tmp_path: Any, change: Any) -> Playbook:
    from importlib import resources

    import yaml

    source = resources.files("calmdesk.playbook").joinpath("defaults/en.yaml")
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    change(data["mail"])
    path = tmp_path / "playbook.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return load_playbook(str(path))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda m: m["acknowledgement"]["body"].update(pl="Dziękujemy. {case_number}"),
            "mail.acknowledgement.body.pl: must say {channel}, {contact_person}, {expected_by}",
        ),
        (
            lambda m: m["update"]["subject"].update(en="News {case_number.__class__}"),
            "mail.update.subject.en: placeholder {case_number.__class__} cannot be filled",
        ),
        (lambda m: m["resolution"]["body"].pop("ru"), "mail.resolution.body: missing translation"),
        (lambda m: m["survey"].update(en="Rate us!"), "mail.survey.en: must contain {survey_url}"),
        (lambda m: m["update"]["subject"].update(en="a\nb {case_number}"), "a subject is one line"),
    ],
    ids=["ack-says-too-little", "attribute-placeholder", "missing-language", "survey", "subject"],
)
def test_the_playbook_refuses_unfit_mail_templates(
    tmp_path: Any, change: Any, problem: str
) -> None:
    with pytest.raises(PlaybookError) as error:
        _playbook_with(tmp_path, change)
    assert problem in str(error.value)


def test_every_default_playbook_has_the_mail_notices() -> None:
    for key in ("pl", "ru", "en"):
        mail = default_playbook(key).mail
        assert mail is not None
        for lang in ("pl", "ru", "en"):
            assert mail.acknowledgement.body[lang] and mail.signature[lang]


def test_queue_skips_without_the_mail_section(session: Session) -> None:
    bare = PLAYBOOK.model_copy(update={"mail": None})
    case = mail_case(session)
    acknowledge(session, case)
    assert notices.queue_due(session, playbook=bare, from_address=FROM) == []
    assert session.scalars(select(MailNotice)).all() == []


def test_the_resolution_carries_the_cases_own_signed_survey_link(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    from calmdesk.cases import surveys

    secret = "s" * 48
    monkeypatch.setattr(
        notices,
        "get_settings",
        lambda: SimpleNamespace(public_url="https://cd.test/", secret_key=secret),
    )
    case = mail_case(session, "pl")
    walk(session, case, PLAYBOOK, "acknowledged", "in_progress", "resolved")
    resolution = next(n for n in queued(session) if n.kind == "resolution")
    survey = surveys.survey_of_case(session, case_id=case.id)
    assert survey is not None
    assert "https://cd.test" + surveys.survey_path(survey, secret) in resolution.body
