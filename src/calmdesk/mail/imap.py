"""The complaints mailbox over IMAP (stdlib :mod:`imaplib`): TLS, IDLE where the server has it.

:class:`Mailbox` is a thin client: list what is in the inbox, fetch one message (only its header
when it is over the size limit), move it to a folder (MOVE, or COPY + delete + expunge), and wait
for new mail (IDLE, else a sleep). It knows nothing of cases: :mod:`calmdesk.mail.loop` does.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import select
import ssl
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import unquote, urlsplit

from calmdesk.errors import CalmDeskError

log = logging.getLogger(__name__)

SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class MailboxError(CalmDeskError):
    code = "mailbox_error"
    http_status = 503


@dataclass(frozen=True)
class ImapConfig:
    host: str
    port: int
    tls: bool
    user: str
    password: str = field(repr=False)
    inbox: str = "INBOX"
    ca_file: Path | None = None
    timeout: float = 60.0

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        user: str | None,
        password: str | None,
        inbox: str,
        ca_file: Path | None,
    ) -> ImapConfig:
        parts = urlsplit(url)
        tls = parts.scheme == "imaps"
        return cls(
            host=parts.hostname or "localhost",
            port=parts.port or (993 if tls else 143),
            tls=tls,
            user=user or unquote(parts.username or ""),
            password=password or unquote(parts.password or ""),
            inbox=inbox,
            ca_file=ca_file,
        )


def tls_context(ca_file: Path | None) -> ssl.SSLContext:
    """Certificates verified, host names checked; ``ca_file`` adds a private CA."""
    context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Mailbox:
    def __init__(self, config: ImapConfig) -> None:
        self.config = config
        self.conn: imaplib.IMAP4 | None = None
        self.capabilities: frozenset[str] = frozenset()

    def __enter__(self) -> Self:
        self.connect()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def _ok(self, answer: tuple[str, Any], what: str) -> list[Any]:
        status, data = answer
        if status != "OK":
            raise MailboxError(f"IMAP {what} failed: {data!r}")
        return list(data)

    def connect(self) -> None:
        c = self.config
        try:
            if c.tls:
                conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    c.host, c.port, ssl_context=tls_context(c.ca_file), timeout=c.timeout
                )
            else:
                conn = imaplib.IMAP4(c.host, c.port, timeout=c.timeout)
            conn.login(c.user, c.password)
        except (OSError, imaplib.IMAP4.error) as error:
            raise MailboxError(
                f"cannot sign in to the mailbox at {c.host}:{c.port} as {c.user}: {error}"
            ) from error
        self.conn = conn
        answer = conn.capability()
        words = b" ".join(x for x in answer[1] if isinstance(x, bytes)).decode().upper()
        self.capabilities = frozenset(words.split())
        self._ok(conn.select(_quote(c.inbox)), f"SELECT {c.inbox}")

    @property
    def _c(self) -> imaplib.IMAP4:
        if self.conn is None:
            raise MailboxError("the mailbox is not connected")
        return self.conn

    def close(self) -> None:
        if self.conn is None:
            return
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            self.conn.logout()
        self.conn = None

    def ensure_folder(self, folder: str) -> None:
        status, _ = self._c.create(_quote(folder))
        if status != "OK":
            log.debug("IMAP CREATE %s: already there (or refused)", folder)

    def uids(self) -> list[int]:
        """Every message in the inbox, oldest first (all of them are unprocessed: processed ones
        are moved out)."""
        self._c.noop()
        data = self._ok(self._c.uid("SEARCH", "ALL"), "SEARCH")
        first = data[0] if data else b""
        return [int(x) for x in first.split()] if isinstance(first, bytes) else []

    def size(self, uid: int) -> int | None:
        data = self._ok(self._c.uid("FETCH", str(uid), "(RFC822.SIZE)"), "FETCH SIZE")
        for item in data:
            found = SIZE.search(item if isinstance(item, bytes) else b"")
            if found:
                return int(found.group(1))
        return None

    def fetch(self, uid: int, *, headers_only: bool = False) -> bytes | None:
        """The message (without setting \\Seen), or only its header; None when it is gone."""
        what = "(BODY.PEEK[HEADER])" if headers_only else "(BODY.PEEK[])"
        data = self._ok(self._c.uid("FETCH", str(uid), what), "FETCH")
        for item in data:
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
                return item[1]
        return None

    def move(self, uid: int, folder: str) -> None:
        c = self._c
        if "MOVE" in self.capabilities:
            self._ok(c.uid("MOVE", str(uid), _quote(folder)), f"MOVE to {folder}")
            return
        self._ok(c.uid("COPY", str(uid), _quote(folder)), f"COPY to {folder}")
        self._ok(c.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)"), "STORE")
        if "UIDPLUS" in self.capabilities:
            self._ok(c.uid("EXPUNGE", str(uid)), "UID EXPUNGE")
        else:
            self._ok(c.expunge(), "EXPUNGE")

    @property
    def has_idle(self) -> bool:
        return "IDLE" in self.capabilities

    def wait(self, seconds: float, *, stop: Stopper | None = None) -> None:
        """Until new mail may be there: IDLE up to ``seconds`` when the server has it, else sleep
        ``seconds``. ``stop`` ends the wait early (checked every second)."""
        if not self.has_idle:
            _sleep(seconds, stop)
            return
        c = self._c
        tag: bytes = c._new_tag()  # imaplib has no public IDLE before Python 3.14
        c.send(tag + b" IDLE\r\n")
        line = c.readline()
        if not line.startswith(b"+"):
            raise MailboxError(f"IMAP IDLE refused: {line!r}")
        sock = c.socket()
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline and not (stop and stop.stopped):
                pending = isinstance(sock, ssl.SSLSocket) and sock.pending()
                ready = pending or select.select([sock], [], [], 1.0)[0]
                if not ready:
                    continue
                event = c.readline()
                if not event:
                    raise MailboxError("the IMAP server closed the connection during IDLE")
                if b"EXISTS" in event or b"RECENT" in event:
                    break
        finally:
            c.send(b"DONE\r\n")
            while True:
                line = c.readline()
                if not line or line.startswith(tag):
                    break


class Stopper:
    """A flag another thread (or a signal handler) sets to end the mail loop."""

    def __init__(self) -> None:
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True


def _sleep(seconds: float, stop: Stopper | None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not (stop and stop.stopped):
        time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
