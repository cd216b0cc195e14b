"""What comes in and goes out of the users API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from calmdesk.fields import Flag
from calmdesk.languages import Language
from calmdesk.users.labels import role_label
from calmdesk.users.models import Role
from calmdesk.users.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from calmdesk.users.permissions import permissions_of

USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$"

Username = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, pattern=USERNAME_PATTERN),
    Field(description="2-64 characters: letters, digits, '.', '_' or '-'", examples=["anna.nowak"]),
]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Password = Annotated[
    str,
    Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH),
]


class UserCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "username": "anna.nowak",
                    "display_name": "Anna Nowak",
                    "role": "agent",
                    "password": "długie hasło do konsoli",
                    "language": "pl",
                },
                {
                    "username": "olga.ivanova",
                    "display_name": "Ольга Иванова",
                    "role": "handler",
                    "password": "длинный пароль для очереди",
                    "language": "ru",
                },
                {
                    "username": "sam.taylor",
                    "display_name": "Sam Taylor",
                    "role": "supervisor",
                    "password": "a long board passphrase",
                    "language": "en",
                },
            ]
        },
    )

    username: Username
    display_name: DisplayName | None = None
    """Defaults to the username."""
    role: Role = Role.AGENT
    password: Password
    language: Language = Language.PL


class UserUpdate(BaseModel):
    """An admin's change to an account; omitted fields stay as they are."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"role": "supervisor", "display_name": "Anna Nowak (zmiana B)"},
                {"language": "ru", "is_active": True},
                {"is_active": False},
            ]
        },
    )

    display_name: DisplayName | None = None
    role: Role | None = None
    language: Language | None = None
    is_active: Flag | None = None
    password: Password | None = None


class MeUpdate(BaseModel):
    """What a person may change on their own account."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"display_name": "Anna Nowak"},
                {"language": "ru", "display_name": "Ольга Иванова"},
                {"language": "en"},
            ]
        },
    )

    display_name: DisplayName | None = None
    language: Language | None = None


USER_EXAMPLES: list[Any] = [
    {
        "id": 2,
        "username": "anna.nowak",
        "display_name": "Anna Nowak",
        "role": "agent",
        "language": "pl",
        "is_active": True,
        "created_at": "2026-03-02T08:00:00Z",
    },
    {
        "id": 3,
        "username": "olga.ivanova",
        "display_name": "Ольга Иванова",
        "role": "handler",
        "language": "ru",
        "is_active": True,
        "created_at": "2026-03-02T08:05:00Z",
    },
    {
        "id": 4,
        "username": "sam.taylor",
        "display_name": "Sam Taylor",
        "role": "supervisor",
        "language": "en",
        "is_active": False,
        "created_at": "2026-03-02T08:10:00Z",
    },
]


def _me_example(user: dict[str, Any]) -> dict[str, Any]:
    role = Role(user["role"])
    return {
        **user,
        "role_label": role_label(role, user["language"]),
        "permissions": sorted(p.value for p in permissions_of(role)),
    }


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": USER_EXAMPLES})

    id: int
    username: str
    display_name: str
    role: Role
    language: Language
    is_active: bool
    created_at: datetime


class MeRead(UserRead):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={"examples": [_me_example(user) for user in USER_EXAMPLES]},
    )

    role_label: str
    permissions: list[str]


class LoginIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"username": "anna", "password": "********"}]},
    )

    username: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)]


class TokenCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"name": "centrala telefoniczna"},
                {"name": "чат-платформа"},
                {"name": "telephony"},
            ]
        },
    )

    name: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
        Field(examples=["telephony"]),
    ]


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


class TokenIssued(TokenRead):
    token: str
    """The plain token. It is shown this once and cannot be recovered."""
