"""What a flood of logins for made-up names costs the server: ``--clients`` clients at once,
each logging in with a fresh unknown username as soon as it is answered (waiting as told after a
429 or 503), for ``--seconds``; reports the answers and the server's resident memory.

The server is ``calmdesk serve`` on a fresh SQLite file (or PostgreSQL database, ``--db
postgresql``) with the analysis models not loaded
(``CALMDESK_WARM_UP_MODELS=false``), so the memory is the logins' own. Extra ``CALMDESK_*``
variables in the environment reach the server, e.g. ``CALMDESK_LOGIN_ADDRESS_FREE_ATTEMPTS=1000000``
to let every attempt reach argon2 and measure the hashing limit alone. Loopback only.

    .venv/bin/python benchmarks/login_flood.py --clients 64 --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
from live_server import (
    DEFAULT_POSTGRES,
    database,
    free_port,
    machine,
    prepare_agents,
    rss_mb,
    start_server,
    stop_server,
)


async def _client(http: httpx.AsyncClient, until: float, answers: Counter[str]) -> None:
    while time.monotonic() < until:
        body = {"username": f"nobody-{uuid.uuid4().hex[:12]}", "password": "not-a-real-pass"}
        try:
            response = await http.post("/api/auth/login", json=body)
        except httpx.HTTPError as error:
            answers[type(error).__name__] += 1
            continue
        answers[f"{response.status_code} {response.json().get('code', '')}"] += 1
        if response.status_code in (429, 503):
            await asyncio.sleep(min(float(response.headers.get("Retry-After", "1")), 5.0))


async def _flood(base: str, clients: int, seconds: float) -> Counter[str]:
    answers: Counter[str] = Counter()
    limits = httpx.Limits(max_connections=clients + 4)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:
        until = time.monotonic() + seconds
        await asyncio.gather(*(_client(http, until, answers) for _ in range(clients)))
    return answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, metavar="SERVER_URL")
    args = parser.parse_args()
    os.environ["CALMDESK_WARM_UP_MODELS"] = "false"
    print(f"machine: {machine()}")
    postgres = args.postgres if args.db == "postgresql" else None
    with (
        tempfile.TemporaryDirectory(prefix="calmdesk-logins-") as folder,
        database(Path(folder), postgres, tag="logins") as url,
    ):
        prepare_agents(url, 1)
        port = free_port()
        server = start_server(url, port, Path(folder) / "data", embedded_worker=False)
        memory = [rss_mb(server.pid)]
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.2):
                memory.append(rss_mb(server.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            answers = asyncio.run(_flood(f"http://127.0.0.1:{port}", args.clients, args.seconds))
        finally:
            stop.set()
            sampler.join()
            stop_server(server)
    total = sum(answers.values())
    shown = ", ".join(f"{n} x {answer}" for answer, n in answers.most_common())
    print(f"{args.db}, {args.clients} clients, {args.seconds:.0f} s: {total} answers ({shown})")
    print(f"server RSS MB: {memory[0]:.0f} at rest, {max(memory):.0f} at the peak")


if __name__ == "__main__":
    main()
