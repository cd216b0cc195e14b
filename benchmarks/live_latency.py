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
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from live_server import (
    LINES,
    database,
    free_port,
    percentile,
    prepare_agents,
    start_server,
    stop_server,
)
from websockets.sync.client import ClientConnection, connect

WARM_UP = 5
TARGET_MS = 100.0


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
        token = prepare_agents(url, 1)[0]
        port = free_port()
        server = start_server(
            url, port, Path(folder) / "data", redis=args.redis, embedded_worker=False
        )
        try:
            base = f"http://127.0.0.1:{port}"
            results = {
                path: measure(base, token, path, args.turns, args.lines)
                for path in ("socket", "rest")
            }
        finally:
            stop_server(server)

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
