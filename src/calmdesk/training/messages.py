"""Interface text of the rehearsal report, in the persona's language; one file a language in
``training/texts/<lang>.yaml``.

Each check has a title, a line for when it was met, and its faults; ``{turn}`` is the trainee's
turn (from 1), other placeholders are named where they are used in :mod:`scoring`.
"""

from __future__ import annotations

from calmdesk.texts import Table, load_texts

_TEXTS = load_texts("calmdesk.training")

TITLES: Table = _TEXTS.table("titles")
MET: Table = _TEXTS.table("met")
FAULTS: Table = _TEXTS.table("faults")
LEVEL_NAMES: Table = _TEXTS.table("level_names")
HEADINGS: Table = _TEXTS.table("headings")


def text(table: Table, key: str, lang: str, **values: object) -> str:
    """The entry in ``lang`` (English when missing), with ``values`` filled in."""
    entry = table[key]
    return (entry.get(lang) or entry["en"]).format(**values)
