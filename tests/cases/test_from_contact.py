"""A complaint voiced during a live contact becomes a case prefilled from the coach's summary."""

from __future__ import annotations

from sqlalchemy.orm import Session

from calmdesk.cases import intake_from_contact
from calmdesk.cases.enums import Channel
from calmdesk.coach.conversation import Conversation
from calmdesk.playbook.schema import Playbook


def test_a_live_contact_prefills_the_case(session: Session, pl: Playbook) -> None:
    conversation = Conversation(pl, lang="pl", agent_name="Anna")
    conversation.customer_says(
        "Faktura FV/2026/03/118 jest o 200 zł wyższa niż w umowie, to już drugi raz!"
    )
    summary = conversation.summary()
    case = intake_from_contact(
        session,
        summary=summary,
        customer_contact="+48 601 234 567",
        description="Klient zgłasza zawyżoną fakturę.",
        channel=Channel.PHONE,
        language="pl",
        contact_id=17,
        actor=None,
        playbook=pl,
    )
    assert case.source_contact_id == 17
    assert case.channel == "phone"
    assert summary.category == "invoice_error"
    assert (case.category, case.category_suggested) == ("invoice_error", False)
    assert case.references == ["FV/2026/03/118"]
    assert "kwota: 200 PLN" in case.description
