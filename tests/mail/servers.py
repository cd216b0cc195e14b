"""Real mail servers on loopback for the mail tests and the benchmark: a private Dovecot (IMAP over
TLS, a self-signed certificate made here, a passwd-file user, maildirs in a temporary folder, its
own port) and aiosmtpd (SMTP) collecting what is sent.

Dovecot is Debian's ``dovecot-imapd`` (``.ci/run`` installs it); when it is missing the test is
skipped locally and fails under ``CI=true`` (:func:`tests.servers.missing`).
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from tests.processes import free_port
from tests.servers import missing

DOVECOT = Path(os.environ.get("CALMDESK_TEST_DOVECOT", "/usr/sbin/dovecot"))
USER = "complaints"
PASSWORD = "mailbox-test-password"


@dataclass
class Dovecot:
    host: str
    port: int
    ca_file: Path
    root: Path
    user: str = USER
    password: str = PASSWORD

    @property
    def url(self) -> str:
        return f"imaps://{self.host}:{self.port}"

    def env(self) -> dict[str, str]:
        """The CALMDESK_MAIL_* variables that point CalmDesk at this mailbox."""
        return {
            "CALMDESK_MAIL_IMAP_URL": self.url,
            "CALMDESK_MAIL_IMAP_USER": self.user,
            "CALMDESK_MAIL_IMAP_PASSWORD": self.password,
            "CALMDESK_MAIL_CA_FILE": str(self.ca_file),
        }

    def client(self) -> imaplib.IMAP4_SSL:
        context = ssl.create_default_context(cafile=str(self.ca_file))
        conn = imaplib.IMAP4_SSL(self.host, self.port, ssl_context=context, timeout=30)
        conn.login(self.user, self.password)
        return conn

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        conn = self.client()
        try:
            status, data = conn.append(f'"{folder}"', None, None, raw)
            assert status == "OK", data
        finally:
            conn.logout()

    def messages(self, folder: str) -> list[bytes]:
        """Every message in ``folder`` (empty when the folder does not exist)."""
        conn = self.client()
        try:
            status, _ = conn.select(f'"{folder}"', readonly=True)
            if status != "OK":
                return []
            _, found = conn.uid("SEARCH", "ALL")
            out: list[bytes] = []
            for uid in (found[0] or b"").split():
                _, data = conn.uid("FETCH", uid.decode(), "(BODY.PEEK[])")
                out.extend(item[1] for item in data if isinstance(item, tuple) and len(item) == 2)
            return out
        finally:
            conn.logout()

    def count(self, folder: str) -> int:
        conn = self.client()
        try:
            status, data = conn.select(f'"{folder}"', readonly=True)
            return int(data[0] or 0) if status == "OK" else 0
        finally:
            conn.logout()


def _ids_for_mail() -> tuple[str, str, int, int]:
    """(internal user, login user, uid, gid) for the mail processes: ourselves, or when we are
    root (which Dovecot refuses for mail and logins) Debian's ``dovecot`` and ``dovenull``."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return me.pw_name, me.pw_name, me.pw_uid, me.pw_gid
    try:
        internal = pwd.getpwnam("dovecot")
        pwd.getpwnam("dovenull")
    except KeyError:
        missing("Dovecot", "its system users dovecot/dovenull are missing (install dovecot-core)")
    return "dovecot", "dovenull", internal.pw_uid, internal.pw_gid


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
instance_name = calmdesk-test-{port}
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{cert}
ssl_key = <{key}
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
auth_mechanisms = plain
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""


def _answers(host: str, port: int, ca_file: Path) -> bool:
    try:
        context = ssl.create_default_context(cafile=str(ca_file))
        with (
            socket.create_connection((host, port), timeout=2) as raw,
            context.wrap_socket(raw, server_hostname=host) as tls,
        ):
            return tls.recv(100).startswith(b"* OK")
    except OSError:
        return False


@contextmanager
def dovecot(capability: str | None = None) -> Iterator[Dovecot]:
    """A private Dovecot on 127.0.0.1 with one user, stopped and removed afterwards;
    ``capability`` replaces what it announces after login (e.g. a server without IDLE)."""
    if not DOVECOT.exists():
        missing("Dovecot", f"{DOVECOT} not found (Debian: apt-get install dovecot-imapd)")
    if shutil.which("openssl") is None:
        missing("Dovecot", "openssl is needed to make its test certificate")
    internal, login, uid, gid = _ids_for_mail()
    root = Path(tempfile.mkdtemp(prefix="calmdesk-dovecot-"))
    root.chmod(0o755)  # the mail processes run as another user when we are root
    for name in ("mail", "home"):
        (root / name).mkdir()
        os.chown(root / name, uid, gid)
    cert, key = _certificate(root)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    port = free_port()
    config = root / "dovecot.conf"
    extra = f"imap_capability = {capability}\n" if capability else ""
    config.write_text(
        extra
        + CONFIG.format(
            root=root,
            port=port,
            cert=cert,
            key=key,
            internal=internal,
            internal_group=internal,
            login=login,
            uid=uid,
            gid=gid,
        )
    )
    process = subprocess.Popen(
        [str(DOVECOT), "-F", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not _answers("127.0.0.1", port, cert):
            if process.poll() is not None:
                log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                raise AssertionError(f"dovecot exited: {process.stderr!r} {log}")
            if time.monotonic() > deadline:
                raise AssertionError("dovecot did not answer in 30 s")
            time.sleep(0.1)
        yield Dovecot("127.0.0.1", port, cert, root)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class Outbox:
    """What the test SMTP server received; ``refuse`` makes it answer 451 to every message."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse: int = 0
    """How many messages to refuse (451) before accepting again."""
    refused: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse > 0:
            self.refuse -= 1
            self.refused += 1
            return "451 4.3.0 try again later (test)"
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[str, Outbox]]:
    """aiosmtpd on 127.0.0.1 in its own thread; yields its ``smtp://`` URL and the outbox."""
    from aiosmtpd.controller import Controller

    outbox = Outbox()
    port = free_port()
    controller = Controller(outbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", outbox
    finally:
        controller.stop()
