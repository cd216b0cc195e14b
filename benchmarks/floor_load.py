"""A contact centre's floor on one server: many live contacts posting lines at once, with or
without a flood of logins, on the embedded default (SQLite) and on PostgreSQL side by side.

Each scenario starts a fresh database and ``calmdesk serve`` (one worker, the deadline worker
inside: what ``make run`` starts), then for ``--seconds``:

- ``rest``: ``--contacts`` agents each post their contact's lines to
  ``POST /api/contacts/{id}/utterances`` (what a telephony integration does) and time the answer;
- ``socket``: the same lines sent as frames on each contact's ``/ws/contacts/{id}`` socket,
  timed to the ``guidance`` frame;
- ``flood``: the ``rest`` load while ``--flood`` clients log in with unknown usernames as fast
  as they are answered (real users' lines must still be answered, and quickly).

Each contact sends a line, waits for the guidance, pauses 0.5-1.5 x ``--pause`` seconds and
sends the next; after 10 lines it ends and a new contact starts (the ladder tops out
otherwise). Every answer that is not the guidance (a status other than 200, an ``error`` frame,
a timeout) is counted as an error by its code. Loopback only; stops by itself.

    .venv/bin/python benchmarks/floor_load.py                       # everything, ~7 minutes
    .venv/bin/python benchmarks/floor_load.py --db sqlite --scenario rest --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import tempfile
import threading
import time
import uuid
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
    rss_mb,
    start_server,
    stop_server,
)
from websockets.asyncio.client import ClientConnection, connect

LINES_PER_CONTACT = 10
TIMEOUT = 30.0
TARGET_P99_MS = 300.0


@dataclass
class Tally:
    """Latencies of answered requests and a count of everything else, by code."""

    timings: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)

    def row(self) -> str:
        errors = ", ".join(f"{n} {code}" for code, n in self.errors.most_common()) or "0"
        t = self.timings
        return (
            f"{len(t)} | {errors} | {percentile(t, 0.5):.0f} | {percentile(t, 0.95):.0f} | "
            f"{percentile(t, 0.99):.0f} | {max(t, default=float('nan')):.0f}"
        )


def _code(response: httpx.Response) -> str:
    try:
        return f"{response.status_code} {response.json().get('code', '')}".strip()
    except ValueError:
        return str(response.status_code)


async def _pause(rng: random.Random, pause: float) -> None:
    await asyncio.sleep(rng.uniform(0.5, 1.5) * pause)


async def _start(http: httpx.AsyncClient, headers: dict[str, str], tally: Tally) -> int | None:
    try:
        started = await http.post("/api/contacts", json={"lang": None}, headers=headers)
    except httpx.HTTPError as error:
        tally.errors[f"start {type(error).__name__}"] += 1
        return None
    if started.status_code != 201:
        tally.errors[f"start {_code(started)}"] += 1
        return None
    contact: int = started.json()["id"]
    return contact


async def _say_rest(
    http: httpx.AsyncClient, headers: dict[str, str], contact: int, speaker: str, text: str
) -> str | None:
    """None once the guidance came back, else what came instead."""
    try:
        response = await http.post(
            f"/api/contacts/{contact}/utterances",
            json={"speaker": speaker, "text": text},
            headers=headers,
        )
    except httpx.HTTPError as error:
        return type(error).__name__
    return None if response.status_code == 200 else _code(response)


async def _say_on_socket(ws: ClientConnection, speaker: str, text: str) -> str | None:
    await ws.send(json.dumps({"type": "utterance", "speaker": speaker, "text": text}))
    try:
        message = await asyncio.wait_for(_guidance_or_error(ws), TIMEOUT)
    except TimeoutError:
        return "timeout"
    return None if message["type"] == "guidance" else f"error frame {message.get('code')}"


async def _guidance_or_error(ws: ClientConnection) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = json.loads(await ws.recv())
        if message["type"] in ("guidance", "error"):
            return message


async def live_contacts(
    http: httpx.AsyncClient,
    token: str,
    until: float,
    tally: Tally,
    pause: float,
    seed: int,
    ws_base: str | None,
) -> None:
    """One agent's contacts one after the other, its lines over REST (or on the contact's
    socket with ``ws_base``)."""
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}"}
    await _pause(rng, pause)  # the contacts do not all start in the same instant
    while time.monotonic() < until:
        contact = await _start(http, headers, tally)
        if contact is None:
            await _pause(rng, pause)
            continue
        async with contextlib.AsyncExitStack() as stack:
            ws: ClientConnection | None = None
            if ws_base is not None:
                url = f"{ws_base}/ws/contacts/{contact}?token={token}"
                ws = await stack.enter_async_context(connect(url))
                await ws.recv()  # the snapshot
            for index in range(LINES_PER_CONTACT):
                if time.monotonic() >= until:
                    break
                speaker, line = LINES[(seed + index) % len(LINES)]
                # Every line unique, as real ones are: no cache may answer a repeat.
                text = f"{line} (#{contact}-{index})"
                began = time.perf_counter()
                if ws is None:
                    refused = await _say_rest(http, headers, contact, speaker, text)
                else:
                    refused = await _say_on_socket(ws, speaker, text)
                if refused is None:
                    tally.timings.append((time.perf_counter() - began) * 1000)
                else:
                    tally.errors[refused] += 1
                await _pause(rng, pause)
        ended = await http.post(f"/api/contacts/{contact}/end", headers=headers)
        if ended.status_code != 200:
            tally.errors[f"end {_code(ended)}"] += 1


async def unknown_logins(http: httpx.AsyncClient, until: float, tally: Tally) -> None:
    while time.monotonic() < until:
        body = {"username": f"nobody-{uuid.uuid4().hex[:12]}", "password": "not-a-real-pass"}
        began = time.perf_counter()
        try:
            response = await http.post("/api/auth/login", json=body)
        except httpx.HTTPError as error:
            tally.errors[type(error).__name__] += 1
            continue
        tally.statuses[_code(response)] += 1
        if response.status_code in (401, 429, 503):
            tally.timings.append((time.perf_counter() - began) * 1000)
        else:
            tally.errors[_code(response)] += 1
        # Throttled (429) or every password slot taken (503): wait as told, then try again.
        if response.status_code in (429, 503):
            await asyncio.sleep(min(float(response.headers.get("Retry-After", "1")), 5.0))


async def warm_up(http: httpx.AsyncClient, token: str) -> None:
    """Every line once, not measured: the models load on first use."""
    headers = {"Authorization": f"Bearer {token}"}
    contact = (await http.post("/api/contacts", json={"lang": None}, headers=headers)).json()
    for speaker, text in LINES:
        body = {"speaker": speaker, "text": text}
        await http.post(f"/api/contacts/{contact['id']}/utterances", json=body, headers=headers)
    await http.post(f"/api/contacts/{contact['id']}/end", headers=headers)


async def run_load(
    base: str, tokens: list[str], scenario: str, seconds: float, pause: float, flood: int
) -> tuple[Tally, Tally]:
    lines, logins = Tally(), Tally()
    limits = httpx.Limits(max_connections=len(tokens) + flood + 8)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT, limits=limits) as http:
        await warm_up(http, tokens[0])
        until = time.monotonic() + seconds
        ws_base = base.replace("http://", "ws://") if scenario == "socket" else None
        tasks = [
            live_contacts(http, token, until, lines, pause, seed, ws_base)
            for seed, token in enumerate(tokens)
        ]
        if scenario == "flood":
            tasks += [unknown_logins(http, until, logins) for _ in range(flood)]
        await asyncio.gather(*tasks)
    return lines, logins


def scenario_run(args: argparse.Namespace, db: str, scenario: str) -> str:
    postgres = args.postgres if db == "postgresql" else None
    with (
        tempfile.TemporaryDirectory(prefix="calmdesk-floor-") as folder,
        database(Path(folder), postgres, tag="floor") as url,
        open(Path(folder) / "server.log", "wb") as log,
    ):
        tokens = prepare_agents(url, args.contacts)
        port = free_port()
        server = start_server(url, port, Path(folder) / "data", log=log)
        memory = [rss_mb(server.pid)]
        sampling = threading.Event()

        def sample() -> None:
            while not sampling.wait(0.5):
                memory.append(rss_mb(server.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            flood = args.flood if scenario == "flood" else 0
            lines, logins = asyncio.run(
                run_load(
                    f"http://127.0.0.1:{port}", tokens, scenario, args.seconds, args.pause, flood
                )
            )
        finally:
            sampling.set()
            sampler.join()
            stop_server(server)
    row = (
        f"| {db} | {scenario} | {args.contacts} | {lines.row()} | "
        f"{len(lines.timings) / args.seconds:.1f} | {memory[0]:.0f} / {max(memory):.0f} |"
    )
    if scenario == "flood":
        statuses = ", ".join(f"{n} x {code}" for code, n in logins.statuses.most_common())
        row += (
            f"\n|   | logins ({args.flood} clients) | | {logins.row()} | "
            f"{len(logins.timings) / args.seconds:.1f} | {statuses} |"
        )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--scenario", choices=["rest", "socket", "flood", "all"], default="all", nargs="?"
    )
    parser.add_argument("--contacts", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--pause", type=float, default=1.0, help="mean seconds between lines")
    parser.add_argument("--flood", type=int, default=64, help="concurrent unknown-user logins")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, metavar="SERVER_URL")
    args = parser.parse_args()
    dbs = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    scenarios = ["rest", "socket", "flood"] if args.scenario == "all" else [args.scenario]

    print(f"machine: {machine()}")
    print(
        f"{args.contacts} contacts, {args.seconds:.0f} s each scenario, a line every "
        f"{args.pause:.1f} s on average per contact; target: no error, p99 < {TARGET_P99_MS:.0f} ms"
    )
    print()
    print(
        "| database | scenario | contacts | answered | errors | p50 ms | p95 ms | p99 ms | max ms"
        " | per s | server RSS MB start / peak |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for scenario in scenarios:
        for db in dbs:
            print(scenario_run(args, db, scenario), flush=True)


if __name__ == "__main__":
    main()
