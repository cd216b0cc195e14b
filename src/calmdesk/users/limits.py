"""Rate limits on the CPU-heavy routes (a live line runs the analysis and the coach; a public
post or a case intake runs the analysis or the category model), per API token and per user.

Each key counts requests in a window that starts with its first request and lasts
``settings.rate_limit_window_seconds``; a request past ``rate_limit_heavy_per_token`` (on its
token) or ``rate_limit_heavy_per_user`` (on its user, whatever the token or session) is refused
with ``429 rate_limited`` naming the limit, with ``Retry-After``. With ``CALMDESK_REDIS_URL`` the
counts live in Redis (``INCR`` on a key with an expiry), so every worker shares them, exactly as
the live bus chooses Redis; otherwise they live in the process.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import Any, Protocol

import redis
from fastapi import Depends, Request

from calmdesk.errors import CalmDeskError
from calmdesk.settings import Settings
from calmdesk.users.deps import CurrentUser, SettingsDep, bearer_token
from calmdesk.users.messages import error_text, scope_name
from calmdesk.users.tokens import token_digest

REDIS_TIMEOUT_SECONDS = 1.0
log = logging.getLogger(__name__)


class RateLimited(CalmDeskError):
    """Too many CPU-heavy requests on one token or for one user; names the ``limit``."""

    code = "rate_limited"
    http_status = 429

    @classmethod
    def of(cls, *, limit: int, window: int, scope: str, retry_after: int) -> RateLimited:
        fields: dict[str, Any] = {
            "limit": f"{limit} per {window} s per {scope_name(scope, 'en')}",
            "limit_requests": limit,
            "limit_window_seconds": window,
            "limit_scope": scope,
            "retry_after_seconds": retry_after,
        }
        return cls(error_text(cls.code, "en", **fields), **fields)


class Limiter(Protocol):
    def hit(self, key: str, *, window_seconds: int) -> tuple[int, float]:
        """Count one request on ``key``: the count in its window and the seconds it has left."""
        ...


class InProcessLimiter:
    """Counts in this process only (one ``calmdesk serve`` worker)."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, *, window_seconds: int) -> tuple[int, float]:
        now = time.monotonic()
        with self._lock:
            started, count = self._windows.get(key, (now, 0))
            if now - started >= window_seconds:
                started, count = now, 0
            self._windows[key] = (started, count + 1)
            if len(self._windows) > 10_000:  # drop the windows that are over
                self._windows = {
                    k: v for k, v in self._windows.items() if now - v[0] < window_seconds
                }
            return count + 1, window_seconds - (now - started)


class RedisLimiter:
    """Counts in Redis, shared by every worker using the same Redis and prefix."""

    def __init__(self, url: str, *, prefix: str) -> None:
        self._redis = redis.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
        )
        self._prefix = prefix

    def hit(self, key: str, *, window_seconds: int) -> tuple[int, float]:
        name = f"{self._prefix}:rate:{key}"
        pipeline = self._redis.pipeline(transaction=True)
        pipeline.set(name, 0, ex=window_seconds, nx=True)
        pipeline.incr(name)
        pipeline.pttl(name)
        _, count, left_ms = pipeline.execute()
        return int(count), max(int(left_ms), 0) / 1000

    def close(self) -> None:
        self._redis.close()


def limiter_from_settings(settings: Settings) -> Limiter:
    if settings.redis_url:
        return RedisLimiter(settings.redis_url, prefix=settings.redis_channel_prefix)
    return InProcessLimiter()


def charge(limiter: Limiter, settings: Settings, *, user_id: int, token: str | None) -> None:
    """Count one CPU-heavy request for ``user_id`` (and its API ``token``, if it came with one);
    raise :class:`RateLimited` past a limit. When Redis cannot be reached the request goes
    through (logged): a limiter outage must not stop the floor."""
    window = settings.rate_limit_window_seconds
    scopes = [("user", f"user:{user_id}", settings.rate_limit_heavy_per_user)]
    if token is not None:
        scopes.insert(
            0, ("token", f"token:{token_digest(token)[:32]}", settings.rate_limit_heavy_per_token)
        )
    for scope, key, limit in scopes:
        try:
            count, left = limiter.hit(key, window_seconds=window)
        except redis.RedisError:
            log.warning("rate limiter unavailable; letting the request through", exc_info=True)
            return
        if count > limit:
            raise RateLimited.of(
                limit=limit, window=window, scope=scope, retry_after=max(1, math.ceil(left))
            )


def app_limiter(request: Request) -> Limiter:
    limiter: Limiter = request.app.state.rate_limiter
    return limiter


def heavy_work(request: Request, user: CurrentUser, settings: SettingsDep) -> None:
    """Dependency of the CPU-heavy routes: charge the caller's token and user."""
    charge(app_limiter(request), settings, user_id=user.id, token=bearer_token(request))


HEAVY_WORK = Depends(heavy_work)
"""For a CPU-heavy route's decorator: ``dependencies=[HEAVY_WORK]``."""
