"""``calmdesk worker --once`` and ``calmdesk cases export|erase`` on a real SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from calmdesk.playbook.load import default_playbook
from calmdesk.storage.db import make_engine, make_session_factory
from calmdesk.storage.migrate import upgrade
from tests.cases.conftest import intake_at, local


def run(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CALMDESK_DATABASE_URL": url, "CALMDESK_DATA_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "calmdesk", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def test_worker_once_then_export_and_erase(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    received = local("Europe/Warsaw", 2026, 3, 2, 9)
    with make_session_factory(engine)() as session, session.begin():
        case_id = intake_at(
            session,
            received,
            default_playbook("pl"),
            customer_contact="ola@example.pl",
            description="Paczka nie dotarła.",
            category="delivery_delay",
        ).id
    engine.dispose()

    worked = run(tmp_path, url, "worker", "--once")
    assert worked.returncode == 0, worked.stderr
    assert f"case {case_id}: sla_breached (resolution)" in worked.stdout, worked.stdout
    again = run(tmp_path, url, "worker", "--once")
    assert "0 case events" in again.stdout, (again.stdout, again.stderr)

    exported = run(tmp_path, url, "cases", "export", "OLA@example.pl")
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["cases"][0]["id"] == case_id

    erased = run(tmp_path, url, "cases", "erase", "ola@example.pl", "--yes")
    assert erased.returncode == 0, erased.stderr
    missing = run(tmp_path, url, "cases", "export", "ola@example.pl")
    assert missing.returncode == 2, (missing.stdout, missing.stderr)
    assert "Nothing is recorded for this customer" in missing.stderr
    assert "Traceback" not in missing.stderr
