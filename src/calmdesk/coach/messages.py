"""The coach's own interface strings, one file a language in ``coach/texts/<lang>.yaml``: why a
step is suggested, alert messages, the reason ``may_end_call`` is what it is, labels for facts
and channels.

These are words for the *agent*, shown in the playbook's default language. Everything said to the
*customer* comes from the playbook's phrasebook (see :mod:`calmdesk.coach.phrases`).
"""

from __future__ import annotations

from calmdesk.languages import LANGUAGES
from calmdesk.playbook.schema import Stage
from calmdesk.texts import load_texts

UI_LANGUAGES = LANGUAGES

_TEXTS = load_texts("calmdesk.coach")

WHY: dict[Stage, dict[str, str]] = {Stage(key): texts for key, texts in _TEXTS.table("why").items()}
"""Why each step of the ladder is suggested."""
LISTENING_SIGNAL_WHY = _TEXTS.text("listening_signal_why")
STILL_HERE_WHY = _TEXTS.text("still_here_why")
SUPERVISOR_WHY = _TEXTS.text("supervisor_why")
SAFETY_WHY = _TEXTS.text("safety_why")
CARE_WHY = _TEXTS.text("care_why")
SUPERVISOR_NO_TRANSFER = _TEXTS.text("supervisor_no_transfer")
APOLOGY_WHY = _TEXTS.text("apology_why")
NO_APOLOGY_WHY = _TEXTS.text("no_apology_why")
ALREADY_APOLOGISED_WHY = _TEXTS.text("already_apologised_why")
HEARD: dict[str, dict[str, str]] = _TEXTS.table("heard")
"""What the console shows for each step heard in the agent's words (``{evidence}``)."""
HEARD_STEPS: dict[str, dict[str, str]] = _TEXTS.table("heard_steps")
HEARD_UNDONE = _TEXTS.text("heard_undone")
NOTHING_TO_UNDO = _TEXTS.text("nothing_to_undo")
NEGATIVE_ALTERNATIVES: dict[str, dict[str, str]] = _TEXTS.table("negative_alternatives")
"""What to say instead of each family of negative wording, in the customer's language."""
ALERTS: dict[str, dict[str, str]] = _TEXTS.table("alerts")
MORE_EVIDENCE = _TEXTS.text("more_evidence")
END_CALL_REASONS: dict[str, dict[str, str]] = _TEXTS.table("end_call_reasons")
FACT_LABELS: dict[str, dict[str, str]] = _TEXTS.table("fact_labels")
FALLBACKS: dict[str, dict[str, str]] = _TEXTS.table("fallbacks")
"""Stand-ins when the conversation lacks what a phrase needs; kept neutral on purpose."""
CHANNELS: dict[str, dict[str, str]] = _TEXTS.table("channels")
"""Nouns, as the phrasebook writes "(kontakt: {channel})", "via {channel}"."""


HEARD_PANEL: dict[str, dict[str, str]] = _TEXTS.table("heard_panel")


def console_heard_labels(lang: str) -> dict[str, object]:
    """The words of the console's "heard in my words" panel (``static/heard.js``)."""
    return {
        **{key: ui(texts, lang) for key, texts in HEARD_PANEL.items()},
        "steps": {key: ui(texts, lang) for key, texts in HEARD_STEPS.items()},
    }


def ui(table: dict[str, str], lang: str) -> str:
    """The entry for ``lang``, English when the language has none."""
    return table.get(lang) or table["en"]


def end_call_reason(key: str, lang: str, *, needed: int, given: int, rung: str | None) -> str:
    """Why ending the call is (not) allowed, for the reason ``key`` of ``end_call_verdict``."""
    return ui(END_CALL_REASONS[key], lang).format(needed=needed, given=given, rung=rung or "-")
