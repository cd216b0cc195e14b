"""SIGKILL of a real ``calmdesk mail`` process in the middle of its intake loses no message and
makes no case twice: a message leaves the inbox only after its case is committed, and one read
again after the restart is recognised by its Message-ID.

Each round kills the process the moment a new case is seen committed, which is usually before
that message was moved out of the inbox (the window the dedupe exists for); the round records
whether it landed there.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from calmdesk.cases.models import Case
from calmdesk.mail.models import MailMessage
from calmdesk.storage.db import READ, TRANSACTION_MODE, make_engine
from calmdesk.storage.migrate import upgrade
from tests.mail import corpus
from tests.mail.servers import Dovecot, dovecot
from tests.processes import ROOT
from tests.servers import postgres_database

pytestmark = pytest.mark.slow

MESSAGES = 12
ROUNDS = 2


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def crash_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'mail-crash.sqlite3'}"
        return
    with postgres_database("mailcrash") as url:
        yield url


def start(url: str, server: Dovecot, data_dir: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        **server.env(),
        "CALMDESK_DATABASE_URL": url,
        "CALMDESK_DATA_DIR": str(data_dir),
        "CALMDESK_ENV": "test",
        "CALMDESK_MAIL_POLL_SECONDS": "0.2",
        "CALMDESK_MAIL_IDLE_SECONDS": "1",
        "CALMDESK_MAIL_SENDER_LIMIT_PER_HOUR": "1000",
        "PYTHONPATH": str(ROOT / "src"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "calmdesk", "mail", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def counts(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    try:
        # A plain BEGIN on SQLite: watching must not take the writer's lock.
        with engine.connect().execution_options(**{TRANSACTION_MODE: READ}) as connection:
            cases_ = connection.scalar(select(func.count()).select_from(Case)) or 0
            rows = connection.scalar(select(func.count()).select_from(MailMessage)) or 0
            return cases_, rows
    finally:
        engine.dispose()


def test_sigkill_during_intake_loses_nothing_and_doubles_nothing(
    crash_db: str, tmp_path: Path
) -> None:
    engine = make_engine(crash_db)
    upgrade(engine)
    engine.dispose()
    landed_in_window = 0
    with dovecot() as server:
        total = 0
        for round_ in range(ROUNDS):
            for n in range(MESSAGES):
                lang = ("pl", "ru", "en")[n % 3]
                server.append(
                    corpus.complaint(
                        lang,
                        sender=f"klient{round_}-{n}@example.pl",
                        text=f"{corpus.COMPLAINTS[lang][1]} (#{round_}-{n})",
                        message_id=f"<crash-{round_}-{n}@example>",
                    )
                )
            total += MESSAGES
            before, _ = counts(crash_db)
            process = start(crash_db, server, tmp_path / "data")
            watcher = make_engine(crash_db)
            try:
                # One connection polled as fast as it can: the kill follows the commit of the
                # fourth new case by about a millisecond, often before its message is moved.
                with watcher.connect().execution_options(**{TRANSACTION_MODE: READ}) as watch:
                    deadline = time.monotonic() + 180
                    query = select(func.count()).select_from(Case)
                    while (watch.scalar(query) or 0) < before + MESSAGES // 3:
                        watch.rollback()
                        assert process.poll() is None, process.stdout and process.stdout.read()
                        assert time.monotonic() < deadline, "calmdesk mail made no progress"
                    process.send_signal(signal.SIGKILL)
            finally:
                watcher.dispose()
                if process.poll() is None:
                    process.kill()
                process.wait(timeout=30)
            recorded, _ = counts(crash_db)
            still_in_inbox = server.messages("INBOX")
            ids = {
                m.split(b"Message-ID: ", 1)[1].split(b"\n", 1)[0].strip() for m in still_in_inbox
            }
            engine = make_engine(crash_db)
            with engine.connect().execution_options(**{TRANSACTION_MODE: READ}) as connection:
                known = set(
                    connection.scalars(
                        select(MailMessage.message_id).where(
                            MailMessage.message_id.in_([i.decode() for i in ids])
                        )
                    )
                )
            engine.dispose()
            landed_in_window += bool(known)
            # the restart finishes the inbox
            finish = start(crash_db, server, tmp_path / "data", "--once")
            output, _ = finish.communicate(timeout=300)
            assert finish.returncode == 0, output.decode()
            assert server.count("INBOX") == 0
            cases_, rows = counts(crash_db)
            assert cases_ == total, f"round {round_}: {cases_} cases for {total} messages"
            assert rows == total
            assert recorded <= total
            if known:
                assert output.decode().count("(read before)") >= len(known)
        assert server.count("CalmDesk/Processed") == total
    engine = make_engine(crash_db)
    with engine.connect() as connection:
        doubled = connection.execute(
            text("SELECT message_id FROM mail_messages GROUP BY message_id HAVING COUNT(*) > 1")
        ).all()
    engine.dispose()
    assert doubled == []
    print(f"SIGKILL landed between a commit and its move in {landed_in_window}/{ROUNDS} rounds")
