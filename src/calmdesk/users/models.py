"""Accounts and API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from calmdesk.languages import Language
from calmdesk.storage.db import Base
from calmdesk.storage.types import UTCDateTime, utcnow


class Role(StrEnum):
    """What a person does in CalmDesk; what each may do is in :mod:`calmdesk.users.permissions`."""

    AGENT = "agent"
    SUPERVISOR = "supervisor"
    HANDLER = "handler"
    ADMIN = "admin"


def _values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, create_constraint=False, length=20, values_callable=_values)
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[Language] = mapped_column(
        Enum(
            Language, native_enum=False, create_constraint=False, length=8, values_callable=_values
        ),
        default=Language.PL,
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Wrong passwords in a row since the last successful login (see ``throttle.py``)."""
    last_failed_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r} {self.role.value}>"


class ApiToken(Base):
    """A bearer token for an integration. Only the SHA-256 of the token is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    user: Mapped[User] = relationship(back_populates="tokens")

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.name!r} user={self.user_id}>"
