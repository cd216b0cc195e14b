"""The errors of a customer's personal-data request, in the language of the person asking."""

from __future__ import annotations

from typing import Any

from calmdesk.errors import Conflict, NotFound
from calmdesk.texts import load_texts

MESSAGES: dict[str, dict[str, str]] = load_texts("calmdesk.customers").table("errors")
"""One file a language: ``customers/texts/<lang>.yaml``."""


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
