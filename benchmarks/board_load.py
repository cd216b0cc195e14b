"""The supervisor's board under a floor's load: ``--contacts`` live contacts posting lines while
``--supervisors`` boards watch, timing each line from the moment it is sent to the moment each
board receives the contact's new state (line -> board).

A fresh database and ``calmdesk serve`` (one worker, the deadline worker inside: what ``make
run`` starts); every supervisor holds ``/ws/board`` open; every agent posts its contact's lines
to ``POST /api/contacts/{id}/utterances`` (what a telephony integration does), a line every
0.5-1.5 x ``--pause`` seconds, 10 lines a contact, then a new contact. Every board must receive
every line's ``contact_update``: one that never arrives is counted as missed. The alerts the
lines raise are stored on the way (issue 12), so their cost is in the figures. At the end the
boards reconnect ``--reconnects`` times each and the time to their ``snapshot`` (every live
contact and the day's alerts) is measured too. Loopback only; stops by itself.

    .venv/bin/python benchmarks/board_load.py                       # SQLite, 50 x 5, 60 s
    .venv/bin/python benchmarks/board_load.py --db postgresql --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from live_server import (
    DEFAULT_POSTGRES,
    LINES,
    database,
    free_port,
    machine,
    percentile,
    prepare_agents,
    start_server,
    stop_server,
)
from sqlalchemy import select
from websockets.asyncio.client import connect

from calmdesk.storage.db import make_engine, make_session_factory, session_scope
from calmdesk.users.models import Role, User

LINES_PER_CONTACT = 10
TIMEOUT = 30.0
TARGET_P95_MS = 300.0


@dataclass
class Floor:
    sent: dict[tuple[int, int], float] = field(default_factory=dict)
    """(contact, seq) -> when the line was sent (perf_counter)."""
    seen: list[float] = field(default_factory=list)
    """line -> board, ms, one per board per line."""
    deliveries: Counter[tuple[int, int]] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    alerts: int = 0
    lines: int = 0


def supervisors(url: str, tokens: list[str]) -> None:
    """Make the first ``len(tokens)`` accounts of ``prepare_agents`` supervisors."""
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        for user in session.scalars(select(User).where(User.username.like("bench-sup-%"))):
            user.role = Role.SUPERVISOR
    engine.dispose()


async def board(ws_url: str, floor: Floor, stop: asyncio.Event) -> None:
    async with connect(ws_url, max_size=2**24) as ws:
        await ws.recv()  # the snapshot
        while not stop.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(), 0.5)
            except TimeoutError:
                continue
            now = time.perf_counter()
            message: dict[str, Any] = json.loads(raw)
            if message["type"] == "alert":
                floor.alerts += 1
            if message["type"] != "contact_update" or message["status"] != "live":
                continue
            key = (message["contact_id"], message["turns"])
            began = floor.sent.get(key)
            if began is not None:
                floor.seen.append((now - began) * 1000)
                floor.deliveries[key] += 1


async def agent(
    http: httpx.AsyncClient, token: str, until: float, floor: Floor, pause: float, seed: int
) -> None:
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}"}
    await asyncio.sleep(rng.uniform(0, pause))
    while time.monotonic() < until:
        started = await http.post("/api/contacts", json={"lang": None}, headers=headers)
        if started.status_code != 201:
            floor.errors[f"start {started.status_code}"] += 1
            await asyncio.sleep(pause)
            continue
        contact = int(started.json()["id"])
        for index in range(LINES_PER_CONTACT):
            if time.monotonic() >= until:
                break
            speaker, line = LINES[(seed + index) % len(LINES)]
            floor.sent[(contact, index + 1)] = time.perf_counter()
            try:
                answer = await http.post(
                    f"/api/contacts/{contact}/utterances",
                    json={"speaker": speaker, "text": f"{line} (#{contact}-{index})"},
                    headers=headers,
                )
            except httpx.HTTPError as error:
                floor.errors[type(error).__name__] += 1
                break
            if answer.status_code != 200:
                floor.errors[f"line {answer.status_code}"] += 1
                break
            floor.lines += 1
            await asyncio.sleep(rng.uniform(0.5, 1.5) * pause)
        await http.post(f"/api/contacts/{contact}/end", headers=headers)


async def snapshot_times(ws_base: str, tokens: list[str], rounds: int) -> list[float]:
    times: list[float] = []
    for _ in range(rounds):
        for token in tokens:
            began = time.perf_counter()
            async with connect(f"{ws_base}/ws/board?token={token}", max_size=2**24) as ws:
                await ws.recv()
            times.append((time.perf_counter() - began) * 1000)
    return times


async def run(
    base: str, agents: list[str], sups: list[str], args: argparse.Namespace
) -> tuple[Floor, list[float]]:
    floor = Floor()
    ws_base = base.replace("http://", "ws://")
    stop = asyncio.Event()
    limits = httpx.Limits(max_connections=len(agents) + 8)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT, limits=limits) as http:
        # Warm-up, not measured: the models load on first use.
        headers = {"Authorization": f"Bearer {agents[0]}"}
        contact = (await http.post("/api/contacts", json={}, headers=headers)).json()["id"]
        for speaker, text in LINES:
            body = {"speaker": speaker, "text": text}
            await http.post(f"/api/contacts/{contact}/utterances", json=body, headers=headers)
        await http.post(f"/api/contacts/{contact}/end", headers=headers)

        watchers = [
            asyncio.create_task(board(f"{ws_base}/ws/board?token={token}", floor, stop))
            for token in sups
        ]
        await asyncio.sleep(1.0)  # every board subscribed
        until = time.monotonic() + args.seconds
        await asyncio.gather(
            *(
                agent(http, token, until, floor, args.pause, seed)
                for seed, token in enumerate(agents)
            )
        )
        await asyncio.sleep(2.0)  # the last updates in flight
        stop.set()
        await asyncio.gather(*watchers)
    snapshots = await snapshot_times(ws_base, sups, args.reconnects)
    return floor, snapshots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--contacts", type=int, default=50)
    parser.add_argument("--supervisors", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--pause", type=float, default=1.0, help="mean seconds between lines")
    parser.add_argument("--reconnects", type=int, default=4)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, metavar="SERVER_URL")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    postgres = args.postgres if args.db == "postgresql" else None
    with (
        tempfile.TemporaryDirectory(prefix="calmdesk-board-") as folder,
        database(Path(folder), postgres, tag="board") as url,
        open(Path(folder) / "server.log", "wb") as log,
    ):
        agents = prepare_agents(url, args.contacts)
        sups = prepare_agents(url, args.supervisors, prefix="bench-sup")
        supervisors(url, sups)
        port = free_port()
        server = start_server(url, port, Path(folder) / "data", log=log)
        try:
            floor, snapshots = asyncio.run(run(f"http://127.0.0.1:{port}", agents, sups, args))
        finally:
            stop_server(server)
    expected = floor.lines * args.supervisors
    missed = expected - sum(floor.deliveries.values())
    t = floor.seen
    errors = ", ".join(f"{n} {code}" for code, n in floor.errors.most_common()) or "0"
    print(
        f"{args.db}: {args.contacts} contacts, {args.supervisors} boards, {args.seconds:.0f} s, "
        f"a line every {args.pause:.1f} s per contact; target p95 <= {TARGET_P95_MS:.0f} ms"
    )
    print(
        "| lines | deliveries | missed | errors | alerts seen | p50 ms | p95 ms | p99 ms | max ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {floor.lines} | {len(t)} | {missed} | {errors} | {floor.alerts} | "
        f"{percentile(t, 0.5):.0f} | {percentile(t, 0.95):.0f} | {percentile(t, 0.99):.0f} | "
        f"{max(t, default=float('nan')):.0f} |"
    )
    print(
        f"board snapshot on (re)connect ({len(snapshots)}): p50 {percentile(snapshots, 0.5):.0f} "
        f"ms, p95 {percentile(snapshots, 0.95):.0f} ms, max {max(snapshots):.0f} ms"
    )


if __name__ == "__main__":
    main()
