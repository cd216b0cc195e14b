"""A human voice in public: the 5P draft unedited, or a copy of another public reply of the last
30 days, is refused (409 ``reply_reads_as_template``) until edited or confirmed; the page keeps
the typed text and offers the confirmation; the handler's name (or the team's signature from the
playbook) closes every reply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy.orm import Session

from calmdesk.languages import Language
from calmdesk.playbook.load import default_playbook
from calmdesk.social import service, voice
from calmdesk.social.enums import Platform
from calmdesk.social.errors import ReplyReadsAsTemplate
from calmdesk.social.schemas import PostCreate, ReplyCreate
from calmdesk.users.models import User
from tests.conftest import LoginHelper, TokenGetter
from tests.social.test_api import create


def reply(client: TestClient, post: dict[str, Any], **body: Any) -> Any:
    return client.post(f"/api/social/posts/{post['id']}/replies", json=body)


@pytest.mark.parametrize("lang", ["pl", "ru", "en"])
def test_the_draft_unedited_is_flagged_until_confirmed_and_the_confirmation_is_recorded(
    client: TestClient, login: LoginHelper, lang: str
) -> None:
    login(client, "handler")
    post = create(client, lang)
    draft = client.get(f"/api/social/posts/{post['id']}/draft").json()["text"]
    refused = reply(client, post, text=draft)
    assert refused.status_code == 409
    assert refused.json()["code"] == "reply_reads_as_template"
    assert refused.json()["reason"] == "unedited_draft"
    assert client.get(f"/api/social/posts/{post['id']}").json()["status"] == "new"
    # another variant's wording is the draft too
    other = client.get(f"/api/social/posts/{post['id']}/draft", params={"variant": 3}).json()
    assert reply(client, post, text=other["text"]).status_code == 409
    done = reply(client, post, text=draft, confirm_template=True)
    assert done.status_code == 200, done.text
    [event] = [e for e in done.json()["events"] if e["kind"] == "replied"]
    assert event["data"]["template_confirmed"]["reason"] == "unedited_draft"
    assert event["data"]["text"].endswith("— Helen Handler")


def test_a_draft_put_in_own_words_goes_out_signed_by_the_handler(
    client: TestClient, login: LoginHelper
) -> None:
    login(client, "handler")
    post = create(client, "pl")
    draft = client.get(f"/api/social/posts/{post['id']}/draft").json()
    first_step = draft["steps"][0]["text"]
    own = (
        f"{first_step} Sprawdziłam zamówienie 48213: zwrot 120 zł utknął w banku, dziś go "
        "ponowiłam i do piątku będzie na koncie. Proszę napisać do nas na priv numer rachunku."
    )
    done = reply(client, post, text=own)
    assert done.status_code == 200, done.text
    [event] = [e for e in done.json()["events"] if e["kind"] == "replied"]
    assert event["data"]["text"] == own + "\n— Helen Handler"
    assert "template_confirmed" not in event["data"]


def test_a_copy_of_another_recent_reply_is_flagged_naming_that_post(
    client: TestClient, login: LoginHelper
) -> None:
    login(client, "handler")
    first, second = create(client, "en"), create(client, "ru")
    text = "We are sorry about this; the refund is on its way and will reach you by Friday."
    assert reply(client, first, text=text).status_code == 200
    near = text.replace("Friday", "Monday")  # one word changed is still the same text
    refused = reply(client, second, text=near)
    assert refused.status_code == 409
    assert refused.json()["reason"] == "same_as_recent_reply"
    assert refused.json()["other_post_id"] == first["id"]
    different = "Ivan, I checked order 5521: the courier comes back tomorrow before six."
    assert reply(client, second, text=different).status_code == 200


def test_a_reply_older_than_30_days_is_no_template(
    session: Session, users: dict[str, User]
) -> None:
    playbook = default_playbook("en")
    start = datetime(2026, 10, 1, 9, tzinfo=UTC)
    posts = [
        service.register_post(
            session,
            post_in=PostCreate(platform=Platform.X, author_handle=f"@p{i}", text=text, lang="en"),
            actor=None,
            playbook=playbook,
            now=start,
        )
        for i, text in enumerate(["My parcel is lost.", "My parcel is lost too."])
    ]
    text = ReplyCreate(text="Sorry, we are looking for your parcel with the courier right now.")
    handler = users["handler"]
    service.reply(session, post=posts[0], reply_in=text, actor=handler, now=start)
    with pytest.raises(ReplyReadsAsTemplate):
        later = start + timedelta(days=29)
        service.reply(session, post=posts[1], reply_in=text, actor=handler, now=later)
    much_later = start + timedelta(days=31)
    service.reply(session, post=posts[1], reply_in=text, actor=handler, now=much_later)


def test_the_team_signature_from_the_playbook_closes_the_reply_instead_of_the_name() -> None:
    base = default_playbook("pl")
    team = {"pl": "Zespół CalmDesk", "ru": "Команда CalmDesk", "en": "The CalmDesk team"}
    playbook = base.model_copy(
        update={"public": base.public.model_copy(update={"signature": team})}
    )
    handler = User(username="h", display_name="Helen Handler")
    assert voice.signature_for(playbook, handler, "ru") == "Команда CalmDesk"
    assert voice.signature_for(base, handler, "ru") == "— Helen Handler"
    signed = voice.signed("Dziękujemy.", "Zespół CalmDesk")
    assert signed == "Dziękujemy.\nZespół CalmDesk"
    assert voice.signed(signed, "Zespół CalmDesk") == signed  # typed already: not twice


@pytest.mark.parametrize(
    ("lang", "warning", "confirm"),
    [
        ("pl", "wklejony szablon", "Opublikuj bez zmian"),
        ("ru", "вставленный шаблон", "Опубликовать как есть"),
        ("en", "pasted template", "Publish it as it is"),
    ],
)
def test_the_page_warns_keeps_the_typed_text_and_publishes_on_confirmation(
    client: TestClient,
    login: LoginHelper,
    csrf_token: TokenGetter,
    session: Session,
    users: dict[str, User],
    lang: str,
    warning: str,
    confirm: str,
) -> None:
    users["handler"].language = Language(lang)
    session.commit()
    login(client, "handler")
    post = create(client, "pl")
    draft = client.get(f"/api/social/posts/{post['id']}/draft").json()["text"]
    token = csrf_token(client, f"/social/{post['id']}")
    form = {"text": draft, "csrf_token": token}
    page = client.post(f"/social/{post['id']}/reply", data=form, follow_redirects=False)
    assert page.status_code == 409
    assert warning in page.text and confirm in page.text
    assert 'data-testid="template-warning"' in page.text
    assert str(escape(draft)) in page.text  # the typed text is kept
    form["confirm_template"] = "on"
    done = client.post(f"/social/{post['id']}/reply", data=form, follow_redirects=False)
    assert done.status_code == 303
    assert client.get(f"/api/social/posts/{post['id']}").json()["status"] == "answered"
