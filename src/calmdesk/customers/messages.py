"""The errors of a customer's personal-data request, in the language of the person asking."""

from __future__ import annotations

from typing import Any

from calmdesk.errors import Conflict, NotFound

MESSAGES: dict[str, dict[str, str]] = {
    "customer_not_found": {
        "en": "Nothing is recorded for this customer contact: no case, contact or public post.",
        "pl": "Dla tego kontaktu klienta nie ma zapisanej sprawy, rozmowy ani wpisu publicznego.",
        "ru": "По этому контакту клиента ничего не записано: ни обращения, ни разговора, "
        "ни публичного поста.",
    },
    "contact_live": {
        "en": "These contacts of the customer are still live; end them first: {ids}. "
        "Nothing was erased.",
        "pl": "Te rozmowy klienta wciąż trwają; najpierw je zakończ: {ids}. Nic nie usunięto.",
        "ru": "Эти разговоры клиента ещё идут; сначала завершите их: {ids}. Ничего не удалено.",
    },
}


def message(code: str, lang: str, **values: Any) -> str:
    texts = MESSAGES[code]
    return texts.get(lang, texts["en"]).format(**values)


class CustomerNotFound(NotFound):
    code = "customer_not_found"

    def __init__(self, lang: str) -> None:
        super().__init__(message(self.code, lang))


class CustomerContactLive(Conflict):
    code = "contact_live"

    def __init__(self, lang: str, contact_ids: list[int]) -> None:
        ids = ", ".join(map(str, contact_ids))
        super().__init__(message(self.code, lang, ids=ids), contact_ids=contact_ids)
