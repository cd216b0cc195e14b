"""HMAC-SHA256 signatures over a raw body, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac

from calmdesk.social.connectors import SignatureInvalid

PREFIX = "sha256="


def sign(secret: str, body: bytes) -> str:
    return PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def check(secret: str, body: bytes, header: str | None, *, name: str) -> None:
    if not header:
        raise SignatureInvalid(f"The delivery has no {name} header.", header=name)
    if not header.startswith(PREFIX):
        raise SignatureInvalid(f"{name} must read sha256=<hex digest>.", header=name)
    if not hmac.compare_digest(sign(secret, body).encode(), header.strip().encode()):
        raise SignatureInvalid(
            f"{name} does not match the body signed with the shared secret.", header=name
        )
