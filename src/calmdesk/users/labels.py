"""Role names and descriptions for the interface, in Polish, Russian and English."""

from __future__ import annotations

from calmdesk.users.models import Role

ROLE_LABELS: dict[Role, dict[str, str]] = {
    Role.AGENT: {"pl": "Konsultant", "ru": "Оператор", "en": "Agent"},
    Role.SUPERVISOR: {"pl": "Koordynator zespołu", "ru": "Супервайзер", "en": "Supervisor"},
    Role.HANDLER: {
        "pl": "Specjalista ds. reklamacji",
        "ru": "Специалист по претензиям",
        "en": "Complaint handler",
    },
    Role.ADMIN: {"pl": "Administrator", "ru": "Администратор", "en": "Administrator"},
}

ROLE_DESCRIPTIONS: dict[Role, dict[str, str]] = {
    Role.AGENT: {
        "pl": "Prowadzi rozmowy z klientami, zakłada zgłoszenia i je obsługuje.",
        "ru": "Ведёт разговоры с клиентами и заводит обращения, которые сам обрабатывает.",
        "en": "Talks to customers and records the complaints they work on.",
    },
    Role.SUPERVISOR: {
        "pl": "Widzi tablicę rozmów na żywo, wszystkie zgłoszenia i zatwierdza rekompensaty.",
        "ru": "Видит панель текущих разговоров, все обращения и утверждает компенсации.",
        "en": "Watches the live board, sees every case and approves compensation.",
    },
    Role.HANDLER: {
        "pl": "Obsługuje kolejkę reklamacji: terminy, kontakt z klientem, rozstrzygnięcie.",
        "ru": "Работает с очередью претензий: сроки, связь с клиентом, решение.",
        "en": "Works the complaint queue: deadlines, customer updates, resolution.",
    },
    Role.ADMIN: {
        "pl": "Zarządza kontami użytkowników i zasadami postępowania (playbookiem).",
        "ru": "Управляет учётными записями и регламентом работы (плейбуком).",
        "en": "Manages user accounts and the complaint playbook.",
    },
}

FALLBACK_LANGUAGE = "en"


def role_label(role: Role, lang: str) -> str:
    """``role``'s name in ``lang`` (English when the language is not one of ours)."""
    labels = ROLE_LABELS[role]
    return labels.get(lang, labels[FALLBACK_LANGUAGE])


def role_description(role: Role, lang: str) -> str:
    descriptions = ROLE_DESCRIPTIONS[role]
    return descriptions.get(lang, descriptions[FALLBACK_LANGUAGE])
