"""Erase what identifies or describes the author of public posts, keeping the post row, its
clock, status and event kinds (for statistics and so nothing looks deleted).

Event and promise texts are the one rewrite of those rows, done with Core statements.
Retention: posts resolved more than ``retention_days`` ago are erased the same way.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from calmdesk.errors import NotFound
from calmdesk.social.enums import PostEventKind, PostStatus
from calmdesk.social.models import PostEvent, Promise, PublicPost
from calmdesk.social.service import record
from calmdesk.storage.types import utcnow

ERASED = "[erased]"


class AuthorNotFound(NotFound):
    code = "social_author_not_found"


def erase_post(session: Session, *, post: PublicPost, actor_id: int | None, now: datetime) -> None:
    if post.author_handle == ERASED:
        return
    post.author_handle = ERASED
    post.text = ERASED
    post.url = None
    for event in session.scalars(select(PostEvent).where(PostEvent.post_id == post.id)):
        if "text" in event.data or "note" in event.data:
            scrubbed = {k: v for k, v in event.data.items() if k not in ("text", "note")}
            session.execute(update(PostEvent).where(PostEvent.id == event.id).values(data=scrubbed))
    session.execute(update(Promise).where(Promise.post_id == post.id).values(text=ERASED))
    record(session, post=post, kind=PostEventKind.PERSONAL_DATA_ERASED, actor_id=actor_id, at=now)
    session.flush()
    session.expire_all()


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
