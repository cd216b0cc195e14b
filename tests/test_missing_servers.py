"""A test needing a server that does not answer is skipped locally and fails under ``CI=true``,
naming the server: each case runs pytest in a subprocess pointed at a server that is not there
(a closed port, a missing file), so the machine's own servers are left alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

NEEDS = {
    "PostgreSQL": (
        "with postgres_database('switch'):\n        pass",
        {"CALMDESK_TEST_POSTGRES_URL": "postgresql+psycopg://postgres@127.0.0.1:9/postgres"},
    ),
    "Redis": ("require_redis()", {"CALMDESK_TEST_REDIS_URL": "redis://127.0.0.1:9/0"}),
    "Chromium": ("require_chromium()", {"CALMDESK_TEST_CHROMIUM": "/nonexistent/chromium"}),
}


def run_needing(server: str, tmp_path: Path, *, ci: str | None) -> subprocess.CompletedProcess[str]:
    call, env_overrides = NEEDS[server]
    test_file = tmp_path / "test_needs_a_server.py"
    test_file.write_text(
        "from tests.servers import postgres_database, require_chromium, require_redis\n\n\n"
        f"def test_needs_{server.lower()}() -> None:\n    {call}\n",
        encoding="utf-8",
    )
    # No plugins (schemathesis, hypothesis, ...): the case needs pytest alone and starts faster.
    env = {**os.environ, **env_overrides, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("CI", None)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-rsfE", "-p", "no:cacheprovider", str(test_file)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("server", sorted(NEEDS))
def test_a_missing_server_is_a_skip_with_its_name_locally(server: str, tmp_path: Path) -> None:
    result = run_needing(server, tmp_path, ci=None)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert f"{server} is missing" in result.stdout


@pytest.mark.parametrize("server", sorted(NEEDS))
def test_a_missing_server_fails_the_run_under_ci(server: str, tmp_path: Path) -> None:
    result = run_needing(server, tmp_path, ci="true")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 failed" in result.stdout and "skipped" not in result.stdout
    assert f"{server} is missing" in result.stdout
    assert "CI=true" in result.stdout


def test_ci_false_keeps_the_local_skip(tmp_path: Path) -> None:
    result = run_needing("Redis", tmp_path, ci="false")
    assert result.returncode == 0 and "1 skipped" in result.stdout, result.stdout
