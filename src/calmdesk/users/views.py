"""The auth and users API: ``/api/auth/*``, ``/api/users/me`` and admin user management."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response, status
from starlette.concurrency import run_in_threadpool

from calmdesk.api_docs import errors
from calmdesk.fields import QueryFlag
from calmdesk.users import service
from calmdesk.users.deps import (
    CurrentUser,
    SessionDep,
    SettingsDep,
    UserManager,
    check_cookie_write,
)
from calmdesk.users.errors import InvalidCredentials
from calmdesk.users.labels import role_label
from calmdesk.users.models import Role, User
from calmdesk.users.passwords import login_turn
from calmdesk.users.permissions import permissions_of
from calmdesk.users.schemas import (
    LoginIn,
    MeRead,
    MeUpdate,
    TokenCreate,
    TokenIssued,
    TokenRead,
    UserCreate,
    UserRead,
    UserUpdate,
)
from calmdesk.users.sessions import SESSION_COOKIE, end_session, start_session
from calmdesk.users.throttle import LoginLimits

# Ids are 32-bit integers in the database; a larger one is a 422, not an overflow.
UserId = Annotated[int, Path(ge=1, le=service.MAX_ID)]
TokenId = Annotated[int, Path(ge=1, le=service.MAX_ID)]

auth_router = APIRouter(prefix="/api/auth", tags=["auth"])
users_router = APIRouter(prefix="/api/users", tags=["users"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not logged in (`not_authenticated`, `invalid_token`)"},
    403: {"description": "The role does not allow this (`permission_denied`)"},
}


def me_read(user: User) -> MeRead:
    return MeRead(
        **UserRead.model_validate(user).model_dump(),
        role_label=role_label(user.role, user.language.value),
        permissions=sorted(p.value for p in permissions_of(user.role)),
    )


@auth_router.post(
    "/login",
    responses={
        401: {"description": "Wrong username or password (`invalid_credentials`)"},
        403: {"description": "The account is disabled (`account_disabled`)"},
        429: {
            "description": "Too many attempts for this name or from this address "
            "(`too_many_attempts`, with `Retry-After`); the password was not checked"
        },
        503: {"description": "Every password check slot is taken (`server_busy`, `Retry-After`)"},
    },
)
async def login(
    credentials: LoginIn,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> MeRead:
    """Log in with a username and password; sets the ``calmdesk_session`` cookie."""

    def sign_in() -> MeRead:
        user = service.authenticate(
            session,
            username=credentials.username,
            password=credentials.password,
            client_address=request.client.host if request.client else None,
            limits=LoginLimits.from_settings(settings),
        )
        if user is None:
            raise InvalidCredentials("Wrong username or password.")
        start_session(response, session, user=user, settings=settings)
        return me_read(user)

    async with login_turn():
        return await run_in_threadpool(sign_in)


@auth_router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(403, 415),  # with the cookie: check_cookie_write
)
def logout(
    request: Request, response: Response, session: SessionDep, settings: SettingsDep
) -> None:
    """End the web session on the server and clear the cookie (with the cookie: only from our
    own pages, as JSON, like every other write)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        check_cookie_write(request, settings)
    end_session(response, session, cookie=cookie, settings=settings)


@users_router.get("/me")
def read_me(user: CurrentUser) -> MeRead:
    """Who is calling: the account, its role's label in its language and its permissions."""
    return me_read(user)


@users_router.patch("/me")
def update_me(me_in: MeUpdate, user: CurrentUser, session: SessionDep) -> MeRead:
    """Change one's own display name or interface language (``pl``, ``ru``, ``en``)."""
    return me_read(service.update_me(session, user=user, me_in=me_in))


@users_router.get("", responses=_ERRORS)
def list_users(
    session: SessionDep, _: UserManager, role: Role | None = None, active_only: QueryFlag = False
) -> list[UserRead]:
    """Every account (admins)."""
    users = service.list_(session, role=role, active_only=active_only)
    return [UserRead.model_validate(user) for user in users]


@users_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={**_ERRORS, 409: {"description": "The username is taken (`username_taken`)"}},
)
def create_user(user_in: UserCreate, session: SessionDep, _: UserManager) -> UserRead:
    """Create an account (admins)."""
    return UserRead.model_validate(service.create(session, user_in=user_in))


@users_router.get("/{user_id}", responses={**_ERRORS, 404: {"description": "`user_not_found`"}})
def read_user(user_id: UserId, session: SessionDep, _: UserManager) -> UserRead:
    return UserRead.model_validate(service.get_or_raise(session, user_id=user_id))


@users_router.patch(
    "/{user_id}",
    responses={
        **_ERRORS,
        404: {"description": "`user_not_found`"},
        409: {"description": "It would leave no active admin (`last_admin`)"},
    },
)
def update_user(
    user_id: UserId, user_in: UserUpdate, session: SessionDep, _: UserManager
) -> UserRead:
    """Change an account's role, name, language, password or whether it is active (admins)."""
    user = service.get_or_raise(session, user_id=user_id)
    return UserRead.model_validate(service.update(session, user=user, user_in=user_in))


@users_router.post(
    "/{user_id}/erase",
    responses={
        **_ERRORS,
        404: {"description": "`user_not_found`"},
        409: {"description": "It would leave no active admin (`last_admin`)"},
    },
)
def erase_user(user_id: UserId, session: SessionDep, _: UserManager) -> UserRead:
    """Erase a former colleague's name and login for good (admins); history shows ``#id``."""
    user = service.get_or_raise(session, user_id=user_id)
    return UserRead.model_validate(service.erase(session, user=user))


@users_router.get("/{user_id}/tokens", responses=_ERRORS)
def list_tokens(user_id: UserId, session: SessionDep, _: UserManager) -> list[TokenRead]:
    user = service.get_or_raise(session, user_id=user_id)
    return [TokenRead.model_validate(token) for token in service.list_tokens(session, user=user)]


@users_router.post("/{user_id}/tokens", status_code=status.HTTP_201_CREATED, responses=_ERRORS)
def issue_token(
    user_id: UserId, token_in: TokenCreate, session: SessionDep, _: UserManager
) -> TokenIssued:
    """Issue an API token acting as this user (admins). The token is in this answer only."""
    user = service.get_or_raise(session, user_id=user_id)
    issued, plain = service.create_token(session, user=user, name=token_in.name)
    return TokenIssued(**TokenRead.model_validate(issued).model_dump(), token=plain)


@users_router.delete(
    "/{user_id}/tokens/{token_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**_ERRORS, 404: {"description": "`token_not_found`"}},
)
def revoke_token(user_id: UserId, token_id: TokenId, session: SessionDep, _: UserManager) -> None:
    user = service.get_or_raise(session, user_id=user_id)
    service.revoke_token(session, user=user, token_id=token_id)
