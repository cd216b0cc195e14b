"""Domain errors with a stable code.

In app code, just raise: the API renders any :class:`CalmDeskError` as
``{"code": ..., "message": ..., **fields}`` with its HTTP status, and the CLI prints
``error: <message>`` and exits with code 2.
"""

from __future__ import annotations

from typing import Any


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
