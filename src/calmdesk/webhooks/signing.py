"""Signing a delivery: ``CalmDesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`` over
``"{t}.{body}"`` with the subscription's secret (docs/api.md has the receiver's check).

The secret is ``whsec_`` + 43 URL-safe base64 characters: HMAC-SHA256 of the subscription's
random salt under the server's ``CALMDESK_SECRET_KEY``. The database alone (a backup, a
leaked dump) does not give it; changing the server key changes every subscription's secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

SIGNATURE_HEADER = "CalmDesk-Signature"
PREFIX = "whsec_"
TOLERANCE_SECONDS = 300
"""How old a signature's timestamp a receiver should accept (our snippet's default)."""


def new_salt() -> str:
    return secrets.token_hex(32)


def derive_secret(server_key: str, salt: str) -> str:
    digest = hmac.new(
        server_key.encode(), b"calmdesk webhook secret\x00" + salt.encode(), hashlib.sha256
    ).digest()
    return PREFIX + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hint(secret: str) -> str:
    """What the admin page shows of a secret: its prefix and last four characters."""
    return f"{PREFIX}…{secret[-4:]}"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(
    secret: str,
    body: bytes,
    value: str,
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """The receiver's check (the same as docs/api.md's snippet): a ``v1`` matches and ``t`` is
    within ``tolerance`` seconds of ``now``."""
    parts = [p.split("=", 1) for p in value.split(",") if "=" in p]
    timestamps = [v for k, v in parts if k.strip() == "t"]
    candidates = [v.strip() for k, v in parts if k.strip() == "v1"]
    if len(timestamps) != 1 or not timestamps[0].strip().isdigit() or not candidates:
        return False
    timestamp = int(timestamps[0])
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, c) for c in candidates)
