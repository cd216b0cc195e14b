"""One typed settings class, read from ``CALMDESK_*`` environment variables.

The default is a development setup: an SQLite file in the user's data directory and no Redis.
With ``CALMDESK_ENV=production`` a secret key must be given; a default is refused.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

from platformdirs import user_data_dir
from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_KEY = "calmdesk-development-secret-do-not-use-in-production"  # noqa: S105


def default_data_dir() -> Path:
    return Path(user_data_dir("calmdesk", appauthor=False))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CALMDESK_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None
    redis_url: str | None = None
    redis_channel_prefix: str = "calmdesk"
    """Prefix of the live channels in Redis; distinct per deployment sharing one Redis."""
    warm_up_models: bool = True
    """Load the analysis data and the tone model in the background at start-up."""
    secret_key: str = DEV_SECRET_KEY
    host: str = "127.0.0.1"
    port: int = 8000
    playbook: str = "pl"
    """A default playbook's language key (pl, ru, en) or a path to a playbook YAML file."""
    session_max_age_seconds: int = Field(default=8 * 3600, ge=1)
    login_free_attempts: int = Field(default=5, ge=1)
    """Login attempts in a row for one user name before each further one must wait."""
    login_address_free_attempts: int = Field(default=30, ge=1)
    """The same from one client address, whatever the names (failed ones; a success gives its
    attempt back)."""
    login_first_wait_seconds: float = Field(default=2.0, gt=0)
    login_max_wait_seconds: float = Field(default=15 * 60.0, gt=0)
    password_hashing_concurrency: int = Field(default=4, ge=1)
    """argon2 calls (64 MiB each) one process runs at once; the others wait for a slot."""
    password_hashing_wait_seconds: float = Field(default=5.0, ge=0)
    """How long a login waits for an argon2 slot before answering 503 ``server_busy``."""
    socket_auth_check_seconds: float = Field(default=10.0, gt=0)
    """How often an open WebSocket checks that its token or session still holds (it also checks
    before every frame it receives)."""
    retention_days: int = 3 * 365
    """Closed cases older than this have their personal data erased by the worker."""
    worker_interval_seconds: float = 30.0
    embedded_worker: bool = True
    """Run the deadline worker inside ``calmdesk serve`` (the embedded default)."""
    auto_migrate: bool = True
    """Upgrade the database schema when the web app starts."""
    erasure_vacuum: Literal["plain", "full"] = "plain"
    """PostgreSQL, after an erasure: ``plain`` VACUUM of the touched tables (no blocking lock;
    the old row versions are removed, their bytes may stay in free space until reused) or
    ``full`` (VACUUM FULL rewrites the tables into new files, holding an exclusive lock on each
    while it runs). See docs/security.md."""

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Self:
        if self.env == "production" and self.secret_key == DEV_SECRET_KEY:
            raise ValueError("CALMDESK_SECRET_KEY must be set in production")
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'calmdesk.sqlite3'}"

    @property
    def secure_cookies(self) -> bool:
        return self.env == "production"


@lru_cache
def get_settings() -> Settings:
    return Settings()
