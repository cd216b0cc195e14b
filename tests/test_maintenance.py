"""The background worker's step covers every domain: cases, public posts and contacts."""

from __future__ import annotations

from datetime import UTC, timedelta

from sqlalchemy.orm import Session, sessionmaker

from calmdesk import maintenance
from calmdesk.live.coaching import ConversationCache
from calmdesk.playbook.load import default_playbook
from calmdesk.social import service as social_service
from calmdesk.social.schemas import PostCreate
from calmdesk.users.models import User
from tests.cases.conftest import intake_at
from tests.live.test_privacy import ended_contact
from tests.social.test_service import MONDAY_NOON


def test_one_step_flags_cases_and_posts_and_erases_old_contacts(
    session: Session, session_factory: sessionmaker[Session], users: dict[str, User]
) -> None:
    playbook = default_playbook("pl")
    start = MONDAY_NOON.astimezone(UTC)
    case = intake_at(
        session,
        start,
        playbook,
        customer_contact="ola@example.pl",
        description="Paczka nie dotarła.",
        category="delivery_delay",
    )
    post = social_service.register_post(
        session,
        post_in=PostCreate(platform="facebook", author_handle="@ola", text="Gdzie moja paczka?"),
        actor=users["handler"],
        playbook=playbook,
        now=start,
    )
    contact = ended_contact(session, users["agent"], ConversationCache())
    contact.ended_at = start - timedelta(days=400)
    session.commit()

    later = start + timedelta(days=40)
    report = maintenance.run_once(session_factory, now=later, retention_days=365)
    session.expire_all()

    assert any(case_id == case.id for case_id, _, _ in report.cases.recorded)
    assert report.posts_flagged == 1 and post.sla_breached_at == later
    assert report.contacts_erased == 1 and contact.erased_at is not None
    assert report.anything_done

    again = maintenance.run_once(session_factory, now=later, retention_days=365)
    assert not again.anything_done
