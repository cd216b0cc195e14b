"""Mail intake throughput: complaint e-mails turned into cases per second, end to end from a real
IMAP server (a private Dovecot over TLS on loopback, as the tests start it: fetch, parse, the
analysis and the category suggestion, the case and its message row in one transaction, commit,
MOVE to the processed folder), and the same without IMAP (``receive()`` on the raw bytes).

    .venv/bin/python benchmarks/mail_intake.py --count 300
    .venv/bin/python benchmarks/mail_intake.py --count 300 --backend sqlite --mode service

Messages rotate through pl, ru and en, one sender each (the per-sender limit is lifted), one in
ten with a 40 kB attachment. The first message of each run warms up the analysis and is not
counted.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cases_db import temporary_engine  # noqa: E402
from tests.mail import corpus  # noqa: E402
from tests.mail.servers import dovecot  # noqa: E402

from calmdesk.mail.imap import ImapConfig, Mailbox  # noqa: E402
from calmdesk.mail.intake import Limits, receive  # noqa: E402
from calmdesk.mail.loop import MailRuntime, intake_pass  # noqa: E402
from calmdesk.playbook.load import default_playbook  # noqa: E402
from calmdesk.storage.db import make_session_factory  # noqa: E402

LIMITS = Limits(sender_limit_per_hour=1_000_000)


def messages(count: int, tag: str) -> list[bytes]:
    out = []
    for n in range(count):
        lang = ("pl", "ru", "en")[n % 3]
        out.append(
            corpus.complaint(
                lang,
                sender=f"bench-{tag}-{n}@example.com",
                text=f"{corpus.COMPLAINTS[lang][1]} ({tag}-{n})",
                message_id=f"<bench-{tag}-{n}@example>",
                attachment=("scan.pdf", b"%PDF" + b"x" * 40_000) if n % 10 == 9 else None,
            )
        )
    return out


def service_rate(backend: str, count: int) -> float:
    playbook = default_playbook("pl")
    raws = messages(count + 1, f"svc-{backend}-{os.getpid()}")
    with temporary_engine(backend, "mail") as engine:
        factory = make_session_factory(engine)
        with factory() as session, session.begin():
            receive(session, raws[0], mailbox="INBOX", playbook=playbook, limits=LIMITS)
        started = time.perf_counter()
        for raw in raws[1:]:
            with factory() as session, session.begin():
                receive(session, raw, mailbox="INBOX", playbook=playbook, limits=LIMITS)
        return count / (time.perf_counter() - started)


def imap_rate(backend: str, count: int) -> float:
    playbook = default_playbook("pl")
    with dovecot() as server, temporary_engine(backend, "mailimap") as engine:
        factory = make_session_factory(engine)
        runtime = MailRuntime(
            imap=ImapConfig.from_url(
                server.url,
                user=server.user,
                password=server.password,
                inbox="INBOX",
                ca_file=server.ca_file,
            ),
            smtp=None,
            processed_folder="CalmDesk/Processed",
            rejected_folder="CalmDesk/Rejected",
            limits=LIMITS,
            max_message_bytes=25 * 1024 * 1024,
            poll_seconds=1,
            idle_seconds=1,
        )
        raws = messages(count + 1, f"imap-{backend}-{os.getpid()}")
        assert runtime.imap is not None
        with Mailbox(runtime.imap) as mailbox:
            for folder in (runtime.processed_folder, runtime.rejected_folder):
                mailbox.ensure_folder(folder)
            server.append(raws[0])
            intake_pass(mailbox, factory, runtime, playbook)  # warm-up
            for raw in raws[1:]:
                server.append(raw)
            started = time.perf_counter()
            done = intake_pass(mailbox, factory, runtime, playbook)
            elapsed = time.perf_counter() - started
        assert len(done) == count and all(r.case_id for r in done), "not every message made a case"
        assert server.count("INBOX") == 0
        return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--mode", choices=["imap", "service", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    modes = ["imap", "service"] if args.mode == "both" else [args.mode]
    load = os.getloadavg()[0]
    print(
        f"# {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"count={args.count}, load average {load:.1f} at start"
    )
    for backend in backends:
        for mode in modes:
            rate = (imap_rate if mode == "imap" else service_rate)(backend, args.count)
            print(f"{backend} {mode}: {rate:.1f} messages/s ({1000 / rate:.1f} ms each)")
    print(f"# load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
