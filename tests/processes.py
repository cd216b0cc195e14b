"""Real server processes for the tests that need them: a free port on loopback, waiting until a
server answers ``/healthz``, and two (or more) uvicorn workers of the test app sharing PostgreSQL
and Redis."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 120  # importing the app on a busy shared 2-core machine is slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_up(
    base: str, process: subprocess.Popen[bytes], seconds: float = STARTUP_SECONDS
) -> None:
    """Return once ``base`` answers ``/healthz``; fail if the process exits or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server {base} exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError(f"server {base} did not start in {seconds:.0f} s")


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def uvicorn_workers(env: Mapping[str, str], count: int = 2) -> Iterator[tuple[str, ...]]:
    """``count`` uvicorn workers of ``tests.live.worker_app`` with ``env``; yields their URLs."""
    ports = [free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "tests.live.worker_app:create_worker_app",
                "--factory",
                "--host=127.0.0.1",
                f"--port={port}",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=dict(env),
        )
        for port in ports
    ]
    try:
        bases = tuple(f"http://127.0.0.1:{port}" for port in ports)
        for base, process in zip(bases, processes, strict=True):
            wait_until_up(base, process)
        yield bases
    finally:
        stop(processes)
