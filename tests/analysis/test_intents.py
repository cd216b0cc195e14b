"""Intents by patterns per language, with inflection and simple negation."""

from __future__ import annotations

import pytest

from calmdesk.analysis import analyze

INTENTS = [
    ("pl", "Proszę połączyć mnie z kierownikiem.", "supervisor_request"),
    ("pl", "Chcę rozmawiać z przełożonym", "supervisor_request"),
    ("pl", "Dajcie mi kogoś wyżej, z kimś decyzyjnym", "supervisor_request"),
    ("pl", "Gdzie jest pana szef?", "supervisor_request"),
    ("ru", "Позовите старшего!", "supervisor_request"),
    ("ru", "Соедините с руководителем", "supervisor_request"),
    ("ru", "Дайте мне вашего начальника", "supervisor_request"),
    ("en", "I want to speak to your manager", "supervisor_request"),
    ("en", "Put me through to someone in charge", "supervisor_request"),
    ("en", "Please escalate this now", "supervisor_request"),
    ("en", "You're not helping, I want to talk to a real person", "supervisor_request"),
    ("pl", "Chcę rozmawiać z człowiekiem, nie z botem", "supervisor_request"),
    ("ru", "Переведите меня на живого оператора", "supervisor_request"),
    ("pl", "Opiszę to wszystko w internecie", "threat_public"),
    ("pl", "Wystawię wam negatywną opinię w Google", "threat_public"),
    ("pl", "Dam znać mediom społecznościowym i dziennikarzom", "threat_public"),
    ("ru", "Напишу отзыв везде", "threat_public"),
    ("ru", "Я пойду к журналистам", "threat_public"),
    ("ru", "Выложу это в соцсети", "threat_public"),
    ("en", "I'll post this online for everyone to see", "threat_public"),
    ("en", "Expect a one-star review on Trustpilot", "threat_public"),
    ("en", "The press will hear about this", "threat_public"),
    ("pl", "Sprawa trafi do sądu", "threat_legal"),
    ("pl", "Mój prawnik się z wami skontaktuje", "threat_legal"),
    ("pl", "Zgłoszę to do UOKiK i rzecznika konsumentów", "threat_legal"),
    ("pl", "Pozwę was", "threat_legal"),
    ("ru", "Я подам в суд", "threat_legal"),
    ("ru", "Обращусь в Роспотребнадзор и прокуратуру", "threat_legal"),
    ("ru", "Мой юрист свяжется с вами", "threat_legal"),
    ("en", "I will sue you", "threat_legal"),
    ("en", "My lawyer will be in touch", "threat_legal"),
    ("en", "I'm reporting you to trading standards and the ombudsman", "threat_legal"),
    ("pl", "Rezygnuję z waszych usług", "churn"),
    ("pl", "Wypowiadam umowę z końcem miesiąca", "churn"),
    ("pl", "Przechodzę do konkurencji", "churn"),
    ("pl", "Jak tak dalej pójdzie, to przejdę do Playa", "churn"),
    ("ru", "Перейду на МТС, раз так", "churn"),
    ("en", "I'm switching to Vodafone next month", "churn"),
    ("ru", "Я расторгну договор", "churn"),
    ("ru", "Ухожу к другому оператору", "churn"),
    ("en", "I want to cancel my contract", "churn"),
    ("en", "I'm switching to a competitor", "churn"),
    ("en", "I'll take my business elsewhere", "churn"),
    ("en", "I won't be renewing, that's for sure.", "churn"),
    ("pl", "Zrywam umowę i idę do Orange.", "churn"),
    ("ru", "Отказываюсь от ваших услуг с конца месяца.", "churn"),
    ("pl", "Czy jest ktoś wyżej, kto może podjąć decyzję?", "supervisor_request"),
    ("en", "I want to talk to someone who can make decisions", "supervisor_request"),
    ("pl", "Wrzucę nagranie tej rozmowy na TikToka.", "threat_public"),
]


@pytest.mark.parametrize(("lang", "text", "intent"), INTENTS)
def test_it_finds_the_intent(lang: str, text: str, intent: str) -> None:
    signals = analyze(text, lang=lang)
    assert intent in signals.intents
    assert any(e.signal == intent and e.matched for e in signals.explanations)


NOT_INTENTS = [
    ("pl", "Nie chcę iść do sądu, chcę tylko zwrotu.", "threat_legal"),
    ("pl", "Kupiłem to w internecie w zeszłym tygodniu.", "threat_public"),
    ("pl", "Sądzę, że to pomyłka.", "threat_legal"),
    ("pl", "Czy mogę pozwolić synowi odebrać paczkę?", "threat_legal"),
    ("ru", "Я не буду подавать в суд, просто верните деньги.", "threat_legal"),
    ("ru", "Купил в интернете, пришло не то.", "threat_public"),
    ("ru", "Долго искать не пришлось.", "threat_legal"),
    ("en", "I don't want to sue anyone, I just want a refund.", "threat_legal"),
    ("en", "You cancelled my order by mistake.", "churn"),
    ("en", "Press the button and nothing happens.", "threat_public"),
    ("pl", "Przejdę do sedna: faktura jest za wysoka.", "churn"),
    ("en", "I'm going to the shop to check the modem.", "churn"),
    ("pl", "Jestem człowiekiem, nie robotem.", "supervisor_request"),
    ("ru", "Я человеком себя не чувствую после этого.", "supervisor_request"),
    ("en", "I am a real person, not a bot.", "supervisor_request"),
    ("en", "I'll leave you a one-star review on Trustpilot.", "churn"),
    ("en", "What a load of rubbish, I never ordered this.", "churn"),
    ("ru", "Звоню по поводу претензии от 2 октября.", "threat_legal"),
    ("pl", "Potwierdzam rezygnację z usługi dodatkowej.", "churn"),
]


@pytest.mark.parametrize(("lang", "text", "intent"), NOT_INTENTS)
def test_it_does_not_invent_an_intent(lang: str, text: str, intent: str) -> None:
    assert intent not in analyze(text, lang=lang).intents


def test_one_message_can_carry_several_intents() -> None:
    signals = analyze("Dawać kierownika, bo pozwę was i opiszę to na Facebooku!")
    assert {"supervisor_request", "threat_legal", "threat_public"} <= signals.intents
