"""One message from the mailbox into a case: :func:`receive`.

Every message gets exactly one :class:`MailMessage` row, keyed by its Message-ID (or a digest of
the message), inserted first in the caller's transaction; the case it creates, or the customer
message it adds to a case, is written in that same transaction. A message read again (a crash
after the commit, before the move out of the inbox) finds its row and changes nothing.

Outcomes (:class:`Outcome`): ``created`` a new case; ``attached`` the customer's reply added to
its case (``reopened`` when that reopened a resolved or closed case); ``flagged`` a new case
for a message that claimed a case whose customer is someone else; ``no_sender``,
``auto_reply``, ``rate_limited``, ``unreadable``: no case, the message goes to the rejected
folder.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from calmdesk.analysis.contact_keys import contact_key
from calmdesk.cases import service as cases
from calmdesk.cases.enums import CaseEventKind, CaseStatus, Channel
from calmdesk.cases.history import record, snapshot
from calmdesk.cases.models import Case
from calmdesk.cases.schemas import CaseCreate
from calmdesk.mail.messages import text_for
from calmdesk.mail.models import MailAttachment, MailMessage, MailNotice
from calmdesk.mail.parse import Inbound, dedupe_key, parse, without_quote
from calmdesk.playbook.schema import Playbook
from calmdesk.storage.types import utcnow

log = logging.getLogger(__name__)

MAX_DESCRIPTION = 10_000
MAX_ANALYSED = 100_000


class Outcome(StrEnum):
    CREATED = "created"
    ATTACHED = "attached"
    REOPENED = "reopened"
    FLAGGED = "flagged"
    NO_SENDER = "no_sender"
    AUTO_REPLY = "auto_reply"
    RATE_LIMITED = "rate_limited"
    UNREADABLE = "unreadable"
    """Our code failed on it: recorded, set aside in the rejected folder for a person."""

    @property
    def made_case_work(self) -> bool:
        """A case was created or written to: the message goes to the processed folder."""
        return self in (Outcome.CREATED, Outcome.ATTACHED, Outcome.REOPENED, Outcome.FLAGGED)


@dataclass(frozen=True)
class Limits:
    max_attachment_bytes: int = 10 * 1024 * 1024
    max_attachments: int = 20
    max_attachments_bytes: int = 20 * 1024 * 1024
    sender_limit_per_hour: int = 20
    own_addresses: frozenset[str] = frozenset()
    """Our own From address(es): a message from one is a loop, never a case."""
    auto_acknowledge: bool = False
    """Acknowledge a new case at once (the playbook's default update, so the acknowledgement
    e-mail goes out without a person); off: an agent acknowledges it."""


@dataclass(frozen=True)
class Received:
    outcome: Outcome
    case_id: int | None
    reasons: list[str] = field(default_factory=list)
    duplicate: bool = False
    """The message had been read before: nothing was written this time."""
    message_row_id: int | None = None


def _thread_case(session: Session, inbound: Inbound) -> int | None:
    """The case this message answers, from its In-Reply-To/References: one of our notices, or an
    earlier message of the case."""
    for mid in inbound.thread_ids:
        case_id = session.scalar(select(MailNotice.case_id).where(MailNotice.message_id == mid))
        if case_id is None:
            case_id = session.scalar(
                select(MailMessage.case_id)
                .where(MailMessage.message_id == mid, MailMessage.case_id.is_not(None))
                .limit(1)
            )
        if case_id is not None:
            return case_id
    return None


def _over_sender_limit(session: Session, key: str, limit: int, now: datetime) -> bool:
    counted = (
        Outcome.CREATED,
        Outcome.ATTACHED,
        Outcome.REOPENED,
        Outcome.FLAGGED,
    )
    recent = session.scalar(
        select(func.count())
        .select_from(MailMessage)
        .where(
            MailMessage.sender_key == key,
            MailMessage.received_at > now - timedelta(hours=1),
            MailMessage.outcome.in_([str(o) for o in counted]),
        )
    )
    return (recent or 0) >= limit


def _description(inbound: Inbound, lang: str, size: int) -> str:
    parts = [inbound.subject.strip(), inbound.text.strip()]
    if inbound.headers_only:
        parts.append(text_for("too_large_body", lang, megabytes=f"{size / 1_048_576:.1f}"))
    text = "\n\n".join(p for p in parts if p)
    return (text or text_for("empty_message", lang))[:MAX_DESCRIPTION]


def _analysis(text: str) -> dict[str, Any]:
    from calmdesk.analysis.long_text import analyze_long

    try:  # a long letter in pieces: an insult on its tenth page is found there
        found = analyze_long(text[:MAX_ANALYSED])
    except Exception as error:  # an unreadable text is no reason to lose the mail
        return {"error": type(error).__name__}
    signals = found.signals
    return {
        "language": signals.lang,
        "level": str(signals.level),
        "anger": round(signals.anger, 3),
        "abuse": round(signals.abuse, 3),
        "intents": sorted(signals.intents),
        "flagged": [
            {"start": f.start, "end": f.end, "level": f.level, "intents": list(f.intents)}
            for f in found.findings[:20]
        ],
    }


def _keep_attachments(
    session: Session, inbound: Inbound, row: MailMessage, case_id: int, limits: Limits
) -> list[str]:
    reasons: list[str] = []
    kept_bytes = 0
    for index, attachment in enumerate(inbound.attachments):
        dropped = None
        if index >= limits.max_attachments:
            dropped = "too_many"
        elif attachment.size > limits.max_attachment_bytes:
            dropped = "too_large"
        elif kept_bytes + attachment.size > limits.max_attachments_bytes:
            dropped = "total_too_large"
        else:
            kept_bytes += attachment.size
        if dropped and dropped not in reasons:
            reasons.append(f"attachment_{dropped}")
        session.add(
            MailAttachment(
                message_row_id=row.id,
                case_id=case_id,
                filename=attachment.filename,
                content_type=attachment.content_type,
                size=attachment.size,
                sha256=attachment.sha256,
                data=None if dropped else attachment.data,
                dropped=dropped,
            )
        )
    return reasons


def _customer_wrote(
    session: Session, case: Case, inbound: Inbound, playbook: Playbook, now: datetime
) -> Outcome:
    """The reply as a ``customer_wrote`` event; a resolved or closed case is reopened and a case
    waiting for the customer goes back to work."""
    record(
        session,
        case=case,
        kind=CaseEventKind.CUSTOMER_WROTE,
        before=snapshot(case),
        data={
            "wrote": {
                "channel": str(Channel.EMAIL),
                "from": inbound.sender,
                "subject": inbound.subject,
                "text": without_quote(inbound.text)[:MAX_DESCRIPTION],
                "message_id": inbound.message_id,
            }
        },
        at=now,
    )
    status = case.status_enum
    if status in (CaseStatus.RESOLVED, CaseStatus.CLOSED, CaseStatus.WAITING_CUSTOMER):
        note = text_for(
            "reopened_note" if status != CaseStatus.WAITING_CUSTOMER else "resumed_note",
            case.language,
        )
        cases.transition(
            session,
            case=case,
            to=CaseStatus.IN_PROGRESS,
            actor_id=None,
            note=note,
            playbook=playbook,
            now=now,
        )
        return Outcome.REOPENED if status != CaseStatus.WAITING_CUSTOMER else Outcome.ATTACHED
    return Outcome.ATTACHED


def _act(
    session: Session,
    inbound: Inbound,
    row: MailMessage,
    key: str | None,
    limits: Limits,
    playbook: Playbook,
    reasons: list[str],
    size: int,
    now: datetime,
) -> tuple[Outcome, Case | None]:
    """What the message asks: no case, a customer message on its case, or a new case."""
    case: Case | None = None
    if inbound.sender is None or key is None:
        outcome = Outcome.NO_SENDER
    elif inbound.auto_submitted or inbound.sender in limits.own_addresses:
        outcome = Outcome.AUTO_REPLY
        reasons.append("auto_submitted" if inbound.auto_submitted else "own_address")
    elif _over_sender_limit(session, key, limits.sender_limit_per_hour, now):
        outcome = Outcome.RATE_LIMITED
    else:
        claimed = _thread_case(session, inbound)
        by_subject = claimed is None and inbound.claimed_case is not None
        if by_subject:
            claimed = inbound.claimed_case
        target = cases.get(session, case_id=claimed) if claimed is not None else None
        if claimed is not None and target is None:
            reasons.append("unknown_case")
        if target is not None and target.erased_at is None and target.customer_key == key:
            outcome = _customer_wrote(session, target, inbound, playbook, now)
            case = target
        else:
            if target is not None:
                erased = target.erased_at is not None
                reasons.append("erased_case" if erased else "claimed_case_of_another_customer")
            # The analysis reads the description the category suggester reads, so the
            # sentence embedding is computed once (the encoder keeps recent texts).
            description = _description(inbound, playbook.default_language, size)
            row.analysis = _analysis(description)
            found = row.analysis.get("language")
            detected = found if found in playbook.languages else None
            lang = detected or playbook.default_language
            if inbound.headers_only or not (inbound.subject.strip() or inbound.text.strip()):
                description = _description(inbound, lang, size)  # our note in its language
            case = cases.intake(
                session,
                case_in=CaseCreate(
                    channel=Channel.EMAIL,
                    customer_contact=inbound.sender,
                    customer_name=inbound.sender_name,
                    description=description,
                    language=detected,
                ),
                actor=None,
                playbook=playbook,
                now=now,
            )
            outcome = Outcome.FLAGGED if target is not None else Outcome.CREATED
            if limits.auto_acknowledge and outcome == Outcome.CREATED:
                cases.transition(
                    session,
                    case=case,
                    to=CaseStatus.ACKNOWLEDGED,
                    actor_id=None,
                    note=text_for("auto_acknowledged_note", case.language),
                    playbook=playbook,
                    now=now,
                )
    return outcome, case


def receive(
    session: Session,
    raw: bytes,
    *,
    mailbox: str,
    playbook: Playbook,
    limits: Limits | None = None,
    headers_only: bool = False,
    size: int | None = None,
    now: datetime | None = None,
) -> Received:
    """Record one message (``raw``; only its header when ``headers_only``, for a message over
    the size limit) and do what it asks. The caller commits, then moves the message out of the
    inbox: to the processed folder when :attr:`Outcome.made_case_work`, else to the rejected one.
    """
    limits = limits or Limits()
    now = now or utcnow()
    inbound = parse(raw, headers_only=headers_only)
    size = size if size is not None else len(raw)
    existing = session.scalar(
        select(MailMessage).where(MailMessage.dedupe_key == inbound.dedupe_key)
    )
    if existing is not None:
        return Received(
            Outcome(existing.outcome),
            existing.case_id,
            list(existing.reasons),
            duplicate=True,
            message_row_id=existing.id,
        )
    reasons = list(inbound.reasons)
    if headers_only:
        reasons.append("too_large")
    region = playbook.calendar.country
    key = contact_key(inbound.sender, region) if inbound.sender else None
    row = MailMessage(
        dedupe_key=inbound.dedupe_key,
        message_id=inbound.message_id[:500] if inbound.message_id else None,
        mailbox=mailbox[:200],
        sender=inbound.sender,
        sender_key=key,
        subject=inbound.subject or None,
        size=size,
        outcome="pending",
        reasons=[],
        analysis={},
        received_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        # Another mail loop recorded this message between our look and our insert.
        other = session.scalar(
            select(MailMessage).where(MailMessage.dedupe_key == inbound.dedupe_key)
        )
        return Received(
            Outcome(other.outcome) if other else Outcome.CREATED,
            other.case_id if other else None,
            duplicate=True,
            message_row_id=other.id if other else None,
        )

    outcome, case = _act(session, inbound, row, key, limits, playbook, reasons, size, now)
    if case is not None:
        reasons.extend(_keep_attachments(session, inbound, row, case.id, limits))
    row.outcome = str(outcome)
    row.reasons = reasons
    row.case_id = case.id if case is not None else None
    session.flush()
    # Named by row and digest: the log never holds an address, a subject or a Message-ID.
    log.info(
        "mail message %s (%s): %s%s%s",
        row.id,
        inbound.dedupe_key[:12],
        outcome,
        f" case {case.id}" if case is not None else "",
        f" ({', '.join(reasons)})" if reasons else "",
    )
    return Received(outcome, row.case_id, reasons, message_row_id=row.id)


def record_unreadable(session: Session, raw: bytes, *, mailbox: str, size: int) -> Received:
    """A message :func:`receive` failed on, recorded once so it is set aside, not retried."""
    key = dedupe_key(None, raw)
    existing = session.scalar(select(MailMessage).where(MailMessage.dedupe_key == key))
    if existing is None:
        existing = MailMessage(
            dedupe_key=key,
            mailbox=mailbox[:200],
            size=size,
            outcome=str(Outcome.UNREADABLE),
            reasons=["unreadable"],
            analysis={},
        )
        session.add(existing)
        session.flush()
    return Received(Outcome.UNREADABLE, None, ["unreadable"], message_row_id=existing.id)
