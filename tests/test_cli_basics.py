"""The command line's basics: version, help and how domain errors are shown."""

import os
import subprocess
import sys
from pathlib import Path

from calmdesk import __version__


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "calmdesk", *args], capture_output=True, text=True, check=False
    )


def test_version_prints_the_package_version() -> None:
    result = run_cli("version")
    assert result.returncode == 0
    assert result.stdout.strip() == __version__


def test_help_lists_the_commands() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    assert "version" in result.stdout


def test_unknown_command_is_a_usage_error_not_a_traceback() -> None:
    result = run_cli("no-such-command")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_a_domain_error_quoting_markup_is_printed_literally(tmp_path: Path) -> None:
    missing = tmp_path / "[bold]dialogue[/bold].json"
    result = run_cli("coach", "replay", str(missing))
    assert result.returncode == 2
    shown = result.stderr.replace("\n", "")  # Rich wraps long lines at the terminal width
    assert "[bold]dialogue[/bold].json: no such file" in shown
    assert "Traceback" not in result.stderr


def test_serve_with_a_broken_playbook_stops_with_one_line_before_listening(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "policy.yaml"
    broken.write_text("categories: [", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "calmdesk", "serve", "--port", "1"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "CALMDESK_PLAYBOOK": str(broken), "CALMDESK_DATA_DIR": str(tmp_path)},
        timeout=60,
    )
    assert result.returncode == 2
    assert "policy.yaml" in result.stderr.replace("\n", "")
    assert "Traceback" not in result.stderr
    assert "Uvicorn running" not in result.stderr
