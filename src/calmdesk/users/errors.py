"""Errors of the users domain."""

from __future__ import annotations

from calmdesk.errors import CalmDeskError, Conflict, NotAuthenticated, NotFound


class UserNotFound(NotFound):
    code = "user_not_found"


class TokenNotFound(NotFound):
    code = "token_not_found"


class UsernameTaken(Conflict):
    code = "username_taken"


class LastAdmin(Conflict):
    """Refused: the change would leave no active administrator."""

    code = "last_admin"


class InvalidCredentials(NotAuthenticated):
    code = "invalid_credentials"


class InvalidToken(NotAuthenticated):
    code = "invalid_token"


class AccountDisabled(CalmDeskError):
    """The password was right but the account is disabled."""

    code = "account_disabled"
    http_status = 403


class TooManyAttempts(CalmDeskError):
    """Too many login attempts in a row for this name or from this address; carries
    ``retry_after_seconds``. The password was not checked."""

    code = "too_many_attempts"
    http_status = 429


class PasswordHashingBusy(CalmDeskError):
    """Every argon2 slot of the process stayed taken (a flood of logins): try again shortly."""

    code = "server_busy"
    http_status = 503

    def __init__(self) -> None:
        super().__init__(
            "The server is busy checking other passwords; try again in a moment.",
            retry_after_seconds=1,
        )


class OriginRejected(CalmDeskError):
    """A write with the session cookie from another site's page; carries ``origin``."""

    code = "origin_rejected"
    http_status = 403


class JsonRequired(CalmDeskError):
    """A write with the session cookie whose body is not declared as JSON."""

    code = "json_required"
    http_status = 415
