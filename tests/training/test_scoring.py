"""The rehearsal report: the live coach's rules as a 0..100 score with every point explained."""

from __future__ import annotations

import pytest

from calmdesk.training import Report, score
from tests.training.helpers import BAD_INVOICE_PL, GOOD_INVOICE_PL, LADDER_PL, Turn, play


def points(report: Report) -> dict[str, tuple[int, int]]:
    return {p.key: (p.earned, p.possible) for p in report.points}


def test_a_good_rehearsal_scores_high_and_every_check_is_met() -> None:
    report = score(play("pl_invoice_calm", GOOD_INVOICE_PL))
    assert report.score >= 90
    assert report.faults() == []
    assert report.accepted and report.temper_end == "calm"
    assert {"acknowledge_first", "paraphrase", "resolution", "hang_up"} <= set(points(report))
    paraphrase = next(p for p in report.points if p.key == "paraphrase")
    assert "FV/2025/03/123" in paraphrase.detail
    assert paraphrase.title == "Parafraza faktów klienta"


def test_a_bad_rehearsal_scores_low_with_the_faults_named() -> None:
    report = score(play("pl_invoice_calm", BAD_INVOICE_PL))
    assert report.score <= 30
    earned = points(report)
    assert earned["hang_up"] == (0, 20)
    assert earned["negative_wording"] == (5, 15)
    assert earned["acknowledge_first"] == (0, 15)
    faults = " ".join(report.faults())
    assert "nic nie mogę zrobić" in faults
    assert "takie są procedury" in faults
    assert "Wypowiedź 3: rozłączenie" in faults


def test_the_full_ladder_on_the_seed_001_caller_is_not_a_fault() -> None:
    report = score(play("pl_marian_extreme", LADDER_PL, agent_name="Bartek"))
    assert points(report)["ladder"] == (20, 20)
    assert points(report)["hang_up"] == (20, 20)
    # a caller who never calms down: no facts to restate, no solution expected, no calming
    assert {"paraphrase", "resolution", "calmer"}.isdisjoint(points(report))
    assert report.score == 100


def test_hanging_up_on_the_seed_001_caller_without_a_warning_is_a_fault() -> None:
    turns = [("Nazywam się Bartek, rozumiem pana złość.", None), (None, "call_ended")]
    report = score(play("pl_marian_extreme", turns, agent_name="Bartek"))
    earned = points(report)
    assert earned["hang_up"] == (0, 20)
    assert earned["ladder"][0] < 20  # the coach asked for a boundary and it did not happen
    assert "set_boundary" in " ".join(report.faults())


def test_a_warning_before_any_boundary_is_a_skipped_rung() -> None:
    turns = [("If you keep insulting me, I will end this call.", None)]
    report = score(play("en_extreme_caller", turns))
    assert any("before any boundary" in fault for fault in report.faults())


def test_a_supervisor_request_honoured_at_once_earns_the_points() -> None:
    turns: list[Turn] = [("Of course, I'll put you through to my supervisor right away.", None)]
    report = score(play("en_supervisor_demand", turns))
    assert points(report)["supervisor"] == (15, 15)
    # transferred on: the complaint is the supervisor's now, no paraphrase or solution expected
    turns.append((None, "transferred"))
    assert "resolution" not in points(score(play("en_supervisor_demand", turns)))


def test_a_supervisor_request_answered_with_questions_is_a_fault_in_russian() -> None:
    turns = [("Какой у вас номер заказа?", None), ("Соединяю вас с руководителем.", None)]
    report = score(play("ru_supervisor_demand", turns))
    assert points(report)["supervisor"] == (0, 15)
    assert "перевод только в ходе 2" in " ".join(report.faults())


def test_the_report_is_in_the_persona_language_and_serialises() -> None:
    report = score(play("en_invoice_calm", [("Sorry, I can't help you.", None)]))
    data = report.to_dict()
    assert data["lang"] == "en"
    assert data["points"][0]["title"] == "Acknowledge before clarifying"
    assert all(isinstance(p["faults"], list) for p in data["points"])
    assert 0 <= data["score"] <= 100


def test_warning_a_customer_who_was_not_abusive_is_a_fault() -> None:
    turns: list[Turn] = [("If you keep this up, I will end this call.", None)]
    report = score(play("en_invoice_calm", turns))
    assert points(report)["ladder"] == (0, 20)
    faults = " ".join(report.faults())
    assert "was not abusive" in faults and "before any boundary" in faults


GOOD_REHEARSALS = {
    "en_invoice_calm": [
        "My name is Sam. I understand how frustrating that is when you always pay on time.",
        "So invoice INV-2025-0042 is 40 pounds above the contract, is that right?",
        "I'll raise a correction with billing and you'll get the new invoice by Friday by email.",
    ],
    "ru_invoice_calm": [
        "Меня зовут Анна. Понимаю, как это неприятно, когда вы всегда платите вовремя.",
        "То есть счёт № 2025-0042 на 1500 рублей больше, чем в договоре, верно?",
        "Я оформлю корректировку, новый счёт придёт в течение 3 рабочих дней на почту.",
    ],
    "pl_public_threat": [
        "Nazywam się Ola. Rozumiem, że to bardzo frustrujące, płaciła pani za ekspres.",
        "Czyli zamówienie 55120 spóźnia się już 2 tygodnie?",
        "Sprawdzę to u kuriera i oddzwonię do piątku z dokładną datą dostawy.",
    ],
    "ru_public_threat": [
        "Меня зовут Анна. Понимаю, как это обидно, вы платили за экспресс.",
        "То есть заказ № 55120 опаздывает уже на 2 недели?",
        "Я проверю у курьера и перезвоню вам до пятницы с точной датой доставки.",
    ],
}


@pytest.mark.parametrize("persona", sorted(GOOD_REHEARSALS))
def test_a_good_rehearsal_wins_the_customer_in_every_language(persona: str) -> None:
    simulation = play(persona, [(line, None) for line in GOOD_REHEARSALS[persona]])
    report = score(simulation)
    assert simulation.accepted
    assert report.score >= 90, report.faults()
