"""Password hashing (argon2 through pwdlib) and the password policy.

Passwords are never logged or echoed; only the argon2 hash is stored.
"""

from __future__ import annotations

from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from calmdesk.errors import InvalidInput

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
"""Upper bound so a megabyte-long password cannot be used to burn CPU in the hasher."""


def make_hasher() -> PasswordHash:
    """argon2id with pwdlib's defaults (64 MiB, 3 passes, 4 lanes)."""
    return PasswordHash((Argon2Hasher(),))


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return make_hasher()


def check_policy(password: str) -> None:
    """Raise :class:`InvalidInput` (``weak_password``) when ``password`` breaks the policy."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters.",
            code="weak_password",
            field="password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            f"The password may have at most {MAX_PASSWORD_LENGTH} characters.",
            code="weak_password",
            field="password",
        )
    if not password.strip():
        raise InvalidInput(
            "The password must not be only spaces.", code="weak_password", field="password"
        )


def hash_password(password: str) -> str:
    check_policy(password)
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _hasher().verify(password, password_hash)
    except Exception:  # a malformed stored hash is a refusal, never a crash
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash("calmdesk-dummy-password")


def burn_verification_time(password: str) -> None:
    """Verify against a dummy hash so an unknown username takes as long as a wrong password."""
    verify_password(password, _dummy_hash())
