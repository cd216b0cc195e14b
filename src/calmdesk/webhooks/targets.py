"""Where a webhook may be sent: an ``http``/``https`` URL without credentials, and, unless the
settings allow private targets (development and tests do by default; production does not), a
host whose every address is public. The check runs when a subscription is made and again at
each delivery, which connects to the very address it checked (a name that later resolves to
an internal address, "DNS rebinding", is refused, not followed)."""

from __future__ import annotations

import ipaddress
import socket
import string
from dataclasses import dataclass
from urllib.parse import SplitResult, quote, urlsplit

from calmdesk.errors import InvalidInput

MAX_URL_CHARS = 2000
_PORT = r"(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})"
_HOST = r"[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?"
URL_PATTERN = rf"^https?://{_HOST}(:{_PORT})?([/?][^\s#\x00-\x1f\x7f-\x9f]*)?$"
"""What the API's schema says of a URL (a host name or IPv4 address: IPv6 literals are not
taken, give the receiver a name); :func:`parse` checks the same and names the problem."""


class InvalidWebhookUrl(InvalidInput):
    code = "invalid_webhook_url"


class TargetRefused(Exception):
    """At delivery: the host does not resolve, or only to addresses we may not send to."""


@dataclass(frozen=True, slots=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    """Path and query, as sent in the request line."""


def _refuse(problem: str, key: str) -> InvalidWebhookUrl:
    """``key`` names the problem for programs and the admin page: ``too_long``, ``spaces``,
    ``unreadable``, ``scheme``, ``no_host``, ``credentials``, ``fragment``, ``not_public``."""
    return InvalidWebhookUrl(f"url: {problem}", field="url", problem=key)


def parse(url: str) -> Target:
    """The URL's parts, or :class:`InvalidWebhookUrl` naming what is wrong with it."""
    if len(url) > MAX_URL_CHARS:
        raise _refuse(f"longer than {MAX_URL_CHARS} characters", "too_long")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise _refuse("contains spaces or control characters", "spaces")
    try:
        parts: SplitResult = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise _refuse(f"cannot be read ({error})", "unreadable") from None
    if parts.scheme not in ("http", "https"):
        raise _refuse("must start with http:// or https://", "scheme")
    if not parts.hostname:
        raise _refuse("has no host", "no_host")
    if parts.username is not None or parts.password is not None:
        raise _refuse(
            "must not carry a user name or password (they would show in the log)", "credentials"
        )
    if parts.fragment:
        raise _refuse("must not have a #fragment (it is never sent)", "fragment")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    # The request line is ASCII: other characters go percent-encoded (UTF-8), as browsers do.
    path = quote(path, safe=string.punctuation)
    default = 443 if parts.scheme == "https" else 80
    return Target(parts.scheme, parts.hostname, port or default, path)


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


def resolve(target: Target, *, allow_private: bool) -> str:
    """The address to connect to: the first the host resolves to, each checked."""
    literal = _literal(target.host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            raise TargetRefused(f"{target.host} does not resolve ({error})") from None
        addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise TargetRefused(f"{target.host} does not resolve")
    if not allow_private:
        private = [a for a in addresses if not is_public(a)]
        if private:
            raise TargetRefused(
                f"{target.host} resolves to a non-public address ({private[0]}); "
                "CALMDESK_WEBHOOKS_ALLOW_PRIVATE_TARGETS=true allows it"
            )
    return addresses[0]


def check_url(url: str, *, allow_private: bool) -> Target:
    """The check of a subscription's URL when it is made or changed."""
    target = parse(url)
    if allow_private:
        return target
    try:
        resolve(target, allow_private=False)
    except TargetRefused as refused:
        raise _refuse(str(refused), "not_public") from None
    return target
