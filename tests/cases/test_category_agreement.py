"""The coach's call summary and the case intake use one category suggester, so the case opened
from a call is filed where the coach said it belongs."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from calmdesk.cases import service
from calmdesk.cases.schemas import CaseCreate
from calmdesk.coach.conversation import Conversation
from calmdesk.playbook.load import default_playbook

TEXTS = [
    ("pl", "Dostałem fakturę na inną kwotę, niż mam w umowie."),
    ("pl", "Kurier od tygodnia nie przywiózł zamówienia."),
    ("ru", "Чайник сломался через два дня, хочу вернуть деньги."),
    ("ru", "Мне выставили счёт дважды за один месяц."),
    ("en", "The washing machine broke after a week."),
    ("en", "My parcel still has not arrived, it is ten days late."),
]


@pytest.mark.parametrize(("key", "text"), TEXTS)
def test_the_call_summary_and_the_intake_suggest_the_same_category(
    key: str, text: str, session: Session
) -> None:
    playbook = default_playbook(key)
    conversation = Conversation(playbook)
    conversation.customer_says(text)
    summary = conversation.summary()
    case = service.intake(
        session,
        case_in=CaseCreate(channel="phone", customer_contact="+48601234567", description=text),
        actor=None,
        playbook=playbook,
    )
    assert summary.category is not None
    assert case.category_suggested
    assert case.category == summary.category
