"""Replies published back through the post's connector, with the platform's answer recorded.

Each attempt appends an event: ``published`` (``reply_event_id``, ``platform_id``, ``url``) or
``publish_failed`` (``reply_event_id``, ``attempt``, ``error``). A reply's publication is the
last of these; a failed one is retried (:func:`retry_failed`, by hand from the page or the API)
until ``attempts`` are used, and shown as failed meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.errors import CalmDeskError, Conflict, NotFound
from calmdesk.social.connectors import Connector, OutgoingReply, PublishFailed
from calmdesk.social.enums import PostEventKind
from calmdesk.social.models import PostEvent, PublicPost
from calmdesk.social.service import record
from calmdesk.storage.types import utcnow

State = Literal["published", "failed"]
FIRST_RETRY = timedelta(minutes=1)
PUBLISH_KINDS = (str(PostEventKind.PUBLISHED), str(PostEventKind.PUBLISH_FAILED))


class ReplyNotFound(NotFound):
    code = "social_reply_not_found"


class AlreadyPublished(Conflict):
    code = "already_published"


class NotPublishable(Conflict):
    """The post did not come through a connector that publishes (typed in, CSV, generic)."""

    code = "not_publishable"


@dataclass(frozen=True, slots=True)
class Publication:
    reply_event_id: int
    state: State
    attempts: int
    platform_id: str | None = None
    url: str | None = None
    error: str | None = None
    last_at: datetime | None = None
    """When the last attempt was made."""


def publications(session: Session, *, post_id: int) -> dict[int, Publication]:
    """Each published-or-tried reply of the post: its last state and number of attempts."""
    query = (
        select(PostEvent)
        .where(PostEvent.post_id == post_id, PostEvent.kind.in_(PUBLISH_KINDS))
        .order_by(PostEvent.id)
    )
    found: dict[int, Publication] = {}
    for event in session.scalars(query):
        reply_id = int(event.data["reply_event_id"])
        attempts = found[reply_id].attempts + 1 if reply_id in found else 1
        if event.kind == PostEventKind.PUBLISHED:
            found[reply_id] = Publication(
                reply_id,
                "published",
                attempts,
                event.data.get("platform_id"),
                event.data.get("url"),
                last_at=event.at,
            )
        else:
            error = str(event.data.get("error", ""))
            found[reply_id] = Publication(
                reply_id, "failed", attempts, error=error, last_at=event.at
            )
    return found


def reply_event(session: Session, *, post: PublicPost, event_id: int) -> PostEvent:
    event = session.get(PostEvent, event_id)
    if event is None or event.post_id != post.id or event.kind != PostEventKind.REPLIED:
        raise ReplyNotFound(f"Post {post.id} has no reply {event_id}.", event_id=event_id)
    return event


def publish(
    session: Session,
    *,
    post: PublicPost,
    reply: PostEvent,
    connector: Connector,
    now: datetime | None = None,
) -> Publication:
    """One attempt to publish ``reply`` under the post on its platform; recorded either way."""
    now = now or utcnow()
    if not post.external_id:
        raise NotPublishable(f"Post {post.id} did not come from a platform connector.")
    before = publications(session, post_id=post.id).get(reply.id)
    if before is not None and before.state == "published":
        raise AlreadyPublished(f"Reply {reply.id} is published already.", url=before.url)
    attempt = (before.attempts if before else 0) + 1
    outgoing = OutgoingReply(post.id, post.external_id, str(reply.data.get("text", "")))
    try:
        answer = connector.publish(outgoing)
    except PublishFailed as error:
        record(
            session,
            post=post,
            kind=PostEventKind.PUBLISH_FAILED,
            actor_id=None,
            at=now,
            data={"reply_event_id": reply.id, "attempt": attempt, "error": error.message[:500]},
        )
        session.flush()
        return Publication(reply.id, "failed", attempt, error=error.message[:500])
    record(
        session,
        post=post,
        kind=PostEventKind.PUBLISHED,
        actor_id=None,
        at=now,
        data={"reply_event_id": reply.id, "platform_id": answer.platform_id, "url": answer.url},
    )
    session.flush()
    return Publication(reply.id, "published", attempt, answer.platform_id, answer.url)


def retry_due(publication: Publication, now: datetime) -> bool:
    """A failed attempt ``n`` is tried again :data:`FIRST_RETRY` * 2^(n-1) later (1, 2, 4...
    minutes)."""
    if publication.last_at is None:
        return True
    return now >= publication.last_at + FIRST_RETRY * (1 << max(publication.attempts - 1, 0))


def retry_failed(
    session: Session,
    *,
    connector_for: Callable[[str], Connector | None],
    attempts: int,
    now: datetime | None = None,
    limit: int = 50,
) -> list[Publication]:
    """Try again every reply whose last attempt failed, has attempts left and waited its
    back-off (a worker step)."""
    now = now or utcnow()
    query = (
        select(PostEvent.post_id)
        .where(PostEvent.kind == str(PostEventKind.PUBLISH_FAILED))
        .distinct()
        .limit(limit)
    )
    done: list[Publication] = []
    for post_id in list(session.scalars(query)):
        post = session.get(PublicPost, post_id)
        connector = connector_for(post.source or "") if post is not None else None
        if post is None or connector is None:
            continue
        for reply_id, state in publications(session, post_id=post_id).items():
            if state.state == "failed" and state.attempts < attempts and retry_due(state, now):
                event = reply_event(session, post=post, event_id=reply_id)
                try:
                    done.append(
                        publish(session, post=post, reply=event, connector=connector, now=now)
                    )
                except CalmDeskError:
                    continue
    return done
