"""The private notes' outbox: the coach's new alerts and a case's number, posted on the Chatwoot
conversation through its API, each retried with its own state in ``chat_notes``.

A note is queued in the same transaction as what it tells (the turn that raised the alert; the
worker step that saw the case), under a key that makes it queued once. :func:`deliver_due`
claims the due notes for a lease, posts each through one function (:func:`post_note`) outside
any transaction, then records the outcome: sent (its text cleared), or retried later with a
backoff, or given up after ``chat_note_attempts``. A worker that dies mid-post leaves the note
to be claimed again when the lease ends, so a note is posted at least once (Chatwoot's messages
API has no idempotency key; a note posted twice is the worst case).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.cases.models import Case
from calmdesk.chat.models import CHATWOOT, ChatConversation, ChatNote, NoteStatus
from calmdesk.coach.stages import AlertKind
from calmdesk.live.messages import Outgoing
from calmdesk.live.models import Contact
from calmdesk.live.wire import AlertMessage
from calmdesk.settings import Settings
from calmdesk.storage.types import utcnow
from calmdesk.texts import load_texts
from calmdesk.users.models import User

log = logging.getLogger(__name__)

_TEXTS = load_texts("calmdesk.chat")
NOTE_TEXTS = _TEXTS.table("notes")
ALERT_LABELS = _TEXTS.table("alerts")

LEASE = timedelta(minutes=2)
"""How long a claimed note is left to the worker posting it before another may claim it."""
FIRST_RETRY_SECONDS = 30
LAST_RETRY_SECONDS = 3600
BATCH = 20
POST_TIMEOUT_SECONDS = 10.0


class NoteError(Exception):
    """Posting failed; the message says why (an HTTP status and the start of the answer)."""


@dataclass(frozen=True)
class NoteToPost:
    id: int
    account: str
    conversation: str
    body: str


Poster = Callable[[NoteToPost], None]


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def anything_done(self) -> bool:
        return bool(self.sent or self.retrying or self.failed)


def notes_enabled(settings: Settings) -> bool:
    """Notes are queued only when Chatwoot's address and a token to post them are set."""
    return bool(settings.chatwoot_notes and settings.chatwoot_url and settings.chatwoot_api_token)


def _text(table: str, lang: str, **fields: object) -> str:
    texts = NOTE_TEXTS[table]
    return (texts.get(lang) or texts["en"]).format(**fields)


def alert_note(kind: AlertKind, message: str, *, minutes: int | None, lang: str) -> str:
    """A note's words in the agent's language."""
    if kind is AlertKind.BREAK_RECOMMENDED:
        return _text("break", lang, minutes=minutes or 0)
    labels = ALERT_LABELS[kind.value]
    return _text("alert", lang, label=labels.get(lang) or labels["en"], message=message)


def _queue(session: Session, conversation: ChatConversation, key: str, body: str) -> None:
    try:
        with session.begin_nested():
            session.add(
                ChatNote(
                    conversation_id=conversation.id,
                    key=key,
                    body=body,
                    status=NoteStatus.PENDING,
                    attempts=0,
                    next_attempt_at=utcnow(),
                )
            )
    except IntegrityError:  # already queued
        pass


def queue_alerts(
    session: Session, conversation: ChatConversation, contact: Contact, outgoing: list[Outgoing]
) -> int:
    """A note for each new alert among a turn's messages (the board's ``alert`` messages)."""
    if conversation.platform != CHATWOOT:
        return 0
    agent: User = contact.agent
    lang = str(agent.language)
    count = 0
    for item in outgoing:
        message = item.message
        if not isinstance(message, AlertMessage) or not isinstance(message.kind, AlertKind):
            continue  # the board's own kinds (a climbed rung) are not for the chat agent
        key = f"alert:{contact.id}:{message.seq or 'end'}:{message.kind.value}"
        body = alert_note(message.kind, message.message, minutes=message.minutes, lang=lang)
        _queue(session, conversation, key, body)
        count += 1
    return count


def queue_case_notes(session: Session, *, since: datetime) -> int:
    """A note with the case's number for each case opened from a Chatwoot conversation's
    contact since ``since`` that has none yet (the case's own domain knows nothing of chats)."""
    query = (
        select(Case.id, ChatConversation, User.language)
        .join(ChatConversation, ChatConversation.contact_id == Case.source_contact_id)
        .join(Contact, Contact.id == ChatConversation.contact_id)
        .join(User, User.id == Contact.agent_id)
        .where(ChatConversation.platform == CHATWOOT, Case.received_at >= since)
    )
    rows = session.execute(query).all()
    if not rows:
        return 0
    keys = {f"case:{case_id}" for case_id, _, _ in rows}
    known = set(session.scalars(select(ChatNote.key).where(ChatNote.key.in_(keys))))
    count = 0
    for case_id, conversation, lang in rows:
        key = f"case:{case_id}"
        if key in known:
            continue
        _queue(session, conversation, key, _text("case", str(lang), number=case_id))
        count += 1
    return count


def post_note(settings: Settings) -> Poster:
    """The one function that posts a note: Chatwoot's ``POST /api/v1/accounts/{account}/
    conversations/{id}/messages`` with ``private: true``, authenticated by ``api_access_token``.
    (A later outbox may take this place; the retry state stays in ``chat_notes``.)"""
    base = settings.chatwoot_url
    token = settings.chatwoot_api_token
    if not base or not token:
        raise NoteError("CALMDESK_CHATWOOT_URL and CALMDESK_CHATWOOT_API_TOKEN must be set.")

    def post(note: NoteToPost) -> None:
        url = f"{base}/api/v1/accounts/{note.account}/conversations/{note.conversation}/messages"
        body = {"content": note.body, "message_type": "outgoing", "private": True}
        request = urllib.request.Request(  # noqa: S310 (an http(s) address checked by settings)
            url,
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "api_access_token": token},
        )
        try:
            with urllib.request.urlopen(request, timeout=POST_TIMEOUT_SECONDS) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as error:
            answer = error.read(200).decode("utf-8", "replace")
            raise NoteError(f"HTTP {error.code}: {answer}") from None
        except (urllib.error.URLError, OSError) as error:
            raise NoteError(f"Chatwoot did not answer: {error}") from None
        if not 200 <= status < 300:
            raise NoteError(f"HTTP {status}")

    return post


def _claim(factory: sessionmaker[Session], now: datetime, limit: int) -> list[NoteToPost]:
    with factory() as session, session.begin():
        query = (
            select(ChatNote, ChatConversation)
            .join(ChatConversation, ChatConversation.id == ChatNote.conversation_id)
            .where(ChatNote.status == NoteStatus.PENDING, ChatNote.next_attempt_at <= now)
            .order_by(ChatNote.next_attempt_at, ChatNote.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=ChatNote)
        )
        claimed = []
        for note, conversation in session.execute(query).all():
            note.next_attempt_at = now + LEASE
            claimed.append(
                NoteToPost(note.id, conversation.account, conversation.external_id, note.body)
            )
        return claimed


def backoff(attempts: int) -> timedelta:
    """30 s after the first failure, doubling, at most an hour."""
    return timedelta(seconds=min(LAST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** (attempts - 1)))


def deliver_due(
    factory: sessionmaker[Session],
    *,
    post: Poster,
    max_attempts: int,
    now: datetime | None = None,
    limit: int = BATCH,
) -> DeliveryReport:
    """Post the notes that are due; each outcome is recorded on its row."""
    now = now or utcnow()
    sent = retrying = failed = 0
    for item in _claim(factory, now, limit):
        error: str | None = None
        try:
            post(item)
        except NoteError as problem:
            error = str(problem)[:500]
        except Exception as problem:  # a bug must not stop the other notes
            log.exception("posting chat note %s failed", item.id)
            error = f"{type(problem).__name__}: {problem}"[:500]
        with factory() as session, session.begin():
            note = session.get(ChatNote, item.id)
            if note is None:
                continue
            note.attempts += 1
            if error is None:
                note.status = NoteStatus.SENT
                note.sent_at = utcnow()
                note.body = ""
                note.last_error = None
                sent += 1
            elif note.attempts >= max_attempts:
                note.status = NoteStatus.FAILED
                note.last_error = error
                failed += 1
            else:
                note.last_error = error
                note.next_attempt_at = now + backoff(note.attempts)
                retrying += 1
    return DeliveryReport(sent=sent, retrying=retrying, failed=failed)


def counts(session: Session) -> dict[str, int]:
    """Notes by status (for ``calmdesk chat status``)."""
    from sqlalchemy import func

    rows = session.execute(select(ChatNote.status, func.count()).group_by(ChatNote.status))
    return {str(status): int(n) for status, n in rows}


def last_errors(session: Session, *, limit: int = 3) -> Sequence[ChatNote]:
    query = select(ChatNote).where(ChatNote.last_error.is_not(None))
    return session.scalars(query.order_by(ChatNote.id.desc()).limit(limit)).all()
