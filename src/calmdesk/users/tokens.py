"""Bearer tokens for integrations: random, shown once, stored as SHA-256."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "cdk_"  # noqa: S105 - a public marker, not a secret
TOKEN_BYTES = 32


def new_token() -> str:
    """A fresh token, e.g. ``cdk_Jx3...`` (the prefix makes leaked tokens easy to grep for)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    # A plain SHA-256 is enough: the token has 256 bits of entropy, unlike a password.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
