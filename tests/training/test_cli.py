"""`calmdesk simulate list|run|score` through Typer's CliRunner."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from typer.testing import CliRunner

from calmdesk.cli import app

runner = CliRunner()

GOOD = [
    "Nazywam się Ola. Rozumiem, że to frustrujące, skoro płaci pani zawsze na czas.",
    "/hint",
    "Czyli faktura FV/2025/03/123 jest o 200 zł wyższa niż w umowie, dobrze rozumiem?",
    "Zgłoszę korektę faktury do działu rozliczeń, nowa faktura przyjdzie do piątku mailem.",
]


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "rehearsal.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_list_shows_personas_of_every_language() -> None:
    result = runner.invoke(app, ["simulate", "list"])
    assert result.exit_code == 0, result.output
    for persona in ("pl_marian_extreme", "ru_invoice_calm", "en_supervisor_demand"):
        assert persona in result.output
    only_ru = runner.invoke(app, ["simulate", "list", "--lang", "ru"])
    assert "ru_invoice_calm" in only_ru.output and "pl_invoice_calm" not in only_ru.output


def test_run_plays_typed_lines_shows_a_hint_and_scores(tmp_path: Path) -> None:
    saved = tmp_path / "saved.json"
    result = runner.invoke(
        app,
        ["simulate", "run", "pl_invoice_calm", "--seed", "3", "-a", "Ola", "--save", str(saved)],
        input="\n".join(GOOD) + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "customer:" in result.output
    assert "coach: stage" in result.output  # the /hint
    assert "Wynik:" in result.output
    assert "The rehearsal is over." in result.output
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert document["persona"] == "pl_invoice_calm" and len(document["turns"]) == 3


def test_run_reports_an_unknown_action_and_goes_on() -> None:
    result = runner.invoke(
        app, ["simulate", "run", "en_extreme_caller"], input="/did hang_up\n/silence\n/quit\n"
    )
    assert result.exit_code == 0, result.output
    assert "unknown action 'hang_up'" in result.output
    assert result.output.count("customer:") == 2  # the opening and the answer to silence


def test_run_with_an_unknown_persona_exits_2() -> None:
    result = runner.invoke(app, ["simulate", "run", "pl_nobody"])
    assert result.exit_code == 2
    assert "unknown persona" in result.output
    assert "Traceback" not in result.output


def test_score_prints_the_report_and_json(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "persona": "en_invoice_calm",
            "turns": [
                {"agent": "There's nothing I can do about invoices."},
                {"action": "call_ended"},
            ],
        },
    )
    text = runner.invoke(app, ["simulate", "score", str(path)])
    assert text.exit_code == 0, text.output
    assert "Score:" in text.output and "nothing I can do" in text.output
    as_json = runner.invoke(app, ["simulate", "score", str(path), "--json"])
    report = json.loads(as_json.output)
    hang_up = next(p for p in report["points"] if p["key"] == "hang_up")
    assert hang_up["earned"] == 0 and report["score"] < 50


def test_score_escapes_the_trainee_markup(tmp_path: Path) -> None:
    path = write(tmp_path, {"persona": "en_invoice_calm", "turns": [{"agent": "[bold]hi[/] ok"}]})
    result = runner.invoke(app, ["simulate", "score", str(path)])
    assert result.exit_code == 0, result.output
    assert "[bold]hi[/] ok" in result.output


def test_score_bad_input_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    cases = [
        (broken, "not valid JSON"),
        (tmp_path / "missing.json", "no such file"),
        (write(tmp_path, {"persona": "xx", "turns": []}), "unknown persona"),
    ]
    for path, message in cases:
        result = runner.invoke(app, ["simulate", "score", str(path)])
        assert result.exit_code == 2, result.output
        assert message in " ".join(result.output.split())  # Rich wraps long lines
    unknown_action = write(tmp_path, {"persona": "pl_invoice_calm", "turns": [{"action": "x"}]})
    result = runner.invoke(app, ["simulate", "score", str(unknown_action)])
    assert result.exit_code == 2 and "turn 0" in result.output


def test_a_persona_from_a_yaml_file_can_be_run_saved_and_scored(tmp_path: Path) -> None:
    shipped = resources.files("calmdesk.training").joinpath("personas/en_invoice_calm.yaml")
    source = shipped.read_text("utf-8")
    custom = tmp_path / "my_customer.yaml"
    custom.write_text(source.replace("id: en_invoice_calm", "id: my_customer"), "utf-8")
    saved = tmp_path / "saved.json"
    result = runner.invoke(
        app, ["simulate", "run", str(custom), "--save", str(saved)], input="/silence\n/quit\n"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(saved.read_text("utf-8"))["persona"] == str(custom)
    scored = runner.invoke(app, ["simulate", "score", str(saved), "--json"])
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.output)["persona"] == "my_customer"
