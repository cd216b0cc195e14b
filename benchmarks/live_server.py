"""What the server benchmarks share: a temporary database (an SQLite file, or a fresh PostgreSQL
database dropped afterwards), agents with API tokens, the real server started as
``calmdesk serve`` on a free loopback port, percentiles and the server's memory.

Every benchmark talks to 127.0.0.1 only and stops by itself.
"""

from __future__ import annotations

import os
import platform
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from calmdesk.storage.db import make_engine, make_session_factory, normalise_url, session_scope
from calmdesk.storage.migrate import upgrade
from calmdesk.users import service as users_service
from calmdesk.users.models import Role, User

# The benchmarks share the test suite's helpers for real server processes (tests/processes.py).
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.processes import free_port as free_port  # noqa: E402
from tests.processes import wait_until_up as wait_until_up  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
STARTUP_TIMEOUT = 120.0

# Calm and abusive lines in the three languages (our own words).
LINES: list[tuple[str, str]] = [
    ("customer", "Dzień dobry, za październik naliczyliście mi 180 zł więcej niż w umowie."),
    ("agent", "Rozumiem, to nieprzyjemne. Czy może Pan podać numer faktury?"),
    ("customer", "Co za #$&^&%@! banda, trzeci raz dzwonię w tej sprawie!"),
    ("customer", "Добрый день, с меня списали 2000 рублей дважды за один заказ."),
    ("agent", "Понимаю вас, сейчас проверю оба списания."),
    ("customer", "Вы там все #$&^&%@! что ли? Верните деньги немедленно!"),
    ("customer", "Hello, my refund for order 55120 still hasn't arrived after three weeks."),
    ("agent", "I'm sorry about the wait; let me look at the refund right now."),
    ("customer", "You incompetent idiots, I want your manager, now!"),
    ("customer", "I'll write about this on every review site and talk to my lawyer."),
]


@contextmanager
def database(folder: Path, postgres_server: str | None, tag: str = "bench") -> Iterator[str]:
    """An SQLite file in ``folder``, or a fresh database on ``postgres_server``."""
    if postgres_server is None:
        yield f"sqlite:///{folder / f'{tag}.sqlite3'}"
        return
    name = f"calmdesk_{tag}_{os.getpid()}"
    admin = create_engine(normalise_url(postgres_server), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare_agents(url: str, count: int, prefix: str = "bench-agent") -> list[str]:
    """Migrate ``url`` and create ``count`` agents; returns one bearer token per agent."""
    engine = make_engine(url)
    upgrade(engine)
    tokens: list[str] = []
    with session_scope(make_session_factory(engine)) as session:
        for index in range(count):
            agent = User(
                username=f"{prefix}-{index}",
                display_name=f"Bench Agent {index}",
                role=Role.AGENT,
                password_hash="unused: token only",
                is_active=True,
            )
            session.add(agent)
            session.flush()
            tokens.append(users_service.issue_token(session, user=agent, name="benchmark"))
    engine.dispose()
    return tokens


def start_server(
    url: str,
    port: int,
    data_dir: Path,
    *,
    redis: bool = False,
    log: IO[bytes] | None = None,
    embedded_worker: bool = True,
) -> subprocess.Popen[bytes]:
    """``calmdesk serve`` (what ``make run`` starts: one worker, the deadline worker inside)
    on ``url``; returns once ``/healthz`` answers."""
    env = {
        **os.environ,
        "CALMDESK_ENV": "test",
        "CALMDESK_DATABASE_URL": url,
        "CALMDESK_SECRET_KEY": f"bench-{uuid.uuid4().hex}",
        "CALMDESK_AUTO_MIGRATE": "false",
        "CALMDESK_EMBEDDED_WORKER": "true" if embedded_worker else "false",
        "CALMDESK_DATA_DIR": str(data_dir),
    }
    if redis:
        env["CALMDESK_REDIS_URL"] = REDIS_URL
    else:
        env.pop("CALMDESK_REDIS_URL", None)
    command = [sys.executable, "-m", "calmdesk", "serve", "--host=127.0.0.1", f"--port={port}"]
    output = log if log is not None else subprocess.DEVNULL
    process = subprocess.Popen(command, env=env, stdout=output, stderr=output)
    try:
        wait_until_up(f"http://127.0.0.1:{port}", process, STARTUP_TIMEOUT)
    except AssertionError as failed:
        process.kill()
        raise SystemExit(str(failed)) from None
    return process


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def rss_mb(pid: int) -> float:
    """The resident memory of process ``pid`` in MB (Linux), 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average before the run {load}"
    )
