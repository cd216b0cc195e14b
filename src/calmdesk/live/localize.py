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

from calmdesk.coach.messages import known, render
from calmdesk.live.frames import BoardSnapshot, ContactSnapshot
from calmdesk.live.wire import (
    AlertMessage,
    AlertRead,
    GuidanceRecord,
    HeardRead,
    SuggestionRead,
    TextRef,
)

M = TypeVar("M")


def _render(text: TextRef, lang: str) -> str | None:
    """The stored message in ``lang``; ``None`` when it cannot be (a key this version does not
    know, a parameter missing): the words stored beside it are kept then."""
    return _render_raw(text.key, text.params, lang)


def _render_raw(key: object, params: object, lang: str) -> str | None:
    if not isinstance(key, str) or not known(key) or not isinstance(params, dict):
        return None
    try:
        return render(key, params, lang)
    except (KeyError, IndexError, ValueError, AssertionError):
        return None


def _why(suggestion: SuggestionRead, lang: str) -> SuggestionRead:
    words = [_render(text, lang) for text in suggestion.why_texts]
    if not words or None in words:
        return suggestion
    return suggestion.model_copy(update={"why": " ".join(w for w in words if w)})


def _alert(alert: AlertRead, lang: str) -> AlertRead:
    words = _render(alert.text, lang) if alert.text is not None else None
    return alert if words is None else alert.model_copy(update={"message": words})


def _heard(heard: HeardRead, lang: str) -> HeardRead:
    words = _render(heard.text, lang) if heard.text is not None else None
    return heard if words is None else heard.model_copy(update={"message": words})


def _board_alert(alert: AlertMessage, lang: str) -> AlertMessage:
    words = _render(alert.text, lang) if alert.text is not None else None
    return alert if words is None else alert.model_copy(update={"message": words})


def localized(message: M, lang: str) -> M:
    """``message`` (a guidance, a board alert, a contact's snapshot; anything else as it is)
    with its words in ``lang``."""
    if isinstance(message, GuidanceRecord):
        update: dict[str, Any] = {
            "suggestions": [_why(s, lang) for s in message.suggestions],
            "alerts": [_alert(a, lang) for a in message.alerts],
            "heard": [_heard(h, lang) for h in message.heard],
        }
        reason = _render(message.end_call_text, lang) if message.end_call_text else None
        if reason is not None:
            update["end_call_reason"] = reason
        return message.model_copy(update=update)
    if isinstance(message, AlertMessage) and message.text is not None:
        words = _render(message.text, lang)
        return message if words is None else message.model_copy(update={"message": words})
    if isinstance(message, BoardSnapshot):
        alerts = [_board_alert(a, lang) for a in message.alerts]
        return message.model_copy(update={"alerts": alerts})
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
        words = [_render_raw(t.get("key"), t.get("params") or {}, lang) for t in texts]
        if words and None not in words:
            suggestion["why"] = " ".join(w for w in words if w)
    for alert in data.get("alerts") or []:
        text = alert.get("text")
        if isinstance(text, dict):
            shown = _render_raw(text.get("key"), text.get("params") or {}, lang)
            alert["message"] = shown if shown is not None else alert.get("message")
    for heard in data.get("heard") or []:
        text = heard.get("text")
        if isinstance(text, dict):
            shown = _render_raw(text.get("key"), text.get("params") or {}, lang)
            heard["message"] = shown if shown is not None else heard.get("message")
    reason = data.get("end_call_text")
    if isinstance(reason, dict):
        shown = _render_raw(reason.get("key"), reason.get("params") or {}, lang)
        if shown is not None:
            data["end_call_reason"] = shown
    return data
