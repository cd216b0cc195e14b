"""Slowing down password guessing: after a few consecutive wrong passwords for one account,
each further attempt must wait, twice as long each time, up to a ceiling.

The counter lives on the account (so it holds across workers) and resets on a successful login.
Waiting rather than locking keeps an attacker from shutting an agent out for long.
"""

from __future__ import annotations

from datetime import datetime

FREE_ATTEMPTS = 5
"""Wrong passwords allowed in a row before any waiting."""
FIRST_WAIT_SECONDS = 2.0
MAX_WAIT_SECONDS = 15 * 60.0


def wait_seconds(failed_logins: int) -> float:
    """How long after the last failure the next attempt must wait.

    >>> [wait_seconds(n) for n in (5, 6, 7, 8)]
    [0.0, 2.0, 4.0, 8.0]
    """
    if failed_logins <= FREE_ATTEMPTS:
        return 0.0
    doublings = failed_logins - FREE_ATTEMPTS - 1
    return float(min(FIRST_WAIT_SECONDS * 2**doublings, MAX_WAIT_SECONDS))


def retry_after(failed_logins: int, last_failed_at: datetime | None, now: datetime) -> float:
    """Seconds still to wait before another attempt (0 when one is allowed now)."""
    if last_failed_at is None:
        return 0.0
    elapsed = (now - last_failed_at).total_seconds()
    return max(0.0, wait_seconds(failed_logins) - elapsed)
