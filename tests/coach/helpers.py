"""Signals built by hand, so the state machine is tested apart from the analysis (the fixture
dialogues test the two together)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from calmdesk.analysis.signals import Fact, Level, ProfanitySpan, Signals

STARTED_AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday

_ANGER = {"calm": 0.05, "upset": 0.4, "angry": 0.75, "abusive": 0.9}


def signals(
    level: Level = "calm",
    *,
    lang: str = "pl",
    intents: Iterable[str] = (),
    facts: Iterable[Fact] = (),
) -> Signals:
    profanity = (
        (ProfanitySpan(0, 7, "#$&^&%@", "grawlix", "#$&^&%@", "grawlix"),)
        if level == "abusive"
        else ()
    )
    return Signals(
        lang=lang,
        anger=_ANGER[level],
        abuse=0.9 if level == "abusive" else 0.0,
        level=level,
        profanity=profanity,
        intents=frozenset(intents),
        facts=tuple(facts),
    )


def amount(value: str, currency: str = "PLN") -> Fact:
    return Fact("amount", f"{value} zł", f"{value} {currency}", 0, 1, value, currency)


def invoice(number: str) -> Fact:
    return Fact("invoice", number, number, 0, 1)
