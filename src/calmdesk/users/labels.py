"""Role names and descriptions for the interface, one file a language in
``users/texts/<lang>.yaml`` (Polish names the function, not a gendered job title)."""

from __future__ import annotations

from calmdesk.texts import load_texts
from calmdesk.users.models import Role

_TEXTS = load_texts("calmdesk.users")
ROLE_LABELS: dict[Role, dict[str, str]] = {
    Role(key): texts for key, texts in _TEXTS.table("role_labels").items()
}
ROLE_DESCRIPTIONS: dict[Role, dict[str, str]] = {
    Role(key): texts for key, texts in _TEXTS.table("role_descriptions").items()
}

FALLBACK_LANGUAGE = "en"


def role_label(role: Role, lang: str) -> str:
    """``role``'s name in ``lang`` (English when the language is not one of ours)."""
    labels = ROLE_LABELS[role]
    return labels.get(lang, labels[FALLBACK_LANGUAGE])


def role_description(role: Role, lang: str) -> str:
    """What ``role`` does, in ``lang`` (English when the language is not one of ours)."""
    descriptions = ROLE_DESCRIPTIONS[role]
    return descriptions.get(lang, descriptions[FALLBACK_LANGUAGE])
