"""One customer, Jan Kowalski, recorded everywhere CalmDesk keeps words: a call (every line,
the analysis, the guidance, the summary), two cases under two spellings of his phone number (one
recorded from the call, with its history and a compensation), a public post mentioning his
number with a reply, a note and a promise, and the case it was escalated to. Another customer's
call and case are there too, and must survive his erasure."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, inspect, text
from sqlalchemy.orm import Session

from calmdesk.cases import compensation, intake_from_contact
from calmdesk.cases import service as cases
from calmdesk.cases.enums import CaseStatus, Channel, CompensationKind
from calmdesk.cases.schemas import CaseCreate, CaseUpdate, CompensationCreate, CustomerUpdate
from calmdesk.coach.conversation import Conversation
from calmdesk.live import service as live
from calmdesk.live.coaching import ConversationCache
from calmdesk.live.wire import Speaker
from calmdesk.playbook.schema import Playbook
from calmdesk.social import service as social
from calmdesk.social.enums import Platform
from calmdesk.social.schemas import EscalateRequest, PostCreate, PromiseCreate, ReplyCreate
from calmdesk.storage.types import utcnow
from calmdesk.users.models import User

NAME = "Jan Kowalski"
PHONE = "+48 601 234 567"
PHONE_COMPACT = "+48601234567"
EMAIL = "Jan.Kowalski@Example.pl"
IBAN = "PL61 1090 1014 0000 0712 1981 2874"
CUSTOMER_LINE = (
    f"Nazywam się {NAME}, mój numer to {PHONE}, mail {EMAIL}, konto {IBAN}. "
    "Faktura jest zawyżona o 200 zł, to skandal!"
)
AGENT_LINE = f"Dziękuję, panie Kowalski, oddzwonimy na 601-234-567 i napiszemy na {EMAIL}."
POST_TEXT = f"{NAME} tutaj: od tygodnia czekam na zwrot, dzwońcie na 601 234 567!"

OTHER_LINE = "Zamówienie 48213 nie dotarło, proszę o kontakt na ola.nowak@example.com."
OTHER_CONTACT = "ola.nowak@example.com"

# What must be gone after the erasure, in every spelling it was written.
PHONE_DIGITS = "601234567"
IBAN_DIGITS = "61109010140000071219812874"
WORDS = ("kowalski", EMAIL.lower())


@dataclass(frozen=True)
class Scenario:
    contact_id: int
    call_case_id: int
    second_case_id: int
    post_id: int
    post_case_id: int
    other_contact_id: int
    other_case_id: int


def _call(
    session: Session, agent: User, playbook: Playbook, lines: list[tuple[Speaker, str]]
) -> int:
    cache = ConversationCache()
    contact = live.start_contact(session, agent=agent, lang="pl", playbook=playbook)
    for speaker, line in lines:
        live.says(
            session,
            contact_id=contact.id,
            speaker=speaker,
            text=line,
            actor=agent,
            playbook=playbook,
            cache=cache,
        )
    live.end_contact(session, contact_id=contact.id, actor=agent, playbook=playbook, cache=cache)
    return contact.id


def _summary(playbook: Playbook, line: str) -> Any:
    conversation = Conversation(playbook, lang="pl", agent_name="Anna")
    conversation.customer_says(line)
    return conversation.summary()


def build(session: Session, users: dict[str, User], playbook: Playbook) -> Scenario:
    agent, handler = users["agent"], users["handler"]
    contact_id = _call(
        session, agent, playbook, [("customer", CUSTOMER_LINE), ("agent", AGENT_LINE)]
    )
    call_case = intake_from_contact(
        session,
        summary=_summary(playbook, CUSTOMER_LINE),
        customer_contact=PHONE,
        description=f"{NAME} zgłasza zawyżoną fakturę; zwrot na konto {IBAN}.",
        channel=Channel.PHONE,
        language="pl",
        contact_id=contact_id,
        actor=agent,
        playbook=playbook,
    )
    cases.update(
        session,
        case=call_case,
        case_in=CaseUpdate(customer_name=NAME),
        actor_id=agent.id,
        playbook=playbook,
    )
    cases.transition(
        session,
        case=call_case,
        to=CaseStatus.ACKNOWLEDGED,
        actor_id=handler.id,
        note=f"Rozmowa z {NAME}",
        playbook=playbook,
    )
    cases.inform_customer(
        session,
        case=call_case,
        update=CustomerUpdate(
            how=f"Zwrot na {IBAN}", channel="email", message=f"Dzień dobry {NAME}"
        ),
        actor_id=handler.id,
    )
    compensation.propose(
        session,
        case=call_case,
        compensation_in=CompensationCreate(
            kind=CompensationKind.REFUND, amount=Decimal("50"), reason=f"Przeprosiny dla {NAME}"
        ),
        actor_id=agent.id,
        playbook=playbook,
    )
    second = cases.intake(
        session,
        case_in=CaseCreate(
            customer_contact=PHONE_COMPACT,
            customer_name=NAME,
            description=f"{NAME} dzwoni ponownie w sprawie zwrotu, mail {EMAIL}.",
            category="invoice_error",
            language="pl",
        ),
        actor=agent,
        playbook=playbook,
    )
    post = social.register_post(
        session,
        post_in=PostCreate(platform=Platform.FACEBOOK, author_handle="@jkowalski", text=POST_TEXT),
        actor=handler,
        playbook=playbook,
    )
    social.reply(
        session,
        post=post,
        reply_in=ReplyCreate(text=f"Panie {NAME}, sprawdzamy to."),
        actor=handler,
    )
    social.add_note(session, post=post, text=f"To ten sam {NAME} z rozmowy", actor=handler)
    social.make_promise(
        session,
        post=post,
        promise_in=PromiseCreate(
            text=f"Oddzwonimy do {NAME} jutro", due_at=utcnow() + timedelta(days=1)
        ),
        actor=handler,
    )
    post_case = social.escalate_to_case(
        session, post=post, request=EscalateRequest(), actor=handler, playbook=playbook
    )
    other_contact_id = _call(session, agent, playbook, [("customer", OTHER_LINE)])
    other_case = cases.intake(
        session,
        case_in=CaseCreate(
            customer_contact=OTHER_CONTACT,
            customer_name="Ola Nowak",
            description=OTHER_LINE,
            category="delivery_delay",
            language="pl",
            source_contact_id=other_contact_id,
        ),
        actor=agent,
        playbook=playbook,
    )
    session.flush()
    return Scenario(
        contact_id=contact_id,
        call_case_id=call_case.id,
        second_case_id=second.id,
        post_id=post.id,
        post_case_id=post_case.id,
        other_contact_id=other_contact_id,
        other_case_id=other_case.id,
    )


def _as_text(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def personal_data_found(connection: Connection) -> list[str]:
    """``table.column: what`` for each column of each table (as the database lists them) that
    still holds the customer's name, e-mail, phone (any spelling: digits compared) or IBAN."""
    found = []
    inspector = inspect(connection)
    for table in sorted(inspector.get_table_names()):
        columns = [c["name"] for c in inspector.get_columns(table)]
        quote = connection.dialect.identifier_preparer.quote
        select_all = f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)}"
        for row in connection.execute(text(select_all)):
            for column, value in zip(columns, row, strict=True):
                if value is None:
                    continue
                stored = _as_text(value)
                digits = re.sub(r"\D", "", stored)
                folded = stored.casefold()
                hits = [word for word in WORDS if word in folded]
                hits += [what for what in (PHONE_DIGITS, IBAN_DIGITS) if what in digits]
                found += [f"{table}.{column}: {hit}" for hit in hits]
    return sorted(set(found))
