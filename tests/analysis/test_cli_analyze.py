"""`calmdesk analyze`: one message, JSON, and JSONL files with bad lines."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from calmdesk.cli import main

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """Runs ``calmdesk analyze ARGS`` in-process through the real entry point ``main()``."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        monkeypatch.setattr(sys, "argv", ["calmdesk", "analyze", *args])
        try:
            main()
            code = 0
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        captured = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, captured.out, captured.err)

    return run


def test_the_installed_command_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "calmdesk", "analyze", "--json", "k***a"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert json.loads(result.stdout)["level"] == "abusive"


def test_it_prints_the_level_and_why(cli: Run) -> None:
    result = cli("Jesteście bandą złodziei!")
    assert result.returncode == 0
    assert "abusive" in result.stdout
    assert "złodziei" in result.stdout


def test_customer_text_is_not_read_as_markup(cli: Run) -> None:
    result = cli("[bold red]k***a[/bold red] [link=http://x]")
    assert result.returncode == 0
    assert "Traceback" not in result.stderr
    assert "k***a" in result.stdout


def test_json_output_is_the_signals(cli: Run) -> None:
    result = cli("--json", "--lang", "en", "you are a moron")
    data = json.loads(result.stdout)
    assert data["lang"] == "en"
    assert data["insult_directed"] is True


def test_empty_text_exits_2_with_a_clear_message(cli: Run) -> None:
    result = cli("   ")
    assert result.returncode == 2
    assert "text is empty" in result.stderr
    assert "Traceback" not in result.stderr


def test_too_long_text_states_the_limit(cli: Run) -> None:
    result = cli("a" * 100_001)  # a long letter is analysed in pieces, up to 100,000 characters
    assert result.returncode == 2
    assert "100,000" in result.stderr


def test_no_text_and_no_file_is_a_usage_error(cli: Run) -> None:
    result = cli()
    assert result.returncode == 2
    assert "--input" in result.stderr


def test_a_missing_input_file_exits_2(cli: Run, tmp_path: Path) -> None:
    result = cli("--input", str(tmp_path / "nope.jsonl"), "--output", str(tmp_path / "o"))
    assert result.returncode == 2
    assert "nope.jsonl" in result.stderr


def test_a_file_with_bad_lines_is_processed_with_error_rows(cli: Run, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(
        b'{"id": 7, "text": "ty idioto"}\n'
        b"\xff\xfe not utf-8\n"
        b'{"text": \n'
        b'{"no_text": 1}\n'
        b"plain line, thank you\n"
        b"\n"
        b'{"text": "Faktura jest o 200 z\xc5\x82 wy\xc5\xbcsza", "lang": "pl"}\n'
    )
    out = tmp_path / "out.jsonl"
    result = cli("--input", str(source), "--output", str(out))
    assert result.returncode == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["line"] for row in rows] == [1, 2, 3, 4, 5, 7]
    assert rows[0]["id"] == 7 and rows[0]["level"] == "abusive"
    assert [rows[i]["error"]["code"] for i in (1, 2, 3)] == [
        "invalid_utf8",
        "invalid_json",
        "missing_text",
    ]
    assert rows[4]["text"] == "plain line, thank you"
    assert rows[5]["facts"][0]["value"] == "200 PLN"
    assert "line 2" in result.stderr and "not valid UTF-8" in result.stderr
