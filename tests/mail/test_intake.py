"""One message into a case (calmdesk.mail.intake.receive), on both databases: complaints in pl,
ru and en, replies attached and reopening, and every kind of bad mail with its outcome."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from calmdesk.cases import service as cases
from calmdesk.cases.enums import CaseEventKind
from calmdesk.cases.models import Case
from calmdesk.mail.intake import Limits, Outcome, receive
from calmdesk.mail.models import MailAttachment, MailMessage
from calmdesk.playbook.load import default_playbook
from calmdesk.playbook.schema import Playbook
from calmdesk.storage.types import utcnow
from tests.mail import corpus
from tests.mail.helpers import walk

PLAYBOOK = default_playbook("pl")


def take(session: Session, raw: bytes, playbook: Playbook = PLAYBOOK, **kw: object) -> Case | None:
    result = receive(session, raw, mailbox="INBOX", playbook=playbook, **kw)  # type: ignore[arg-type]
    return cases.get(session, case_id=result.case_id) if result.case_id else None


def count(session: Session, model: type[object]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("lang", ["pl", "ru", "en"])
def test_a_complaint_becomes_a_case_in_its_language(session: Session, lang: str) -> None:
    result = receive(session, corpus.complaint(lang), mailbox="INBOX", playbook=PLAYBOOK)
    assert result.outcome == Outcome.CREATED and not result.duplicate
    case = cases.get_or_raise(session, case_id=result.case_id or 0)
    subject, text = corpus.COMPLAINTS[lang]
    assert case.channel == "email" and case.status == "received"
    assert case.language == lang
    assert case.description == f"{subject}\n\n{text}"
    assert case.customer_contact and "@example." in case.customer_contact
    assert case.category_suggested  # the category suggestion ran on the text
    row = session.scalar(select(MailMessage).where(MailMessage.case_id == case.id))
    assert row is not None and row.analysis["language"] == lang
    assert {"level", "anger", "abuse"} <= set(row.analysis)  # the analysis ran on it too


def test_the_same_message_twice_makes_one_case(session: Session) -> None:
    raw = corpus.complaint("pl")
    first = receive(session, raw, mailbox="INBOX", playbook=PLAYBOOK)
    again = receive(session, raw, mailbox="INBOX", playbook=PLAYBOOK)
    assert again.duplicate and again.case_id == first.case_id
    assert count(session, Case) == 1 and count(session, MailMessage) == 1


def test_a_reply_by_subject_tag_is_attached_and_reopens_a_closed_case(session: Session) -> None:
    case = take(session, corpus.complaint("en"))
    assert case is not None
    walk(session, case, PLAYBOOK, "acknowledged", "in_progress", "resolved", "closed")
    reply = corpus.complaint(
        "en",
        subject=f"Re: Your complaint [#{case.id}]",
        text="It broke again today.\n\nOn Friday you wrote:\n> resolved",
        message_id="<reply-1@example>",
    )
    result = receive(session, reply, mailbox="INBOX", playbook=PLAYBOOK)
    assert result.outcome == Outcome.REOPENED and result.case_id == case.id
    assert case.status == "in_progress" and case.closed_at is None
    events = cases.events_of(session, case_id=case.id)
    wrote = [e for e in events if e.kind == CaseEventKind.CUSTOMER_WROTE]
    assert [e.data["wrote"]["text"] for e in wrote] == ["It broke again today."]
    assert count(session, Case) == 1


def test_a_reply_by_references_finds_the_case_without_a_tag(session: Session) -> None:
    case = take(session, corpus.complaint("ru", message_id="<first-ru@example>"))
    assert case is not None
    reply = corpus.complaint(
        "ru", subject="Re: заказ", text="Так и не привезли.", in_reply_to="<first-ru@example>"
    )
    result = receive(session, reply, mailbox="INBOX", playbook=PLAYBOOK)
    assert result.outcome == Outcome.ATTACHED and result.case_id == case.id
    assert case.status == "received"


def test_a_claimed_case_of_another_customer_is_a_new_flagged_case(session: Session) -> None:
    victim = take(session, corpus.complaint("pl"))
    assert victim is not None
    spoof = corpus.complaint(
        "pl",
        sender="Oszust <someone.else@example.org>",
        subject=f"Re: [#{victim.id}] proszę o zwrot na moje konto",
        text="Proszę przelać zwrot na konto 11 2222 3333.",
    )
    result = receive(session, spoof, mailbox="INBOX", playbook=PLAYBOOK)
    assert result.outcome == Outcome.FLAGGED and result.case_id != victim.id
    assert "claimed_case_of_another_customer" in result.reasons
    kinds = [e.kind for e in cases.events_of(session, case_id=victim.id)]
    assert CaseEventKind.CUSTOMER_WROTE not in kinds


def test_a_case_number_that_does_not_exist_makes_a_new_case(session: Session) -> None:
    result = receive(
        session,
        corpus.complaint("en", subject="Re: [#987654321] still waiting"),
        mailbox="INBOX",
        playbook=PLAYBOOK,
    )
    assert result.outcome == Outcome.CREATED and "unknown_case" in result.reasons


@pytest.mark.parametrize(
    ("raw", "outcome", "reason"),
    [
        (corpus.NO_SENDER, Outcome.NO_SENDER, "no_sender"),
        (corpus.AUTO_REPLY, Outcome.AUTO_REPLY, "auto_submitted"),
        (
            corpus.complaint("en", headers={"Precedence": "bulk"}, message_id="<bulk@x>"),
            Outcome.AUTO_REPLY,
            "auto_submitted",
        ),
        (
            corpus.complaint("pl", headers={"X-Autoreply": "yes"}, message_id="<xa@x>"),
            Outcome.AUTO_REPLY,
            "auto_submitted",
        ),
    ],
    ids=["no-sender", "auto-submitted", "precedence-bulk", "x-autoreply"],
)
def test_mail_that_makes_no_case(
    session: Session, raw: bytes, outcome: Outcome, reason: str
) -> None:
    result = receive(session, raw, mailbox="INBOX", playbook=PLAYBOOK)
    assert result.outcome == outcome and reason in result.reasons
    assert result.case_id is None and count(session, Case) == 0
    assert not outcome.made_case_work
    again = receive(session, raw, mailbox="INBOX", playbook=PLAYBOOK)
    assert again.duplicate and count(session, MailMessage) == 1


def test_our_own_address_is_a_loop(session: Session) -> None:
    raw = corpus.complaint("en", sender="CalmDesk <complaints@calmdesk.test>")
    limits = Limits(own_addresses=frozenset({"complaints@calmdesk.test"}))
    result = receive(session, raw, mailbox="INBOX", playbook=PLAYBOOK, limits=limits)
    assert result.outcome == Outcome.AUTO_REPLY and "own_address" in result.reasons


def test_a_sender_over_the_hourly_limit_makes_no_more_cases(session: Session) -> None:
    limits = Limits(sender_limit_per_hour=3)
    outcomes = [
        receive(
            session,
            corpus.complaint("en", text=f"Complaint number {n}: still broken."),
            mailbox="INBOX",
            playbook=PLAYBOOK,
            limits=limits,
        ).outcome
        for n in range(5)
    ]
    assert outcomes == [Outcome.CREATED] * 3 + [Outcome.RATE_LIMITED] * 2
    later = receive(
        session,
        corpus.complaint("en", text="A new day, a new complaint."),
        mailbox="INBOX",
        playbook=PLAYBOOK,
        limits=limits,
        now=utcnow() + timedelta(hours=2),
    )
    assert later.outcome == Outcome.CREATED


def test_broken_mime_still_gives_a_case_with_its_text(session: Session) -> None:
    case = take(session, corpus.BROKEN_MIME)
    assert case is not None
    assert "Paczka dotarła zgnieciona" in case.description
    row = session.scalar(select(MailMessage).where(MailMessage.case_id == case.id))
    assert row is not None and "broken_mime" in row.reasons


def test_an_unknown_charset_is_read_as_utf8(session: Session) -> None:
    case = take(session, corpus.UNKNOWN_CHARSET)
    assert case is not None and "списали деньги дважды" in case.description
    row = session.scalar(select(MailMessage).where(MailMessage.case_id == case.id))
    assert row is not None and "unknown_charset" in row.reasons


def test_html_only_mail_is_read_as_text_without_scripts(session: Session) -> None:
    case = take(session, corpus.HTML_ONLY)
    assert case is not None
    assert "I was charged twice for order 5512." in case.description
    assert "alert" not in case.description and "color" not in case.description


def test_attachments_are_kept_within_the_limits(session: Session) -> None:
    small = corpus.complaint("pl", attachment=("paragon.pdf", b"%PDF-1.4 small"))
    big = corpus.complaint(
        "pl", text="Zdjęcie w załączniku.", attachment=("zdjecie.jpg", b"x" * 5000)
    )
    limits = Limits(max_attachment_bytes=1000)
    first = receive(session, small, mailbox="INBOX", playbook=PLAYBOOK, limits=limits)
    second = receive(session, big, mailbox="INBOX", playbook=PLAYBOOK, limits=limits)
    kept = session.scalars(select(MailAttachment).order_by(MailAttachment.id)).all()
    assert [(a.filename, a.case_id, a.dropped) for a in kept] == [
        ("paragon.pdf", first.case_id, None),
        ("zdjecie.jpg", second.case_id, "too_large"),
    ]
    assert kept[0].data == b"%PDF-1.4 small" and kept[1].data is None and kept[1].size == 5000
    assert "attachment_too_large" in second.reasons


def test_a_message_over_the_size_limit_becomes_a_case_from_its_header(session: Session) -> None:
    header = corpus.complaint("ru").split(b"\n\n", 1)[0] + b"\n\n"
    result = receive(
        session,
        header,
        mailbox="INBOX",
        playbook=PLAYBOOK,
        headers_only=True,
        size=40 * 1024 * 1024,
    )
    case = cases.get_or_raise(session, case_id=result.case_id or 0)
    assert result.outcome == Outcome.CREATED and "too_large" in result.reasons
    assert case.description.startswith("Заказ так и не доставили")
    assert "40.0" in case.description


def test_a_case_with_replies_and_a_reopening_rebuilds_from_its_events(session: Session) -> None:
    from calmdesk.cases.rebuild import differences

    case = take(session, corpus.complaint("pl"))
    assert case is not None
    walk(session, case, PLAYBOOK, "acknowledged", "in_progress", "resolved")
    take(session, corpus.complaint("pl", subject=f"Re: [#{case.id}]", text="Nadal nie działa."))
    assert case.status == "in_progress"
    assert differences(case, cases.events_of(session, case_id=case.id)) == {}
