"""The cases domain's errors (rendered by the API as ``{"code", "message", ...}``)."""

from __future__ import annotations

from calmdesk.cases.flows import InvalidTransition
from calmdesk.errors import Conflict, InvalidInput, NotFound

__all__ = [
    "CaseClosed",
    "CaseNotFound",
    "CompensationAlreadyAppealed",
    "CompensationAwaitsApproval",
    "CompensationNotAllowed",
    "CompensationNotFound",
    "CompensationNotPending",
    "CompensationNotRejected",
    "InvalidCaseInput",
    "InvalidTransition",
]


class CaseNotFound(NotFound):
    code = "case_not_found"


class CompensationNotFound(NotFound):
    code = "compensation_not_found"


class CompensationNotPending(Conflict):
    code = "compensation_not_pending"


class InvalidCaseInput(InvalidInput):
    """A value the schema accepts but the playbook does not (an unknown category, say).
    ``field`` names it, like a validation error."""

    code = "validation_error"


class CompensationNotAllowed(InvalidInput):
    code = "compensation_not_allowed"


class CaseClosed(Conflict):
    """A closed case takes no new compensation (reopen it first)."""

    code = "case_closed"


class CompensationAwaitsApproval(Conflict):
    """The case cannot be resolved or closed while a compensation waits for a supervisor
    (``compensation_ids``); a supervisor may override with a reason."""

    code = "compensation_awaits_approval"


class CompensationNotRejected(Conflict):
    code = "compensation_not_rejected"


class CompensationAlreadyAppealed(Conflict):
    code = "compensation_already_appealed"
