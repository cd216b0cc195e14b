"""The demo's public posts: one per language, one with a promise not kept on time."""

from __future__ import annotations

from sqlalchemy.orm import Session

from calmdesk.playbook.load import default_playbook
from calmdesk.social import demo, service
from calmdesk.social.schemas import PostFilters
from calmdesk.users.models import User


def test_the_demo_posts_cover_three_languages_and_an_unkept_promise(
    session: Session, users: dict[str, User]
) -> None:
    posts = demo.add_posts(session, playbook=default_playbook("pl"), responder=users["handler"])
    assert {p.lang for p in posts} == {"pl", "ru", "en"}
    assert {p.status for p in posts} == {"new", "answered", "resolved"}
    late = service.list_(session, filters=PostFilters(promise_overdue=True))
    assert [p.author_handle for p in late.items] == ["@d_smirnov"]
    overdue = service.list_(session, filters=PostFilters(overdue=True))
    assert "@ola.nowicka" in {p.author_handle for p in overdue.items}
