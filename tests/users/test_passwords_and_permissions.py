"""The password policy and hashing, the role table, role labels and the production secret."""

from __future__ import annotations

import os
import sys
import threading

import pytest
from pydantic import ValidationError

from calmdesk.errors import PermissionDenied
from calmdesk.settings import DEV_SECRET_KEY, Settings
from calmdesk.users import passwords
from calmdesk.users.labels import ROLE_DESCRIPTIONS, ROLE_LABELS, role_label
from calmdesk.users.models import Role, User
from calmdesk.users.passwords import (
    MIN_PASSWORD_LENGTH,
    check_policy,
    make_hasher,
    verify_password,
)
from calmdesk.users.permissions import Permission, can, ensure, permissions_of, roles_with


def test_production_hashes_are_argon2id_with_a_real_cost() -> None:
    hashed = make_hasher().hash("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert "m=65536,t=3,p=4" in hashed
    assert verify_password("correct horse battery", hashed)
    assert not verify_password("correct horse battery!", hashed)


def test_a_malformed_stored_hash_is_a_refusal_not_a_crash() -> None:
    assert not verify_password("anything-long", "not-a-hash")


def test_the_policy_accepts_exactly_the_minimum_length() -> None:
    check_policy("x" * MIN_PASSWORD_LENGTH)


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(ValidationError, match="CALMDESK_SECRET_KEY"):
        Settings(env="production", secret_key=DEV_SECRET_KEY)


def test_production_refuses_the_development_secret_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CALMDESK_ENV", "production")
    monkeypatch.delenv("CALMDESK_SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="CALMDESK_SECRET_KEY"):
        Settings()
    monkeypatch.setenv("CALMDESK_SECRET_KEY", "a-long-random-secret-from-the-vault")
    assert Settings().secure_cookies


def _user(role: Role, *, active: bool = True) -> User:
    return User(username=role.value, display_name=role.value, role=role, is_active=active)


@pytest.mark.parametrize(
    ("role", "granted", "refused"),
    [
        (Role.AGENT, Permission.WORK_CONTACTS, Permission.VIEW_ALL_CASES),
        (Role.AGENT, Permission.PROPOSE_COMPENSATION, Permission.APPROVE_COMPENSATION),
        (Role.HANDLER, Permission.VIEW_ALL_CASES, Permission.VIEW_BOARD),
        (Role.SUPERVISOR, Permission.APPROVE_COMPENSATION, Permission.MANAGE_USERS),
        (Role.SUPERVISOR, Permission.VIEW_BOARD, Permission.EDIT_PLAYBOOK),
        (Role.ADMIN, Permission.MANAGE_USERS, Permission.VIEW_ALL_CASES),
        (Role.ADMIN, Permission.EDIT_PLAYBOOK, Permission.WORK_CONTACTS),
        (Role.ADMIN, Permission.ERASE_PERSONAL_DATA, Permission.APPROVE_COMPENSATION),
        (Role.HANDLER, Permission.EXPORT_PERSONAL_DATA, Permission.ERASE_PERSONAL_DATA),
        (Role.AGENT, Permission.WORK_CASES, Permission.EXPORT_PERSONAL_DATA),
    ],
)
def test_the_role_table_grants_and_refuses(
    role: Role, granted: Permission, refused: Permission
) -> None:
    user = _user(role)
    assert can(user, granted)
    assert not can(user, refused)
    ensure(user, granted)
    with pytest.raises(PermissionDenied) as caught:
        ensure(user, refused)
    assert caught.value.fields == {"permission": refused.value}


def test_every_permission_belongs_to_some_role() -> None:
    for permission in Permission:
        assert roles_with(permission), permission


def test_only_supervisors_approve_compensation() -> None:
    assert roles_with(Permission.APPROVE_COMPENSATION) == (Role.SUPERVISOR,)


def test_only_admins_erase_personal_data() -> None:
    assert roles_with(Permission.ERASE_PERSONAL_DATA) == (Role.ADMIN,)


def test_a_disabled_user_may_do_nothing() -> None:
    user = _user(Role.SUPERVISOR, active=False)
    assert not any(can(user, p) for p in permissions_of(Role.SUPERVISOR))


def test_every_role_has_a_label_and_description_in_each_language() -> None:
    for role in Role:
        for lang in ("pl", "ru", "en"):
            assert ROLE_LABELS[role][lang].strip()
            assert ROLE_DESCRIPTIONS[role][lang].strip()


def test_an_unknown_language_falls_back_to_english() -> None:
    assert role_label(Role.HANDLER, "de") == "Complaint handler"
    assert role_label(Role.HANDLER, "pl") == "Obsługa reklamacji"


@pytest.mark.skipif(sys.platform != "linux", reason="thread priorities are set on Linux only")
def test_argon2_runs_on_threads_of_lower_priority_than_the_live_lines() -> None:
    def niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    here = niceness()
    passwords.configure_hashing(concurrency=2, wait_seconds=5.0, nice=min(here + 7, 19))
    try:
        assert passwords.hashing_call(niceness) == min(here + 7, 19)
        assert niceness() == here  # the caller's own thread keeps its priority
        hashed = passwords.hash_password("a long enough password")
        assert passwords.verify_password("a long enough password", hashed)
    finally:
        passwords.configure_hashing(concurrency=4, wait_seconds=5.0, nice=10)


def test_an_unknown_name_waits_as_long_as_a_verification_without_hashing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hashed = passwords.make_hasher().hash("the right password")
    assert not passwords.verify_password("a wrong password", hashed)  # measured
    typical = passwords.VERIFICATION_TIME.seconds()
    assert typical > 0
    slept: list[float] = []
    monkeypatch.setattr("calmdesk.users.passwords.time.sleep", slept.append)
    monkeypatch.setattr(passwords, "_hasher", lambda: pytest.fail("no argon2 for an unknown name"))
    passwords.burn_verification_time("whatever was typed")
    assert slept == [typical]


def test_the_verification_time_follows_the_recent_verifications() -> None:
    clock = passwords.VerificationTime()
    clock.note(0.1)
    assert clock.seconds() == pytest.approx(0.1)
    for _ in range(30):
        clock.note(0.5)  # the machine got busier
    assert clock.seconds() == pytest.approx(0.5, rel=0.01)
