"""Apply a connector's changes to the posts: one post per platform id, never deleted.

* new: registered like a typed-in post (its clock starts when it arrived);
* the same again (a retried webhook): nothing changes;
* another text (an edit on the platform): the post takes the new text and the history keeps the
  earlier one (``edited_on_platform`` with ``previous_text``);
* deleted on the platform: ``deleted_on_platform_at`` and an event; the post and its text stay.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.playbook.schema import Playbook
from calmdesk.social import service
from calmdesk.social.connectors import PayloadInvalid, PostChange
from calmdesk.social.enums import Platform, PostEventKind
from calmdesk.social.errors import InvalidSocialInput
from calmdesk.social.models import PostKey, PublicPost
from calmdesk.social.schemas import PostCreate
from calmdesk.storage.types import utcnow


def find(session: Session, platform: str, external_id: str) -> PublicPost | None:
    query = select(PublicPost).where(
        PublicPost.platform == platform, PublicPost.external_id == external_id
    )
    return session.scalars(query).first()


def apply_changes(
    session: Session,
    *,
    changes: Iterable[PostChange],
    source: str,
    platform: Platform,
    playbook: Playbook,
    now: datetime | None = None,
) -> Counter[str]:
    """Apply ``changes``; the counts of ``created``, ``unchanged``, ``edited``, ``deleted`` and
    ``unknown`` (a deletion of a post never seen)."""
    now = now or utcnow()
    outcome: Counter[str] = Counter()
    for index, change in enumerate(changes):
        where = str(change.platform or platform)
        post = find(session, where, change.external_id)
        if change.kind == "deleted":
            if post is None:
                outcome["unknown"] += 1
            elif post.deleted_on_platform_at is None:
                post.deleted_on_platform_at = now
                service.record(
                    session,
                    post=post,
                    kind=PostEventKind.DELETED_ON_PLATFORM,
                    actor_id=None,
                    at=now,
                )
                outcome["deleted"] += 1
            else:
                outcome["unchanged"] += 1
            continue
        if post is None:
            _create(session, change, where, source, playbook, now, index)
            outcome["created"] += 1
        elif post.text == change.text:
            outcome["unchanged"] += 1
        else:
            _edit(session, post, change, playbook, now)
            outcome["edited"] += 1
    session.flush()
    return outcome


def _create(
    session: Session,
    change: PostChange,
    platform: str,
    source: str,
    playbook: Playbook,
    now: datetime,
    index: int,
) -> None:
    try:
        post_in = PostCreate.model_validate(
            {
                "platform": platform,
                "author_handle": change.author_handle,
                "text": change.text,
                "url": change.url,
                "lang": change.lang if change.lang in playbook.languages else None,
                "posted_at": min(change.posted_at, now) if change.posted_at else None,
            }
        )
        post = service.register_post(
            session, post_in=post_in, actor=None, playbook=playbook, now=now
        )
    except (ValueError, InvalidSocialInput) as error:
        problem = f"change {index} ({change.external_id}): {error}".splitlines()[0][:300]
        raise PayloadInvalid(f"A post could not be taken in: {problem}", problem=problem) from None
    post.source = source
    post.external_id = change.external_id


def _edit(
    session: Session, post: PublicPost, change: PostChange, playbook: Playbook, now: datetime
) -> None:
    service.record(
        session,
        post=post,
        kind=PostEventKind.EDITED_ON_PLATFORM,
        actor_id=None,
        at=now,
        data={"previous_text": post.text, "text": change.text},
    )
    post.text = change.text
    known = {k.key for k in session.scalars(select(PostKey).where(PostKey.post_id == post.id))}
    fresh = service.post_keys(post, region=playbook.calendar.country) - known
    session.add_all(PostKey(post_id=post.id, key=key) for key in sorted(fresh))
