"""Domain errors with a stable code, and the documented shape of their answer.

In app code, just raise: the API renders any :class:`CalmDeskError` as
``{"code": ..., "message": ..., **fields}`` (:class:`ErrorBody`) with its HTTP status, and the
CLI prints ``error: <message>`` and exits with code 2.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class CalmDeskError(Exception):
    """Base of every error CalmDesk raises on purpose."""

    code: str = "calmdesk_error"
    http_status: int = 400

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        http_status: int | None = None,
        **fields: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if http_status is not None:
            self.http_status = http_status
        self.fields: dict[str, Any] = fields

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.fields}


class InvalidInput(CalmDeskError):
    code = "invalid_input"
    http_status = 422


class NotFound(CalmDeskError):
    code = "not_found"
    http_status = 404


class Conflict(CalmDeskError):
    code = "conflict"
    http_status = 409


class NotAuthenticated(CalmDeskError):
    code = "not_authenticated"
    http_status = 401


class PermissionDenied(CalmDeskError):
    code = "permission_denied"
    http_status = 403


class ConfigurationError(CalmDeskError):
    code = "configuration_error"
    http_status = 500


class FieldProblem(BaseModel):
    field: str = Field(description="The field's path, e.g. `references.0` or `due_before`")
    problem: str


class ErrorBody(BaseModel):
    """Every error answer: a stable ``code`` to branch on and a ``message`` for people. Some
    codes add fields of their own with details (``fields`` for a validation error,
    ``retry_after_seconds`` with ``Retry-After``, ``allowed`` with ``invalid_transition``...)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "code": "permission_denied",
                    "message": "Your role (agent) does not allow this (cases.assign).",
                    "permission": "cases.assign",
                },
                {
                    "code": "validation_error",
                    "message": "occurred_at: Value error, cannot be in the future",
                    "fields": [
                        {"field": "occurred_at", "problem": "Value error, cannot be in the future"}
                    ],
                },
                {
                    "code": "database_busy",
                    "message": "The database is busy; nothing was stored. "
                    "Send it again in a moment.",
                    "retry_after_seconds": 1,
                },
            ]
        },
    )

    code: str = Field(description="Stable, for programs: e.g. `case_not_found`")
    message: str = Field(description="For people: what went wrong and, where it helps, what to do")
    fields: list[FieldProblem] | None = Field(
        None, description="With `validation_error`: each bad field and its problem"
    )
