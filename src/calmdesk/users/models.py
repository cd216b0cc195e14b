"""Accounts and API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Enum, Float, ForeignKey, Integer, String
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


class LoginAttempts(Base):
    """Login attempts counted on one key (a user name or a client address); see ``throttle.py``.

    Times are epoch seconds, so the throttle computes waits in SQL on SQLite and PostgreSQL."""

    __tablename__ = "login_attempts"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    last_attempt_at: Mapped[float] = mapped_column(Float)
    allowed_from: Mapped[float] = mapped_column(Float)
    """The next attempt is counted (and verified) only from this moment on."""


class WebSession(Base):
    """A signed-in browser. The cookie carries a random secret; only its SHA-256 is stored, and
    the session ends when its row goes (logout, password change, the account disabled)."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<WebSession {self.id} user={self.user_id}>"
