"""The coach's and the trainer's phrase rules are data: every language has every rule."""

from __future__ import annotations

import pytest

from calmdesk.analysis.lexicon import load_patterns, load_rules
from calmdesk.languages import LANGUAGES
from calmdesk.training.classify import MOVES

COACH_RULES = ("are_you_there", "risky_promise", "customer_fault", "apology")


@pytest.mark.parametrize(("name", "rules"), [("trainer.txt", MOVES), ("coach.txt", COACH_RULES)])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_writes_every_rule(name: str, rules: tuple[str, ...], lang: str) -> None:
    assert sorted(load_patterns(lang, name)) == sorted(rules)


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Rozumiem, że to frustrujące.", "empathy"),
        ("Понимаю, это неприятно.", "empathy"),
        ("I understand how annoying this is.", "empathy"),
        ("Если вы продолжите, я завершу наш разговор.", "warning"),
    ],
)
def test_a_rule_matches_its_own_language_in_any_case(line: str, rule: str) -> None:
    assert load_rules("trainer.txt")[rule].search(line.upper())


def test_a_rule_file_joins_the_languages_in_one_pattern() -> None:
    apology = load_rules("coach.txt")["apology"]
    assert all(apology.search(text) for text in ("Przepraszam", "Извините", "Sorry"))
    assert not apology.search("Dziękuję za cierpliwość")
