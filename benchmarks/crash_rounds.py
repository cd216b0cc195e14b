"""SIGKILL rounds: the server is killed in the middle of a burst of case intakes and live lines,
restarted, and every record whose creation was acknowledged (201 for an intake, 200 with its
``seq`` for a line) must be stored, exactly once.

For each database (SQLite file, PostgreSQL), one fresh database and ``calmdesk serve``; each
round sends ``--intakes`` threads of ``POST /api/cases`` and ``--contacts`` threads of live lines
(``POST /api/contacts/{id}/utterances``, a new contact every 10 lines), kills the server with
SIGKILL after a random 2-5 s, restarts it on the same database and reads back every
acknowledged record so far. Each text is unique, so a record stored twice shows. Loopback only;
stops by itself.

    .venv/bin/python benchmarks/crash_rounds.py --rounds 10
"""

from __future__ import annotations

import argparse
import random
import signal
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from live_server import (
    DEFAULT_POSTGRES,
    LINES,
    database,
    free_port,
    machine,
    prepare_agents,
    start_server,
    stop_server,
)
from sqlalchemy import select

from calmdesk.cases.models import Case
from calmdesk.live.models import ContactEvent
from calmdesk.storage.db import make_engine

LINES_PER_CONTACT = 10


@dataclass
class Acknowledged:
    """What the server answered as stored, kept by the clients."""

    cases: dict[int, str] = field(default_factory=dict)
    lines: dict[tuple[int, int], str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def intakes(base: str, token: str, tag: str, stop: threading.Event, acked: Acknowledged) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    n = 0
    with httpx.Client(base_url=base, headers=headers, timeout=10) as http:
        while not stop.is_set():
            n += 1
            description = f"Faktura wyższa niż w umowie ({tag}-{n})."
            body = {
                "customer_contact": f"{tag}-{n}@example.com",
                "description": description,
                "category": "invoice_error",
                "language": "pl",
            }
            try:
                response = http.post("/api/cases", json=body)
            except httpx.HTTPError:
                # The server died under this request (nothing was promised) or is restarting.
                if stop.wait(0.2):
                    return
                continue
            if response.status_code == 201:
                with acked.lock:
                    acked.cases[response.json()["id"]] = description


def live_lines(base: str, token: str, tag: str, stop: threading.Event, acked: Acknowledged) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    n = 0
    with httpx.Client(base_url=base, headers=headers, timeout=10) as http:
        while not stop.is_set():
            try:
                contact = http.post("/api/contacts", json={"lang": None}).json()["id"]
                for index in range(LINES_PER_CONTACT):
                    n += 1
                    speaker, line = LINES[(n + index) % len(LINES)]
                    text = f"{line} [{tag}-{n}]"
                    response = http.post(
                        f"/api/contacts/{contact}/utterances",
                        json={"speaker": speaker, "text": text},
                    )
                    if response.status_code == 200:
                        with acked.lock:
                            acked.lines[(contact, response.json()["seq"])] = text
                    if stop.is_set():
                        return
            except (httpx.HTTPError, ValueError, KeyError):
                # The server died, or is still loading its models after a restart: nothing was
                # promised; go on until the round ends.
                if stop.wait(0.2):
                    return


def verify(url: str, acked: Acknowledged) -> tuple[int, int]:
    """(lost, stored twice) among the acknowledged records."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            cases = {i: d for i, d in connection.execute(select(Case.id, Case.description))}
            query = select(ContactEvent.contact_id, ContactEvent.seq, ContactEvent.text)
            events = {(c, s): t for c, s, t in connection.execute(query)}
    finally:
        engine.dispose()
    lost = sum(1 for i, d in acked.cases.items() if cases.get(i) != d)
    lost += sum(1 for key, text in acked.lines.items() if events.get(key) != text)
    descriptions = Counter(cases.values())
    texts = Counter(t for t in events.values() if t is not None and "[" in t)
    twice = sum(1 for d in acked.cases.values() if descriptions[d] > 1)
    twice += sum(1 for t in acked.lines.values() if texts[t] > 1)
    return lost, twice


def run(db: str, args: argparse.Namespace) -> str:
    postgres = args.postgres if db == "postgresql" else None
    rng = random.Random(args.seed)
    acked = Acknowledged()
    lost = twice = 0
    with (
        tempfile.TemporaryDirectory(prefix="calmdesk-crash-") as folder,
        database(Path(folder), postgres, tag="crash") as url,
    ):
        tokens = prepare_agents(url, args.intakes + args.contacts)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        data_dir = Path(folder) / "data"
        server = start_server(url, port, data_dir)
        try:
            for round_no in range(args.rounds):
                stop = threading.Event()
                workers = [
                    threading.Thread(
                        target=intakes if i < args.intakes else live_lines,
                        args=(base, token, f"r{round_no}t{i}", stop, acked),
                    )
                    for i, token in enumerate(tokens)
                ]
                for worker in workers:
                    worker.start()
                time.sleep(rng.uniform(2.0, 5.0))
                server.send_signal(signal.SIGKILL)
                server.wait(timeout=10)
                stop.set()
                for worker in workers:
                    worker.join()
                server = start_server(url, port, data_dir)
                lost, twice = verify(url, acked)  # everything acknowledged so far
        finally:
            stop_server(server)
    return f"| {db} | {args.rounds} | {len(acked.cases)} | {len(acked.lines)} | {lost} | {twice} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=10, help="SIGKILL rounds per database")
    parser.add_argument("--intakes", type=int, default=4, help="threads posting cases")
    parser.add_argument("--contacts", type=int, default=4, help="threads posting live lines")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, metavar="SERVER_URL")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print()
    print(
        "| database | SIGKILL rounds | intakes acknowledged | lines acknowledged | lost |"
        " stored twice |"
    )
    print("|---|---|---|---|---|---|")
    for db in ["sqlite", "postgresql"] if args.db == "both" else [args.db]:
        print(run(db, args), flush=True)


if __name__ == "__main__":
    main()
