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
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
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


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


def mail_problem(settings: Settings) -> str | None:
    """What is wrong with the mail settings, or ``None``: the URLs' schemes, and in production
    credentials that are set (never a default) and TLS to anything beyond loopback."""
    from urllib.parse import urlsplit

    production = settings.env == "production"
    if settings.mail_imap_url:
        url = urlsplit(settings.mail_imap_url)
        if url.scheme not in ("imaps", "imap") or not url.hostname:
            return (
                "CALMDESK_MAIL_IMAP_URL: must be imaps://host[:port] "
                "(or imap:// outside production)"
            )
        if production and url.scheme != "imaps":
            return "CALMDESK_MAIL_IMAP_URL: must use imaps:// (TLS) in production"
        if not settings.mail_imap_user:
            return "CALMDESK_MAIL_IMAP_USER: is required with CALMDESK_MAIL_IMAP_URL"
        if production and not (
            settings.mail_imap_password and settings.mail_imap_password.get_secret_value()
        ):
            return "CALMDESK_MAIL_IMAP_PASSWORD: is required in production"
    if settings.mail_smtp_url:
        url = urlsplit(settings.mail_smtp_url)
        if url.scheme not in ("smtps", "smtp+starttls", "smtp") or not url.hostname:
            return (
                "CALMDESK_MAIL_SMTP_URL: must be smtps://, smtp+starttls:// or smtp:// "
                "followed by host[:port]"
            )
        if production and url.scheme == "smtp" and url.hostname not in LOOPBACK_HOSTS:
            return "CALMDESK_MAIL_SMTP_URL: plain smtp:// is only allowed to a relay on loopback"
        if not settings.mail_from or "@" not in settings.mail_from:
            return "CALMDESK_MAIL_FROM: an address is required with CALMDESK_MAIL_SMTP_URL"
        if (
            production
            and settings.mail_smtp_user
            and not (settings.mail_smtp_password and settings.mail_smtp_password.get_secret_value())
        ):
            return "CALMDESK_MAIL_SMTP_PASSWORD: is required with CALMDESK_MAIL_SMTP_USER"
    return None


def default_data_dir() -> Path:
    return Path(user_data_dir("calmdesk", appauthor=False))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CALMDESK_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None
    public_url: str | None = None
    """The address customers reach CalmDesk at (``https://calmdesk.example.com``): the
    satisfaction survey's link in a resolution e-mail starts with it; unset, no link is sent."""
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
    outbox_interval_seconds: float = Field(default=2.0, gt=0)
    """How often the worker looks for outbox messages due (webhook deliveries), between its
    deadline steps."""
    outbox_batch_size: int = Field(default=50, ge=1, le=1000)
    """Outbox messages one worker claims at once."""
    outbox_concurrency: int = Field(default=8, ge=1, le=64)
    """Deliveries one worker sends at once (threads)."""
    outbox_lease_seconds: float = Field(default=120.0, gt=0)
    """How long a claimed message is the claiming worker's: if no outcome is recorded by then
    (the worker died between sending and marking), another worker sends it again with the same
    event id. Keep it above the longest a batch can take: ``outbox_batch_size`` /
    ``outbox_concurrency`` (rounded up) times ``webhook_timeout_seconds`` (70 s by default)."""
    outbox_max_attempts: int = Field(default=10, ge=1, le=100)
    """Attempts before a message is given up (``failed``; an admin may replay it)."""
    outbox_backoff_base_seconds: float = Field(default=10.0, gt=0)
    """The wait after the first failed attempt; it doubles with each further one, up to
    ``outbox_backoff_max_seconds``, and half of it is random (jitter)."""
    outbox_backoff_max_seconds: float = Field(default=3600.0, gt=0)
    outbox_retention_days: int = Field(default=30, ge=1)
    """Delivered and failed outbox messages (and their attempts) older than this are deleted."""
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    """How long one webhook delivery may take (connecting, sending, the receiver's answer)."""
    webhooks_allow_private_targets: bool | None = None
    """Whether webhook URLs may point at loopback, private, link-local or other non-public
    addresses. Unset: allowed except with ``CALMDESK_ENV=production``."""
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

    social_webhook_secret: str | None = None
    """The shared secret of the generic social webhook (``X-CalmDesk-Signature``, HMAC-SHA256 of
    the body). Unset, ``/api/social/webhooks/generic`` answers 503 ``connector_not_configured``."""
    facebook_app_secret: str | None = None
    """The Facebook app's secret: each delivery's ``X-Hub-Signature-256`` is checked with it."""
    facebook_verify_token: str | None = None
    """The token typed into the app's webhook settings, echoed back at the subscription check."""
    facebook_page_token: str | None = None
    """A Page access token with ``pages_manage_engagement``: publishes replies."""
    facebook_graph_url: str = "https://graph.facebook.com/v19.0"
    """The Graph API's address (tests point it at a local server)."""
    social_publish_attempts: int = Field(default=5, ge=1)
    """Attempts to publish one reply through a connector before it is shown as failed."""

    chatwoot_url: str | None = None
    """Chatwoot's address (``https://chat.example.com``): the API the private notes go to, and
    the one origin that may frame the dashboard app and send it the conversation."""
    chatwoot_webhook_secret: str | None = None
    """The secret Chatwoot shows for the webhook: each delivery's ``X-Chatwoot-Signature`` is
    checked with it. Unset, the webhook answers 503 ``chat_not_configured``."""
    chatwoot_api_token: str | None = None
    """A Chatwoot access token (an agent's profile token, or an agent bot's) that posts the
    private notes. Unset, no note is queued."""
    chatwoot_app_key: str | None = Field(default=None, min_length=16)
    """The key in the dashboard app's address (``/chat/chatwoot/app#key=...``), asked by the
    card it shows; at least 16 characters, random."""
    chatwoot_notes: bool = True
    """Post the coach's alerts and the case number back as private notes."""
    chat_signature_max_age_seconds: int = Field(default=300, ge=1)
    """A webhook delivery signed longer ago than this is refused (a replay)."""
    chat_note_attempts: int = Field(default=8, ge=1)
    """Attempts to post one private note (backing off from 30 s to an hour) before giving up."""

    @field_validator("chatwoot_url")
    @classmethod
    def _chatwoot_origin(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        scheme, _, rest = value.partition("://")
        if scheme not in ("http", "https") or not rest or any(c in rest for c in "?#@ "):
            raise ValueError(f"{value!r} is not an address like https://chat.example.com")
        return value

    # --- e-mail (calmdesk.mail, docs/mail.md) ---------------------------------------------
    mail_imap_url: str | None = None
    """The complaints mailbox, ``imaps://host[:port]`` (TLS from the first byte) or, outside
    production, ``imap://host[:port]``; unset: no mail intake."""
    mail_imap_user: str | None = None
    mail_imap_password: SecretStr | None = None
    mail_inbox_folder: str = "INBOX"
    mail_processed_folder: str = "CalmDesk/Processed"
    """Where a message goes once its case (or case message) is committed."""
    mail_rejected_folder: str = "CalmDesk/Rejected"
    """Where a message that made no case goes (no sender, auto-reply, over the sender limit)."""
    mail_smtp_url: str | None = None
    """``smtps://host[:port]`` (TLS), ``smtp+starttls://host[:port]``, or ``smtp://host[:port]``
    (no TLS: only to a relay on loopback in production); unset: no notices are sent."""
    mail_smtp_user: str | None = None
    mail_smtp_password: SecretStr | None = None
    mail_from: str | None = None
    """The notices' From, e.g. ``Complaints <complaints@example.com>``; its domain names the
    notices' Message-IDs."""
    mail_ca_file: Path | None = None
    """A CA bundle to trust for the IMAP and SMTP servers (a private CA); default: the system's."""
    mail_in_serve: bool = True
    """Run the mail loop inside ``calmdesk serve`` when the mailbox or SMTP is configured."""
    mail_poll_seconds: float = Field(default=60.0, gt=0)
    """Between checks of a mailbox whose server has no IDLE (and between notice steps)."""
    mail_idle_seconds: float = Field(default=300.0, gt=0)
    """Longest IDLE before the loop looks again (servers drop an IDLE after 30 min)."""
    mail_max_message_bytes: int = Field(default=25 * 1024 * 1024, ge=1024)
    """A larger message is not downloaded: its case is made from its headers."""
    mail_max_attachment_bytes: int = Field(default=10 * 1024 * 1024, ge=0)
    mail_max_attachments: int = Field(default=20, ge=0)
    mail_max_attachments_bytes: int = Field(default=20 * 1024 * 1024, ge=0)
    """All kept attachments of one message together; the rest are listed, not kept."""
    mail_sender_limit_per_hour: int = Field(default=20, ge=1)
    """Messages one sender may turn into cases or case messages in an hour (auto-reply loops)."""
    mail_send_max_attempts: int = Field(default=8, ge=1)
    mail_auto_acknowledge: bool = False
    """Acknowledge a case from an e-mail at once, so the acknowledgement goes out without a
    person (it then counts as the first response); off: an agent acknowledges it."""

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Self:
        problem = secret_key_problem(self.secret_key) if self.env == "production" else None
        if problem:
            raise ValueError(f"{problem} (CALMDESK_ENV=production); set a new one, {KEY_HINT}")
        problem = mail_problem(self)
        if problem:
            raise ValueError(problem)
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'calmdesk.sqlite3'}"

    @property
    def private_webhook_targets_allowed(self) -> bool:
        if self.webhooks_allow_private_targets is not None:
            return self.webhooks_allow_private_targets
        return self.env != "production"

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
