"""The refund an agent may offer at once for the customer's complaint category.

The category itself comes from the one suggester, :mod:`calmdesk.analysis.category`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from calmdesk.analysis.signals import Fact
from calmdesk.playbook.schema import Category, CompensationKind, Playbook


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
