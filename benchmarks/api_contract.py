"""The API contract, at length: the schemathesis command line against a real ``calmdesk serve``,
with every check (``--checks all``), every phase (examples, coverage, fuzzing, stateful) and
both generation modes, as each role (agent, supervisor, handler, admin; bearer tokens), on SQLite
and on PostgreSQL.

Each database gets a fresh server with one user per role and a little of everything (a case
with a compensation, a public post with a promise, an ended live contact). The per-operation
allowances of ``schemathesis.toml`` apply (the command runs from the repository's root). The
report names, per database and role, the operations, the test cases, the server errors, the
undocumented statuses and every other failed check; the exit code is 1 when anything failed.
Loopback only; stops by itself (``--max-time`` per role).

    .venv/bin/python benchmarks/api_contract.py                           # ~10 minutes
    .venv/bin/python benchmarks/api_contract.py --db sqlite --roles admin --max-examples 20
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from live_server import (
    DEFAULT_POSTGRES,
    database,
    free_port,
    machine,
    start_server,
    stop_server,
)

from calmdesk.api_sample import ROLES, seed
from calmdesk.storage.db import make_engine, make_session_factory, session_scope
from calmdesk.storage.migrate import upgrade
from calmdesk.users import service as users_service
from calmdesk.users.models import Role, User

ROOT = Path(__file__).resolve().parent.parent
SERVER_ERROR = "not_a_server_error"
UNDOCUMENTED = "status_code_conformance"


@dataclass
class RoleRun:
    database: str
    role: str
    operations: int = 0
    cases: int = 0
    seconds: float = 0.0
    failures: Counter[str] = field(default_factory=Counter)
    details: list[str] = field(default_factory=list)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def prepare_cast(url: str) -> dict[str, str]:
    """Migrate ``url`` and create one user per role; a bearer token for each."""
    engine = make_engine(url)
    upgrade(engine)
    tokens: dict[str, str] = {}
    with session_scope(make_session_factory(engine)) as session:
        for role in ROLES:
            user = User(
                username=f"contract-{role}",
                display_name=f"Contract {role}",
                role=Role(role),
                password_hash="unused: token only",
                is_active=True,
            )
            session.add(user)
            session.flush()
            tokens[role] = users_service.issue_token(session, user=user, name="contract")
    engine.dispose()
    return tokens


def run_schemathesis(
    base: str, token: str, run: RoleRun, *, max_examples: int, max_time: int, folder: Path
) -> None:
    events = folder / f"{run.database}-{run.role}.ndjson"
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{base}/openapi.json",
        "--checks=all",
        "--mode=all",
        f"--max-examples={max_examples}",
        f"--max-time={max_time}",
        "--workers=1",
        "--seed=1",
        "--continue-on-failure",
        f"--header=Authorization: Bearer {token}",
        "--report=ndjson",
        f"--report-ndjson-path={events}",
        "--no-color",
    ]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run.seconds = time.perf_counter() - started
    read_events(events, run)


def read_events(path: Path, run: RoleRun) -> None:
    """Operations, test cases and failed checks from schemathesis's NDJSON event stream; a
    failure found again and again counts once per operation, check and message."""
    failed: set[tuple[str, str, str]] = set()
    for line in path.read_text().splitlines():
        event = json.loads(line)
        if "LoadingFinished" in event:
            run.operations = event["LoadingFinished"]["statistic"]["operations"]["selected"]
        if "ScenarioFinished" not in event:
            continue
        recorder = event["ScenarioFinished"].get("recorder") or {}
        run.cases += len(recorder.get("cases") or {})
        for checks in (recorder.get("checks") or {}).values():
            for check in checks:
                if check.get("status") == "failure":
                    failure = check.get("failure_info", {}).get("failure", {})
                    key = (failure.get("operation", ""), check["name"], failure.get("message", ""))
                    failed.add(key)
    run.failures = Counter(name for _, name, _ in failed)
    run.details = sorted(f"{op}: {name}: {message}" for op, name, message in failed)


def report(runs: list[RoleRun]) -> bool:
    print(
        "| database | role | operations | test cases | server errors | undocumented statuses "
        "| other failed checks | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|")
    clean = True
    for run in runs:
        others = {k: v for k, v in run.failures.items() if k not in (SERVER_ERROR, UNDOCUMENTED)}
        other_text = ", ".join(f"{k} {v}" for k, v in sorted(others.items())) or "0"
        print(
            f"| {run.database} | {run.role} | {run.operations} | {run.cases} "
            f"| {run.failures[SERVER_ERROR]} | {run.failures[UNDOCUMENTED]} | {other_text} "
            f"| {run.seconds:.0f} |"
        )
        clean = clean and not run.failures
    for run in runs:
        for detail in run.details:
            print(f"{run.database} {run.role}: {detail}")
    return clean


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--roles", nargs="+", choices=ROLES, default=list(ROLES))
    parser.add_argument("--max-examples", type=int, default=50)
    parser.add_argument("--max-time", type=int, default=120, help="seconds per role at most")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    databases = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    runs: list[RoleRun] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in databases:
            server = args.postgres if name == "postgresql" else None
            with database(folder, server, tag="contract") as url:
                tokens = prepare_cast(url)
                port = free_port()
                process = start_server(url, port, folder / name, embedded_worker=False)
                base = f"http://127.0.0.1:{port}"
                try:
                    with httpx.Client(base_url=base, timeout=60) as client:
                        seed(client, {role: bearer(token) for role, token in tokens.items()})
                    for role in args.roles:
                        run = RoleRun(name, role)
                        run_schemathesis(
                            base,
                            tokens[role],
                            run,
                            max_examples=args.max_examples,
                            max_time=args.max_time,
                            folder=folder,
                        )
                        runs.append(run)
                        done = f"{name} {role}: {run.cases} cases in {run.seconds:.0f} s"
                        print(done, flush=True)
                finally:
                    stop_server(process)
    sys.exit(0 if report(runs) else 1)


if __name__ == "__main__":
    main()
