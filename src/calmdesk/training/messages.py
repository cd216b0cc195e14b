"""Interface text of the rehearsal report, in the persona's language (pl, ru, en).

Each check has a title, a line for when it was met, and its faults; ``{turn}`` is the trainee's
turn (from 1), other placeholders are named where they are used in :mod:`scoring`.
"""

from __future__ import annotations

Table = dict[str, dict[str, str]]

TITLES: Table = {
    "acknowledge_first": {
        "pl": "Najpierw emocje, potem fakty",
        "ru": "Сначала эмоции, потом факты",
        "en": "Acknowledge before clarifying",
    },
    "introduction": {
        "pl": "Przedstawienie się z imienia",
        "ru": "Представиться по имени",
        "en": "Introduce yourself by name",
    },
    "paraphrase": {
        "pl": "Parafraza faktów klienta",
        "ru": "Пересказ фактов клиента",
        "en": "Restate the customer's facts",
    },
    "resolution": {
        "pl": "Rozwiązanie z terminem",
        "ru": "Решение со сроком",
        "en": "A solution with a deadline",
    },
    "negative_wording": {
        "pl": "Bez negatywnych sformułowań",
        "ru": "Без негативных формулировок",
        "en": "No negative wording",
    },
    "risky_promise": {
        "pl": "Bez obietnic bez pokrycia",
        "ru": "Без невыполнимых обещаний",
        "en": "No promises you cannot keep",
    },
    "ladder": {
        "pl": "Drabina eskalacji po kolei",
        "ru": "Лестница эскалации по порядку",
        "en": "The escalation ladder in order",
    },
    "hang_up": {
        "pl": "Bez przedwczesnego rozłączenia",
        "ru": "Без преждевременного завершения звонка",
        "en": "No premature hang-up",
    },
    "supervisor": {
        "pl": "Prośba o przełożonego spełniona od razu",
        "ru": "Просьба позвать руководителя выполнена сразу",
        "en": "Supervisor request honoured at once",
    },
    "calmer": {
        "pl": "Klient spokojniejszy na koniec",
        "ru": "Клиент спокойнее к концу",
        "en": "Customer calmer at the end",
    },
}

MET: Table = {
    "acknowledge_first": {
        "pl": "Uznanie emocji w turze {turn}, zanim padły pytania o fakty.",
        "ru": "Признание эмоций в ходе {turn}, до вопросов о фактах.",
        "en": "You acknowledged the feelings in turn {turn}, before asking about facts.",
    },
    "introduction": {
        "pl": "Przedstawienie się w turze {turn}.",
        "ru": "Вы представились в ходе {turn}.",
        "en": "You introduced yourself in turn {turn}.",
    },
    "paraphrase": {
        "pl": "Fakty powtórzone w turze {turn}: {facts}.",
        "ru": "Факты пересказаны в ходе {turn}: {facts}.",
        "en": "You restated the facts in turn {turn}: {facts}.",
    },
    "resolution": {
        "pl": "W turze {turn}: co zostanie zrobione i do kiedy.",
        "ru": "В ходе {turn}: что будет сделано и к какому сроку.",
        "en": "In turn {turn} you said what will be done and by when.",
    },
    "negative_wording": {
        "pl": "Żadnych sformułowań z listy do unikania.",
        "ru": "Ни одной формулировки из списка нежелательных.",
        "en": "None of the wordings to avoid.",
    },
    "risky_promise": {
        "pl": "Żadnych gwarancji wyniku, na który nie ma pan(i) wpływu.",
        "ru": "Никаких гарантий результата, который от вас не зависит.",
        "en": "No guarantees about outcomes you do not control.",
    },
    "ladder": {
        "pl": "Szczeble drabiny po kolei, żaden nie został pominięty.",
        "ru": "Ступени лестницы по порядку, ни одна не пропущена.",
        "en": "The rungs came in order, none skipped.",
    },
    "hang_up": {
        "pl": "Rozmowa nie została przerwana przedwcześnie.",
        "ru": "Разговор не был прерван раньше времени.",
        "en": "The call was not ended too early.",
    },
    "supervisor": {
        "pl": "Przełączenie zaproponowane w turze {turn}, zaraz po prośbie.",
        "ru": "Перевод предложен в ходе {turn}, сразу после просьбы.",
        "en": "You offered the transfer in turn {turn}, right after the request.",
    },
    "calmer": {
        "pl": "Klient zaczął jako „{start}”, skończył jako „{end}”.",
        "ru": "Клиент начал как «{start}», закончил как «{end}».",
        "en": "The customer started {start} and ended {end}.",
    },
}

FAULTS: Table = {
    "no_empathy": {
        "pl": "Ani razu nie nazwano emocji klienta ani nie okazano zrozumienia.",
        "ru": "Ни разу не названы эмоции клиента и не выражено понимание.",
        "en": "You never named the customer's feelings or showed understanding.",
    },
    "clarified_first": {
        "pl": "Tura {turn}: pytanie o fakty przed uznaniem emocji.",
        "ru": "Ход {turn}: вопрос о фактах раньше признания эмоций.",
        "en": "Turn {turn}: you went to the facts before acknowledging the feelings.",
    },
    "no_introduction": {
        "pl": "Brak przedstawienia się z imienia (personalizacja rozmowy).",
        "ru": "Вы не представились по имени (персонализация разговора).",
        "en": "You never gave your name (it makes the call personal).",
    },
    "no_paraphrase": {
        "pl": "Fakty klienta nie zostały powtórzone ({facts}).",
        "ru": "Факты клиента не пересказаны ({facts}).",
        "en": "You never restated the customer's facts ({facts}).",
    },
    "no_resolution": {
        "pl": "Brak rozwiązania z terminem: co zrobimy, kto i do kiedy.",
        "ru": "Нет решения со сроком: что сделаем, кто и к какому сроку.",
        "en": "No solution with a deadline: what will happen, who does it and by when.",
    },
    "negative_wording": {
        "pl": "Tura {turn}: „{phrase}”. Lepiej: „{alternative}”",
        "ru": "Ход {turn}: «{phrase}». Лучше: «{alternative}»",
        "en": 'Turn {turn}: "{phrase}". Better: "{alternative}"',
    },
    "risky_promise": {
        "pl": "Tura {turn}: „{phrase}” to obietnica, której można nie dotrzymać.",
        "ru": "Ход {turn}: «{phrase}» — обещание, которое можно не выполнить.",
        "en": 'Turn {turn}: "{phrase}" promises what you may not be able to keep.',
    },
    "missed_rung": {
        "pl": "Tura {turn}: trener wskazywał „{stage}”, a tego kroku zabrakło.",
        "ru": "Ход {turn}: тренер предлагал «{stage}», а этот шаг пропущен.",
        "en": "Turn {turn}: the coach asked for {stage} and it did not happen.",
    },
    "unprovoked_rung": {
        "pl": "Tura {turn}: granica lub ostrzeżenie, choć klient nie obrażał (to eskaluje).",
        "ru": "Ход {turn}: граница или предупреждение, хотя клиент не оскорблял (это обостряет).",
        "en": "Turn {turn}: a boundary or warning, but the customer was not abusive.",
    },
    "warning_before_boundary": {
        "pl": "Tura {turn}: ostrzeżenie przed postawieniem granicy (pominięty szczebel).",
        "ru": "Ход {turn}: предупреждение до обозначения границы (пропущена ступень).",
        "en": "Turn {turn}: a warning before any boundary was set (a skipped rung).",
    },
    "transfer_before_warning": {
        "pl": "Tura {turn}: przełączenie obrażającego klienta przed ostrzeżeniem.",
        "ru": "Ход {turn}: перевод оскорбляющего клиента до предупреждения.",
        "en": "Turn {turn}: transferring an abusive customer before any warning.",
    },
    "premature_hang_up": {
        "pl": "Tura {turn}: rozłączenie, gdy nie było to dozwolone ({reason}).",
        "ru": "Ход {turn}: звонок завершён, когда это не было разрешено ({reason}).",
        "en": "Turn {turn}: you ended the call when it was not allowed ({reason}).",
    },
    "supervisor_late": {
        "pl": (
            "Klient poprosił o przełożonego przed turą {asked}; "
            "przełączenie dopiero w turze {turn}."
        ),
        "ru": "Клиент попросил руководителя перед ходом {asked}; перевод только в ходе {turn}.",
        "en": (
            "The customer asked for a supervisor before turn {asked}; "
            "the transfer came in turn {turn}."
        ),
    },
    "supervisor_ignored": {
        "pl": "Klient poprosił o przełożonego przed turą {asked}; przełączenia nie było.",
        "ru": "Клиент попросил руководителя перед ходом {asked}; перевода не было.",
        "en": "The customer asked for a supervisor before turn {asked}; no transfer was offered.",
    },
    "not_calmer": {
        "pl": "Klient zaczął jako „{start}”, a skończył jako „{end}”.",
        "ru": "Клиент начал как «{start}», а закончил как «{end}».",
        "en": "The customer started {start} and still ended {end}.",
    },
}

LEVEL_NAMES: Table = {
    "calm": {"pl": "spokojny", "ru": "спокойный", "en": "calm"},
    "upset": {"pl": "zdenerwowany", "ru": "расстроенный", "en": "upset"},
    "angry": {"pl": "zły", "ru": "злой", "en": "angry"},
    "abusive": {"pl": "obraźliwy", "ru": "оскорбляющий", "en": "abusive"},
}

HEADINGS: Table = {
    "score": {"pl": "Wynik", "ru": "Оценка", "en": "Score"},
    "check": {"pl": "Kryterium", "ru": "Критерий", "en": "Check"},
    "points": {"pl": "Punkty", "ru": "Баллы", "en": "Points"},
    "why": {"pl": "Dlaczego", "ru": "Почему", "en": "Why"},
    "accepted": {
        "pl": "Klient przyjął rozwiązanie.",
        "ru": "Клиент принял решение.",
        "en": "The customer accepted the solution.",
    },
    "not_accepted": {
        "pl": "Klient nie przyjął rozwiązania.",
        "ru": "Клиент не принял решение.",
        "en": "The customer did not accept a solution.",
    },
}


def text(table: Table, key: str, lang: str, **values: object) -> str:
    """The entry in ``lang`` (English when missing), with ``values`` filled in."""
    entry = table[key]
    return (entry.get(lang) or entry["en"]).format(**values)
