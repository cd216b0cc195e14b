"""Interface strings of the exported playbook (headings and labels) in pl, ru and en, with the
plural rules the exports need. A language missing here falls back to English."""

from __future__ import annotations

from datetime import timedelta

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "policy": "Complaint handling policy",
        "company": "Company",
        "languages": "Languages",
        "currency": "Currency",
        "calendar": "Business calendar",
        "timezone": "Time zone",
        "country": "Public holidays of",
        "working_hours": "Working hours",
        "closures": "Company closures",
        "none": "none",
        "categories": "Complaint categories",
        "team": "Responsible team",
        "severities": "Severity levels (weight)",
        "default_severity": "default",
        "examples": "Example messages",
        "kpi": "Internal targets (business time, paused while waiting for the customer)",
        "first_response": "First response",
        "resolution": "Resolution",
        "legal": "Legal deadline",
        "extended": "in complex cases up to",
        "basis": "Basis",
        "consequence": "If missed",
        "to_confirm": "to confirm with counsel",
        "compensation": "Compensation",
        "compensation_note": (
            "The agent grants compensation up to the limits below at once; above them a "
            "supervisor approves."
        ),
        "applies_to": "Applies to",
        "all_severities": "all severities",
        "options": "Options",
        "agent_limit": "Agent's limit",
        "discount_limit": "Agent's discount limit",
        "intake": "Intake script",
        "optional": "optional",
        "conversation": "Difficult conversations",
        "end_call_allowed": "Ending an abusive call allowed",
        "warnings_before_end": "Warnings before ending a call",
        "transfer_available": "Transfer to a supervisor available",
        "ladder": "Escalation ladder (each rung only when the previous one failed)",
        "breaks": "Break after a draining contact",
        "break_rule": "difficulty from {difficulty}: {minutes} min",
        "break_threshold": "No extra break below difficulty {threshold}.",
        "phrasebook": "Phrasebook",
        "still_here": "When the customer asks whether you are still there",
        "listening_signals": "Short signals that you are listening",
        "negative_wordings": "Wordings to avoid",
        "avoid": "Avoid",
        "say_instead": "Say instead",
        "public": "Public complaints (social media)",
        "weekends_included": "Weekends included",
        "guidance": "The 5P rule",
        "yes": "yes",
        "no": "no",
        "listen": "Listen",
        "acknowledge": "Acknowledge the emotion",
        "clarify": "Pin down the facts",
        "set_boundary": "Set a boundary",
        "warn": "Warn of the consequence",
        "silent_record": "Stay silent and take notes",
        "transfer": "Transfer",
        "end_call": "End the call",
        "resolve": "Explain the next steps",
        "close": "Say goodbye",
        "refund": "refund",
        "discount_percent": "discount",
        "voucher": "voucher",
        "gift": "small gift",
        "mon": "Mon",
        "tue": "Tue",
        "wed": "Wed",
        "thu": "Thu",
        "fri": "Fri",
        "sat": "Sat",
        "sun": "Sun",
        "hours": "h",
        "minutes": "min",
    },
    "pl": {
        "policy": "Polityka obsługi reklamacji",
        "company": "Firma",
        "languages": "Języki",
        "currency": "Waluta",
        "calendar": "Kalendarz pracy",
        "timezone": "Strefa czasowa",
        "country": "Święta państwowe",
        "working_hours": "Godziny pracy",
        "closures": "Dni zamknięcia firmy",
        "none": "brak",
        "categories": "Kategorie zgłoszeń",
        "team": "Zespół odpowiedzialny",
        "severities": "Poziomy ważności (waga)",
        "default_severity": "domyślny",
        "examples": "Przykładowe wiadomości",
        "kpi": "Cele wewnętrzne (czas roboczy, wstrzymany w oczekiwaniu na klienta)",
        "first_response": "Pierwsza odpowiedź",
        "resolution": "Rozwiązanie",
        "legal": "Termin ustawowy",
        "extended": "w sprawach złożonych do",
        "basis": "Podstawa",
        "consequence": "Po terminie",
        "to_confirm": "do potwierdzenia z prawnikiem",
        "compensation": "Rekompensaty",
        "compensation_note": (
            "Konsultant przyznaje rekompensatę od razu do poniższych limitów; powyżej decyduje "
            "przełożony."
        ),
        "applies_to": "Dotyczy",
        "all_severities": "wszystkie poziomy",
        "options": "Możliwości",
        "agent_limit": "Limit konsultanta",
        "discount_limit": "Limit rabatu konsultanta",
        "intake": "Schemat przyjęcia zgłoszenia",
        "optional": "opcjonalnie",
        "conversation": "Trudne rozmowy",
        "end_call_allowed": "Można zakończyć rozmowę z obrażającym klientem",
        "warnings_before_end": "Liczba ostrzeżeń przed zakończeniem rozmowy",
        "transfer_available": "Można przełączyć do przełożonego",
        "ladder": "Drabina eskalacji (kolejny krok tylko wtedy, gdy poprzedni nie pomógł)",
        "breaks": "Przerwa po wyczerpującej rozmowie",
        "break_rule": "trudność od {difficulty}: {minutes} min",
        "break_threshold": "Poniżej trudności {threshold} bez dodatkowej przerwy.",
        "phrasebook": "Rozmówki",
        "still_here": "Gdy klient pyta, czy nadal jesteś na linii",
        "listening_signals": "Krótkie sygnały, że słuchasz",
        "negative_wordings": "Sformułowania, których unikamy",
        "avoid": "Unikaj",
        "say_instead": "Powiedz zamiast tego",
        "public": "Reklamacje publiczne (media społecznościowe)",
        "weekends_included": "Także w weekendy",
        "guidance": "Zasada 5P",
        "yes": "tak",
        "no": "nie",
        "listen": "Wysłuchaj",
        "acknowledge": "Nazwij emocje",
        "clarify": "Doprecyzuj fakty",
        "set_boundary": "Postaw granicę",
        "warn": "Uprzedź o konsekwencjach",
        "silent_record": "Milcz i notuj",
        "transfer": "Przełącz rozmowę",
        "end_call": "Zakończ rozmowę",
        "resolve": "Wyjaśnij dalsze kroki",
        "close": "Pożegnaj się",
        "refund": "zwrot pieniędzy",
        "discount_percent": "rabat",
        "voucher": "bon",
        "gift": "drobny upominek",
        "mon": "pon.",
        "tue": "wt.",
        "wed": "śr.",
        "thu": "czw.",
        "fri": "pt.",
        "sat": "sob.",
        "sun": "niedz.",
        "hours": "godz.",
        "minutes": "min",
    },
    "ru": {
        "policy": "Регламент работы с претензиями",
        "company": "Компания",
        "languages": "Языки",
        "currency": "Валюта",
        "calendar": "Рабочий календарь",
        "timezone": "Часовой пояс",
        "country": "Государственные праздники",
        "working_hours": "Рабочее время",
        "closures": "Нерабочие дни компании",
        "none": "нет",
        "categories": "Категории обращений",
        "team": "Ответственный отдел",
        "severities": "Уровни важности (вес)",
        "default_severity": "по умолчанию",
        "examples": "Примеры обращений",
        "kpi": "Внутренние сроки (рабочее время, пауза на время ожидания клиента)",
        "first_response": "Первый ответ",
        "resolution": "Решение",
        "legal": "Срок по закону",
        "extended": "в сложных случаях до",
        "basis": "Основание",
        "consequence": "При нарушении срока",
        "to_confirm": "уточнить у юриста",
        "compensation": "Компенсации",
        "compensation_note": (
            "Оператор сразу предоставляет компенсацию в пределах указанных лимитов; сверх них "
            "решение принимает руководитель."
        ),
        "applies_to": "Для чего",
        "all_severities": "любой уровень",
        "options": "Варианты",
        "agent_limit": "Лимит оператора",
        "discount_limit": "Лимит скидки оператора",
        "intake": "Сценарий приёма обращения",
        "optional": "необязательно",
        "conversation": "Трудные разговоры",
        "end_call_allowed": "Можно завершить разговор при оскорблениях",
        "warnings_before_end": "Предупреждений перед завершением разговора",
        "transfer_available": "Можно перевести на руководителя",
        "ladder": "Лестница эскалации (следующий шаг, только если предыдущий не помог)",
        "breaks": "Перерыв после тяжёлого разговора",
        "break_rule": "сложность от {difficulty}: {minutes} мин",
        "break_threshold": "При сложности ниже {threshold} дополнительного перерыва нет.",
        "phrasebook": "Речевые модули",
        "still_here": "Когда клиент спрашивает, на линии ли вы",
        "listening_signals": "Короткие сигналы, что вы слушаете",
        "negative_wordings": "Формулировки, которых избегаем",
        "avoid": "Избегайте",
        "say_instead": "Скажите вместо этого",
        "public": "Публичные жалобы (социальные сети)",
        "weekends_included": "Включая выходные",
        "guidance": "Правило 5P",
        "yes": "да",
        "no": "нет",
        "listen": "Выслушайте",
        "acknowledge": "Назовите эмоцию",
        "clarify": "Уточните факты",
        "set_boundary": "Обозначьте границы",
        "warn": "Предупредите о последствиях",
        "silent_record": "Молчите и записывайте",
        "transfer": "Переведите звонок",
        "end_call": "Завершите разговор",
        "resolve": "Объясните дальнейшие шаги",
        "close": "Попрощайтесь",
        "refund": "возврат денег",
        "discount_percent": "скидка",
        "voucher": "купон",
        "gift": "небольшой подарок",
        "mon": "пн",
        "tue": "вт",
        "wed": "ср",
        "thu": "чт",
        "fri": "пт",
        "sat": "сб",
        "sun": "вс",
        "hours": "ч",
        "minutes": "мин",
    },
}

# Plural forms per language: (one, few, many) as the Slavic rules need; English uses one/many.
_DAYS = {
    "en": ("day", "days", "days"),
    "pl": ("dzień", "dni", "dni"),
    "ru": ("день", "дня", "дней"),
}
_BUSINESS_DAYS = {
    "en": ("business day", "business days", "business days"),
    "pl": ("dzień roboczy", "dni robocze", "dni roboczych"),
    "ru": ("рабочий день", "рабочих дня", "рабочих дней"),
}


def labels(lang: str) -> dict[str, str]:
    """The interface strings in ``lang`` (English when the language has none)."""
    return LABELS.get(lang, LABELS["en"])


def plural_form(lang: str, count: int) -> int:
    """0 for "one", 1 for "few", 2 for "many" (CLDR-style rules for pl, ru, en)."""
    last, last_two = count % 10, count % 100
    if lang == "ru":
        if last == 1 and last_two != 11:
            return 0
        return 1 if 2 <= last <= 4 and not 12 <= last_two <= 14 else 2
    if lang == "pl":
        if count == 1:
            return 0
        return 1 if 2 <= last <= 4 and not 12 <= last_two <= 14 else 2
    return 0 if count == 1 else 2


def days_text(lang: str, count: int, *, business: bool = False) -> str:
    """``14 dni``, ``15 рабочих дней``, ``1 day``."""
    forms = (_BUSINESS_DAYS if business else _DAYS).get(lang, _DAYS["en"])
    return f"{count} {forms[plural_form(lang, count)]}"


def duration_text(lang: str, value: timedelta) -> str:
    """``22 h 30 min`` in the language's units (hours may exceed 24: this is business time)."""
    words = labels(lang)
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} {words['hours']}"] if hours else []
    if minutes or not parts:
        parts.append(f"{minutes} {words['minutes']}")
    return " ".join(parts)
