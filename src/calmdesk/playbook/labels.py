"""Interface strings of the exported playbook (headings, labels, day counts), one file a language
in ``playbook/texts/<lang>.yaml``; plural forms follow Babel's CLDR rules. What a language lacks
falls back to English."""

from __future__ import annotations

import re
from datetime import timedelta

from babel import Locale

from calmdesk.texts import load_texts

_TEXTS = load_texts("calmdesk.playbook")


def labels(lang: str) -> dict[str, str]:
    """The interface strings in ``lang`` (English for what the language lacks)."""
    return {key: texts.get(lang) or texts["en"] for key, texts in _TEXTS.table("labels").items()}


_SLOT = re.compile(r"\{([a-z_]+)\}")


def with_slots(text: str, lang: str) -> str:
    """``text`` with each placeholder (``{agent_name}``) shown as what it stands for, in
    ``lang`` (``[imię i nazwisko]``); a placeholder without a name stays as written."""
    slots = _TEXTS.table("slots")

    def name(match: re.Match[str]) -> str:
        texts = slots.get(match.group(1))
        return f"[{texts.get(lang) or texts['en']}]" if texts else match.group(0)

    return _SLOT.sub(name, text)


def days_text(lang: str, count: int, *, business: bool = False) -> str:
    """``14 dni``, ``15 рабочих дней``, ``1 day``: the plural form by the language's CLDR rule."""
    forms = _TEXTS.table("business_days" if business else "days")
    known = lang if lang in forms["one"] else "en"
    category = Locale.parse(known).plural_form(count)
    return f"{count} {forms[category].get(known) or forms['other'][known]}"


def duration_text(lang: str, value: timedelta) -> str:
    """``22 h 30 min`` in the language's units (hours may exceed 24: this is business time)."""
    words = labels(lang)
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} {words['hours']}"] if hours else []
    if minutes or not parts:
        parts.append(f"{minutes} {words['minutes']}")
    return " ".join(parts)
