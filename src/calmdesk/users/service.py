"""Accounts, passwords and API tokens. Keyword-only verbs, session first."""

from __future__ import annotations

import math
import secrets
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from calmdesk.storage.db import begin_read, begin_write
from calmdesk.storage.types import utcnow
from calmdesk.users import throttle
from calmdesk.users.errors import (
    AccountDisabled,
    LastAdmin,
    PasswordHashingBusy,
    TokenNotFound,
    TooManyAttempts,
    UsernameTaken,
    UserNotFound,
)
from calmdesk.users.models import ApiToken, Role, User
from calmdesk.users.passwords import burn_verification_time, hash_password, verify_password
from calmdesk.users.schemas import MeUpdate, UserCreate, UserUpdate
from calmdesk.users.sessions import end_all_sessions
from calmdesk.users.throttle import DEFAULT_LIMITS, LoginLimits, Policy
from calmdesk.users.tokens import new_token, token_digest

LAST_USED_PRECISION = timedelta(minutes=1)
"""``last_used_at`` is refreshed at most this often, so a busy integration does not write on
every request."""


MAX_ID = 2**31 - 1


def get(session: Session, *, user_id: int) -> User | None:
    if not 1 <= user_id <= MAX_ID:  # an id the column cannot hold: nobody, not an overflow
        return None
    return session.get(User, user_id)


def get_or_raise(session: Session, *, user_id: int) -> User:
    user = get(session, user_id=user_id)
    if user is None:
        raise UserNotFound(f"There is no user with id {user_id}.", user_id=user_id)
    return user


def get_by_username(session: Session, *, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username.strip().lower())).first()


def get_by_username_or_raise(session: Session, *, username: str) -> User:
    user = get_by_username(session, username=username)
    if user is None:
        raise UserNotFound(f"There is no user named {username!r}.", username=username)
    return user


def list_(
    session: Session, *, role: Role | None = None, active_only: bool = False
) -> Sequence[User]:
    query = select(User).order_by(User.username)
    if role is not None:
        query = query.where(User.role == role)
    if active_only:
        query = query.where(User.is_active.is_(True))
    return session.scalars(query).all()


def create(session: Session, *, user_in: UserCreate) -> User:
    """Create an account; the password is checked against the policy and hashed (argon2)."""
    if get_by_username(session, username=user_in.username) is not None:
        raise _taken(user_in.username)
    user = User(
        username=user_in.username,
        display_name=user_in.display_name or user_in.username,
        role=user_in.role,
        password_hash=hash_password(user_in.password),
        language=user_in.language,
        is_active=True,
    )
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError as error:  # created by someone else since the check above
        raise _taken(user_in.username) from error
    return user


def update(session: Session, *, user: User, user_in: UserUpdate) -> User:
    """Apply an admin's change; refuses to demote or disable the last active admin."""
    if user_in.role is not None:
        set_role(session, user=user, role=user_in.role)
    if user_in.is_active is not None:
        set_active(session, user=user, is_active=user_in.is_active)
    if user_in.display_name is not None:
        user.display_name = user_in.display_name
    if user_in.language is not None:
        user.language = user_in.language
    if user_in.password is not None:
        set_password(session, user=user, password=user_in.password)
    session.flush()
    return user


def update_me(session: Session, *, user: User, me_in: MeUpdate) -> User:
    """Apply what a person may change on their own account: display name and language."""
    if me_in.display_name is not None:
        user.display_name = me_in.display_name
    if me_in.language is not None:
        user.language = me_in.language
    session.flush()
    return user


def set_role(session: Session, *, user: User, role: Role) -> User:
    if user.role == Role.ADMIN and role != Role.ADMIN:
        _keep_an_admin(session, leaving=user)
    user.role = role
    session.flush()
    return user


def set_active(session: Session, *, user: User, is_active: bool) -> User:
    """Disable or re-enable an account. A disabled account cannot log in or use its tokens."""
    if not is_active and user.role == Role.ADMIN:
        _keep_an_admin(session, leaving=user)
    user.is_active = is_active
    if not is_active:
        end_all_sessions(session, user=user)
    session.flush()
    return user


def set_password(session: Session, *, user: User, password: str) -> User:
    """Change the password; this also ends every session of the user."""
    user.password_hash = hash_password(password)
    end_all_sessions(session, user=user)
    session.flush()
    return user


def erase(session: Session, *, user: User) -> User:
    """Erase a former colleague's personal data but keep the row, so case and contact history
    still say "#<id> did this": the name becomes ``erased-<id>``, the password unusable, the
    account disabled and its tokens revoked. Cannot be undone."""
    set_active(session, user=user, is_active=False)
    user.username = f"erased-{user.id}"
    user.display_name = f"#{user.id}"
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    for api_token in list(user.tokens):
        session.delete(api_token)
    session.flush()
    return user


def authenticate(
    session: Session,
    *,
    username: str,
    password: str,
    client_address: str | None = None,
    limits: LoginLimits = DEFAULT_LIMITS,
) -> User | None:
    """The user whose password this is, or ``None``.

    - The attempt is counted first, on the name and on ``client_address``, in one short write
      transaction committed before argon2 runs (:mod:`calmdesk.users.throttle`); when either
      must still wait, :class:`TooManyAttempts` is raised and the password is not verified. A
      key already known to be waiting is refused after a read, with no write at all.
    - An unknown username is counted like any other and costs the same hashing time as a wrong
      password, so timing does not reveal which usernames exist. Hashing waits for one of the
      process's argon2 slots (:class:`PasswordHashingBusy` when none frees up in time; the
      attempt is then given back).
    - Raises :class:`AccountDisabled` when the password is right but the account is disabled
      (said only to someone who knows the password).
    - A successful login clears the name's count and gives the address its attempt back.
    """
    keys = [(throttle.name_key(username), limits.per_name)]
    if client_address:
        keys.append((throttle.address_key(client_address), limits.per_address))
    at = throttle.now()
    begin_read(session)
    waits = [throttle.still_waiting(session, key=key, policy=policy, at=at) for key, policy in keys]
    session.commit()
    if (longest := max(waits)) > 0:
        raise TooManyAttempts(_try_again_in(longest), retry_after_seconds=math.ceil(longest))
    begin_write(session)
    for key, policy in keys:
        wait = throttle.claim(session, key=key, policy=policy, at=at)
        if wait > 0:
            session.rollback()  # the other key's attempt is not counted either
            raise TooManyAttempts(_try_again_in(wait), retry_after_seconds=math.ceil(wait))
    session.commit()
    begin_read(session)  # argon2 runs outside any write transaction
    try:
        user = get_by_username(session, username=username)
        session.commit()
        if user is None:
            burn_verification_time(password)
            return None
        if not verify_password(password, user.password_hash):
            return None
    except PasswordHashingBusy:
        _give_back(session, keys, at)
        raise
    if not user.is_active:
        raise AccountDisabled("This account is disabled; ask an administrator.")
    begin_write(session)
    throttle.clear(session, key=keys[0][0])
    _give_back(session, keys[1:], at)
    return user


def _try_again_in(wait: float) -> str:
    return f"Too many login attempts; try again in {math.ceil(wait)} s."


def _give_back(session: Session, keys: list[tuple[str, Policy]], claimed_at: float) -> None:
    begin_write(session)
    for key, _ in keys:
        throttle.give_back(session, key=key, claimed_at=claimed_at)
    session.commit()


def issue_token(session: Session, *, user: User, name: str) -> str:
    """Create an API token for ``user`` and return it in plain text: the only time it is shown."""
    return create_token(session, user=user, name=name)[1]


def create_token(session: Session, *, user: User, name: str) -> tuple[ApiToken, str]:
    """Like :func:`issue_token`, also returning the stored row (id, name, created_at)."""
    token = new_token()
    api_token = ApiToken(user_id=user.id, name=name.strip(), token_hash=token_digest(token))
    session.add(api_token)
    session.flush()
    return api_token, token


def list_tokens(session: Session, *, user: User) -> Sequence[ApiToken]:
    return session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    ).all()


def revoke_token(session: Session, *, user: User, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise TokenNotFound(f"{user.username} has no token with id {token_id}.", token_id=token_id)
    session.delete(token)
    session.flush()


def user_for_token(session: Session, *, token: str) -> User | None:
    """The active user holding ``token`` (refreshing its ``last_used_at``), or ``None``."""
    api_token = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == token_digest(token))
    ).first()
    if api_token is None or not api_token.user.is_active:
        return None
    now = utcnow()
    if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_PRECISION:
        # A reading session (a GET, a live turn) gets its write transaction only now, and
        # re-reads the token inside it: what it read so far is committed.
        token_id = api_token.id
        begin_write(session)
        refreshed = session.get(ApiToken, token_id, populate_existing=True)
        if refreshed is None or not refreshed.user.is_active:  # revoked meanwhile
            return None
        refreshed.last_used_at = now
        session.flush()
        return refreshed.user
    return api_token.user


def _keep_an_admin(session: Session, *, leaving: User) -> None:
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN, User.is_active.is_(True), User.id != leaving.id)
    )
    if not others:
        raise LastAdmin("This is the last active administrator; make someone else an admin first.")


def _taken(username: str) -> UsernameTaken:
    return UsernameTaken(f"The username {username!r} is already taken.", username=username)
