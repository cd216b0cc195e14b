"""A real HTTP receiver on loopback for the webhook tests: it records every request and answers
each with the next status of its script (then ``default``)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Server(ThreadingHTTPServer):
    request_queue_size = 64  # set before the socket listens (the default backlog is 5)
    daemon_threads = True


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    def __init__(
        self,
        statuses: Iterable[int] = (),
        *,
        default: int = 200,
        on_request: Callable[[Received], None] | None = None,
    ) -> None:
        self.script = list(statuses)
        self.default = default
        self.on_request = on_request
        self.requests: list[Received] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                received = Received(self.path, dict(self.headers.items()), self.rfile.read(length))
                with receiver.lock:
                    receiver.requests.append(received)
                    status = receiver.script.pop(0) if receiver.script else receiver.default
                if receiver.on_request is not None:
                    receiver.on_request(received)
                answer = b"ok" if status < 300 else b"receiver says no"
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:
                    pass  # the sender is gone (the crash tests kill it while it waits)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = _Server(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/calmdesk"

    def event_ids(self) -> list[str]:
        with self.lock:
            return [r.headers["CalmDesk-Event-Id"] for r in self.requests]


@contextmanager
def receiving(
    statuses: Iterable[int] = (),
    *,
    default: int = 200,
    on_request: Callable[[Received], None] | None = None,
) -> Iterator[Receiver]:
    receiver = Receiver(statuses, default=default, on_request=on_request)
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
        thread.join(timeout=5)
