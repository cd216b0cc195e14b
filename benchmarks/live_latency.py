"""Server-side latency of live coaching: a line in, the coach's guidance out on the agent's
WebSocket.

Starts one ``calmdesk`` server (uvicorn, the real app) on a temporary SQLite file, creates an
agent with an API token, opens the agent's console socket ``/ws/contacts/{id}`` and measures,
for every line, the time from sending it to receiving its ``guidance`` message on that socket:

- ``socket``: the line is sent as a frame on the same socket (what the console does);
- ``rest``: the line is POSTed to ``/api/contacts/{id}/utterances`` with the bearer token (what a
  telephony or chat integration does) while the console socket listens.

Each contact takes ``--lines`` lines (the ladder tops out otherwise), then a new one starts.
With ``--redis`` the server fans out through Redis (127.0.0.1:6379) instead of in-process; with
``--postgres`` it stores in a fresh PostgreSQL database (created on that server, dropped after).

    .venv/bin/python benchmarks/live_latency.py --turns 300
    .venv/bin/python benchmarks/live_latency.py --turns 300 --redis
    .venv/bin/python benchmarks/live_latency.py --turns 300 --postgres postgresql://postgres@127.0.0.1/postgres

The browser side (rendering in the console page) is ``benchmarks/console_latency.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from websockets.sync.client import ClientConnection, connect

from calmdesk.storage.db import make_engine, make_session_factory, normalise_url, session_scope
from calmdesk.storage.migrate import upgrade
from calmdesk.users import service as users_service
from calmdesk.users.models import Role, User

REDIS_URL = "redis://127.0.0.1:6379/0"
WARM_UP = 5
TARGET_MS = 100.0

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def prepare(url: str) -> str:
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        agent = User(
            username="bench-agent",
            display_name="Bench Agent",
            role=Role.AGENT,
            password_hash="unused: token only",
            is_active=True,
        )
        session.add(agent)
        session.flush()
        token = users_service.issue_token(session, user=agent, name="benchmark")
    engine.dispose()
    return token


def start_server(url: str, port: int, data_dir: Path, redis: bool) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CALMDESK_ENV": "test",
        "CALMDESK_DATABASE_URL": url,
        "CALMDESK_SECRET_KEY": f"bench-{uuid.uuid4().hex}",
        "CALMDESK_AUTO_MIGRATE": "false",
        "CALMDESK_EMBEDDED_WORKER": "false",
        "CALMDESK_DATA_DIR": str(data_dir),
    }
    if redis:
        env["CALMDESK_REDIS_URL"] = REDIS_URL
    else:
        env.pop("CALMDESK_REDIS_URL", None)
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "calmdesk.web.app:create_app",
        "--factory",
        "--host=127.0.0.1",
        f"--port={port}",
        "--log-level=warning",
    ]
    process = subprocess.Popen(command, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def next_guidance(ws: ClientConnection) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = json.loads(ws.recv(timeout=30))
        if message["type"] == "guidance":
            return message
        if message["type"] == "error":
            raise SystemExit(f"the server refused a line: {message}")


def measure(base: str, token: str, path: str, turns: int, lines_per_contact: int) -> list[float]:
    headers = {"Authorization": f"Bearer {token}"}
    ws_base = base.replace("http://", "ws://")
    timings: list[float] = []
    with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
        done = 0
        while done < turns + WARM_UP:
            contact = http.post("/api/contacts", json={"lang": None}).json()["id"]
            with connect(f"{ws_base}/ws/contacts/{contact}?token={token}") as ws:
                ws.recv(timeout=30)  # the snapshot
                for index in range(lines_per_contact):
                    speaker, text = LINES[(done + index) % len(LINES)]
                    started = time.perf_counter()
                    if path == "socket":
                        frame = {"type": "utterance", "speaker": speaker, "text": text}
                        ws.send(json.dumps(frame))
                    else:
                        response = http.post(
                            f"/api/contacts/{contact}/utterances",
                            json={"speaker": speaker, "text": text},
                        )
                        response.raise_for_status()
                    next_guidance(ws)
                    elapsed = (time.perf_counter() - started) * 1000
                    if done >= WARM_UP:
                        timings.append(elapsed)
                    done += 1
                    if done >= turns + WARM_UP:
                        break
            http.post(f"/api/contacts/{contact}/end")
    return timings


@contextmanager
def database(folder: Path, postgres_server: str | None) -> Iterator[str]:
    """An SQLite file in ``folder``, or a fresh database on ``postgres_server``."""
    if postgres_server is None:
        yield f"sqlite:///{folder / 'bench.sqlite3'}"
        return
    name = f"calmdesk_bench_{os.getpid()}"
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


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(path: str, timings: list[float]) -> str:
    return (
        f"| {path} | {len(timings)} | {statistics.median(timings):.1f} | "
        f"{percentile(timings, 0.95):.1f} | {percentile(timings, 0.99):.1f} | "
        f"{max(timings):.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300, help="lines measured per path")
    parser.add_argument("--lines", type=int, default=10, help="lines per contact")
    parser.add_argument("--redis", action="store_true", help="fan out through Redis")
    parser.add_argument("--postgres", metavar="SERVER_URL", help="store in PostgreSQL")
    args = parser.parse_args()

    with (
        tempfile.TemporaryDirectory(prefix="calmdesk-bench-") as folder,
        database(Path(folder), args.postgres) as url,
    ):
        token = prepare(url)
        port = free_port()
        server = start_server(url, port, Path(folder) / "data", args.redis)
        try:
            base = f"http://127.0.0.1:{port}"
            results = {
                path: measure(base, token, path, args.turns, args.lines)
                for path in ("socket", "rest")
            }
        finally:
            server.terminate()
            server.wait(timeout=10)

    bus = "Redis" if args.redis else "in-process"
    python = platform.python_version()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {python}")
    store = "PostgreSQL" if args.postgres else "SQLite file"
    print(f"bus: {bus}; {store}; one uvicorn worker; target p99 < {TARGET_MS:.0f} ms\n")
    print("| path | lines | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|")
    for path, timings in results.items():
        print(report(path, timings))


if __name__ == "__main__":
    main()
