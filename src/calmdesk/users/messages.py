"""The words of the sign-in errors and the API's guards, one file a language in
``users/texts/<lang>.yaml`` (table ``errors``; placeholders are the error's fields). The API and
the pages answer them in the language of the person asking
(:func:`calmdesk.live.refusals.localize_error`); the English text is the one raised."""

from __future__ import annotations

from typing import Any

from calmdesk.texts import load_texts

_TEXTS = load_texts("calmdesk.users")
ERRORS: dict[str, dict[str, str]] = _TEXTS.table("errors")
RATE_LIMIT_SCOPES: dict[str, dict[str, str]] = _TEXTS.table("rate_limit_scopes")
FALLBACK_LANGUAGE = "en"


def _in(texts: dict[str, str], lang: str) -> str:
    return texts.get(lang, texts[FALLBACK_LANGUAGE])


def scope_name(scope: str, lang: str) -> str:
    """``token`` or ``user`` as the rate-limit message names it."""
    return _in(RATE_LIMIT_SCOPES[scope], lang)


def error_text(code: str, lang: str, **fields: Any) -> str:
    """The text of ``code`` in ``lang`` with ``fields`` filled in."""
    values = dict(fields)
    if isinstance(values.get("limit_scope"), str) and values["limit_scope"] in RATE_LIMIT_SCOPES:
        values["limit_scope_name"] = scope_name(values["limit_scope"], lang)
    return _in(ERRORS[code], lang).format(**values)
