"""An author's personal data is erasable from public posts; the posts themselves stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from calmdesk.playbook.load import default_playbook
from calmdesk.social import privacy, service
from calmdesk.social.enums import Platform
from calmdesk.social.schemas import PostCreate, PromiseCreate, ReplyCreate
from calmdesk.users.models import User
from tests.conftest import LoginHelper

NOON = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)


def test_erasing_an_author_keeps_the_post_and_its_history_without_their_words(
    session: Session, users: dict[str, User]
) -> None:
    playbook = default_playbook("pl")
    post = service.register_post(
        session,
        post_in=PostCreate(
            platform=Platform.FACEBOOK,
            author_handle="@jan.kowalski",
            text="Jan Kowalski, tel. 601 234 567: gdzie mój zwrot 120 zł?",
            url="https://facebook.com/p/1",
        ),
        actor=users["handler"],
        playbook=playbook,
        now=NOON,
    )
    service.reply(
        session,
        post=post,
        reply_in=ReplyCreate(text="Panie Janie, sprawdzamy."),
        actor=None,
        now=NOON,
    )
    service.make_promise(
        session,
        post=post,
        promise_in=PromiseCreate(text="Oddzwonić do Jana", due_at=NOON + timedelta(days=1)),
        actor=None,
        now=NOON,
    )
    erased = privacy.erase_author(
        session, platform="facebook", author_handle="@jan.kowalski", actor_id=users["admin"].id
    )
    assert erased == [post.id]
    stored = service.get_or_raise(session, post_id=post.id)
    assert (stored.author_handle, stored.text, stored.url) == ("[erased]", "[erased]", None)
    events = service.events_of(session, post_id=post.id)
    assert [e.kind for e in events] == [
        "registered",
        "replied",
        "promise_made",
        "personal_data_erased",
    ]
    assert all("text" not in e.data for e in events)
    assert [p.text for p in service.promises_of(session, post_id=post.id)] == ["[erased]"]
    assert stored.first_response_due is not None


def test_only_an_admin_erases_over_the_api(client: TestClient, login: LoginHelper) -> None:
    login(client, "handler")
    body = {"platform": "x", "author_handle": "@who", "text": "Gdzie moja paczka 5521?"}
    post = client.post("/api/social/posts", json=body).json()
    erase = {"platform": "x", "author_handle": "@who"}
    assert client.post("/api/social/authors/erase", json=erase).status_code == 403
    login(client, "admin")
    response = client.post("/api/social/authors/erase", json=erase)
    assert response.status_code == 200, response.text
    assert response.json() == {"erased_posts": [post["id"]]}
    again = client.post("/api/social/authors/erase", json=erase)
    assert again.json()["code"] == "social_author_not_found"


def test_retention_erases_posts_resolved_long_ago_only(
    session: Session, users: dict[str, User]
) -> None:
    playbook = default_playbook("en")

    def post(handle: str) -> int:
        created = service.register_post(
            session,
            post_in=PostCreate(platform=Platform.X, author_handle=handle, text="Order 7731 lost."),
            actor=None,
            playbook=playbook,
            now=NOON,
        )
        return created.id

    old, open_one = post("@old"), post("@open")
    done = ReplyCreate(text="Sorted, thank you.", resolves=True)
    resolved = service.get_or_raise(session, post_id=old)
    service.reply(session, post=resolved, reply_in=done, actor=None, now=NOON)
    assert privacy.apply_retention(session, retention_days=30, now=NOON + timedelta(days=29)) == 0
    assert privacy.apply_retention(session, retention_days=30, now=NOON + timedelta(days=31)) == 1
    assert service.get_or_raise(session, post_id=old).author_handle == "[erased]"
    assert service.get_or_raise(session, post_id=open_one).author_handle == "@open"
