"""Loading playbooks: the defaults pass, each kind of broken file is refused by
`calmdesk playbook validate` with the file, the YAML path and the problem, exit code 2."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from calmdesk.cli import main
from calmdesk.playbook.load import (
    DEFAULT_KEYS,
    PlaybookError,
    default_playbook,
    load_playbook,
    parse_playbook,
)
from calmdesk.playbook.schema import Playbook
from tests.playbook.conftest import WriteYaml

DEFAULTS_DIR = Path(__file__).parents[2] / "src" / "calmdesk" / "playbook" / "defaults"


def run_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """Run the real entry point in-process; returns (exit code, stdout, stderr) with
    whitespace normalised (Rich wraps long lines)."""
    monkeypatch.setattr(sys, "argv", ["calmdesk", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    out, err = capsys.readouterr()
    code = exit_info.value.code
    assert code is None or isinstance(code, int), f"exited with a message instead of a code: {code}"
    return code or 0, " ".join(out.split()), " ".join(err.split())


def test_validate_accepts_the_three_defaults(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = [str(DEFAULTS_DIR / f"{key}.yaml") for key in DEFAULT_KEYS]
    code, out, err = run_cli(monkeypatch, capsys, "playbook", "validate", *paths)
    assert code == 0, err
    assert out.count("ok:") == 3


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(document: dict[str, Any]) -> None:
        target = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return apply


def _delete(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def apply(document: dict[str, Any]) -> None:
        target = document
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return apply


def _duplicate_category(document: dict[str, Any]) -> None:
    document["categories"].append(dict(document["categories"][0]))


BROKEN = {
    "unknown_key": (
        _set(["categories", 0, "kpi", "first_reponse"], "4h"),
        "categories[0].kpi",
        "unknown key 'first_reponse'",
    ),
    "unknown_category_in_rule": (
        _set(["compensation", 0, "category"], "invoices"),
        "compensation[0].category",
        "unknown category 'invoices'",
    ),
    "unknown_severity_in_rule": (
        _set(["compensation", 0, "severity"], "urgent"),
        "compensation[0].severity",
        "unknown severity 'urgent'",
    ),
    "unknown_team": (
        _set(["categories", 0, "team"], "legal"),
        "categories[0].team",
        "unknown team 'legal'",
    ),
    "negative_duration": (
        _set(["categories", 0, "kpi", "first_response"], "-4h"),
        "categories[0].kpi.first_response",
        "cannot be negative",
    ),
    "zero_duration": (
        _set(["categories", 0, "kpi", "resolution"], "0m"),
        "categories[0].kpi.resolution",
        "longer than zero",
    ),
    "zero_public_duration": (
        _set(["public", "first_response"], 0),
        "public.first_response",
        "longer than zero",
    ),
    "missing_translation": (
        _delete(["categories", 0, "name", "pl"]),
        "categories[0].name",
        "missing translation for 'pl'",
    ),
    "stage_missing_a_language": (
        _delete(["phrases", "stages", "warn", "pl"]),
        "phrases.stages.warn",
        "missing translation for 'pl'",
    ),
    "missing_stage": (
        _delete(["phrases", "stages", "silent_record"]),
        "phrases.stages",
        "missing stage 'silent_record'",
    ),
    "placeholder_the_stage_cannot_fill": (
        _set(["phrases", "stages", "clarify", "en"], ["We refund {amount} now."]),
        "phrases.stages.clarify.en[0]",
        "placeholder {amount} cannot be filled here",
    ),
    "malformed_placeholder": (
        _set(["phrases", "stages", "listen", "pl"], ["Słucham {"]),
        "phrases.stages.listen.pl[0]",
        "malformed placeholder",
    ),
    "duplicate_category_key": (
        _duplicate_category,
        "categories[1].key",
        "duplicate key 'invoice'",
    ),
    "language_not_in_the_playbook": (
        _set(["teams", 0, "name", "de"], "Buchhaltung"),
        "teams[0].name.de",
        "is not one of",
    ),
    "default_language_not_listed": (
        _set(["default_language"], "ru"),
        "default_language",
        "'ru' is not one of languages",
    ),
    "unknown_country": (
        _set(["calendar", "country"], "XX"),
        "calendar",
        "public holidays of 'XX' are unknown",
    ),
    "unknown_time_zone": (
        _set(["calendar", "timezone"], "Europe/Atlantis"),
        "calendar.timezone",
        "unknown time zone",
    ),
    "working_period_backwards": (
        _set(["calendar", "working_hours", "mon"], ["16:00-08:00"]),
        "calendar.working_hours.mon[0]",
        "before it starts",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_validate_rejects_a_broken_file_naming_file_path_and_problem(
    case: str,
    minimal: dict[str, Any],
    write_yaml: WriteYaml,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    breaker, yaml_path, problem = BROKEN[case]
    breaker(minimal)
    path = write_yaml(minimal)

    code, _, err = run_cli(monkeypatch, capsys, "playbook", "validate", str(path))

    assert code == 2
    assert f"{path}: {yaml_path}" in err
    assert problem in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("name: [unclosed\ncompany: x\n", "line 2, column"),
        ("name: a\ncompany: b\nname: c\n", "line 3, column 1: duplicate key 'name'"),
        ("- just\n- a list\n", "must be a YAML mapping"),
        ("", "must be a YAML mapping"),
    ],
)
def test_validate_rejects_text_that_is_not_a_playbook_mapping(
    text: str,
    problem: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")

    code, _, err = run_cli(monkeypatch, capsys, "playbook", "validate", str(path))

    assert code == 2
    assert f"{path}: " in err
    assert problem in err


def test_validate_reports_every_file_and_fails_when_one_is_bad(
    minimal: dict[str, Any],
    write_yaml: WriteYaml,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = write_yaml(minimal)
    missing = tmp_path / "missing.yaml"

    code, out, err = run_cli(monkeypatch, capsys, "playbook", "validate", str(good), str(missing))

    assert code == 2
    assert f"ok: {good}" in out
    assert f"{missing}: no such file" in err


def test_every_problem_is_reported_not_only_the_first(minimal: dict[str, Any]) -> None:
    minimal["categories"][0]["team"] = "nobody"
    minimal["compensation"][0]["category"] = "nothing"

    with pytest.raises(PlaybookError) as error:
        parse_playbook(__import__("yaml").safe_dump(minimal), name="two.yaml")

    paths = [p["path"] for p in error.value.fields["problems"]]
    assert paths == ["categories[0].team", "compensation[0].category"]
    assert error.value.code == "invalid_playbook"


def test_a_playbook_built_in_code_is_checked_too(minimal: dict[str, Any]) -> None:
    minimal["compensation"][0]["severity"] = "urgent"

    with pytest.raises(ValidationError, match=r"compensation\[0\]\.severity"):
        Playbook.model_validate(minimal)


def test_a_missing_file_is_a_playbook_error(tmp_path: Path) -> None:
    with pytest.raises(PlaybookError, match="no such file"):
        load_playbook(tmp_path / "nowhere.yaml")


def test_an_unknown_default_key_is_a_playbook_error() -> None:
    with pytest.raises(PlaybookError, match="unknown default playbook 'de'"):
        default_playbook("de")


def test_defaults_load_by_key_once_and_by_path(minimal: dict[str, Any]) -> None:
    assert load_playbook("ru") is default_playbook("ru")
    from_file = load_playbook(DEFAULTS_DIR / "ru.yaml")
    assert from_file == default_playbook("ru")


def test_a_directory_or_binary_file_is_a_playbook_error(tmp_path: Path) -> None:
    with pytest.raises(PlaybookError, match="cannot be read"):
        load_playbook(tmp_path)
    binary = tmp_path / "latin2.yaml"
    binary.write_bytes("name: Zażółć".encode("iso-8859-2"))
    with pytest.raises(PlaybookError, match="cannot be read"):
        load_playbook(binary)
