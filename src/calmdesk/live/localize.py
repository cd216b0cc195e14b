"""The coach's words in the language of whoever reads them.

A guidance and a board alert are stored and published with their messages as keys and
parameters (:class:`~calmdesk.live.wire.TextRef`); every reader (the console page, the
contact's and the board's sockets, the REST answers) gets ``why``, ``message`` and
``end_call_reason`` put into words in *their* language here, so a Russian team lead reads a
Polish agent's alerts in Russian. A guidance stored before messages were keys keeps its words.
"""

from __future__ import annotations

import copy
from typing import Any, TypeVar

from calmdesk.coach.messages import render
from calmdesk.live.frames import ContactSnapshot
from calmdesk.live.wire import (
    AlertMessage,
    AlertRead,
    GuidanceRecord,
    SuggestionRead,
)

M = TypeVar("M")


def _why(suggestion: SuggestionRead, lang: str) -> SuggestionRead:
    if not suggestion.why_texts:
        return suggestion
    why = " ".join(text.render(lang) for text in suggestion.why_texts)
    return suggestion.model_copy(update={"why": why})


def _alert(alert: AlertRead, lang: str) -> AlertRead:
    if alert.text is None:
        return alert
    return alert.model_copy(update={"message": alert.text.render(lang)})


def localized(message: M, lang: str) -> M:
    """``message`` (a guidance, a board alert, a contact's snapshot; anything else as it is)
    with its words in ``lang``."""
    if isinstance(message, GuidanceRecord):
        update: dict[str, Any] = {
            "suggestions": [_why(s, lang) for s in message.suggestions],
            "alerts": [_alert(a, lang) for a in message.alerts],
        }
        if message.end_call_text is not None:
            update["end_call_reason"] = message.end_call_text.render(lang)
        return message.model_copy(update=update)
    if isinstance(message, AlertMessage) and message.text is not None:
        return message.model_copy(update={"message": message.text.render(lang)})
    if isinstance(message, ContactSnapshot) and isinstance(message.guidance, GuidanceRecord):
        return message.model_copy(update={"guidance": localized(message.guidance, lang)})
    return message


def localized_record(stored: dict[str, Any] | None, lang: str) -> dict[str, Any] | None:
    """A stored guidance (the JSON of a contact event) with its words in ``lang``."""
    if not stored:
        return stored
    data = copy.deepcopy(stored)
    for suggestion in data.get("suggestions") or []:
        texts = suggestion.get("why_texts") or []
        if texts:
            suggestion["why"] = " ".join(
                render(t["key"], t.get("params") or {}, lang) for t in texts
            )
    for alert in data.get("alerts") or []:
        text = alert.get("text")
        if isinstance(text, dict):
            alert["message"] = render(text["key"], text.get("params") or {}, lang)
    reason = data.get("end_call_text")
    if isinstance(reason, dict):
        data["end_call_reason"] = render(reason["key"], reason.get("params") or {}, lang)
    return data
