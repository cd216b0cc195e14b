"""Suggesting a complaint category from the customer's words (the analysis's one suggester over
the playbook), and the refund the agent may offer."""

import pytest

from calmdesk.analysis.category import suggest_category
from calmdesk.coach.category import refund_within_agent_limit
from calmdesk.playbook.load import default_playbook
from calmdesk.playbook.schema import Playbook
from tests.coach.helpers import amount


@pytest.mark.parametrize(
    ("key", "text", "expected"),
    [
        ("pl", "Na fakturze macie inną kwotę niż w umowie.", "invoice_error"),
        ("pl", "Paczka nie dotarła, kurier się nie pojawił.", "delivery_delay"),
        ("ru", "Курьер так и не привёз мою посылку.", "delivery_delay"),
        ("ru", "Чайник сломался, верните деньги за него.", "product_refund"),
        ("en", "The washing machine stopped working after two days.", "defective_product"),
        ("en", "You charged me twice on my invoice.", "billing_error"),
    ],
)
def test_it_suggests_the_category_whose_examples_share_the_words(
    key: str, text: str, expected: str
) -> None:
    suggestion = suggest_category(default_playbook(key).category_texts(), [text])
    assert suggestion.confident
    assert suggestion.category == expected


@pytest.mark.parametrize("text", ["Xyzzy qwerty.", "Dzień dobry", "ty idioto", "ok"])
def test_nothing_in_common_is_no_confident_category(text: str) -> None:
    assert not suggest_category(default_playbook("pl").category_texts(), [text]).confident


@pytest.fixture
def polish() -> Playbook:
    return default_playbook("pl")


def test_an_overcharge_within_the_agents_limit_may_be_refunded(polish: Playbook) -> None:
    invoices = polish.category("invoice_error")
    assert refund_within_agent_limit(polish, invoices, [amount("200")]) == 200


def test_an_overcharge_above_the_agents_limit_is_not_offered(polish: Playbook) -> None:
    invoices = polish.category("invoice_error")
    assert refund_within_agent_limit(polish, invoices, [amount("900")]) is None


def test_no_refund_where_the_category_has_none(polish: Playbook) -> None:
    late = polish.category("delivery_delay")
    assert refund_within_agent_limit(polish, late, [amount("20")]) is None


def test_an_amount_in_another_currency_is_not_offered(polish: Playbook) -> None:
    invoices = polish.category("invoice_error")
    assert refund_within_agent_limit(polish, invoices, [amount("100", "EUR")]) is None
