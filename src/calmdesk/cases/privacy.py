"""Personal data in cases: export it, erase it, and erase it after the retention period (a
customer's request across every domain is :mod:`calmdesk.customers`).

Erasure keeps what statistics need (category, severity, team, channel, language, the dates and
clocks, the status history, compensation kinds and amounts) and removes what identifies or
describes the person: the contact, the name, the description, the references and every free
text in the history (notes, what the customer was told, reasons and rationales) and the
comment of the satisfaction survey (its score stays), and the notes colleagues wrote on it.

History rows are append-only for everything else; erasure is the one rewrite, done with Core
statements so the ORM's append-only guard stays strict for all other code.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from calmdesk.cases.enums import CaseEventKind
from calmdesk.cases.history import record, snapshot
from calmdesk.cases.models import Case, CaseEvent, CaseNote, CaseSurvey, Compensation
from calmdesk.cases.schemas import CaseEventRead, CaseRead, CompensationRead
from calmdesk.storage.types import utcnow

ERASED = "[erased]"
ERASED_CASE_FIELDS: dict[str, Any] = {
    "customer_contact": None,
    "customer_key": None,
    "customer_name": None,
    "description": ERASED,
    "references": [],
}
FREE_TEXT_KEYS = frozenset(
    {"told", "agent_reason", "supervisor_rationale", "suggestion", "wrote", "mail"}
)


TABLES = ("cases", "case_events", "compensations", "case_surveys", "case_notes")
"""The tables an erasure of cases rewrites (for :func:`calmdesk.storage.scrub.forget_erased`)."""


def cases_for_keys(session: Session, keys: Collection[str]) -> list[Case]:
    """The cases recorded for any of these customer keys, oldest first."""
    query = select(Case).where(Case.customer_key.in_(list(keys))).order_by(Case.id)
    return list(session.scalars(query))


def export_cases(session: Session, cases: Sequence[Case]) -> list[dict[str, Any]]:
    """These cases with their history and compensation, as JSON-ready data."""
    ids = [c.id for c in cases]
    events = session.scalars(
        select(CaseEvent).where(CaseEvent.case_id.in_(ids)).order_by(CaseEvent.id)
    ).all()
    compensations = session.scalars(
        select(Compensation).where(Compensation.case_id.in_(ids)).order_by(Compensation.id)
    ).all()
    notes = session.scalars(
        select(CaseNote).where(CaseNote.case_id.in_(ids)).order_by(CaseNote.id)
    ).all()
    surveys = {
        s.case_id: s for s in session.scalars(select(CaseSurvey).where(CaseSurvey.case_id.in_(ids)))
    }
    return [
        {
            **CaseRead.model_validate(case).model_dump(mode="json"),
            "events": [
                CaseEventRead.model_validate(e).model_dump(mode="json")
                for e in events
                if e.case_id == case.id
            ],
            "compensations": [
                CompensationRead.model_validate(c).model_dump(mode="json")
                for c in compensations
                if c.case_id == case.id
            ],
            "survey": _survey_export(surveys.get(case.id)),
            "notes": [
                {"at": n.created_at.isoformat(), "author_id": n.author_id, "text": n.text}
                for n in notes
                if n.case_id == case.id
            ],
        }
        for case in cases
    ]


def _survey_export(survey: CaseSurvey | None) -> dict[str, Any] | None:
    if survey is None:
        return None
    return {
        "sent_at": survey.sent_at.isoformat(),
        "expires_at": survey.expires_at.isoformat(),
        "answered_at": survey.answered_at.isoformat() if survey.answered_at else None,
        "score": survey.score,
        "comment": survey.comment,
    }


def _scrub(data: dict[str, Any]) -> dict[str, Any]:
    clean = {k: v for k, v in data.items() if k not in FREE_TEXT_KEYS}
    changes = dict(clean.get("changes") or {})
    for key, value in ERASED_CASE_FIELDS.items():
        if key in changes:
            changes[key] = value
    clean["changes"] = changes
    return clean


def erase_case(session: Session, *, case: Case, actor_id: int | None, now: datetime) -> None:
    """Remove the personal data of one case and of its history; record that it was done."""
    before = snapshot(case)
    for key, value in ERASED_CASE_FIELDS.items():
        setattr(case, key, value)
    case.erased_at = now
    session.flush()
    events = session.execute(
        select(CaseEvent.id, CaseEvent.data).where(CaseEvent.case_id == case.id)
    ).all()
    for event_id, data in events:
        session.execute(
            update(CaseEvent)
            .where(CaseEvent.id == event_id)
            .values(note=None, data=_scrub(dict(data or {})))
            .execution_options(synchronize_session=False)
        )
    session.execute(
        update(Compensation)
        .where(Compensation.case_id == case.id)
        .values(reason=ERASED, rationale=None, appeal=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(CaseNote)
        .where(CaseNote.case_id == case.id)
        .values(text=ERASED)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(CaseSurvey)
        .where(CaseSurvey.case_id == case.id)
        .values(comment=None)
        .execution_options(synchronize_session=False)
    )
    for obj in list(session.identity_map.values()):
        if isinstance(obj, CaseEvent | Compensation | CaseSurvey | CaseNote):
            session.expire(obj)
    record(
        session,
        case=case,
        kind=CaseEventKind.PERSONAL_DATA_ERASED,
        before=before,
        actor_id=actor_id,
        at=now,
    )


def apply_retention(session: Session, *, retention_days: int, now: datetime | None = None) -> int:
    """Erase the personal data of cases closed more than ``retention_days`` ago."""
    now = now or utcnow()
    cutoff = now - timedelta(days=retention_days)
    query = (
        select(Case)
        .where(Case.closed_at < cutoff, Case.status == "closed", Case.erased_at.is_(None))
        .order_by(Case.id)
        .with_for_update(skip_locked=True)
    )
    cases = list(session.scalars(query))
    for case in cases:
        erase_case(session, case=case, actor_id=None, now=now)
    return len(cases)
