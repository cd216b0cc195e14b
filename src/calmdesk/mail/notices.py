"""Notices to the customer by e-mail, from the playbook's ``mail`` templates in the case's
language: the acknowledgement, updates and the resolution (with the satisfaction survey link
when :data:`survey_link` gives one).

Which events send what (:func:`queue_due`, run by the mail loop): on an e-mail case (channel
``email``, a contact with ``@``), a ``customer_informed`` event sends the acknowledgement (the
case's first notice) or an update (when its channel is e-mail: what an agent told on a call is
not e-mailed again), with what the event says was told; a move to ``resolved``
sends the resolution and records it as a ``customer_informed`` event of its own. Each notice is
a :class:`MailNotice` row (``pending``) written in one transaction with the cursor over the case
events, unique per source event, so a crash neither loses nor doubles one;
:mod:`calmdesk.mail.send` delivers it.

Threading: every notice has its own Message-ID and answers the customer's last message
(``In-Reply-To``) with the whole thread in ``References``, and its subject carries ``[#<case>]``,
so a reply comes back to the case (:func:`calmdesk.mail.intake.receive`).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from calmdesk.cases import service as cases
from calmdesk.cases import surveys
from calmdesk.cases.enums import CaseEventKind, CaseStatus, Channel
from calmdesk.cases.models import Case, CaseEvent
from calmdesk.cases.schemas import CustomerUpdate
from calmdesk.mail.messages import label, text_for
from calmdesk.mail.models import MailMessage, MailNotice, MailState
from calmdesk.playbook.schema import Playbook
from calmdesk.settings import get_settings
from calmdesk.storage.types import utcnow

log = logging.getLogger(__name__)

CURSOR = "notice_cursor"
FLOOR = "notice_floor"
"""The last case event before migration ``0005_mail``: older events never send a notice."""
RESCAN = 500
"""Events below the cursor looked at again: on PostgreSQL an event with a lower id may commit
after a higher one (the unique source event keeps a second look from doubling a notice)."""
BATCH = 200

SurveyLink = Callable[[Session, Case], str | None]


def case_survey_link(session: Session, case: Case) -> str | None:
    """The case's satisfaction survey (opened now if it has none), as an absolute link under
    ``CALMDESK_PUBLIC_URL``; ``None`` when that address is not set (a link must say where)."""
    settings = get_settings()
    if not settings.public_url:
        return None
    survey = surveys.open_survey(session, case=case)
    return settings.public_url.rstrip("/") + surveys.survey_path(survey, settings.secret_key)


survey_link: SurveyLink | None = case_survey_link
"""The satisfaction survey's link put into a resolution notice (a hook tests may replace)."""


def _moment(value: str | datetime | None, lang: str, playbook: Playbook) -> str | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    zone = ZoneInfo(playbook.calendar.timezone)
    return format_datetime(moment, "d MMMM y, HH:mm", tzinfo=zone, locale=lang)


def _values(case: Case, told: dict[str, Any], playbook: Playbook) -> dict[str, str]:
    lang = case.language
    unknown = text_for("unknown_value", lang)
    channel = told.get("channel") or str(Channel.EMAIL)
    message = (told.get("message") or "").strip()
    return {
        "case_number": str(case.id),
        "customer_name": case.customer_name or "",
        "company": playbook.company,
        "how": (told.get("how") or "").strip() or unknown,
        "expected_by": _moment(told.get("expected_by"), lang, playbook) or unknown,
        "contact_person": told.get("contact_person") or unknown,
        "next_contact_at": _moment(told.get("next_contact_at"), lang, playbook) or unknown,
        "channel": label("channels", channel, lang),
        "message": f"{message}\n" if message else "",
    }


def render(
    kind: str,
    case: Case,
    told: dict[str, Any],
    playbook: Playbook,
    survey_url: str | None = None,
) -> tuple[str, str]:
    """The subject (with ``[#<case>]``) and the plain-text body of a notice."""
    if playbook.mail is None:
        raise ValueError("the playbook has no mail section")
    templates = playbook.mail
    template = getattr(templates, kind)
    lang = case.language if case.language in template.body else playbook.default_language
    values = _values(case, told, playbook)
    subject = " ".join(template.subject[lang].format(**values).split())
    body = template.body[lang].format(**values).strip()
    body = "\n".join(line.rstrip() for line in body.splitlines())
    while "\n\n\n" in body:
        body = body.replace("\n\n\n", "\n\n")
    if survey_url and templates.survey.get(lang):
        body += "\n\n" + templates.survey[lang].format(survey_url=survey_url)
    signature = templates.signature[lang].format(company=playbook.company)
    return f"{subject} [#{case.id}]", f"{body}\n\n-- \n{signature}\n"


def new_message_id(from_address: str) -> str:
    domain = from_address.rsplit("@", 1)[-1].strip(" >").lower() or "calmdesk.invalid"
    return f"<calmdesk.{secrets.token_hex(12)}@{domain}>"


def _thread(session: Session, case_id: int) -> tuple[str | None, list[str]]:
    """The customer's last message on the case (to answer) and the thread's ids, oldest first."""
    customer = [
        mid
        for mid in session.scalars(
            select(MailMessage.message_id)
            .where(MailMessage.case_id == case_id, MailMessage.message_id.is_not(None))
            .order_by(MailMessage.id)
        )
        if mid
    ]
    ours = list(
        session.scalars(
            select(MailNotice.message_id)
            .where(MailNotice.case_id == case_id)
            .order_by(MailNotice.id)
        )
    )
    references = [*customer[:1], *ours[-8:], *customer[1:][-8:]]
    return (customer[-1] if customer else None), references


def is_mail_case(case: Case) -> bool:
    return (
        case.channel == str(Channel.EMAIL)
        and case.erased_at is None
        and bool(case.customer_contact)
        and "@" in (case.customer_contact or "")
    )


def queue(
    session: Session,
    *,
    case: Case,
    kind: str,
    told: dict[str, Any],
    playbook: Playbook,
    from_address: str,
    source_event_id: int | None,
    event_id: int | None,
    now: datetime | None = None,
) -> MailNotice:
    """A pending notice of ``kind`` for ``case`` saying ``told``."""
    now = now or utcnow()
    url = survey_link(session, case) if survey_link and kind == "resolution" else None
    subject, body = render(kind, case, told, playbook, survey_url=url)
    in_reply_to, references = _thread(session, case.id)
    notice = MailNotice(
        case_id=case.id,
        kind=kind,
        language=case.language,
        to_address=case.customer_contact,
        subject=subject,
        body=body,
        message_id=new_message_id(from_address),
        in_reply_to=in_reply_to,
        references=references,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        source_event_id=source_event_id,
        event_id=event_id,
        created_at=now,
        details={"survey_url": url} if url else {},
    )
    session.add(notice)
    session.flush()
    return notice


def _resolution(
    session: Session,
    case: Case,
    event: CaseEvent,
    playbook: Playbook,
    from_address: str,
    now: datetime,
) -> MailNotice:
    """The resolution notice, recorded as a ``customer_informed`` event with what was sent."""
    told = cases.default_customer_update(case, playbook).model_dump(mode="json")
    told["how"] = event.note or text_for("resolved_how", case.language)
    told.pop("expected_by", None)
    told.pop("next_contact_at", None)
    notice = queue(
        session,
        case=case,
        kind="resolution",
        told=told,
        playbook=playbook,
        from_address=from_address,
        source_event_id=event.id,
        event_id=None,
        now=now,
    )
    informed = cases.inform_customer(
        session,
        case=case,
        update=CustomerUpdate.model_validate({**told, "channel": Channel.EMAIL}),
        actor_id=None,
        now=now,
        details={"mail": _mail_details(notice)},
    )
    notice.event_id = informed.id
    return notice


def _mail_details(notice: MailNotice) -> dict[str, Any]:
    return {
        "notice_id": notice.id,
        "kind": notice.kind,
        "to": notice.to_address,
        "subject": notice.subject,
        "body": notice.body,
        "message_id": notice.message_id,
    }


def queue_due(
    session: Session, *, playbook: Playbook, from_address: str, now: datetime | None = None
) -> list[MailNotice]:
    """Notices for the case events since the cursor (see the module's docstring); the caller
    commits. Cases that are not e-mail cases, and events the mail domain wrote itself, are
    passed over."""
    now = now or utcnow()
    if playbook.mail is None:
        return []
    # The cursor's row lock makes concurrent loops (several workers on PostgreSQL) take turns;
    # the unique source event would refuse a second notice anyway.
    state = session.get(MailState, CURSOR, with_for_update=True)
    if state is None:
        state = MailState(key=CURSOR, value=0)
        session.add(state)
        session.flush()
    wanted = (
        MailNotice.id.is_(None),
        Case.channel == str(Channel.EMAIL),
        (CaseEvent.kind == str(CaseEventKind.CUSTOMER_INFORMED))
        | and_(
            CaseEvent.kind == str(CaseEventKind.STATUS_CHANGED),
            CaseEvent.to_status == str(CaseStatus.RESOLVED),
        ),
    )
    query = (
        select(CaseEvent, Case)
        .join(Case, Case.id == CaseEvent.case_id)
        .outerjoin(MailNotice, MailNotice.source_event_id == CaseEvent.id)
        .order_by(CaseEvent.id)
    )
    # Again the last RESCAN ids below the cursor (bounded by the range, never below the floor:
    # the events before the mail domain existed), then new ones.
    floor = session.get(MailState, FLOOR)
    lowest = max(state.value - RESCAN, floor.value if floor is not None else 0)
    again = session.execute(
        query.where(*wanted, CaseEvent.id > lowest, CaseEvent.id <= state.value)
    ).all()
    new = session.execute(query.where(*wanted, CaseEvent.id > state.value).limit(BATCH)).all()
    newest = session.scalar(select(func.max(CaseEvent.id)).where(CaseEvent.id > state.value))
    if len(new) < BATCH and newest is not None:
        state.value = newest
    elif new:
        state.value = new[-1][0].id
    rows = [*again, *new]
    made: list[MailNotice] = []
    for event, case in rows:
        if "mail" in (event.data or {}) or not is_mail_case(case):
            continue
        if event.kind == str(CaseEventKind.STATUS_CHANGED):
            made.append(_resolution(session, case, event, playbook, from_address, now))
            continue
        told = dict((event.data or {}).get("told") or {})
        first = session.scalar(select(MailNotice.id).where(MailNotice.case_id == case.id).limit(1))
        if first is not None and told.get("channel") not in (None, str(Channel.EMAIL)):
            continue  # an update the agent gave by another channel (a call) is not e-mailed
        made.append(
            queue(
                session,
                case=case,
                kind="acknowledgement" if first is None else "update",
                told=told,
                playbook=playbook,
                from_address=from_address,
                source_event_id=event.id,
                event_id=event.id,
                now=now,
            )
        )
    session.flush()
    return made


def notices_of(session: Session, *, case_id: int) -> list[MailNotice]:
    query = select(MailNotice).where(MailNotice.case_id == case_id).order_by(MailNotice.id)
    return list(session.scalars(query))
