"""Notes between colleagues on a case, and the ``@username`` mentions that notify them.

A note is for the team, never for the customer. Naming a colleague (``@helen``) notifies them:
the mention waits on their queue and their mentions page until they open it. Only colleagues
who may see the case can be named, so a note never leaks a case to someone who may not read it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from calmdesk.cases.models import Case, CaseMention, CaseNote
from calmdesk.cases.permissions import may_see
from calmdesk.errors import InvalidInput, NotFound
from calmdesk.storage.types import utcnow
from calmdesk.users.models import User

MAX_NOTE_CHARS = 4000
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.\-]{2,64})")


class MentionCannotSee(InvalidInput):
    """A named colleague does not exist or may not see this case (``usernames``)."""

    code = "mention_cannot_see_case"


def mentioned_usernames(text: str) -> list[str]:
    """The ``@username`` tokens of ``text`` in order, each once (an e-mail address is not one)."""
    seen: dict[str, None] = {}
    for match in MENTION.finditer(text):
        seen.setdefault(match.group(1).rstrip(".-").lower(), None)
    return list(seen)


def add_note(
    session: Session, *, case: Case, author: User, text: str, now: datetime | None = None
) -> CaseNote:
    """Write a note and notify everyone it names (:class:`MentionCannotSee` names those who do
    not exist or may not see the case; nothing is written then)."""
    text = text.replace("\x00", "").strip()
    if not text:
        raise InvalidInput("text: the note is empty", code="validation_error", field="text")
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidInput(
            f"text: at most {MAX_NOTE_CHARS} characters", code="validation_error", field="text"
        )
    names = mentioned_usernames(text)
    people = (
        {
            u.username.lower(): u
            for u in session.scalars(select(User).where(func.lower(User.username).in_(names)))
        }
        if names
        else {}
    )
    blind = [n for n in names if n not in people or not may_see(people[n], case)]
    if blind:
        raise MentionCannotSee(
            "Cannot notify " + ", ".join("@" + n for n in blind) + ": no such colleague, or "
            "they may not see this case.",
            field="text",
            usernames=blind,
        )
    now = now or utcnow()
    note = CaseNote(case_id=case.id, author_id=author.id, text=text, created_at=now)
    session.add(note)
    session.flush()
    for name in names:
        person = people[name]
        if person.id != author.id:
            session.add(
                CaseMention(note_id=note.id, case_id=case.id, user_id=person.id, created_at=now)
            )
    session.flush()
    return note


def notes_of(session: Session, *, case_id: int) -> Sequence[CaseNote]:
    """The case's notes, oldest first."""
    query = select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.id)
    return session.scalars(query).all()


@dataclass(frozen=True)
class Mention:
    id: int
    case_id: int
    note_id: int
    author_id: int | None
    text: str
    created_at: datetime
    read_at: datetime | None


def mentions_for(session: Session, *, user_id: int, unread_only: bool = True) -> list[Mention]:
    """Where ``user_id`` was named, newest first."""
    query = (
        select(CaseMention, CaseNote)
        .join(CaseNote, CaseNote.id == CaseMention.note_id)
        .where(CaseMention.user_id == user_id)
        .order_by(CaseMention.id.desc())
        .limit(200)
    )
    if unread_only:
        query = query.where(CaseMention.read_at.is_(None))
    return [
        Mention(
            id=m.id,
            case_id=m.case_id,
            note_id=m.note_id,
            author_id=n.author_id,
            text=n.text,
            created_at=m.created_at,
            read_at=m.read_at,
        )
        for m, n in session.execute(query).all()
    ]


def unread_count(session: Session, *, user_id: int) -> int:
    query = select(func.count()).where(
        CaseMention.user_id == user_id, CaseMention.read_at.is_(None)
    )
    return session.scalar(query) or 0


def mark_read(
    session: Session, *, user_id: int, case_id: int | None = None, mention_id: int | None = None
) -> int:
    """Mark the user's mentions read: one, those of a case (they opened it), or all."""
    statement = update(CaseMention).where(
        CaseMention.user_id == user_id, CaseMention.read_at.is_(None)
    )
    if mention_id is not None:
        exists = session.get(CaseMention, mention_id) if 0 < mention_id < 2**31 else None
        if exists is None or exists.user_id != user_id:
            raise NotFound("There is no such mention.", code="mention_not_found")
        statement = statement.where(CaseMention.id == mention_id)
    if case_id is not None:
        statement = statement.where(CaseMention.case_id == case_id)
    result = session.execute(statement.values(read_at=utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)
