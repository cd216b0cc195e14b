"""The case intake's category suggestion and language guess, both from the analysis: the same
suggester the coach uses (:mod:`calmdesk.analysis.category`) over the playbook's categories, and
the analysis's language guess limited to the playbook's languages."""

from __future__ import annotations

from calmdesk.analysis.category import CategorySuggestion
from calmdesk.analysis.category import suggest_category as suggest_from_texts
from calmdesk.analysis.language import guess_language as analysis_language
from calmdesk.playbook.schema import Playbook


def suggest_category(playbook: Playbook, text: str) -> CategorySuggestion:
    """The best-matching category of ``playbook`` for a complaint ``text`` (a case always gets
    one; a low score only means the handler should check it)."""
    return suggest_from_texts(playbook.category_texts(), [text])


def guess_language(text: str, playbook: Playbook) -> str:
    """The text's language when the playbook offers it, else the playbook's default language."""
    lang = analysis_language(text)
    return lang if lang in playbook.languages else playbook.default_language
