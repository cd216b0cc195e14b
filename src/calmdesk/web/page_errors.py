"""What an HTML page says of an error, in the page language.

The API answers every error with its code, its fields and a message (English unless the code has
translations in ``users/``/``live/texts``); a page must not show that English, nor a field's
internal name, to a reader of Polish or Russian. So a page says, in the reader's words: the
error's own text when its code has one (here or in the texts), else what its status means; and
for bad input, the form's fields by their labels and the value typed (isolated, it is the
reader's own text)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from calmdesk.errors import CalmDeskError
from calmdesk.live.refusals import refusal_text
from calmdesk.web.pages_labels import N_

Gettext = Callable[[str], str]

CODES: dict[str, str] = {
    "case_not_found": N_("This case does not exist, or it is not one you may see."),
    "compensation_not_found": N_("This compensation does not exist."),
    "compensation_not_pending": N_("This compensation has already been decided."),
    "compensation_awaits_approval": N_(
        "A compensation awaits a supervisor's decision: the case cannot be resolved or closed "
        "until it is decided."
    ),
    "compensation_not_rejected": N_("Only a rejected compensation can be answered."),
    "compensation_already_appealed": N_("This rejection has already been answered."),
    "compensation_not_allowed": N_("This compensation is not allowed for this case."),
    "case_closed": N_("The case is closed: reopen it first."),
    "invalid_transition": N_("The case cannot move to this status from where it is now."),
    "social_post_not_found": N_("This public post does not exist."),
    "already_escalated": N_("This post has already been opened as a complaint case."),
    "promise_already_kept": N_("This promise is already marked as kept."),
    "post_resolved": N_("This post is resolved: nothing more can be added to it."),
    "open_promises": N_("Public promises are still open: keep them before resolving the post."),
    "unknown_language": N_("Choose one of the languages offered."),
    "unknown_channel": N_("Choose one of the channels offered."),
    "unknown_status": N_("Choose one of the statuses offered."),
    "unknown_decision": N_("Approve or reject: there is no other decision."),
    "invalid_filter": N_("A filter of the list has a value it does not know."),
    "notice_not_found": N_("This case has no such e-mail notice."),
    "notice_not_failed": N_("Only a notice whose sending failed can be sent again."),
}

FIELDS: dict[str, str] = {
    "customer_contact": N_("Customer's phone or e-mail"),
    "customer_name": N_("Customer's name"),
    "description": N_("What happened"),
    "channel": N_("Channel"),
    "language": N_("Language"),
    "category": N_("Category"),
    "severity": N_("Severity"),
    "references": N_("References"),
    "status": N_("Status"),
    "amount": N_("Amount"),
    "kind": N_("Kind"),
    "reason": N_("Reason"),
    "due": N_("Deadline"),
    "q": N_("Search"),
}


def error_text(error: CalmDeskError, status: int, lang: str, gettext: Gettext) -> str:
    """The error's sentence for a reader of ``lang``."""
    if error.code in CODES:
        return gettext(CODES[error.code])
    return refusal_text(error.code, error.fields, lang) or generic_text(status, gettext)


def generic_text(status: int, gettext: Gettext) -> str:
    """What a status means, for an error without words of its own."""
    texts = {
        400: N_("The request could not be understood. Go back and try again."),
        403: N_("Your role does not allow this page or action."),
        404: N_("Check the address, or go back to the start page."),
        405: N_("This address does not take this kind of request."),
        409: N_("This changed in the meantime. Reload the page and try again."),
        422: N_("Part of what was entered cannot be accepted. Go back, check and try again."),
        429: N_("Too many requests in a short time. Wait a moment and try again."),
        503: N_("The server is busy. Nothing was stored; try again in a moment."),
    }
    return gettext(
        texts.get(status, N_("Something went wrong on our side. Try again in a moment."))
    )


def field_labels(error: CalmDeskError, gettext: Gettext) -> list[str]:
    """The fields a bad input names, by their labels (one unknown to us: "a field of the form")."""
    labels: list[str] = []
    for item in error.fields.get("fields") or []:
        name = str(item.get("field", "")).split(".")[0] if isinstance(item, dict) else ""
        label = gettext(FIELDS[name]) if name in FIELDS else gettext("A field of the form")
        if label not in labels:
            labels.append(label)
    return labels


def typed_value(error: CalmDeskError) -> str | None:
    """The value the reader typed or chose that was refused, if the error names one."""
    value: Any = error.fields.get("value")
    return str(value)[:200] if value not in (None, "") else None
