"""`calmdesk coach replay` and the interactive `calmdesk coach`, through Typer's CliRunner."""

import json
from pathlib import Path

from typer.testing import CliRunner

from calmdesk.cli import app

FIXTURES = Path(__file__).parents[1] / "fixtures" / "dialogues"
runner = CliRunner()


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "dialogue.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_replay_prints_the_guidance_after_every_turn_and_the_summary() -> None:
    result = runner.invoke(app, ["coach", "replay", str(FIXTURES / "pl_invoice_calm.json")])
    assert result.exit_code == 0, result.output
    assert "#0 customer" in result.output
    assert "stage clarify" in result.output
    assert "stage resolve" in result.output
    assert "invoice_error" in result.output
    assert "Contact summary" in result.output


def test_replay_as_json_gives_one_entry_per_turn(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "lang": "en",
            "playbook": "en",
            "color": "ignored",
            "turns": [{"customer": "You useless idiot!"}, {"action": "warning_given"}],
        },
    )
    result = runner.invoke(app, ["coach", "replay", str(path), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert [t["guidance"]["stage"] for t in document["turns"]] == ["acknowledge", "acknowledge"]
    assert document["turns"][1]["guidance"]["rung"] == "warn"
    assert document["summary"]["warnings"] == 1


def test_an_unknown_action_names_the_turn(tmp_path: Path) -> None:
    path = write(tmp_path, {"turns": [{"customer": "Dzień dobry"}, {"action": "hang_up"}]})
    result = runner.invoke(app, ["coach", "replay", str(path)])
    assert result.exit_code == 2
    assert "turn 1" in result.output
    assert "hang_up" in result.output
    assert "Traceback" not in result.output


def test_bad_json_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"turns": [', encoding="utf-8")
    result = runner.invoke(app, ["coach", "replay", str(path)])
    assert result.exit_code == 2
    assert "not valid JSON" in result.output


def test_a_turn_without_a_speaker_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, {"turns": [{"customer": "Halo"}, {"text": "who said this?"}]})
    result = runner.invoke(app, ["coach", "replay", str(path)])
    assert result.exit_code == 2
    assert "turn 1" in result.output


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["coach", "replay", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_customer_markup_is_printed_literally(tmp_path: Path) -> None:
    path = write(tmp_path, {"turns": [{"customer": "[bold red]Oddajcie pieniądze[/] natychmiast"}]})
    result = runner.invoke(app, ["coach", "replay", str(path)])
    assert result.exit_code == 0, result.output
    assert "[bold red]Oddajcie pieniądze[/]" in result.output


def test_the_interactive_session_takes_customer_lines_agent_lines_and_actions() -> None:
    typed = "\n".join(
        [
            "Ty #$&^&%@! idioto, gdzie mój laptop?",
            "/agent Nic nie mogę zrobić.",
            "/did warning_given",
            "/did hang_up",
            "/summary",
            "/quit",
        ]
    )
    result = runner.invoke(app, ["coach", "--agent-name", "Bartek"], input=typed + "\n")
    assert result.exit_code == 0, result.output
    assert "stage acknowledge" in result.output
    assert "Bartek" in result.output
    assert "alert negative_wording" in result.output
    assert "rung warn" in result.output
    assert "unknown action 'hang_up'" in result.output
    assert result.output.count("Contact summary") == 2


def test_the_interactive_session_ends_with_the_input() -> None:
    result = runner.invoke(app, ["coach", "--lang", "en"], input="Hello, my order is late.\n")
    assert result.exit_code == 0, result.output
    assert "Contact summary" in result.output


def test_a_bad_language_in_the_interactive_session_is_a_clear_error() -> None:
    result = runner.invoke(app, ["coach", "--lang", "de"], input="")
    assert result.exit_code == 2
    assert "'de'" in result.output


def test_replay_prints_the_steps_heard_in_the_agents_words(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "lang": "ru",
            "playbook": "ru",
            "turns": [
                {"customer": "Ты идиот!"},
                {"agent": "Ещё одно оскорбление, и я прерву звонок."},
            ],
        },
    )
    result = runner.invoke(app, ["coach", "replay", str(path)])
    assert result.exit_code == 0, result.output
    assert "heard (warning)" in result.output
    document = json.loads(runner.invoke(app, ["coach", "replay", str(path), "--json"]).output)
    assert document["turns"][1]["guidance"]["heard"][0]["action"] == "warning_given"
    assert document["summary"]["warnings"] == 1
