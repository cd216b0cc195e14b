"""Password hashing (argon2 through pwdlib) and the password policy.

Passwords are never logged or echoed; only the argon2 hash is stored. Each argon2 call takes
64 MiB, so a process runs at most ``hashing_concurrency`` of them at once (set from
``CALMDESK_PASSWORD_HASHING_CONCURRENCY`` by ``create_app``); a call that cannot get a slot
within ``wait_seconds`` raises :class:`PasswordHashingBusy` (503 ``server_busy``) instead of
queueing without bound.

argon2 runs on threads of its own with a lower CPU priority (``password_hashing_nice``, Linux):
the lanes argon2 starts inherit it, so a flood of logins takes only the CPU the live lines
leave, and a real login still gets through when the floor is quiet. An unknown username runs no
argon2 at all: it waits as long as a verification takes (:func:`burn_verification_time`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
import time
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from calmdesk.errors import InvalidInput
from calmdesk.users.errors import PasswordHashingBusy

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
"""Upper bound so a megabyte-long password cannot be used to burn CPU in the hasher."""


def lower_thread_priority(nice: int) -> None:
    """Give the calling thread (and the threads it starts) at least ``nice``; Linux only, where
    a thread's id names that thread alone. Without the right to change it, nothing changes."""
    if nice <= 0 or sys.platform != "linux":
        return
    thread = threading.get_native_id()
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, thread, max(nice, os.getpriority(os.PRIO_PROCESS, thread)))


@dataclass(frozen=True)
class _Slots:
    semaphore: threading.BoundedSemaphore
    concurrency: int
    wait_seconds: float
    nice: int
    workers: ThreadPoolExecutor = field(init=False)

    def __post_init__(self) -> None:
        workers = ThreadPoolExecutor(
            self.concurrency,
            thread_name_prefix="argon2",
            initializer=lower_thread_priority,
            initargs=(self.nice,),
        )
        object.__setattr__(self, "workers", workers)


_slots = _Slots(threading.BoundedSemaphore(4), 4, 10.0, 0)


def configure_hashing(*, concurrency: int, wait_seconds: float, nice: int = 0) -> None:
    """How many argon2 calls may run at once in this process, how long one waits for a slot,
    and the nice value of the threads running them. Calls already running keep their slot."""
    global _slots
    wanted = (concurrency, wait_seconds, nice)
    if wanted != (_slots.concurrency, _slots.wait_seconds, _slots.nice):
        previous = _slots
        _slots = _Slots(threading.BoundedSemaphore(concurrency), *wanted)
        previous.workers.shutdown(wait=False)


@contextmanager
def hashing_slot() -> Iterator[ThreadPoolExecutor]:
    """Hold one of the process's argon2 slots (yielding the threads to run the call on), or
    raise :class:`PasswordHashingBusy`."""
    slots = _slots
    if not slots.semaphore.acquire(timeout=slots.wait_seconds):
        raise PasswordHashingBusy()
    try:
        yield slots.workers
    finally:
        slots.semaphore.release()


Result = TypeVar("Result")


def hashing_call(work: Callable[[], Result]) -> Result:
    """Run ``work`` (one argon2 call) in a slot, on the low-priority argon2 threads."""
    with hashing_slot() as workers:
        return workers.submit(work).result()


_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[int, asyncio.Semaphore]] = (
    weakref.WeakKeyDictionary()
)


@asynccontextmanager
async def login_turn() -> AsyncIterator[None]:
    """A login's turn at argon2, awaited on the event loop before the login takes a thread.

    A sync route waiting in :func:`hashing_slot` holds one of the worker threads that serve every
    request: a flood of logins took them all and a live line waited 30 s behind it. Waiting here
    holds none, so at most ``concurrency`` logins of the process are in a thread at once. Raises
    :class:`PasswordHashingBusy` after ``wait_seconds``, like :func:`hashing_slot`."""
    slots = _slots
    loop = asyncio.get_running_loop()
    entry = _turns.get(loop)
    if entry is None or entry[0] != slots.concurrency:
        entry = _turns[loop] = (slots.concurrency, asyncio.Semaphore(slots.concurrency))
    semaphore = entry[1]
    if semaphore.locked():
        try:
            await asyncio.wait_for(semaphore.acquire(), slots.wait_seconds)
        except TimeoutError:
            raise PasswordHashingBusy() from None
    else:
        await semaphore.acquire()  # free: taken at once, even when the wait allowed is 0
    try:
        yield
    finally:
        semaphore.release()


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
    return hashing_call(lambda: _hasher().hash(password))


def verify_password(password: str, password_hash: str) -> bool:
    if len(password) > MAX_PASSWORD_LENGTH:
        return False

    def verify() -> bool:
        started = time.perf_counter()
        try:
            verified = _hasher().verify(password, password_hash)
        except Exception:  # a malformed stored hash is a refusal, never a crash
            return False
        VERIFICATION_TIME.note(time.perf_counter() - started)
        return verified

    return hashing_call(verify)


class VerificationTime:
    """How long a real verification takes in this process now (a moving average of the recent
    ones, in its slot), so an unknown name can be answered after just as long."""

    WEIGHT = 0.2

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seconds: float | None = None

    def note(self, seconds: float) -> None:
        with self._lock:
            previous = self._seconds
            self._seconds = (
                seconds if previous is None else previous + self.WEIGHT * (seconds - previous)
            )

    @property
    def measured(self) -> bool:
        return self._seconds is not None

    def seconds(self) -> float:
        """The current estimate; the first call of a process measures one real verification."""
        if self._seconds is None:
            dummy = _dummy_hash()
            started = time.perf_counter()
            verify_password("calmdesk-calibration", dummy)  # notes VERIFICATION_TIME
            if self._seconds is None:  # another clock than the process's
                self.note(time.perf_counter() - started)
        with self._lock:
            return self._seconds if self._seconds is not None else 0.0


VERIFICATION_TIME = VerificationTime()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hashing_call(lambda: _hasher().hash("calmdesk-dummy-password"))


def burn_verification_time(password: str) -> None:
    """Make an unknown username take as long as a wrong password, without the argon2 work.

    It holds a hashing slot like a verification (so a full server answers both alike), and
    waits as long as real verifications take now. A flood of made-up names therefore costs
    neither CPU nor memory bandwidth, which argon2 spends by design and which slowed the live
    lines on the same cores even at a low priority."""
    del password  # checked against nothing: the name does not exist
    seconds = VERIFICATION_TIME.seconds()
    with hashing_slot():
        time.sleep(seconds)
