"""The one check of a line of text (a customer's or an agent's words) that every entry point
applies: the analysis, the coach, live contacts, rehearsals, public posts. One set of error codes:
``invalid_text`` (not a string), ``empty_text`` (nothing but white space or invisible
characters), ``text_too_long`` (over :data:`MAX_TEXT_CHARS`, the limit and the length named)."""

from __future__ import annotations

from calmdesk.analysis.normalize import strip_control
from calmdesk.errors import InvalidInput

MAX_TEXT_CHARS = 5_000


def check_line(text: object) -> str:
    """``text`` without control and invisible formatting characters (a NUL among them, which no
    transcript holds and PostgreSQL cannot store); offsets into the result are what the analysis
    reports. Raises :class:`InvalidInput` with one of the module's codes."""
    if not isinstance(text, str):
        raise InvalidInput("the text must be a string", code="invalid_text")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInput(
            f"the text is {len(text):,} characters long; the limit is {MAX_TEXT_CHARS:,}",
            code="text_too_long",
            limit=MAX_TEXT_CHARS,
            length=len(text),
        )
    cleaned = strip_control(text)
    if not cleaned.strip():
        raise InvalidInput("the text is empty", code="empty_text")
    return cleaned
