"""Compensation with approval limits.

An agent proposes (kind, amount, reason). The playbook's rule for the case's category (and
severity) says what may be offered: the kind must be one of its options and the amount within
that option's maximum. Up to the agent's limit it is granted at once; above it, it waits for a
supervisor, who approves or rejects with a rationale. Both the agent's reason and the
supervisor's answer stay in the case history. A category without a rule sends every proposal to
a supervisor.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.cases.enums import CaseEventKind, CompensationKind, CompensationStatus
from calmdesk.cases.errors import (
    CompensationNotAllowed,
    CompensationNotFound,
    CompensationNotPending,
)
from calmdesk.cases.history import record, snapshot
from calmdesk.cases.models import Case, Compensation
from calmdesk.cases.schemas import CompensationCreate
from calmdesk.fields import storable_id
from calmdesk.playbook.schema import CompensationRule, Playbook
from calmdesk.storage.types import utcnow

PERCENT = "%"


def agent_limit(rule: CompensationRule, kind: CompensationKind) -> Decimal:
    """What an agent may grant alone: a percentage for discounts, an amount otherwise."""
    if kind == CompensationKind.DISCOUNT_PERCENT:
        return rule.agent_discount_limit_percent
    return rule.agent_limit


def _check_offer(rule: CompensationRule, compensation_in: CompensationCreate) -> None:
    options = [o for o in rule.options if o.kind == compensation_in.kind]
    if not options:
        offered = ", ".join(sorted({str(o.kind) for o in rule.options})) or "nothing"
        raise CompensationNotAllowed(
            f"kind: the playbook offers {offered} for this category, not {compensation_in.kind}",
            field="kind",
        )
    maximum = max(o.max for o in options)
    if compensation_in.amount > maximum:
        raise CompensationNotAllowed(
            f"amount: {compensation_in.amount} exceeds the playbook's maximum {maximum} "
            f"for {compensation_in.kind}",
            field="amount",
            maximum=str(maximum),
        )


def propose(
    session: Session,
    *,
    case: Case,
    compensation_in: CompensationCreate,
    actor_id: int | None,
    playbook: Playbook,
    now: datetime | None = None,
) -> Compensation:
    now = now or utcnow()
    rule = playbook.compensation_rule(case.category, case.severity)
    if rule is not None:
        _check_offer(rule, compensation_in)
    within_limit = rule is not None and compensation_in.amount <= agent_limit(
        rule, compensation_in.kind
    )
    status = CompensationStatus.GRANTED if within_limit else CompensationStatus.PENDING
    compensation = Compensation(
        case_id=case.id,
        kind=str(compensation_in.kind),
        amount=compensation_in.amount,
        currency=PERCENT
        if compensation_in.kind == CompensationKind.DISCOUNT_PERCENT
        else playbook.currency,
        reason=compensation_in.reason,
        status=str(status),
        proposed_by_id=actor_id,
        proposed_at=now,
    )
    session.add(compensation)
    session.flush()
    details = {
        "compensation_id": compensation.id,
        "kind": compensation.kind,
        "amount": str(compensation.amount),
        "currency": compensation.currency,
        "status": compensation.status,
    }
    before = snapshot(case)
    record(
        session,
        case=case,
        kind=CaseEventKind.COMPENSATION_PROPOSED,
        before=before,
        actor_id=actor_id,
        note=compensation_in.reason,
        data=details,
        at=now,
    )
    if status == CompensationStatus.GRANTED:
        record(
            session,
            case=case,
            kind=CaseEventKind.COMPENSATION_GRANTED,
            before=before,
            actor_id=actor_id,
            data={**details, "why": "within the agent's limit"},
            at=now,
        )
    return compensation


def get_or_raise(session: Session, *, compensation_id: int) -> Compensation:
    found = storable_id(compensation_id)
    compensation = session.get(Compensation, compensation_id) if found else None
    if compensation is None:
        raise CompensationNotFound(
            f"There is no compensation {compensation_id}.", compensation_id=compensation_id
        )
    return compensation


def list_(
    session: Session, *, status: CompensationStatus | None = None, case_id: int | None = None
) -> list[Compensation]:
    query = select(Compensation).order_by(Compensation.proposed_at, Compensation.id)
    if status is not None:
        query = query.where(Compensation.status == str(status))
    if case_id is not None:
        query = query.where(Compensation.case_id == case_id)
    return list(session.scalars(query))


def _decide(
    session: Session,
    *,
    compensation: Compensation,
    approve: bool,
    actor_id: int | None,
    rationale: str,
    now: datetime | None,
) -> Compensation:
    if compensation.status != CompensationStatus.PENDING:
        raise CompensationNotPending(
            f"Compensation {compensation.id} is {compensation.status}, not pending.",
            compensation_id=compensation.id,
            status=compensation.status,
        )
    now = now or utcnow()
    compensation.status = str(
        CompensationStatus.APPROVED if approve else CompensationStatus.REJECTED
    )
    compensation.decided_by_id = actor_id
    compensation.decided_at = now
    compensation.rationale = rationale
    case = session.get_one(Case, compensation.case_id)
    session.flush()
    record(
        session,
        case=case,
        kind=CaseEventKind.COMPENSATION_APPROVED
        if approve
        else CaseEventKind.COMPENSATION_REJECTED,
        before=snapshot(case),
        actor_id=actor_id,
        note=rationale,
        data={
            "compensation_id": compensation.id,
            "kind": compensation.kind,
            "amount": str(compensation.amount),
            "currency": compensation.currency,
            "proposed_by_id": compensation.proposed_by_id,
            "agent_reason": compensation.reason,
        },
        at=now,
    )
    return compensation


def approve(
    session: Session,
    *,
    compensation: Compensation,
    actor_id: int | None,
    rationale: str,
    now: datetime | None = None,
) -> Compensation:
    """A supervisor grants a pending proposal, saying why."""
    return _decide(
        session,
        compensation=compensation,
        approve=True,
        actor_id=actor_id,
        rationale=rationale,
        now=now,
    )


def reject(
    session: Session,
    *,
    compensation: Compensation,
    actor_id: int | None,
    rationale: str,
    now: datetime | None = None,
) -> Compensation:
    """A supervisor refuses a pending proposal, saying why."""
    return _decide(
        session,
        compensation=compensation,
        approve=False,
        actor_id=actor_id,
        rationale=rationale,
        now=now,
    )
