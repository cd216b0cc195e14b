"""`calmdesk eval FILE.jsonl`: the full pipeline scored on labelled rows, bad lines reported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "calmdesk", *args], capture_output=True, text=True, check=False
    )


@pytest.fixture
def labelled(tmp_path: Path) -> Path:
    rows = [
        {
            "text": "Faktura jest o 200 zł wyższa niż w umowie.",
            "lang": "pl",
            "abuse": 0,
            "anger": 0,
        },
        {"text": "Ty pierdolony idioto!", "lang": "pl", "abuse": 1, "anger": 1},
        {
            "text": "Соедините меня с руководителем.",
            "lang": "ru",
            "intents": ["supervisor_request"],
        },
        {"text": "You people are useless.", "lang": "en", "abuse": 1},
    ]
    lines = [json.dumps(r, ensure_ascii=False).encode() for r in rows]
    lines.insert(2, b'{"text": "\xff\xfe"}')  # invalid UTF-8 on line 3
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_it_prints_scores_per_language_and_signal(labelled: Path) -> None:
    result = run_cli("eval", str(labelled))
    assert result.returncode == 0, result.stderr
    assert "abuse" in result.stdout and "supervisor_request" in result.stdout
    assert "skipped line 3" in result.stderr and "UTF-8" in result.stderr


def test_json_output_has_counts_for_each_labelled_signal(labelled: Path) -> None:
    result = run_cli("eval", str(labelled), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["rows"] == 4
    assert [b["line"] for b in report["bad_lines"]] == [3]
    keys = {(m["signal"], m["lang"]) for m in report["metrics"]}
    assert {("abuse", "pl"), ("abuse", "en"), ("anger", "pl"), ("abuse", "all")} <= keys
    assert ("supervisor_request", "ru") in keys
    abuse_pl = next(m for m in report["metrics"] if (m["signal"], m["lang"]) == ("abuse", "pl"))
    assert abuse_pl["rows"] == 2 and abuse_pl["support"] == 1


def test_a_row_the_pipeline_refuses_is_reported_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    rows = [
        {"text": "Dziękuję za pomoc.", "lang": "pl", "abuse": 0},
        {"text": "Guten Tag", "lang": "de", "abuse": 0},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    result = run_cli("eval", str(path), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rows"] == 1
    assert "skipped line 2" in result.stderr


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("eval", str(tmp_path / "missing.jsonl"))
    assert result.returncode == 2
    assert "file not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_without_valid_rows_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("not json\n[1, 2]\n", encoding="utf-8")
    result = run_cli("eval", str(path))
    assert result.returncode == 2
    assert "skipped line 1" in result.stderr and "skipped line 2" in result.stderr
    assert "no valid rows" in result.stderr
