"""The phrase rules that read a trainee's line, in pl, ru and en."""

from __future__ import annotations

import pytest

from calmdesk.analysis import analyze
from calmdesk.coach import Conversation
from calmdesk.playbook.load import default_playbook
from calmdesk.training import AgentMove, classify

CASES = [
    ("pl", "Nazywam się Ola. Rozumiem, że to bardzo frustrujące.", {"empathy", "introduction"}),
    ("ru", "Меня зовут Анна. Понимаю, как это неприятно.", {"empathy", "introduction"}),
    ("en", "My name is Sam. I understand how frustrating this is.", {"empathy", "introduction"}),
    ("pl", "Proszę mnie nie obrażać, jestem tu, żeby pomóc.", {"boundary"}),
    ("ru", "Пожалуйста, без оскорблений, я здесь, чтобы помочь.", {"boundary"}),
    ("en", "Please don't insult me, I'm here to help.", {"boundary"}),
    ("pl", "Jeśli obelgi nie ustaną, zakończę rozmowę.", {"warning"}),
    ("ru", "Если оскорбления продолжатся, я завершу разговор.", {"warning", "boundary"}),
    ("en", "If the insults continue, I will end this call.", {"warning", "boundary"}),
    ("pl", "Połączę pana z przełożonym, proszę zostać na linii.", {"transfer_offer"}),
    ("ru", "Я соединю вас с руководителем, оставайтесь на линии.", {"transfer_offer"}),
    ("en", "I'll put you through to my supervisor now.", {"transfer_offer"}),
    ("pl", "Zgłoszę korektę, odpowiedź dostanie pani do piątku.", {"solution", "deadline"}),
    ("ru", "Я оформлю возврат, деньги придут в течение 3 рабочих дней.", {"solution", "deadline"}),
    ("en", "I'll raise a refund, you'll have it within 3 working days.", {"solution", "deadline"}),
    ("pl", "Jaki jest numer zamówienia?", {"question"}),
    ("pl", "Proszę mówić, słucham uważnie.", {"listening"}),
    ("ru", "Слушаю вас внимательно, рассказывайте.", {"listening"}),
    ("en", "Please go on, I'm listening.", {"listening"}),
    ("en", "Przepraszam za to. I'm sorry for the trouble.", {"apology"}),
]


def read(lang: str, text: str, facts: tuple[tuple[str, str], ...] = ()) -> AgentMove:
    conversation = Conversation(default_playbook(lang), lang=lang)
    conversation.customer_says("Dzień dobry" if lang == "pl" else "Hello there")
    return classify(
        text,
        agent_facts=analyze(text, lang).facts,
        persona_facts=facts,
        agent_guidance=conversation.agent_says(text),
        agent_name="Ola",
    )


@pytest.mark.parametrize(("lang", "text", "expected"), CASES, ids=[c[1][:30] for c in CASES])
def test_it_finds_what_the_line_does(lang: str, text: str, expected: set[str]) -> None:
    found = set(read(lang, text).found())
    assert expected <= found, found
    unexpected = found & {"warning", "boundary", "transfer_offer", "negative_wording"} - expected
    assert unexpected == set()


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("pl", "Czy dobrze rozumiem, że chodzi o fakturę?"),
        ("ru", "Я правильно понимаю, что речь о счёте?"),
        ("en", "If I understand correctly, it is about the invoice?"),
        ("pl", "Nie rozumiem, o którą fakturę chodzi."),
        ("ru", "Не понимаю, о каком счёте речь."),
    ],
)
def test_checking_or_lacking_understanding_is_not_empathy(lang: str, text: str) -> None:
    assert read(lang, text).empathy is False


def test_a_plain_question_is_not_empathy_nor_a_boundary() -> None:
    move = read("en", "What is the order number?")
    assert move.question
    assert (move.empathy, move.boundary, move.resolves) == (False, False, False)


def test_a_paraphrase_needs_the_persona_facts() -> None:
    text = "So invoice INV-2025-0042 is 40 pounds above the contract?"
    facts = (("invoice", "INV-2025-0042"), ("amount", "40 GBP"))
    assert read("en", text, facts).facts_restated == ("invoice INV-2025-0042", "40 pounds")
    assert read("en", text, (("amount", "99 GBP"),)).paraphrase is False


def test_the_coach_alerts_become_negative_wording_and_risky_promise() -> None:
    move = read("pl", "Nic nie mogę zrobić, ale gwarantuję, że jutro będzie załatwione.")
    assert move.negative_wordings == ("nic nie mogę zrobić",)
    assert move.risky_promise is not None


def test_the_agent_name_counts_as_an_introduction() -> None:
    assert read("en", "Ola here, how can I help?").introduction is True


def test_a_solution_without_a_deadline_does_not_resolve() -> None:
    move = read("en", "I will check your invoice.")
    assert (move.solution, move.resolves) == (True, False)
