"""The fixture dialogues in tests/fixtures/dialogues, played with the real analysis and the
shipped playbooks, checked turn by turn: stage, alerts, may_end_call and what the coach says."""

import json
from pathlib import Path

import pytest

from calmdesk.coach.dialogue import parse_dialogue, replay
from calmdesk.playbook.load import load_playbook

DIALOGUES = sorted((Path(__file__).parents[1] / "fixtures" / "dialogues").glob("*.json"))


def test_there_are_dialogues_in_each_language() -> None:
    prefixes = {path.name.split("_")[0] for path in DIALOGUES}
    assert prefixes >= {"pl", "ru", "en"}


@pytest.mark.parametrize("path", DIALOGUES, ids=lambda p: p.stem)
def test_the_dialogue_gets_the_expected_guidance_turn_by_turn(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    raw_turns = json.loads(text)["turns"]
    dialogue = parse_dialogue(text)
    conversation, guidance = replay(dialogue, load_playbook(dialogue.playbook or "pl"))
    for index, (raw, advice) in enumerate(zip(raw_turns, guidance, strict=True)):
        expect = raw["expect"]
        where = f"{path.name} turn {index}: {raw}"
        assert advice.stage.value == expect["stage"], where
        assert advice.alert_kinds() == expect["alerts"], where
        assert advice.may_end_call is expect["may_end_call"], where
        said = " ".join(s.text for s in advice.suggestions)
        for fragment in expect.get("says", []):
            assert fragment in said, f"{where}: {fragment!r} not in {said!r}"
        if "step" in expect:
            assert advice.suggestions[0].step == expect["step"], where
    summary = conversation.summary().to_dict()
    summary["transfer_done"] = summary["transfer"]["done"]
    for key, value in json.loads(text)["expect_summary"].items():
        assert summary[key] == value, f"{path.name} summary {key}"
