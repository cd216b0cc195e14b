"""The mail domain's words for people (the case page's mail panel, the notes it writes on a
case, the channel names in notices), one file a language in ``mail/texts/<lang>.yaml``; what a
language lacks falls back to English."""

from __future__ import annotations

from calmdesk.texts import load_texts

_TEXTS = load_texts("calmdesk.mail")


def text_for(key: str, lang: str, **values: object) -> str:
    """The text ``key`` in ``lang`` with ``values`` filled in."""
    texts = _TEXTS.table("texts")[key]
    template = texts.get(lang) or texts["en"]
    return template.format(**values) if values else template


def label(table: str, key: str, lang: str) -> str:
    """A label of ``table`` (``outcomes``, ``reasons``, ``statuses``, ``kinds``, ``channels``),
    the key itself when unknown."""
    texts = _TEXTS.table(table).get(key)
    if texts is None:
        return key
    return texts.get(lang) or texts["en"]


def labels(table: str, lang: str) -> dict[str, str]:
    return {key: texts.get(lang) or texts["en"] for key, texts in _TEXTS.table(table).items()}
