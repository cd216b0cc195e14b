"""Compensation with approval limits.

An agent proposes (kind, amount, reason). The playbook's rule for the case's category (and
severity) says what may be offered: the kind must be one of its options and the amount within
that option's maximum. The agent's limit applies to the **case**: while everything granted,
approved or waiting on the case (amounts and percentages apart) stays within it, a proposal is
granted at once; past it, or past the playbook's cap per customer and period, it waits for a
supervisor, who approves or rejects with a rationale. The agent may answer a rejection once
(an appeal) and the supervisor decides again; the whole exchange stays in the case history
(:func:`exchange`). A category without a rule sends every proposal to a supervisor, and a
closed case takes no compensation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from calmdesk.cases.enums import CaseEventKind, CaseStatus, CompensationKind, CompensationStatus
from calmdesk.cases.errors import (
    CaseClosed,
    CompensationAlreadyAppealed,
    CompensationNotAllowed,
    CompensationNotFound,
    CompensationNotPending,
    CompensationNotRejected,
)
from calmdesk.cases.history import record, snapshot
from calmdesk.cases.models import Case, CaseEvent, Compensation
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


COUNTING = tuple(str(s) for s in CompensationStatus if s.counts_against_limit)
AWAITING = tuple(str(s) for s in CompensationStatus if s.awaits_approval)


def _same_unit(kind: CompensationKind) -> ColumnElement[bool]:
    """Percent discounts add up with percent discounts, amounts with amounts."""
    percent = Compensation.kind == str(CompensationKind.DISCOUNT_PERCENT)
    return percent if kind == CompensationKind.DISCOUNT_PERCENT else ~percent


def committed_on_case(session: Session, *, case_id: int, kind: CompensationKind) -> Decimal:
    """What the case already carries in ``kind``'s unit: granted, approved and waiting."""
    total = session.scalar(
        select(func.coalesce(func.sum(Compensation.amount), 0)).where(
            Compensation.case_id == case_id,
            Compensation.status.in_(COUNTING),
            _same_unit(kind),
        )
    )
    return Decimal(total or 0)


def committed_to_customer(session: Session, *, customer_key: str, since: datetime) -> Decimal:
    """Amounts (not percentages) granted, approved or waiting for one customer, on any of their
    cases, proposed since ``since``."""
    total = session.scalar(
        select(func.coalesce(func.sum(Compensation.amount), 0))
        .join(Case, Case.id == Compensation.case_id)
        .where(
            Case.customer_key == customer_key,
            Compensation.status.in_(COUNTING),
            Compensation.proposed_at >= since,
            _same_unit(CompensationKind.REFUND),
        )
    )
    return Decimal(total or 0)


def awaiting_approval(session: Session, *, case_id: int) -> list[Compensation]:
    """The case's proposals a supervisor has still to decide (pending or appealed)."""
    query = (
        select(Compensation)
        .where(Compensation.case_id == case_id, Compensation.status.in_(AWAITING))
        .order_by(Compensation.id)
    )
    return list(session.scalars(query))


def _why_pending(
    session: Session,
    *,
    case: Case,
    rule: CompensationRule | None,
    compensation_in: CompensationCreate,
    playbook: Playbook,
    now: datetime,
) -> str | None:
    """Why the proposal needs a supervisor (``None``: the agent grants it)."""
    if rule is None:
        return "no_rule"
    limit = agent_limit(rule, compensation_in.kind)
    already = committed_on_case(session, case_id=case.id, kind=compensation_in.kind)
    if already + compensation_in.amount > limit:
        return "case_limit"
    cap = playbook.customer_compensation_cap
    if (
        cap is not None
        and case.customer_key is not None
        and compensation_in.kind != CompensationKind.DISCOUNT_PERCENT
    ):
        since = now - timedelta(days=cap.period_days)
        given = committed_to_customer(session, customer_key=case.customer_key, since=since)
        if given + compensation_in.amount > cap.amount:
            return "customer_cap"
    return None


def _refuse_closed(case: Case) -> None:
    if case.status == CaseStatus.CLOSED:
        raise CaseClosed(
            f"Case {case.id} is closed: it takes no compensation; reopen it first.",
            case_id=case.id,
        )


def _described(compensation: Compensation) -> dict[str, str | int]:
    """What every compensation event of the history says of the proposal it is about."""
    return {
        "compensation_id": compensation.id,
        "kind": compensation.kind,
        "amount": str(compensation.amount),
        "currency": compensation.currency,
    }


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
    # Two proposals on one case at once must not both fit in the same room under the limit:
    # PostgreSQL locks the case's row until commit (SQLite writers already queue).
    session.execute(select(Case.id).where(Case.id == case.id).with_for_update())
    _refuse_closed(case)
    rule = playbook.compensation_rule(case.category, case.severity)
    if rule is not None:
        _check_offer(rule, compensation_in)
    why_pending = _why_pending(
        session,
        case=case,
        rule=rule,
        compensation_in=compensation_in,
        playbook=playbook,
        now=now,
    )
    status = CompensationStatus.GRANTED if why_pending is None else CompensationStatus.PENDING
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
    details = {**_described(compensation), "status": compensation.status}
    before = snapshot(case)
    record(
        session,
        case=case,
        kind=CaseEventKind.COMPENSATION_PROPOSED,
        before=before,
        actor_id=actor_id,
        note=compensation_in.reason,
        data={**details, "why_pending": why_pending} if why_pending else details,
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


def decide(
    session: Session,
    *,
    compensation: Compensation,
    approve: bool,
    actor_id: int | None,
    rationale: str,
    now: datetime | None = None,
) -> Compensation:
    """A supervisor grants (``approve``) or refuses a proposal that waits for approval
    (pending, or appealed after a rejection), saying why."""
    if not compensation.status_enum.awaits_approval:
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
            **_described(compensation),
            "proposed_by_id": compensation.proposed_by_id,
            "agent_reason": compensation.reason,
        },
        at=now,
    )
    return compensation


def appeal(
    session: Session,
    *,
    compensation: Compensation,
    actor_id: int | None,
    reason: str,
    now: datetime | None = None,
) -> Compensation:
    """The agent answers a supervisor's rejection (once per proposal); the proposal then waits
    for the supervisor again, who approves or rejects it for good."""
    if compensation.status != CompensationStatus.REJECTED:
        raise CompensationNotRejected(
            f"Compensation {compensation.id} is {compensation.status}: only a rejection can be"
            " answered.",
            compensation_id=compensation.id,
            status=compensation.status,
        )
    if compensation.appeal is not None:
        raise CompensationAlreadyAppealed(
            f"The rejection of compensation {compensation.id} was already answered once; the"
            " supervisor's second decision stands.",
            compensation_id=compensation.id,
        )
    case = session.get_one(Case, compensation.case_id)
    _refuse_closed(case)
    now = now or utcnow()
    compensation.status = str(CompensationStatus.APPEALED)
    compensation.appeal = reason
    compensation.appealed_by_id = actor_id
    compensation.appealed_at = now
    session.flush()
    record(
        session,
        case=case,
        kind=CaseEventKind.COMPENSATION_APPEALED,
        before=snapshot(case),
        actor_id=actor_id,
        note=reason,
        data={
            **_described(compensation),
            "supervisor_rationale": compensation.rationale,
        },
        at=now,
    )
    return compensation


EXCHANGE_KINDS: dict[str, str] = {
    CaseEventKind.COMPENSATION_PROPOSED: "agent",
    CaseEventKind.COMPENSATION_APPEALED: "agent",
    CaseEventKind.COMPENSATION_APPROVED: "supervisor",
    CaseEventKind.COMPENSATION_REJECTED: "supervisor",
}


@dataclass(frozen=True, slots=True)
class ExchangeEntry:
    """One say in the exchange about a proposal: who (as agent or supervisor), what, when."""

    event_id: int
    at: datetime
    kind: str
    side: str
    actor_id: int | None
    text: str | None


def exchange(session: Session, *, compensation: Compensation) -> list[ExchangeEntry]:
    """The agent's reason, the supervisor's answers and the agent's reply, oldest first, from
    the case history (the outcome is the compensation's status)."""
    query = (
        select(CaseEvent)
        .where(
            CaseEvent.case_id == compensation.case_id,
            CaseEvent.kind.in_([str(k) for k in EXCHANGE_KINDS]),
        )
        .order_by(CaseEvent.id)
    )
    return [
        ExchangeEntry(
            event_id=event.id,
            at=event.at,
            kind=event.kind,
            side=EXCHANGE_KINDS[event.kind],
            actor_id=event.actor_id,
            text=event.note,
        )
        for event in session.scalars(query)
        if (event.data or {}).get("compensation_id") == compensation.id
    ]
