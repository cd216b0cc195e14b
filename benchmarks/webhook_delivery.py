"""Webhook delivery throughput: events written to the outbox, then delivered by the worker to a
real HTTP receiver on loopback (its own process), on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/webhook_delivery.py --events 2000
    .venv/bin/python benchmarks/webhook_delivery.py --events 2000 --receiver-ms 50
    .venv/bin/python benchmarks/webhook_delivery.py --events 2000 --workers 2 --backend postgresql

Each event is written in its own transaction (``webhooks.events.notify``, as a case event does);
then ``--workers`` threads each run the worker's delivery loop (``outbox.deliver_due``: claim a
batch, send ``--concurrency`` at once, record the outcomes) until the outbox is empty.
``--receiver-ms`` makes the receiver wait that long before answering (a real receiver's work).
The receiver counts requests and distinct event ids, so duplicates would show; a delivery that
failed (a refused connection on a busy machine) is retried after a short backoff (0.2 s here)
until every one is delivered, and the retries are counted.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cases_db import temporary_engine
from sqlalchemy import func, select

from calmdesk.outbox import service as outbox
from calmdesk.outbox.models import OutboxMessage
from calmdesk.storage.db import make_session_factory
from calmdesk.webhooks import service
from calmdesk.webhooks.delivery import WebhookChannel
from calmdesk.webhooks.events import WebhookEventKind, notify
from calmdesk.webhooks.schemas import WebhookCreate

SERVER_KEY = "benchmark-server-key-0123456789-abcdefghijklmnopq"


def receive(port: int, delay: float) -> None:
    """The receiver's process: 200 to every POST after ``delay`` s; GET answers the counts."""
    lock = threading.Lock()
    seen: set[str] = set()
    counts = {"requests": 0}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if delay:
                time.sleep(delay)
            with lock:
                counts["requests"] += 1
                seen.add(self.headers.get("CalmDesk-Event-Id", ""))
            self._answer(b"ok")

        def do_GET(self) -> None:
            with lock:
                body = json.dumps({"requests": counts["requests"], "unique": len(seen)})
            self._answer(body.encode())

        def _answer(self, body: bytes) -> None:
            # Status, headers and body in one write: two small writes meet the client's delayed
            # ACK (Nagle), which would measure the receiver's TCP stack, not the delivery.
            head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            self.wfile.write(head + body)

        def log_message(self, format: str, *args: object) -> None:
            return

    class Server(ThreadingHTTPServer):
        # The listen backlog is set when the socket opens: the default 5 is fewer than the
        # worker's 8 connections at once, and a full backlog drops them into TCP retransmits.
        request_queue_size = 128
        daemon_threads = True

    Server(("127.0.0.1", port), Handler).serve_forever()


def counts(port: int) -> dict[str, int]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/count", timeout=10) as answer:
        result: dict[str, int] = json.loads(answer.read())
        return result


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def run(backend: str, args: argparse.Namespace, port: int) -> dict[str, float]:
    with temporary_engine(backend, "hooks") as engine:
        factory = make_session_factory(engine)
        with factory() as session, session.begin():
            for n in range(args.subscriptions):
                service.create(
                    session,
                    webhook_in=WebhookCreate(
                        name=f"bench {n}",
                        url=f"http://127.0.0.1:{port}/hook/{n}",
                        event_kinds=[WebhookEventKind.CASE_SLA_BREACHED],
                    ),
                    actor_id=None,
                    server_key=SERVER_KEY,
                    allow_private=True,
                )
        before = counts(port)
        started = time.perf_counter()
        for n in range(args.events):
            with factory() as session, session.begin():
                notify(
                    session,
                    kind=WebhookEventKind.CASE_SLA_BREACHED,
                    data={"case": {"id": n, "status": "in_progress"}, "clock": "resolution"},
                )
        written = time.perf_counter() - started
        channel = WebhookChannel(server_key=SERVER_KEY, timeout=10, allow_private=True)
        # Retries (a refused connection on a busy machine) come back within a second here.
        policy = outbox.Policy(
            batch_size=args.batch, concurrency=args.concurrency, backoff_base=0.2, backoff_max=1
        )
        reports: list[outbox.DeliveryReport] = []

        def pending() -> int:
            with factory() as session:
                return (
                    session.scalar(
                        select(func.count())
                        .select_from(OutboxMessage)
                        .where(OutboxMessage.status == "pending")
                    )
                    or 0
                )

        def work() -> None:
            while True:
                report = outbox.deliver_due(factory, channels={"webhook": channel}, policy=policy)
                reports.append(report)
                if not report.count and not pending():
                    return
                if not report.count:
                    time.sleep(0.05)

        started = time.perf_counter()
        threads = [threading.Thread(target=work) for _ in range(args.workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        delivered_in = time.perf_counter() - started
        with factory() as session:
            left = session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status != "delivered")
            )
        after = counts(port)
    deliveries = args.events * args.subscriptions
    return {
        "written_per_s": args.events / written,
        "delivered_per_s": deliveries / delivered_in,
        "delivered": sum(r.delivered for r in reports),
        "retried": sum(r.retried for r in reports),
        "not_delivered": float(left or 0),
        "requests": after["requests"] - before["requests"],
        "unique_events": after["unique"] - before["unique"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--subscriptions", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1, help="delivery loops at once")
    parser.add_argument("--concurrency", type=int, default=8, help="sends at once per loop")
    parser.add_argument("--batch", type=int, default=50, help="messages claimed at once")
    parser.add_argument("--receiver-ms", type=float, default=0.0)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    port = free_port()
    receiver = multiprocessing.Process(
        target=receive, args=(port, args.receiver_ms / 1000), daemon=True
    )
    receiver.start()
    for _ in range(100):
        try:
            counts(port)
            break
        except OSError:
            time.sleep(0.05)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(
        f"# {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"events={args.events}, subscriptions={args.subscriptions}, workers={args.workers}, "
        f"concurrency={args.concurrency}, batch={args.batch}, receiver={args.receiver_ms} ms"
    )
    try:
        for backend in backends:
            result = run(backend, args, port)
            print(
                f"{backend}: written {result['written_per_s']:.0f} events/s; delivered "
                f"{result['delivered_per_s']:.0f}/s; {result['requests']:.0f} requests for "
                f"{result['unique_events']:.0f} distinct events; "
                f"{result['retried']:.0f} retried; {result['not_delivered']:.0f} not delivered"
            )
    finally:
        receiver.terminate()
        receiver.join()


if __name__ == "__main__":
    main()
