"""Slowing down password guessing, per user name and per client address.

Every login attempt is counted *before* the password is verified, in one atomic statement on one
row per key (``INSERT ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING``, on SQLite and
PostgreSQL alike): the statement counts the attempt only when the key's wait is over, so of many
attempts sent at once exactly as many get through as the policy allows, across any number of
workers. An attempt refused this way is not counted and never reaches argon2.

After ``free_attempts`` attempts in a row, the next must wait ``first_wait_seconds``, then twice
as long each time, up to ``max_wait_seconds``. A successful login clears its name's count and
takes its attempt back from the address's. A key is forgotten after a quiet period (a day for a
name, an hour for an address). Waiting rather than locking keeps a stranger from shutting an
agent out for long. Times are epoch seconds, so the wait is computed in SQL on both backends.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from calmdesk.settings import Settings
from calmdesk.users.models import LoginAttempts

NAME_FORGET_SECONDS = 24 * 3600.0
ADDRESS_FORGET_SECONDS = 3600.0
_MAX_DOUBLINGS = 40


@dataclass(frozen=True, slots=True)
class Policy:
    free_attempts: int
    first_wait_seconds: float
    max_wait_seconds: float
    forget_after_seconds: float

    def wait_after(self, attempts: int) -> float:
        """How long the attempt after ``attempts`` counted ones must wait.

        >>> [Policy(5, 2.0, 900.0, 3600.0).wait_after(n) for n in (4, 5, 6, 7, 20)]
        [0.0, 2.0, 4.0, 8.0, 900.0]
        """
        if attempts < self.free_attempts:
            return 0.0
        doublings = min(attempts - self.free_attempts, _MAX_DOUBLINGS)
        return float(min(self.first_wait_seconds * 2**doublings, self.max_wait_seconds))

    def allowed_from(self, attempts: int, at: float) -> float:
        """When the attempt after ``attempts`` counted ones (the last at ``at``) may come:
        0 while no wait applies, so attempts racing with slightly different clocks all pass."""
        wait = self.wait_after(attempts)
        return at + wait if wait > 0 else 0.0

    def allowed_from_expression(
        self, attempts: ColumnElement[Any], at: float
    ) -> ColumnElement[Any]:
        """:meth:`allowed_from` as SQL over a column expression (one ``CASE``)."""
        whens: list[tuple[ColumnElement[bool], float]] = [(attempts < self.free_attempts, 0.0)]
        for doublings in range(_MAX_DOUBLINGS):
            wait = self.wait_after(self.free_attempts + doublings)
            if wait >= self.max_wait_seconds:
                break
            whens.append((attempts == self.free_attempts + doublings, at + wait))
        return case(*whens, else_=at + self.max_wait_seconds)


@dataclass(frozen=True, slots=True)
class LoginLimits:
    per_name: Policy
    per_address: Policy

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginLimits:
        first, ceiling = settings.login_first_wait_seconds, settings.login_max_wait_seconds
        return cls(
            per_name=Policy(settings.login_free_attempts, first, ceiling, NAME_FORGET_SECONDS),
            per_address=Policy(
                settings.login_address_free_attempts, first, ceiling, ADDRESS_FORGET_SECONDS
            ),
        )


DEFAULT_LIMITS = LoginLimits(
    per_name=Policy(5, 2.0, 15 * 60.0, NAME_FORGET_SECONDS),
    per_address=Policy(30, 2.0, 15 * 60.0, ADDRESS_FORGET_SECONDS),
)


def name_key(username: str) -> str:
    return f"name:{username.strip().lower()[:150]}"


def address_key(address: str) -> str:
    return f"address:{address[:150]}"


def now() -> float:
    return time.time()


def claim(session: Session, *, key: str, policy: Policy, at: float) -> float:
    """Count one attempt on ``key`` if its wait is over; returns 0 when counted, else the
    seconds still to wait (and nothing is counted)."""
    table = LoginAttempts.__table__
    attempts = case(
        (table.c.last_attempt_at < at - policy.forget_after_seconds, 1),
        else_=table.c.attempts + 1,
    )
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(LoginAttempts)
        .values(key=key, attempts=1, last_attempt_at=at, allowed_from=policy.allowed_from(1, at))
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "attempts": attempts,
                "last_attempt_at": at,
                "allowed_from": policy.allowed_from_expression(attempts, at),
            },
            where=table.c.allowed_from <= at,
        )
        .returning(table.c.attempts)
    )
    if session.execute(statement).first() is not None:
        return 0.0
    allowed_from = session.scalar(select(table.c.allowed_from).where(table.c.key == key))
    return max((allowed_from if allowed_from is not None else at) - at, 0.001)


def still_waiting(session: Session, *, key: str, policy: Policy, at: float) -> float:
    """The seconds ``key`` must still wait (0 when an attempt may go ahead), read without
    writing: a flood that is already being made to wait costs no write transaction, which on
    SQLite would queue in front of every other writer. Only an attempt this lets through goes
    on to :func:`claim`, which decides atomically."""
    table = LoginAttempts.__table__
    row = session.execute(
        select(table.c.allowed_from, table.c.last_attempt_at).where(table.c.key == key)
    ).first()
    if row is None or row.last_attempt_at < at - policy.forget_after_seconds:
        return 0.0
    return max(float(row.allowed_from) - at, 0.0)


def give_back(session: Session, *, key: str, claimed_at: float) -> None:
    """Take back an attempt counted at ``claimed_at`` that turned out right (or was never
    verified): one fewer, and no wait longer than there was before it."""
    table = LoginAttempts.__table__
    session.execute(
        update(LoginAttempts)
        .where(table.c.key == key, table.c.attempts > 0)
        .values(
            attempts=table.c.attempts - 1,
            allowed_from=case(
                (table.c.allowed_from > claimed_at, claimed_at), else_=table.c.allowed_from
            ),
        )
    )


def clear(session: Session, *, key: str) -> None:
    session.execute(delete(LoginAttempts).where(LoginAttempts.key == key))


_CLEANUP_EVERY_SECONDS = 3600.0
_last_cleanup = 0.0


def cleanup_due(at: float) -> bool:
    """True at most once an hour per process: time for the worker to :func:`forget_stale`
    (:mod:`calmdesk.maintenance`), one write for the whole table."""
    global _last_cleanup
    if at - _last_cleanup < _CLEANUP_EVERY_SECONDS:
        return False
    _last_cleanup = at
    return True


def forget_stale(session: Session, *, at: float) -> int:
    """Delete the keys nobody tried for longer than their forget period (so a flood of made-up
    names does not stay in the table)."""
    longest = max(NAME_FORGET_SECONDS, ADDRESS_FORGET_SECONDS)
    result = session.execute(
        delete(LoginAttempts).where(LoginAttempts.last_attempt_at < at - longest)
    )
    return int(getattr(result, "rowcount", 0) or 0)
