"""Erase what identifies or describes the author of public posts, keeping the post row, its
clock, status and event kinds (for statistics and so nothing looks deleted).

Event and promise texts are the one rewrite of those rows, done with Core statements.
Retention: posts resolved more than ``retention_days`` ago are erased the same way.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from calmdesk.errors import NotFound
from calmdesk.social.enums import PostEventKind, PostStatus
from calmdesk.social.models import PostEvent, PostKey, Promise, PublicPost
from calmdesk.social.schemas import PostEventRead, PostRead, PromiseRead
from calmdesk.social.service import events_of, promises_of, record
from calmdesk.storage.types import utcnow

ERASED = "[erased]"
TABLES = ("social_posts", "social_post_events", "social_promises", "social_post_keys")
"""The tables an erasure of posts rewrites (for :func:`calmdesk.storage.scrub.forget_erased`)."""


class AuthorNotFound(NotFound):
    code = "social_author_not_found"


WORDS = ("text", "note", "previous_text")
"""Event data that holds someone's words (``previous_text``: a post's text before an edit)."""


def erase_post(session: Session, *, post: PublicPost, actor_id: int | None, now: datetime) -> None:
    if post.author_handle == ERASED:
        return
    post.author_handle = ERASED
    post.text = ERASED
    post.url = None
    for event in session.scalars(select(PostEvent).where(PostEvent.post_id == post.id)):
        if any(key in event.data for key in WORDS):
            scrubbed = {k: v for k, v in event.data.items() if k not in WORDS}
            session.execute(update(PostEvent).where(PostEvent.id == event.id).values(data=scrubbed))
    session.execute(update(Promise).where(Promise.post_id == post.id).values(text=ERASED))
    session.execute(delete(PostKey).where(PostKey.post_id == post.id))
    record(session, post=post, kind=PostEventKind.PERSONAL_DATA_ERASED, actor_id=actor_id, at=now)
    session.flush()
    session.expire_all()


def posts_for_keys(session: Session, keys: Collection[str]) -> set[int]:
    """The ids of the posts whose author or text is any of these customer keys."""
    if not keys:
        return set()
    return set(session.scalars(select(PostKey.post_id).where(PostKey.key.in_(list(keys)))))


def export_posts(session: Session, posts: Sequence[PublicPost]) -> list[dict[str, Any]]:
    """These posts with their events (replies, notes) and public promises, as JSON-ready data."""
    return [
        {
            **PostRead.model_validate(post).model_dump(mode="json"),
            "events": [
                PostEventRead.model_validate(e).model_dump(mode="json")
                for e in events_of(session, post_id=post.id)
            ],
            "promises": [
                PromiseRead.model_validate(p).model_dump(mode="json")
                for p in promises_of(session, post_id=post.id)
            ],
        }
        for post in posts
    ]


def erase_author(
    session: Session,
    *,
    platform: str,
    author_handle: str,
    actor_id: int | None,
    now: datetime | None = None,
) -> list[int]:
    """Erase every post of this author on this platform; the ids of the erased posts."""
    now = now or utcnow()
    posts = list(
        session.scalars(
            select(PublicPost)
            .where(PublicPost.platform == platform, PublicPost.author_handle == author_handle)
            .order_by(PublicPost.id)
        )
    )
    if not posts:
        raise AuthorNotFound("No public post of this author is recorded on this platform.")
    ids = [post.id for post in posts]
    for post in posts:
        erase_post(session, post=post, actor_id=actor_id, now=now)
    return ids


def apply_retention(session: Session, *, retention_days: int, now: datetime | None = None) -> int:
    """Erase posts resolved more than ``retention_days`` ago; how many."""
    now = now or utcnow()
    cutoff = now - timedelta(days=retention_days)
    query = (
        select(PublicPost)
        .where(
            PublicPost.status == str(PostStatus.RESOLVED),
            PublicPost.resolved_at < cutoff,
            PublicPost.author_handle != ERASED,
        )
        .order_by(PublicPost.id)
        .with_for_update(skip_locked=True)
    )
    posts = list(session.scalars(query))
    for post in posts:
        erase_post(session, post=post, actor_id=None, now=now)
    return len(posts)
