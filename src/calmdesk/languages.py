"""The languages CalmDesk speaks: analysis lexicons, playbooks, coach lines and the interface.

This is the one list. Adding a language means an entry here, its lexicon files
(``analysis/lexicons/<code>/``), its default playbook (``playbook/defaults/<code>.yaml``), its
interface catalog (``web/locale/<code>/``) and a retrained tone model (CONTRIBUTING.md).
"""

from __future__ import annotations

from enum import StrEnum


class Language(StrEnum):
    PL = "pl"
    RU = "ru"
    EN = "en"


LANGUAGES: tuple[str, ...] = tuple(language.value for language in Language)
"""The codes of :class:`Language`, in the order lists and menus show them."""

OTHER = "other"
"""What the analysis calls a message in none of :data:`LANGUAGES` (or too short to tell)."""

ANALYSIS_LANGUAGES: tuple[str, ...] = (*LANGUAGES, OTHER)
"""Every value the analysis may give a message's language."""

NATIVE_NAMES: dict[str, str] = {"pl": "Polski", "ru": "Русский", "en": "English"}
"""Each language's name in itself, as the language pickers show it."""

PHONE_REGIONS: dict[str, str] = {"pl": "PL", "ru": "RU", "en": "GB"}
"""The country whose numbering a phone number without its +prefix is read in, per language."""


def is_supported(code: object) -> bool:
    """True when ``code`` is one of :data:`LANGUAGES` (``other`` is not)."""
    return isinstance(code, str) and code in LANGUAGES
