"""Scripted trainee turns shared by the simulator, scoring and CLI tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from calmdesk.training import Simulation, get_persona

STARTED_AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

Turn = tuple[str | None, str | None]

GOOD_INVOICE_PL: list[Turn] = [
    ("Nazywam się Ola. Rozumiem, że to frustrujące, skoro płaci pani zawsze na czas.", None),
    ("Czyli faktura FV/2025/03/123 jest o 200 zł wyższa niż w umowie, dobrze rozumiem?", None),
    ("Zgłoszę korektę faktury do działu rozliczeń, nowa faktura przyjdzie do piątku mailem.", None),
    (None, "call_ended"),
]
BAD_INVOICE_PL: list[Turn] = [
    ("Jaki jest numer faktury?", None),
    ("Nic nie mogę zrobić, takie są procedury.", None),
    (None, "call_ended"),
]
LADDER_PL: list[Turn] = [
    ("Dzień dobry, nazywam się Bartek. Słyszę, że jest pan bardzo zdenerwowany.", None),
    ("Jestem tu, żeby panu pomóc, ale nie będę rozmawiać, jeśli będzie mnie pan obrażał.", None),
    ("Jeśli nadal będzie mnie pan obrażał, zakończę rozmowę.", None),
    (None, None),
    ("Spróbuję połączyć pana z przełożonym. Proszę zostać na linii.", None),
    (None, "transfer_failed"),
    (None, "call_ended"),
]


def play(
    persona: str, turns: Sequence[Turn], *, seed: int = 0, agent_name: str = "Ola"
) -> Simulation:
    simulation = Simulation(
        get_persona(persona), seed=seed, agent_name=agent_name, started_at=STARTED_AT
    )
    simulation.start()
    for text, action in turns:
        simulation.agent_turn(text, action)
    return simulation
