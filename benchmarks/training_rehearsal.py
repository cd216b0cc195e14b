"""CPU time to replay and score recorded rehearsals (every customer and trainee line analysed,
the coach's guidance after each), per rehearsal and per trainee turn.

    .venv/bin/python benchmarks/training_rehearsal.py [--rounds 20]

Timed with ``time.process_time`` after one warm-up round (the tone model loads once), so other
work on a shared machine inflates the figures less than wall-clock time would.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from calmdesk.training import Rehearsal, TraineeTurn, replay, score
from calmdesk.training.rehearsal import parse_rehearsal

LINES: dict[str, list[str | None]] = {
    "pl_marian_extreme": [
        "Dzień dobry, nazywam się Bartek. Słyszę, że jest pan bardzo zdenerwowany.",
        "Jestem tu, żeby panu pomóc, ale nie będę rozmawiać, jeśli będzie mnie pan obrażał.",
        "Jeśli nadal będzie mnie pan obrażał, zakończę rozmowę.",
        None,
        "Spróbuję połączyć pana z przełożonym. Proszę zostać na linii.",
    ],
    "ru_invoice_calm": [
        "Меня зовут Анна. Понимаю, как это неприятно.",
        "То есть счёт № 2025-0042 на 1500 рублей больше, чем в договоре?",
        "Я оформлю корректировку, новый счёт придёт в течение 3 рабочих дней.",
    ],
    "en_public_threat": [
        "My name is Sam. I understand how frustrating a late order is.",
        "So order 55120 is 2 weeks late?",
        "I'll check with the courier and call you back by Friday with a delivery date.",
    ],
}


def rehearsals() -> list[Rehearsal]:
    found = []
    for persona, lines in LINES.items():
        turns = tuple(TraineeTurn(text=line) for line in lines)
        found.append(Rehearsal(persona=persona, turns=turns, agent_name="Sam"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description="Replay and score recorded rehearsals.")
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    cases = [(r.persona, r, len(r.turns)) for r in rehearsals()]
    for _, rehearsal, _ in cases:  # warm-up: lexicons and the tone model load once
        score(replay(rehearsal))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores, {rounds} rounds")
    for persona, rehearsal, turns in cases:
        samples = []
        for _ in range(rounds):
            start = time.process_time()
            score(replay(parse_rehearsal(_as_json(rehearsal))))
            samples.append((time.process_time() - start) * 1000)
        median = statistics.median(samples)
        print(f"{persona:20} {turns} turns: {median:6.1f} ms CPU, {median / turns:5.1f} ms/turn")


def _as_json(rehearsal: Rehearsal) -> str:
    return json.dumps(rehearsal.to_dict(), ensure_ascii=False)


if __name__ == "__main__":
    main()
