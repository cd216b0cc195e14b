"""The agent's steps heard in the agent's own words: several phrasings of each step in each
language, and look-alikes that must not trigger it (coach/heard.py, lexicons/<lang>/agent.txt)."""

from __future__ import annotations

import pytest

from calmdesk.analysis.lexicon import load_patterns
from calmdesk.coach.heard import Step, heard_by_rules
from calmdesk.coach.messages import NEGATIVE_ALTERNATIVES
from calmdesk.coach.phrases import NEGATIVE_FAMILIES
from calmdesk.languages import LANGUAGES

AGENTS = {"pl": "Ala", "ru": "Ала", "en": "Ala"}
"""The agent's name as it is said in each language."""

HEARD: dict[Step, dict[str, list[str]]] = {
    Step.ACKNOWLEDGE: {
        "pl": [
            "Nazywam się Ala i słyszę, że jest Pan bardzo zdenerwowany.",
            "Z tej strony Ala. Rozumiem, że to musi być frustrujące.",
            "Mam na imię Ala, zajmę się Pana sprawą.",
            "Widzę, że jest Pani rozczarowana tym, jak to przebiegło.",
            "Ma Pan pełne prawo być zły po takim czasie oczekiwania.",
            "Rozumiem Państwa frustrację i chcę to wyjaśnić.",
            "Mówi Ala. W czym mogę pomóc?",
            "To zupełnie zrozumiałe, że ta sytuacja Pana zdenerwowała.",
        ],
        "ru": [
            "Меня зовут Ала, я понимаю, как вы расстроены.",
            "С вами говорит Ала. Слышу, что вы очень раздражены.",
            "Понимаю ваше возмущение, давайте разберёмся.",
            "Вы имеете право быть недовольны, вы долго ждали.",
            "Это Ала. Чем могу помочь?",
            "Мне очень жаль, что вам пришлось так долго ждать.",
            "Вижу, что вы устали от этой ситуации.",
        ],
        "en": [
            "My name is Ala, and I can hear how frustrating this has been.",
            "This is Ala from customer care.",
            "I understand why you're upset, it's been a long wait.",
            "That must be really annoying after three calls.",
            "I'm so sorry to hear the parcel never arrived.",
            "You have every right to be angry about this.",
            "I completely understand your frustration.",
            "It's Ala. How can I help?",
        ],
    },
    Step.BOUNDARY: {
        "pl": [
            "Proszę zwracać się do mnie z szacunkiem.",
            "Proszę mnie nie obrażać, chcę Panu pomóc.",
            "Proszę nie używać wulgaryzmów.",
            "Nie będę tolerować wyzwisk w tej rozmowie.",
            "Rozmawiajmy kulturalnie, wtedy szybciej to załatwimy.",
            "Nie załatwimy sprawy, jeśli będzie mnie Pani obrażać.",
            "Proszę o kulturę w rozmowie.",
            "Obraźliwe słowa w niczym nie pomogą.",
            "Proszę bez wyzwisk.",
        ],
        "ru": [
            "Давайте без грубостей.",
            "Прошу вас не оскорблять меня.",
            "Попрошу без мата, пожалуйста.",
            "Прошу разговаривать со мной уважительно.",
            "Я не буду терпеть оскорбления.",
            "Не надо на меня кричать, я хочу помочь.",
            "Давайте общаться вежливо, так мы быстрее решим вопрос.",
            "Оскорбления ничем не помогут.",
        ],
        "en": [
            "Please don't swear at me, I'm trying to help.",
            "Please speak to me with respect.",
            "Let's keep this civil.",
            "I won't tolerate being insulted.",
            "There's no need for that language.",
            "Insults won't help us solve this.",
            "I'm asking you to talk to me respectfully.",
            "I'm not going to be spoken to like that.",
        ],
    },
    Step.WARNING: {
        "pl": [
            "Przy kolejnej obeldze rozłączę połączenie.",
            "Jeśli będzie Pan dalej przeklinać, zakończę rozmowę.",
            "Jeszcze jedno wyzwisko i się rozłączę.",
            "Jeżeli obelgi się powtórzą, będę zmuszona zakończyć połączenie.",
            "Jeśli to się nie zmieni, będę zmuszony przerwać rozmowę.",
            "Przy następnym wulgaryzmie rozmowa zostanie zakończona.",
            "Jeżeli nie przestanie Pan krzyczeć, muszę się rozłączyć.",
        ],
        "ru": [
            "Ещё одно оскорбление, и я прерву звонок.",
            "Если вы продолжите оскорблять меня, я завершу разговор.",
            "Если грубость повторится, мне придётся прервать разговор.",
            "При следующем оскорблении разговор будет завершён.",
            "Если вы не прекратите кричать, я буду вынуждена положить трубку.",
            "Еще раз выругаетесь, и я закончу наш разговор.",
        ],
        "en": [
            "One more insult and I'll have to hang up.",
            "If you keep swearing, I will end this call.",
            "If this continues, I'm going to have to end the call.",
            "Another insult and this call will be terminated.",
            "If you don't stop shouting, I'll disconnect.",
            "If it happens again, I will have to end our conversation.",
        ],
    },
    Step.SILENT_RECORD: {
        "pl": [
            "Tak, jestem tutaj i notuję każde słowo.",
            "Zapisuję wszystko, co Pan mówi.",
            "Nagrywam tę rozmowę i notuję każde Pana słowo.",
            "Jestem nadal na linii.",
            "Rozmowa jest nagrywana.",
        ],
        "ru": [
            "Да, я здесь и записываю каждое слово.",
            "Я всё записываю.",
            "Разговор записывается.",
            "Я по-прежнему на линии.",
            "Фиксирую каждое ваше слово.",
        ],
        "en": [
            "Yes, I'm here and I'm noting every word.",
            "I'm writing down everything you say.",
            "This call is being recorded.",
            "I'm still on the line.",
            "I'm recording this conversation.",
        ],
    },
    Step.TRANSFER: {
        "pl": [
            "Spróbuję połączyć Pana z inną osobą, która rozwiąże problem.",
            "Zaraz przełączę Panią do przełożonego.",
            "Połączę Pana z kierownikiem zmiany.",
            "Przekażę rozmowę koledze ze specjalistycznego działu.",
            "Zaraz przełączę rozmowę, proszę chwilę zaczekać.",
        ],
        "ru": [
            "Сейчас переключу вас на руководителя.",
            "Я соединю вас со старшим специалистом.",
            "Попробую перевести вас на коллегу.",
            "Я переведу звонок, это займёт минуту.",
            "Передам ваш звонок старшему смены.",
        ],
        "en": [
            "Let me put you through to my supervisor.",
            "I'll transfer you to a colleague who handles refunds.",
            "I'm going to connect you with my manager.",
            "My supervisor will take over the call in a moment.",
            "I'll pass you over to the billing team.",
        ],
    },
    Step.TRANSFER_FAILED: {
        "pl": [
            "Niestety nie udało się połączyć z przełożonym.",
            "Nie mogę Pana przełączyć, kierownik jest niedostępny.",
            "Przełożony jest teraz niedostępny.",
        ],
        "ru": [
            "К сожалению, не удалось вас соединить.",
            "Руководитель сейчас недоступен.",
            "Никого из старших нет на месте.",
        ],
        "en": [
            "I'm sorry, I couldn't transfer you.",
            "The transfer didn't go through.",
            "No supervisor is available right now.",
        ],
    },
    Step.THANKS: {
        "pl": ["Dziękuję za cierpliwość.", "Dzięki za te informacje.", "Dziękujemy za zgłoszenie."],
        "ru": ["Спасибо за терпение.", "Благодарю за информацию.", "Спасибо, что сообщили."],
        "en": ["Thank you for your patience.", "Thanks for letting us know.", "I appreciate it."],
    },
    Step.APOLOGY: {
        "pl": [
            "Przepraszam za to opóźnienie.",
            "Przepraszamy za kłopot z fakturą.",
            "Chcę Pana przeprosić w imieniu firmy.",
            "Bardzo mi przykro z powodu tego błędu.",
        ],
        "ru": [
            "Извините за задержку.",
            "Приношу извинения от имени компании.",
            "Прошу прощения за эту ошибку.",
            "Мы извиняемся за неудобства.",
        ],
        "en": [
            "I'm sorry for the delay.",
            "We apologise for the mistake on the invoice.",
            "My apologies, that should not have happened.",
            "Please accept our apologies.",
        ],
    },
}

NOT_HEARD: dict[Step, dict[str, list[str]]] = {
    Step.ACKNOWLEDGE: {
        "pl": [
            "Proszę się nie denerwować.",
            "Nie rozumiem, o co Panu chodzi.",
            "Czy dobrze rozumiem, że faktura jest wyższa?",
            "Nazywam się Ola, jestem z innego zespołu.",  # not the agent's name
        ],
        "ru": ["Не понимаю, что вы имеете в виду.", "Правильно ли я понимаю, что заказ не пришёл?"],
        "en": ["I don't understand the question.", "Calm down, please.", "This is urgent."],
    },
    Step.BOUNDARY: {
        "pl": [
            "Rozumiem, że czuje się Pan obrażony.",
            "Z szacunkiem, zespół obsługi",
            "Szanujemy Pana czas.",
            "Proszę spokojnie opowiedzieć, co się stało.",
        ],
        "ru": [
            "Уважаемый клиент, ваш заказ готов.",
            "Извините за грубость нашего сотрудника.",
            "Давайте без спешки проверим данные.",
        ],
        "en": [
            "I respect your decision.",
            "Sorry our courier was rude to you.",
            "Please don't hesitate to call back.",
        ],
    },
    Step.WARNING: {
        "pl": [
            "Jeśli nie ma Pan więcej pytań, zakończę rozmowę.",
            "Proszę się nie rozłączać, sprawdzam to.",
            "Zanim zakończę rozmowę, podam numer zgłoszenia.",
            "Nie rozłączę się, dopóki tego nie wyjaśnimy.",
            "Zgodnie z zapowiedzią kończę teraz rozmowę.",
            "Połączenie zostało wcześniej przerwane, przepraszam.",
        ],
        "ru": [
            "Если у вас нет вопросов, я завершу разговор.",
            "Пожалуйста, не кладите трубку.",
            "Я не прерву звонок, пока мы не решим вопрос.",
            "Извините, я вас прерву на секунду.",
        ],
        "en": [
            "If you have no other questions, I'll end the call now.",
            "Please don't hang up, I'm checking.",
            "I won't hang up until this is sorted.",
            "Because the abuse has continued, I'm going to end this call.",
            "I'll end up sending it again if it is lost.",
        ],
    },
    Step.SILENT_RECORD: {
        "pl": [
            "Notuję numer zamówienia.",
            "Zanotowałam adres, dziękuję.",
            "Jestem tutaj, słucham.",
        ],
        "ru": ["Записываю номер заказа.", "Я записала ваш адрес."],
        "en": ["I'll note your order number.", "I've written down your address.", "I'm listening."],
    },
    Step.TRANSFER: {
        "pl": [
            "Przekażę reklamację do działu rozliczeń.",
            "Połączenie zostało przerwane.",
            "Zwrot przeleję na Pana konto.",
        ],
        "ru": ["Передам вашу жалобу в отдел качества.", "Переведу деньги на вашу карту завтра."],
        "en": [
            "I'll transfer the refund to your account.",
            "I'll pass your complaint to the team.",
            "The line got disconnected earlier.",
        ],
    },
    Step.THANKS: {
        "pl": ["Dzięki temu sprawa pójdzie szybciej.", "Nie ma za co."],
        "ru": ["Благодаря новой системе это быстрее.", "Не за что."],
        "en": ["Thanks to the new system it is faster.", "You're welcome."],
    },
    Step.APOLOGY: {
        "pl": ["Przepraszam, czy może Pan powtórzyć numer?", "Przepraszam, że przerywam."],
        "ru": ["Извините, можно номер заказа?", "Простите, не расслышала."],
        "en": ["Sorry, could you repeat the number?", "I'm sorry to hear that."],
    },
}


def _cases(table: dict[Step, dict[str, list[str]]]) -> list[tuple[Step, str, str]]:
    return [
        (step, lang, line)
        for step, langs in table.items()
        for lang, lines in langs.items()
        for line in lines
    ]


@pytest.mark.parametrize(("step", "lang", "line"), _cases(HEARD))
def test_each_phrasing_is_heard_as_its_step(step: Step, lang: str, line: str) -> None:
    heard = heard_by_rules(line, agent_name=AGENTS[lang])
    assert step in [h.step for h in heard], f"{lang}: {line!r} gave {heard}"
    evidence = next(h.evidence for h in heard if h.step is step)
    assert evidence and evidence in line


@pytest.mark.parametrize(("step", "lang", "line"), _cases(NOT_HEARD))
def test_a_look_alike_is_not_heard_as_the_step(step: Step, lang: str, line: str) -> None:
    heard = heard_by_rules(line, agent_name=AGENTS[lang])
    assert step not in [h.step for h in heard], f"{lang}: {line!r} gave {heard}"


def test_every_step_has_phrasings_and_look_alikes_in_every_language() -> None:
    for table, minimum in ((HEARD, 3), (NOT_HEARD, 2)):
        for step, langs in table.items():
            assert sorted(langs) == sorted(LANGUAGES), step
            assert all(len(lines) >= minimum for lines in langs.values()), step


def test_every_language_writes_every_rule_of_the_agent_file() -> None:
    sections = [sorted(load_patterns(lang, "agent.txt")) for lang in LANGUAGES]
    assert sections[0] == sections[1] == sections[2]
    assert {"warning", "warning_if", "warning_about", "boundary", "empathy"} <= set(sections[0])


def test_a_warning_that_also_names_the_insults_is_the_warning_only() -> None:
    heard = heard_by_rules("Jeśli nadal będzie mnie Pan obrażać, zakończę rozmowę.")
    assert [h.step for h in heard] == [Step.WARNING]


def test_a_boundary_then_a_warning_in_two_sentences_are_both_heard() -> None:
    line = "Proszę mnie nie obrażać. Przy kolejnej obeldze zakończę rozmowę."
    assert [h.step for h in heard_by_rules(line)] == [Step.BOUNDARY, Step.WARNING]


def test_curly_apostrophes_are_read_like_straight_ones() -> None:
    heard = heard_by_rules("One more insult and I\u2019ll have to hang up.")
    assert [h.step for h in heard] == [Step.WARNING]


def test_every_language_writes_every_family_of_negative_wording() -> None:
    for lang in LANGUAGES:
        assert sorted(load_patterns(lang, "negative.txt")) == sorted((*NEGATIVE_FAMILIES, "clean"))
        assert all(lang in NEGATIVE_ALTERNATIVES[family] for family in NEGATIVE_FAMILIES)
