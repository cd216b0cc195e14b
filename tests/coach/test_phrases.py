"""Rendering facts and spotting the words that pick a phrase."""

import pytest

from calmdesk.analysis.signals import Fact
from calmdesk.coach.phrases import (
    choose,
    find_negative_wordings,
    is_are_you_there,
    render_facts,
)
from calmdesk.playbook.load import default_playbook
from tests.coach.helpers import amount, invoice


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("pl", "kwota 200 zł, faktura FV/1, czas 2 tygodnie"),
        ("ru", "сумма 200 PLN, счёт FV/1, срок 2 недели"),
        ("en", "amount 200 PLN, invoice FV/1, time 2 weeks"),
    ],
)
def test_facts_are_rendered_in_the_language(lang: str, expected: str) -> None:
    facts = [amount("200"), invoice("FV/1"), Fact("duration", "dwa tygodnie", "P14D", 0, 1)]
    assert render_facts(facts, lang) == expected


def test_a_date_is_written_out_and_an_odd_value_falls_back_to_the_customers_words() -> None:
    facts = [Fact("date", "23.12", "2026-12-23", 0, 1), Fact("duration", "ages", "forever", 0, 1)]
    assert render_facts(facts, "pl") == "data 23 grudnia 2026, czas ages"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jesteś tam?", True),
        ("Halo, jest pan tam?", True),
        ("Алло, вы там?", True),
        ("Are you still there?", True),
        ("Вы там совсем с ума сошли, я третий день жду ответа от вашей поддержки", False),
        ("Gdzie jest moja paczka?", False),
    ],
)
def test_are_you_there_is_a_short_question_about_presence(text: str, expected: bool) -> None:
    assert is_are_you_there(text) is expected


def test_a_negative_wording_inside_a_longer_one_is_reported_once() -> None:
    found = find_negative_wordings("Przykro mi, nic nie mogę zrobić.", default_playbook("pl"), "pl")
    assert [w.phrase for w in found] == ["nic nie mogę zrobić"]


def test_variants_rotate_and_prefer_those_that_can_be_filled() -> None:
    options = ["Hello {agent_name}.", "Hello there.", "Hi there."]
    first = choose(options, 0, {"agent_name": None}, "en")
    second = choose(options, 1, {"agent_name": None}, "en")
    assert first is not None and second is not None
    assert (first.text, second.text) == ("Hello there.", "Hi there.")


def test_placeholders_are_filled_with_the_values_as_given() -> None:
    choice = choose(["Thanks, {agent_name}."], 0, {"agent_name": "{facts} <b>"}, "en")
    assert choice is not None
    assert choice.text == "Thanks, {facts} <b>."
