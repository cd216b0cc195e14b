"""`calmdesk playbook show` and `export`: the policy in the terminal and as files."""

from __future__ import annotations

from pathlib import Path

import pytest

from calmdesk.playbook.load import default_playbook
from tests.playbook.test_load import run_cli


def test_show_renders_the_policy_in_the_chosen_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(
        monkeypatch, capsys, "playbook", "show", "--playbook", "ru", "--lang", "pl"
    )

    assert code == 0
    assert "Kategorie zgłoszeń" in out
    assert default_playbook("ru").category("product_repair").name["pl"] in out


def test_show_defaults_to_the_configured_playbook_and_its_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CALMDESK_PLAYBOOK", "en")
    from calmdesk.settings import get_settings

    get_settings.cache_clear()
    try:
        code, out, _ = run_cli(monkeypatch, capsys, "playbook", "show")
    finally:
        get_settings.cache_clear()

    assert code == 0
    assert "Complaint categories" in out
    assert "to confirm with counsel" in out


@pytest.mark.parametrize(("fmt", "start"), [("html", "<!DOCTYPE html>"), ("md", "# ")])
def test_export_writes_the_chosen_format_to_a_file(
    fmt: str,
    start: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / f"policy.{fmt}"

    code, _, err = run_cli(
        monkeypatch,
        capsys,
        "playbook",
        "export",
        "--format",
        fmt,
        "-p",
        "pl",
        "--output",
        str(target),
    )

    assert code == 0
    assert f"wrote {target}" in err
    text = target.read_text(encoding="utf-8")
    assert text.startswith(start)
    assert "Polityka obsługi reklamacji" in text


def test_export_prints_to_stdout_without_output(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(
        monkeypatch, capsys, "playbook", "export", "-f", "md", "-p", "ru", "-l", "en"
    )
    assert code == 0
    assert "Refund or price reduction for goods" in out


def test_a_bad_format_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(monkeypatch, capsys, "playbook", "export", "--format", "pdf")
    assert code == 2
    assert "Invalid value for '--format'" in err
    assert "'pdf' is not one of" in err  # Rich draws a box around it, so check in parts
    assert "'html', 'md'" in err


def test_a_bad_language_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(monkeypatch, capsys, "playbook", "show", "-p", "pl", "--lang", "de")
    assert code == 2
    assert "language 'de' is not one of the playbook's languages: pl, ru, en" in err


def test_an_unwritable_output_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing-dir" / "policy.html"
    code, _, err = run_cli(monkeypatch, capsys, "playbook", "export", "-p", "pl", "-o", str(target))
    assert code == 2
    assert "cannot write the export" in err
    assert "Traceback" not in err


def test_show_reports_a_broken_playbook_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [", encoding="utf-8")
    code, _, err = run_cli(monkeypatch, capsys, "playbook", "show", "-p", str(broken))
    assert code == 2
    assert f"{broken}: line " in err
    assert ", column " in err
