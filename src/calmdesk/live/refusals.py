"""The words of a refused live turn in the reader's language: ``live/texts/<lang>.yaml``
(table ``errors``, placeholders are the error's fields) and the sign-in and guard errors of
:mod:`calmdesk.users.messages`. The REST answers and the socket's ``error`` frames both use
:func:`refusal_text`, so the console shows the same words whichever way a line went."""

from __future__ import annotations

from typing import Any

from calmdesk.errors import CalmDeskError
from calmdesk.live.frames import ErrorMessage
from calmdesk.texts import load_texts
from calmdesk.users.messages import error_text

ERRORS = load_texts("calmdesk.live").table("errors")


def refusal_text(code: str, fields: dict[str, Any], lang: str) -> str | None:
    """The text of ``code`` in ``lang`` with ``fields`` filled in, or ``None`` when no table
    has it (or the error lacks a field its text needs)."""
    try:
        if code in ERRORS:
            texts = ERRORS[code]
            return texts.get(lang, texts["en"]).format(**fields)
        return error_text(code, lang, **fields)
    except (KeyError, IndexError, ValueError):
        return None


def localize_error(error: CalmDeskError, lang: str) -> str:
    """``error``'s message in ``lang``; as raised when it has no translation. An error that
    knows its own words (a ``localized(lang)`` method, as the cases domain's do) says them."""
    own = getattr(error, "localized", None)
    if callable(own):
        text = own(lang)
        if isinstance(text, str):
            return text
    return refusal_text(error.code, error.fields, lang) or error.message


def localize_frame(message: ErrorMessage, lang: str) -> ErrorMessage:
    """The ``error`` frame with its message in ``lang`` (its code and fields unchanged)."""
    fields = message.model_dump(exclude={"type", "code", "message", "ref"}, exclude_none=True)
    text = refusal_text(message.code, fields, lang)
    return message if text is None else message.model_copy(update={"message": text})
