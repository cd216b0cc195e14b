"""The background worker's step covers every domain: cases, public posts and contacts."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calmdesk import maintenance
from calmdesk.live.coaching import ConversationCache
from calmdesk.playbook.load import default_playbook
from calmdesk.social import service as social_service
from calmdesk.social.schemas import PostCreate
from calmdesk.users import throttle
from calmdesk.users.models import LoginAttempts, User, WebSession
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


def test_expired_sign_ins_are_forgotten_also_of_users_who_never_come_back(
    session: Session,
    session_factory: sessionmaker[Session],
    users: dict[str, User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(throttle, "_last_cleanup", 0.0)
    now = MONDAY_NOON.astimezone(UTC)
    agent, handler = users["agent"], users["handler"]
    hour = timedelta(hours=1)
    session.add_all(
        [
            WebSession(user_id=agent.id, secret_hash="a" * 64, expires_at=now - hour),
            WebSession(user_id=handler.id, secret_hash="b" * 64, expires_at=now + hour),
            LoginAttempts(
                key="name:ghost",
                attempts=3,
                last_attempt_at=now.timestamp() - 2 * 86400,
                allowed_from=0.0,
            ),
            LoginAttempts(
                key="name:agent", attempts=1, last_attempt_at=now.timestamp() - 60, allowed_from=0.0
            ),
        ]
    )
    session.commit()

    report = maintenance.run_once(session_factory, now=now)
    session.expire_all()
    assert report.sign_ins_forgotten == 2 and report.anything_done
    assert session.scalars(select(WebSession.secret_hash)).all() == ["b" * 64]
    assert session.scalars(select(LoginAttempts.key)).all() == ["name:agent"]
    # Once an hour: the next step within the hour does not write to these tables again.
    assert (
        maintenance.run_once(session_factory, now=now + timedelta(minutes=5)).sign_ins_forgotten
        == 0
    )


def test_the_step_times_out_contacts_left_open_and_publishes_it(
    session: Session, session_factory: sessionmaker[Session], users: dict[str, User]
) -> None:
    from calmdesk.live import service as live_service
    from calmdesk.live.models import ContactStatus
    from calmdesk.storage.types import utcnow

    playbook = default_playbook("pl")
    contact = live_service.start_contact(session, agent=users["agent"], playbook=playbook)
    contact.last_line_at = utcnow() - timedelta(minutes=31)
    session.commit()
    published: list[str] = []

    report = maintenance.run_once(
        session_factory,
        playbook=playbook,
        publish=lambda outgoing: published.extend(o.message.type for o in outgoing),
    )
    session.expire_all()

    assert report.contacts_timed_out == 1 and report.anything_done
    assert contact.status == ContactStatus.ENDED
    assert contact.summary is not None and contact.summary["ended"] == "timed_out"
    assert "summary" in published and "contact_update" in published
    again = maintenance.run_once(session_factory, playbook=playbook, publish=lambda _: None)
    assert again.contacts_timed_out == 0
