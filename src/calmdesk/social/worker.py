"""One step of the deadline worker for public posts: a post still unanswered past its
first-response target gets a ``social_sla_breached`` event, once.

Rows are claimed with ``SELECT ... FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite ignores it and
serialises writers), so any number of workers may run this. The caller commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.settings import Settings
from calmdesk.social import privacy
from calmdesk.social.connectors import Connector
from calmdesk.social.enums import PostEventKind, PostStatus
from calmdesk.social.models import PublicPost
from calmdesk.social.service import record
from calmdesk.storage.types import utcnow

BATCH = 100


def run_once(session: Session, *, now: datetime | None = None, limit: int = BATCH) -> list[int]:
    """Flag the unanswered posts past their first-response target; their ids."""
    now = now or utcnow()
    query = (
        select(PublicPost)
        .where(
            PublicPost.status == str(PostStatus.NEW),
            PublicPost.sla_breached_at.is_(None),
            PublicPost.first_response_due <= now,
        )
        .order_by(PublicPost.first_response_due, PublicPost.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    flagged = []
    for post in session.scalars(query):
        post.sla_breached_at = now
        record(
            session,
            post=post,
            kind=PostEventKind.SLA_BREACHED,
            actor_id=None,
            at=now,
            data={"due": post.first_response_due.isoformat()},
        )
        flagged.append(post.id)
    session.flush()
    return flagged


def run_step(
    factory: sessionmaker[Session],
    *,
    now: datetime | None = None,
    retention_days: int | None = None,
) -> tuple[int, int]:
    """Every due post in batches (each its own transaction), then retention: how many posts
    were flagged and how many erased."""
    now = now or utcnow()
    flagged = 0
    while True:
        with factory() as session, session.begin():
            batch = run_once(session, now=now)
        flagged += len(batch)
        if len(batch) < BATCH:
            break
    erased = 0
    if retention_days is not None:
        with factory() as session, session.begin():
            erased = privacy.apply_retention(session, retention_days=retention_days, now=now)
    return flagged, erased


def retry_publications(
    factory: sessionmaker[Session], settings: Settings, *, now: datetime | None = None
) -> int:
    """Publish again the replies whose publication failed and whose back-off has passed (run
    beside the outbox's deliveries); how many were tried."""
    from calmdesk.social import publishing
    from calmdesk.social.connectors.views import PUBLISHING_SOURCES, connector_for

    def connector(source: str) -> Connector | None:
        return connector_for(settings, source) if source in PUBLISHING_SOURCES else None

    with factory() as session, session.begin():
        tried = publishing.retry_failed(
            session,
            connector_for=connector,
            attempts=settings.social_publish_attempts,
            now=now,
        )
    return len(tried)
