"""One typed settings class, read from ``CALMDESK_*`` environment variables.

The default is a development setup: an SQLite file in the user's data directory and no Redis.
With ``CALMDESK_ENV=production`` the secret key must be strong (:func:`secret_key_problem`).
:func:`get_settings` turns any bad setting into one :class:`ConfigurationError` naming the
variable, which the command line prints as one line.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Literal, Self

from platformdirs import user_data_dir
from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from calmdesk.errors import ConfigurationError

DEV_SECRET_KEY = "calmdesk-development-secret-do-not-use-in-production"  # noqa: S105
MIN_SECRET_KEY_CHARS = 32
MIN_SECRET_KEY_BITS = 128
KEY_HINT = 'e.g. python -c "import secrets; print(secrets.token_urlsafe(48))"'


def estimated_bits(key: str) -> float:
    """A rough upper bound on a key's entropy: its length, less the characters that only repeat
    or step from the one before ("aaaa", "abcd"), times the entropy of its characters' mix.

    >>> round(estimated_bits("a" * 40))
    0
    >>> estimated_bits("correct-horse-battery-staple-2026") < 128
    True
    """
    if not key:
        return 0.0
    counts = Counter(key)
    per_char = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    steps = sum(1 for a, b in pairwise(key) if abs(ord(a) - ord(b)) <= 1)
    return (len(key) - steps) * per_char


def secret_key_problem(key: str) -> str | None:
    """What makes ``key`` unfit to sign production sessions, or ``None``."""
    if not key.strip():
        return "CALMDESK_SECRET_KEY is empty"
    if key == DEV_SECRET_KEY:
        return "CALMDESK_SECRET_KEY is the built-in development key"
    if len(key) < MIN_SECRET_KEY_CHARS:
        return (
            f"CALMDESK_SECRET_KEY has {len(key)} characters; "
            f"at least {MIN_SECRET_KEY_CHARS} random ones are needed"
        )
    bits = estimated_bits(key)
    if bits < MIN_SECRET_KEY_BITS:
        return (
            f"CALMDESK_SECRET_KEY is guessable (about {bits:.0f} bits of randomness; "
            f"at least {MIN_SECRET_KEY_BITS} are needed)"
        )
    return None


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
    password_hashing_nice: int = Field(default=10, ge=0, le=19)
    """The nice value of the threads running argon2 (Linux): live lines win the CPU from a
    flood of logins, which use what is left. 0 leaves them at the process's priority."""
    allowed_origins: tuple[str, ...] = ()
    """Other origins (``https://host[:port]``) whose pages may use the session cookie on the API
    (CalmDesk's own origin always may), e.g. ``'["https://desk.example.com"]'``."""
    rate_limit_heavy_per_token: int = Field(default=600, ge=1)
    """CPU-heavy requests (live lines, public posts, case intakes) one API token may send per
    window."""
    rate_limit_heavy_per_user: int = Field(default=1200, ge=1)
    """The same for one user, whatever the tokens or sessions it uses."""
    rate_limit_window_seconds: int = Field(default=60, ge=1)
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
    # Live call audio (calmdesk.audio): the speech model, its worker processes, AudioSocket.
    asr_model: str | None = None
    """A CTranslate2 Whisper directory; unset: the whisper-base of the ``asr`` extra."""
    asr_workers: int = Field(default=1, ge=1, le=64)
    """Speech worker processes of this server (without Redis; with it, ``calmdesk asr-worker``)."""
    asr_threads: int = Field(default=1, ge=1, le=64)
    asr_beam_size: int = Field(default=1, ge=1, le=10)
    asr_timeout_seconds: float = Field(default=120.0, gt=0)
    """How long an utterance may wait for its words (queue included) before it is given up."""
    audiosocket_host: str = "127.0.0.1"
    audiosocket_port: int | None = Field(default=None, ge=0, le=65535)
    """Set: ``calmdesk serve`` also takes Asterisk AudioSocket legs (customer; the agent's +1)."""

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Self:
        problem = secret_key_problem(self.secret_key) if self.env == "production" else None
        if problem:
            raise ValueError(f"{problem} (CALMDESK_ENV=production); set a new one, {KEY_HINT}")
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'calmdesk.sqlite3'}"

    @property
    def secure_cookies(self) -> bool:
        return self.env == "production"


def describe(error: ValidationError) -> str:
    """A validation error of the settings in one line, naming each variable."""
    problems = []
    for item in error.errors():
        message = str(item["msg"]).removeprefix("Value error, ")
        loc = ".".join(str(part) for part in item["loc"])
        problems.append(f"CALMDESK_{loc.upper()}: {message}" if loc else message)
    return "; ".join(problems)


@lru_cache
def get_settings() -> Settings:
    """The settings from the environment; a bad value raises :class:`ConfigurationError`."""
    try:
        return Settings()
    except ValidationError as error:
        raise ConfigurationError(describe(error), code="invalid_settings") from None
