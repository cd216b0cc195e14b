"""Which of the board's case sections a commit changed: ``approvals`` (compensation proposed,
decided, appealed) and ``deadlines`` (a case received, moved, warned of or breaching a target).

One session hook for every writer (the API, the pages, the deadline worker), so none of them
has to remember to tell the board: :func:`on_change` registers a callback that receives the
sections once the transaction that changed them has committed (never for a rollback).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from itertools import chain
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from calmdesk.cases.models import Case, CaseEvent, Compensation

APPROVALS = "approvals"
DEADLINES = "deadlines"
_KEY = "calmdesk.cases.changed_sections"

Callback = Callable[[frozenset[str]], None]
_callbacks: list[Callback] = []
_lock = threading.Lock()
_installed = False
log = logging.getLogger(__name__)


def _noted(session: Session, _context: Any) -> None:
    sections: set[str] = session.info.setdefault(_KEY, set())
    for row in chain(session.new, session.dirty, session.deleted):
        if isinstance(row, Compensation):
            sections.add(APPROVALS)
        elif isinstance(row, Case | CaseEvent):
            sections.add(DEADLINES)


def _committed(session: Session) -> None:
    sections = session.info.pop(_KEY, None)
    if not sections:
        return
    for callback in list(_callbacks):
        try:
            callback(frozenset(sections))
        except Exception:  # telling the board must never fail a commit that has happened
            log.exception("a board section change could not be announced")


def _forgotten(session: Session, *_: Any) -> None:
    session.info.pop(_KEY, None)


def on_change(callback: Callback) -> Callable[[], None]:
    """Call ``callback`` with the sections each committed transaction changed; returns the
    function that unregisters it."""
    global _installed
    with _lock:
        if not _installed:
            event.listen(Session, "after_flush", _noted)
            event.listen(Session, "after_commit", _committed)
            event.listen(Session, "after_rollback", _forgotten)
            _installed = True
        _callbacks.append(callback)

    def remove() -> None:
        with _lock, contextlib.suppress(ValueError):
            _callbacks.remove(callback)

    return remove
