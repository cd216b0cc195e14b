"""Personal data in live contacts: redact it from a transcript, erase a transcript, and erase
transcripts after the retention period.

- **Redact** replaces each piece of personal data the analysis recognises (phone, e-mail, PESEL,
  IBAN, card, SNILS, INN) with a placeholder (``[PHONE]``) everywhere it is stored: the lines,
  the analysis kept with them, the guidance and the summary.
- **Erase** removes every word of the conversation and keeps what statistics and the board need:
  the stages, rungs, alert kinds, heat, actions, turn counts, difficulty and the break.

Both apply to ended contacts only: a live conversation is rebuilt from its stored events, and
rewriting them under it would change the guidance the agent sees.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from calmdesk.analysis.pii import redact
from calmdesk.errors import Conflict
from calmdesk.live import permissions, service
from calmdesk.live.models import Contact, ContactKey, ContactStatus
from calmdesk.live.schemas import ContactDetail
from calmdesk.storage.types import utcnow
from calmdesk.users.models import User

KEPT_GUIDANCE_KEYS = frozenset({"type", "contact_id", "seq", "turn", "stage", "rung", "lang"})
KEPT_SUMMARY_DROPS = ("facts",)
TABLES = ("live_contacts", "live_contact_events", "live_contact_keys")
"""The tables an erasure of contacts rewrites (for :func:`calmdesk.storage.scrub.forget_erased`)."""


def _redacted(value: Any, lang: str) -> Any:
    if isinstance(value, str):
        return redact(value, lang=lang)
    if isinstance(value, list):
        return [_redacted(item, lang) for item in value]
    if isinstance(value, dict):
        # A stored message's key ("alerts.abuse") is ours, not the customer's: kept as it is.
        return {key: item if key == "key" else _redacted(item, lang) for key, item in value.items()}
    return value


def _ended(session: Session, *, contact_id: int, actor: User | None) -> Contact:
    if actor is not None:
        permissions.ensure_may_grant_break(actor)  # supervisors: the same people as breaks
    contact = service.get_or_raise(session, contact_id=contact_id)
    if contact.status != ContactStatus.ENDED:
        raise Conflict("End the contact first.", code="contact_live", contact_id=contact_id)
    return contact


def redact_contact(session: Session, *, contact_id: int, actor: User | None) -> Contact:
    """Replace the personal data in an ended contact's stored texts by placeholders."""
    contact = _ended(session, contact_id=contact_id, actor=actor)
    lang = contact.lang or "other"
    for event in service.events_of(session, contact=contact):
        if event.text is not None:
            event.text = redact(event.text, lang=lang)
        event.signals = _redacted(event.signals, lang)
        event.guidance = _redacted(event.guidance, lang)
    contact.summary = _redacted(contact.summary, lang)
    contact.redacted_at = utcnow()
    _forget_keys(session, contact)
    session.flush()
    return contact


def erase_contact(session: Session, *, contact_id: int, actor: User | None) -> Contact:
    """Remove every word of an ended contact; keep its shape for statistics."""
    return _erase(session, _ended(session, contact_id=contact_id, actor=actor))


def _erase(session: Session, contact: Contact) -> Contact:
    for event in service.events_of(session, contact=contact):
        event.text = None
        event.signals = None
        if event.guidance is not None:
            kept = {k: v for k, v in event.guidance.items() if k in KEPT_GUIDANCE_KEYS}
            kept["alerts"] = [{"kind": a.get("kind")} for a in event.guidance.get("alerts", [])]
            event.guidance = kept
    if contact.summary is not None:
        contact.summary = {k: v for k, v in contact.summary.items() if k not in KEPT_SUMMARY_DROPS}
    contact.erased_at = utcnow()
    _forget_keys(session, contact)
    session.flush()
    return contact


def _forget_keys(session: Session, contact: Contact) -> None:
    """The phones and e-mails said in the contact are personal data too."""
    session.execute(
        delete(ContactKey)
        .where(ContactKey.contact_id == contact.id)
        .execution_options(synchronize_session=False)
    )


def export_contacts(session: Session, contacts: Sequence[Contact]) -> list[dict[str, Any]]:
    """These contacts with their transcripts (every line, the analysis of the customer's lines,
    the guidance and the summary), as JSON-ready data."""
    agents = service.agent_names(session, contacts)
    exported = []
    for contact in contacts:
        events = service.events_of(session, contact=contact)
        detail = ContactDetail.with_events(contact, agents[contact.agent_id], events).model_dump(
            mode="json"
        )
        for line, event in zip(detail["events"], events, strict=True):
            line["signals"] = event.signals
        exported.append(detail)
    return exported


def erase_for_customer(session: Session, contacts: Sequence[Contact]) -> None:
    """Erase the words of these ended contacts (a customer's request: the caller checked the
    permission and that none is live)."""
    for contact in contacts:
        if contact.status != ContactStatus.ENDED:
            raise Conflict("End the contact first.", code="contact_live", contact_id=contact.id)
        _erase(session, contact)


def apply_retention(session: Session, *, retention_days: int, now: datetime | None = None) -> int:
    """Erase ended contacts older than the retention period; returns how many."""
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    query = select(Contact).where(
        Contact.status == ContactStatus.ENDED,
        Contact.ended_at < cutoff,
        Contact.erased_at.is_(None),
    )
    contacts = session.scalars(query).all()
    for contact in contacts:
        _erase(session, contact)
    return len(contacts)
