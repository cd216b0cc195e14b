"""The users service on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.errors import InvalidInput
from calmdesk.languages import Language
from calmdesk.users import service
from calmdesk.users.errors import (
    AccountDisabled,
    LastAdmin,
    TokenNotFound,
    UsernameTaken,
    UserNotFound,
)
from calmdesk.users.models import ApiToken, Role, User
from calmdesk.users.schemas import MeUpdate, UserCreate, UserUpdate
from calmdesk.users.tokens import TOKEN_PREFIX, token_digest
from tests.conftest import PASSWORDS


def make(session: Session, username: str = "olga", **overrides: object) -> User:
    fields: dict[str, object] = {"username": username, "password": "olga-password-1"}
    fields.update(overrides)
    return service.create(session, user_in=UserCreate.model_validate(fields))


def test_it_creates_a_user_with_an_argon2_hash_never_the_password(session: Session) -> None:
    user = make(session, role=Role.HANDLER, language=Language.RU, display_name="Ольга")
    session.commit()
    stored = service.get_or_raise(session, user_id=user.id)
    assert stored.role is Role.HANDLER
    assert stored.language is Language.RU
    assert stored.display_name == "Ольга"
    assert stored.password_hash.startswith("$argon2")
    assert "olga-password-1" not in stored.password_hash
    assert stored.created_at.tzinfo is not None


def test_usernames_are_case_insensitive_and_unique(session: Session) -> None:
    make(session, "Olga")
    assert service.get_by_username(session, username="OLGA") is not None
    with pytest.raises(UsernameTaken) as caught:
        make(session, "olga")
    assert caught.value.code == "username_taken"
    assert caught.value.http_status == 409


def test_the_display_name_defaults_to_the_username(session: Session) -> None:
    assert make(session, "piotr").display_name == "piotr"


@pytest.mark.parametrize("password", ["short", "       ", "x" * 257])
def test_the_password_policy_refuses_weak_passwords(session: Session, password: str) -> None:
    user = make(session)
    with pytest.raises(InvalidInput) as caught:
        service.set_password(session, user=user, password=password)
    assert caught.value.code == "weak_password"
    assert password not in caught.value.message


def test_authenticate_accepts_the_right_password_only(
    session: Session, users: dict[str, User]
) -> None:
    agent = service.authenticate(session, username="agent", password=PASSWORDS["agent"])
    assert agent is not None
    assert agent.id == users["agent"].id
    assert service.authenticate(session, username="agent", password="wrong-password") is None
    assert service.authenticate(session, username="nobody", password="whatever-pw") is None


def test_a_disabled_user_cannot_authenticate(session: Session, users: dict[str, User]) -> None:
    service.set_active(session, user=users["handler"], is_active=False)
    with pytest.raises(AccountDisabled):
        service.authenticate(session, username="handler", password=PASSWORDS["handler"])
    # A wrong password does not reveal that the account exists and is disabled.
    assert service.authenticate(session, username="handler", password="wrong-password") is None


def test_set_password_changes_which_password_works(
    session: Session, users: dict[str, User]
) -> None:
    service.set_password(session, user=users["agent"], password="brand-new-password")
    assert service.authenticate(session, username="agent", password=PASSWORDS["agent"]) is None
    assert service.authenticate(session, username="agent", password="brand-new-password")


def test_the_last_active_admin_cannot_be_demoted_or_disabled(
    session: Session, users: dict[str, User]
) -> None:
    admin = users["admin"]
    with pytest.raises(LastAdmin):
        service.set_role(session, user=admin, role=Role.AGENT)
    with pytest.raises(LastAdmin):
        service.set_active(session, user=admin, is_active=False)
    service.set_role(session, user=users["supervisor"], role=Role.ADMIN)
    service.set_role(session, user=admin, role=Role.AGENT)
    assert admin.role is Role.AGENT


def test_update_applies_only_the_given_fields(session: Session, users: dict[str, User]) -> None:
    handler = users["handler"]
    service.update(session, user=handler, user_in=UserUpdate(language=Language.PL))
    assert handler.language is Language.PL
    assert handler.display_name == "Helen Handler"
    assert handler.role is Role.HANDLER


def test_list_filters_by_role_and_activity(session: Session, users: dict[str, User]) -> None:
    service.set_active(session, user=users["agent"], is_active=False)
    assert [u.username for u in service.list_(session)] == sorted(users)
    assert [u.username for u in service.list_(session, role=Role.AGENT)] == ["agent"]
    assert "agent" not in [u.username for u in service.list_(session, active_only=True)]


def test_get_or_raise_names_the_missing_user(session: Session) -> None:
    with pytest.raises(UserNotFound) as caught:
        service.get_or_raise(session, user_id=424242)
    assert caught.value.code == "user_not_found"
    assert caught.value.fields == {"user_id": 424242}


def test_a_token_is_stored_only_as_its_sha256(session: Session, users: dict[str, User]) -> None:
    plain = service.issue_token(session, user=users["agent"], name="telephony")
    assert plain.startswith(TOKEN_PREFIX)
    stored = session.scalars(select(ApiToken)).one()
    assert stored.token_hash == token_digest(plain)
    assert plain not in stored.token_hash
    assert stored.name == "telephony"


def test_a_token_finds_its_user_and_records_when_it_was_used(
    session: Session, users: dict[str, User]
) -> None:
    api_token, plain = service.create_token(session, user=users["agent"], name="chat")
    assert api_token.last_used_at is None
    assert service.user_for_token(session, token=plain) is users["agent"]
    first_use = api_token.last_used_at
    assert first_use is not None
    # Within the precision window a second use does not write again.
    assert service.user_for_token(session, token=plain) is users["agent"]
    assert api_token.last_used_at == first_use
    api_token.last_used_at = first_use - service.LAST_USED_PRECISION - timedelta(seconds=1)
    service.user_for_token(session, token=plain)
    assert api_token.last_used_at > first_use - service.LAST_USED_PRECISION


def test_a_wrong_revoked_or_disabled_users_token_finds_nobody(
    session: Session, users: dict[str, User]
) -> None:
    api_token, plain = service.create_token(session, user=users["agent"], name="chat")
    assert service.user_for_token(session, token=plain + "x") is None
    service.set_active(session, user=users["agent"], is_active=False)
    assert service.user_for_token(session, token=plain) is None
    service.set_active(session, user=users["agent"], is_active=True)
    service.revoke_token(session, user=users["agent"], token_id=api_token.id)
    assert service.user_for_token(session, token=plain) is None


def test_a_token_cannot_be_revoked_through_another_user(
    session: Session, users: dict[str, User]
) -> None:
    api_token, _ = service.create_token(session, user=users["agent"], name="chat")
    with pytest.raises(TokenNotFound):
        service.revoke_token(session, user=users["handler"], token_id=api_token.id)


def test_update_me_changes_only_name_and_language(session: Session, users: dict[str, User]) -> None:
    agent = users["agent"]
    service.update_me(session, user=agent, me_in=MeUpdate(language=Language.RU))
    assert agent.language is Language.RU
    assert agent.display_name == "Anna Agent"
    service.update_me(session, user=agent, me_in=MeUpdate(display_name="Anna N."))
    assert (agent.display_name, agent.language, agent.role) == ("Anna N.", Language.RU, Role.AGENT)


@pytest.mark.parametrize("user_id", [0, -1, 2**31, 2**63 + 1])
def test_an_id_no_column_can_hold_is_nobody_not_an_overflow(session: Session, user_id: int) -> None:
    assert service.get(session, user_id=user_id) is None
    with pytest.raises(UserNotFound):
        service.get_or_raise(session, user_id=user_id)


def test_erase_removes_the_name_login_and_tokens_but_keeps_the_row(
    session: Session, users: dict[str, User]
) -> None:
    agent = users["agent"]
    plain = service.issue_token(session, user=agent, name="chat")
    service.erase(session, user=agent)
    session.commit()
    assert agent.username == f"erased-{agent.id}"
    assert "Anna" not in agent.display_name
    assert not agent.is_active
    assert service.get_by_username(session, username="agent") is None
    assert service.user_for_token(session, token=plain) is None
    assert session.scalars(select(ApiToken)).all() == []
    assert service.get(session, user_id=agent.id) is agent


def test_the_last_admin_cannot_be_erased(session: Session, users: dict[str, User]) -> None:
    with pytest.raises(LastAdmin):
        service.erase(session, user=users["admin"])
    assert users["admin"].username == "admin"
