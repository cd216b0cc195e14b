"""The cases domain's errors (rendered by the API as ``{"code", "message", ...}``)."""

from __future__ import annotations

from calmdesk.cases.flows import InvalidTransition
from calmdesk.errors import Conflict, InvalidInput, NotFound

__all__ = [
    "CaseNotFound",
    "CompensationNotAllowed",
    "CompensationNotFound",
    "CompensationNotPending",
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
