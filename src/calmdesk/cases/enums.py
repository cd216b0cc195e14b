"""The vocabularies of a complaint case: its status, the kinds of events in its history and the
states of a compensation."""

from __future__ import annotations

from enum import StrEnum

from calmdesk.playbook.schema import Channel, CompensationKind

__all__ = [
    "CaseEventKind",
    "CaseStatus",
    "Channel",
    "ClockName",
    "CompensationKind",
    "CompensationStatus",
    "CustomerAnswer",
]


class CaseStatus(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    WAITING_CUSTOMER = "waiting_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        """Work remains: neither resolved nor closed."""
        return self not in (CaseStatus.RESOLVED, CaseStatus.CLOSED)


OPEN_STATUSES = tuple(s for s in CaseStatus if s.is_open)


class CaseEventKind(StrEnum):
    CREATED = "created"
    STATUS_CHANGED = "status_changed"
    UPDATED = "updated"
    CUSTOMER_INFORMED = "customer_informed"
    COMPENSATION_PROPOSED = "compensation_proposed"
    COMPENSATION_GRANTED = "compensation_granted"
    COMPENSATION_APPROVED = "compensation_approved"
    COMPENSATION_REJECTED = "compensation_rejected"
    SLA_WARNING = "sla_warning"
    SLA_BREACHED = "sla_breached"
    LEGAL_DEADLINE_RISK = "legal_deadline_risk"
    LEGAL_DEADLINE_MISSED = "legal_deadline_missed"
    COMPENSATION_APPEALED = "compensation_appealed"
    APPROVAL_OVERRIDDEN = "approval_overridden"
    PERSONAL_DATA_ERASED = "personal_data_erased"
    CUSTOMER_WROTE = "customer_wrote"
    """The customer wrote to the case (an e-mail reply, :mod:`calmdesk.mail`): ``data["wrote"]``."""


class CustomerAnswer(StrEnum):
    """The customer's answer to the solution proposed when the case is resolved."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    NO_ANSWER = "no_answer"


class ClockName(StrEnum):
    """The internal targets a worker event refers to."""

    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"
    LEGAL = "legal"


class CompensationStatus(StrEnum):
    GRANTED = "granted"
    """Within the agent's limit: granted when proposed."""
    PENDING = "pending"
    """Above the agent's limit: waits for a supervisor."""
    APPROVED = "approved"
    REJECTED = "rejected"
    APPEALED = "appealed"
    """Rejected, and the agent answered: waits for the supervisor again."""

    @property
    def awaits_approval(self) -> bool:
        return self in (CompensationStatus.PENDING, CompensationStatus.APPEALED)

    @property
    def counts_against_limit(self) -> bool:
        """Granted, approved or still possible: what the case's limit adds up."""
        return self != CompensationStatus.REJECTED
