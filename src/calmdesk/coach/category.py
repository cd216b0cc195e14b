"""Suggest a playbook complaint category from what the customer said.

Deliberately simple and deterministic: word stems (a short prefix, enough for Polish and Russian
inflection: "faktura"/"fakturze" share "faktu") of the customer's words are matched against the
stems of each category's examples, name and description; a stem shared by many categories counts
for less (weight ``1 / number of categories using it``). Ties go to the earlier category in the
playbook. No match at all gives ``None``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from calmdesk.analysis.signals import Fact
from calmdesk.playbook.schema import Category, CompensationKind, Playbook

_WORD = re.compile(r"[^\W\d_]{4,}")  # shorter words are mostly "nie", "mam", "the"
_SHORT_STEM = 4
_STEM = 5


def stems(text: str) -> set[str]:
    """Prefix stems of the words of ``text`` (letters only, four or more of them)."""
    result = set()
    for word in _WORD.findall(text.lower().replace("ё", "е")):
        result.add(word[:_SHORT_STEM] if len(word) <= _STEM else word[:_STEM])
    return result


class CategoryMatcher:
    """Built once per playbook; :meth:`suggest` is cheap."""

    def __init__(self, playbook: Playbook) -> None:
        self._categories = list(playbook.categories)
        self._vocab: list[set[str]] = [_category_stems(c) for c in self._categories]
        frequency: Counter[str] = Counter(s for vocab in self._vocab for s in vocab)
        self._weight = {stem: 1.0 / count for stem, count in frequency.items()}

    def scores(self, said: set[str]) -> list[tuple[Category, float]]:
        """Each category's score for the stems the customer used."""
        return [
            (category, sum(self._weight[s] for s in said & vocab))
            for category, vocab in zip(self._categories, self._vocab, strict=True)
        ]

    def suggest(self, texts: Iterable[str]) -> Category | None:
        said: set[str] = set()
        for text in texts:
            said |= stems(text)
        return self.suggest_for(said)

    def suggest_for(self, said: set[str]) -> Category | None:
        best: Category | None = None
        best_score = 0.0
        for category, score in self.scores(said):
            if score > best_score:
                best, best_score = category, score
        return best


def _category_stems(category: Category) -> set[str]:
    words: list[str] = [*category.name.values(), *category.description.values()]
    for examples in category.examples.values():
        words.extend(examples)
    result: set[str] = set()
    for text in words:
        result |= stems(text)
    return result


def refund_within_agent_limit(
    playbook: Playbook, category: Category, facts: Sequence[Fact]
) -> Decimal | None:
    """The disputed amount (the first amount the customer named) when the agent may refund it
    alone: the category's compensation rule has a refund option covering it, it is within the
    agent's limit, and it is in the playbook's currency. Otherwise ``None``: the coach then picks
    a phrase that offers no amount, and anything larger goes through the cases' approvals."""
    fact = next((f for f in facts if f.kind == "amount" and f.amount), None)
    if fact is None or fact.currency != playbook.currency:
        return None
    try:
        value = Decimal(fact.amount or "")
    except InvalidOperation:
        return None
    rule = playbook.compensation_rule(category.key, category.default_severity)
    if rule is None or value > rule.agent_limit:
        return None
    refunds = [o for o in rule.options if o.kind is CompensationKind.REFUND]
    return value if any(o.min <= value <= o.max for o in refunds) else None
