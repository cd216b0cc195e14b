"""Public complaint verbs: ``register_post``, ``get``, ``get_or_raise``, ``list_``, ``reply``,
``make_promise``, ``keep_promise``, ``add_note`` and ``escalate_to_case``.

Keyword-only, session first; the caller commits. Every change appends a :class:`PostEvent`;
nothing here deletes a post.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, not_, or_, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session

from calmdesk.analysis import analyze
from calmdesk.analysis.contact_keys import contact_key, keys_in
from calmdesk.cases import service as cases_service
from calmdesk.cases.enums import Channel
from calmdesk.cases.models import Case
from calmdesk.cases.schemas import CaseCreate
from calmdesk.fields import CLOCK_SKEW
from calmdesk.languages import is_supported
from calmdesk.playbook.schema import Playbook
from calmdesk.social import voice
from calmdesk.social.clock import clock_for
from calmdesk.social.enums import PostEventKind, PostStatus
from calmdesk.social.errors import (
    AlreadyEscalated,
    InvalidSocialInput,
    OpenPromises,
    PostNotFound,
    PostResolved,
    PromiseAlreadyKept,
    PromiseNotFound,
    ReplyReadsAsTemplate,
)
from calmdesk.social.models import PostEvent, PostKey, Promise, PublicPost
from calmdesk.social.schemas import (
    EscalateRequest,
    PostCreate,
    PostFilters,
    PromiseCreate,
    ReplyCreate,
)
from calmdesk.storage.types import utcnow
from calmdesk.users.models import User

FUTURE_TOLERANCE = CLOCK_SKEW
"""How far ahead of our clock a client's timestamp may be (clocks drift)."""
LIST_ORDER = (PublicPost.resolution_due, PublicPost.id)


@dataclass(frozen=True, slots=True)
class PostPage:
    items: list[PublicPost]
    total: int
    page: int
    per_page: int


@dataclass(frozen=True, slots=True)
class PromiseCounts:
    open: int = 0
    overdue: int = 0


def _actor_id(actor: User | None) -> int | None:
    return actor.id if actor is not None else None


def record(
    session: Session,
    *,
    post: PublicPost,
    kind: PostEventKind,
    actor_id: int | None,
    at: datetime,
    data: dict[str, Any] | None = None,
) -> PostEvent:
    event = PostEvent(
        post_id=post.id, kind=str(kind), at=at, actor_id=actor_id, data=dict(data or {})
    )
    session.add(event)
    return event


def _not_in_future(value: datetime | None, field: str, now: datetime) -> None:
    if value is not None and value > now + FUTURE_TOLERANCE:
        raise InvalidSocialInput(f"{field}: lies in the future", field=field)


def register_post(
    session: Session,
    *,
    post_in: PostCreate,
    actor: User | None,
    playbook: Playbook,
    now: datetime | None = None,
) -> PublicPost:
    """Record a public complaint and start its clock at ``received_at`` (default: now).

    The analysis snapshot (level, anger, abuse, intents) is taken once, from the text as posted;
    the language is the given one, else the detected one, else the playbook's default."""
    now = now or utcnow()
    _not_in_future(post_in.posted_at, "posted_at", now)
    _not_in_future(post_in.received_at, "received_at", now)
    received_at = post_in.received_at or now
    if post_in.posted_at is not None and post_in.posted_at > received_at:
        raise InvalidSocialInput("posted_at: is after received_at", field="posted_at")
    signals = analyze(post_in.text, post_in.lang)
    lang = post_in.lang or signals.lang
    if lang not in playbook.languages:
        lang = playbook.default_language
    clock = clock_for(received_at, playbook)
    post = PublicPost(
        platform=str(post_in.platform),
        url=post_in.url,
        author_handle=post_in.author_handle,
        text=post_in.text,
        lang=lang,
        posted_at=post_in.posted_at,
        received_at=received_at,
        first_response_due=clock.first_response_due,
        resolution_due=clock.resolution_due,
        status=str(PostStatus.NEW),
        created_by_id=_actor_id(actor),
        level=signals.level,
        anger=round(signals.anger, 4),
        abuse=round(signals.abuse, 4),
        intents=sorted(signals.intents),
    )
    session.add(post)
    session.flush()
    session.add_all(
        PostKey(post_id=post.id, key=key)
        for key in sorted(post_keys(post, region=playbook.calendar.country))
    )
    record(session, post=post, kind=PostEventKind.REGISTERED, actor_id=post.created_by_id, at=now)
    return post


def author_key(platform: str, handle: str) -> str:
    """The author as a customer's contact (``facebook:@marta.k``; a case escalated from the
    post is recorded for that contact)."""
    return contact_key(f"{platform}:{handle}")


def post_keys(post: PublicPost, *, region: str) -> set[str]:
    """Whom the post is about: its author and the phones and e-mails written in it."""
    return {author_key(post.platform, post.author_handle)} | keys_in(post.text, region, post.lang)


def get(session: Session, *, post_id: int) -> PublicPost | None:
    return session.get(PublicPost, post_id)


def get_or_raise(session: Session, *, post_id: int) -> PublicPost:
    post = get(session, post_id=post_id)
    if post is None:
        raise PostNotFound(f"There is no public post {post_id}.", post_id=post_id)
    return post


def get_promise_or_raise(session: Session, *, promise_id: int) -> Promise:
    promise = session.get(Promise, promise_id)
    if promise is None:
        raise PromiseNotFound(f"There is no public promise {promise_id}.", promise_id=promise_id)
    return promise


def events_of(session: Session, *, post_id: int) -> list[PostEvent]:
    query = select(PostEvent).where(PostEvent.post_id == post_id).order_by(PostEvent.id)
    return list(session.scalars(query))


def promises_of(session: Session, *, post_id: int) -> list[Promise]:
    query = select(Promise).where(Promise.post_id == post_id).order_by(Promise.due_at, Promise.id)
    return list(session.scalars(query))


def is_overdue(post: PublicPost, now: datetime) -> bool:
    """Past the first-response target unanswered, or past the resolution target unresolved."""
    if post.status == PostStatus.RESOLVED:
        return False
    late_answer = post.first_replied_at is None and post.first_response_due < now
    return late_answer or post.resolution_due < now


def _overdue_clause(now: datetime) -> ColumnElement[bool]:
    return and_(
        PublicPost.status != str(PostStatus.RESOLVED),
        or_(
            and_(PublicPost.first_replied_at.is_(None), PublicPost.first_response_due < now),
            PublicPost.resolution_due < now,
        ),
    )


def _open_promise(now: datetime | None = None) -> ColumnElement[bool]:
    condition = and_(Promise.post_id == PublicPost.id, Promise.done_at.is_(None))
    if now is not None:
        condition = and_(condition, Promise.due_at < now)
    return exists().where(condition)


def conditions_for(filters: PostFilters, now: datetime) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.status is not None:
        conditions.append(PublicPost.status == str(filters.status))
    if filters.platform is not None:
        conditions.append(PublicPost.platform == str(filters.platform))
    for flag, clause in (
        (filters.overdue, _overdue_clause(now)),
        (filters.open_promises, _open_promise()),
        (filters.promise_overdue, _open_promise(now)),
    ):
        if flag is not None:
            conditions.append(clause if flag else not_(clause))
    return conditions


def list_(session: Session, *, filters: PostFilters, now: datetime | None = None) -> PostPage:
    """Posts matching ``filters``, the most urgent resolution target first."""
    now = now or utcnow()
    conditions = conditions_for(filters, now)
    total = session.scalar(select(func.count()).select_from(PublicPost).where(*conditions)) or 0
    query = (
        select(PublicPost)
        .where(*conditions)
        .order_by(*LIST_ORDER)
        .limit(filters.per_page)
        .offset((filters.page - 1) * filters.per_page)
    )
    items = list(session.scalars(query))
    return PostPage(items=items, total=total, page=filters.page, per_page=filters.per_page)


def promise_counts(
    session: Session, *, post_ids: list[int], now: datetime
) -> dict[int, PromiseCounts]:
    """Open and overdue promises per post, in one query."""
    if not post_ids:
        return {}
    overdue = func.sum(sql_case((Promise.due_at < now, 1), else_=0))
    rows = session.execute(
        select(Promise.post_id, func.count(), overdue)
        .where(Promise.post_id.in_(post_ids), Promise.done_at.is_(None))
        .group_by(Promise.post_id)
    )
    return {post_id: PromiseCounts(int(n), int(late or 0)) for post_id, n, late in rows}


def _open_promises(session: Session, post: PublicPost) -> list[Promise]:
    return [p for p in promises_of(session, post_id=post.id) if p.done_at is None]


def reply(
    session: Session,
    *,
    post: PublicPost,
    reply_in: ReplyCreate,
    actor: User | None,
    playbook: Playbook | None = None,
    now: datetime | None = None,
) -> PublicPost:
    """Record a public answer, closed by the team's signature or the handler's name. The first
    one stops the first-response clock; one that ``resolves`` closes the post, refused (409
    ``open_promises``) while a promise is open. A reply that reads as a pasted template (the
    draft unedited, with ``playbook``; a copy of a recent reply) is refused (409
    ``reply_reads_as_template``) unless ``confirm_template``."""
    now = now or utcnow()
    if reply_in.resolves:
        _ensure_can_resolve(session, post)
    signature = voice.signature_for(playbook, actor, post.lang)
    body = voice.unsigned(reply_in.text, signature)
    finding = voice.find_template(session, post=post, text=body, playbook=playbook, now=now)
    if finding is not None and not reply_in.confirm_template:
        raise ReplyReadsAsTemplate(
            "This reply reads as a pasted template: put it in your own words, or confirm it.",
            reason=finding.reason,
            similarity=finding.similarity,
            other_post_id=finding.other_post_id,
        )
    data: dict[str, Any] = {"text": voice.signed(reply_in.text, signature), "signature": signature}
    if finding is not None:
        data["template_confirmed"] = {
            "reason": finding.reason,
            "similarity": finding.similarity,
            "other_post_id": finding.other_post_id,
        }
    record(
        session,
        post=post,
        kind=PostEventKind.REPLIED,
        actor_id=_actor_id(actor),
        at=now,
        data=data,
    )
    if post.first_replied_at is None:
        post.first_replied_at = now
    if post.status == PostStatus.NEW:
        post.status = str(PostStatus.ANSWERED)
    if reply_in.resolves and post.status != PostStatus.RESOLVED:
        post.status = str(PostStatus.RESOLVED)
        post.resolved_at = now
        record(session, post=post, kind=PostEventKind.RESOLVED, actor_id=_actor_id(actor), at=now)
    session.flush()
    return post


def _ensure_can_resolve(session: Session, post: PublicPost) -> None:
    pending = _open_promises(session, post)
    if pending:
        raise OpenPromises(
            "Keep the promises made in public before closing this post.",
            promise_ids=[p.id for p in pending],
        )


def make_promise(
    session: Session,
    *,
    post: PublicPost,
    promise_in: PromiseCreate,
    actor: User | None,
    now: datetime | None = None,
) -> Promise:
    """Write down an action declared in public, so it cannot be forgotten."""
    now = now or utcnow()
    if post.status == PostStatus.RESOLVED:
        raise PostResolved("This post is resolved; a new promise needs an open post.")
    if promise_in.due_at <= now:
        raise InvalidSocialInput("due_at: must be in the future", field="due_at")
    promise = Promise(
        post_id=post.id,
        text=promise_in.text,
        due_at=promise_in.due_at,
        made_at=now,
        made_by_id=_actor_id(actor),
    )
    session.add(promise)
    session.flush()
    record(
        session,
        post=post,
        kind=PostEventKind.PROMISE_MADE,
        actor_id=_actor_id(actor),
        at=now,
        data={"promise_id": promise.id, "text": promise.text, "due_at": promise.due_at.isoformat()},
    )
    return promise


def keep_promise(
    session: Session,
    *,
    promise: Promise,
    actor: User | None,
    note: str | None = None,
    now: datetime | None = None,
) -> Promise:
    """Mark a public promise done; the event says whether it was late."""
    now = now or utcnow()
    if promise.done_at is not None:
        raise PromiseAlreadyKept(f"Promise {promise.id} was already kept.", promise_id=promise.id)
    promise.done_at = now
    promise.done_by_id = _actor_id(actor)
    post = get_or_raise(session, post_id=promise.post_id)
    data: dict[str, Any] = {"promise_id": promise.id, "late": promise.due_at < now}
    if note:
        data["note"] = note
    record(
        session,
        post=post,
        kind=PostEventKind.PROMISE_KEPT,
        actor_id=_actor_id(actor),
        at=now,
        data=data,
    )
    session.flush()
    return promise


def add_note(
    session: Session,
    *,
    post: PublicPost,
    text: str,
    actor: User | None,
    now: datetime | None = None,
) -> PostEvent:
    """An internal note on the post (never published)."""
    event = record(
        session,
        post=post,
        kind=PostEventKind.NOTE,
        actor_id=_actor_id(actor),
        at=now or utcnow(),
        data={"text": text},
    )
    session.flush()
    return event


def escalate_to_case(
    session: Session,
    *,
    post: PublicPost,
    request: EscalateRequest,
    actor: User | None,
    playbook: Playbook,
    now: datetime | None = None,
) -> Case:
    """Open a complaint case (channel ``social``) prefilled from the post and link it.

    The case's clocks start when the company saw the post, not when it was escalated."""
    now = now or utcnow()
    if post.case_id is not None:
        raise AlreadyEscalated(
            f"This post is already linked to case {post.case_id}.", case_id=post.case_id
        )
    description = post.text if not post.url else f"{post.text}\n\n{post.url}"
    case_in = CaseCreate(
        channel=Channel.SOCIAL,
        customer_contact=f"{post.platform}:{post.author_handle}",
        customer_name=post.author_handle,
        description=description,
        language=post.lang if is_supported(post.lang) else None,
        category=request.category,
        severity=request.severity,
        received_at=post.received_at,
    )
    case = cases_service.intake(session, case_in=case_in, actor=actor, playbook=playbook, now=now)
    post.case_id = case.id
    record(
        session,
        post=post,
        kind=PostEventKind.ESCALATED_TO_CASE,
        actor_id=_actor_id(actor),
        at=now,
        data={"case_id": case.id, "category": case.category},
    )
    session.flush()
    return case
