"""A case opened from a live contact. One draft serves both ways in: the case page prefilled
from a contact the agent just had, and :func:`intake_from_contact` recording the complaint from
the coach's summary of a call. Both get the same description, category and references."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from calmdesk.cases.enums import Channel
from calmdesk.cases.models import Case
from calmdesk.cases.schemas import CaseCreate
from calmdesk.cases.service import intake
from calmdesk.coach import messages
from calmdesk.languages import is_supported
from calmdesk.playbook.schema import Playbook
from calmdesk.users.models import User

if TYPE_CHECKING:
    from calmdesk.coach.summary import CallSummary

REFERENCE_FACTS = ("order", "invoice", "ticket")
MAX_REFERENCES = 20
MAX_REFERENCE_CHARS = 100
MAX_DESCRIPTION_CHARS = 10_000


@dataclass(frozen=True)
class CaseDraft:
    """What a case from a contact starts with; the agent adds the customer's contact details.
    ``facts`` are ``(kind, value)`` pairs as the analysis found them."""

    channel: str
    language: str | None
    description: str
    category: str | None
    references: tuple[str, ...]
    facts: tuple[tuple[str, str], ...]


def fact_label(kind: str, lang: str) -> str:
    """``amount``, ``invoice`` ... as a reader of ``lang`` says it."""
    return messages.label("fact_labels", kind, lang)


def draft_from_contact(
    *,
    customer_lines: str,
    category: str | None,
    facts: Sequence[tuple[str, str]],
    channel: str,
    language: str | None,
    playbook: Playbook,
) -> CaseDraft:
    """The customer's words, then the facts the coach found (labelled in the case's language);
    the coach's category when the playbook knows it (otherwise intake suggests one); the order,
    invoice and ticket numbers as references."""
    lang = language if is_supported(language) else None
    labelled = "; ".join(
        f"{fact_label(kind, lang or playbook.default_language)}: {value}" for kind, value in facts
    )
    text = customer_lines.strip()
    if labelled:
        text = f"{text}\n\n{labelled}" if text else labelled
    references = [value for kind, value in facts if kind in REFERENCE_FACTS][:MAX_REFERENCES]
    return CaseDraft(
        channel=channel,
        language=lang,
        description=text[:MAX_DESCRIPTION_CHARS],
        category=category if category in {c.key for c in playbook.categories} else None,
        references=tuple(r[:MAX_REFERENCE_CHARS] for r in references),
        facts=tuple(facts),
    )


def intake_from_contact(
    session: Session,
    *,
    summary: CallSummary,
    customer_contact: str,
    description: str,
    channel: Channel,
    language: str | None,
    contact_id: int | None,
    actor: User | None,
    playbook: Playbook,
    now: datetime | None = None,
) -> Case:
    """Record the complaint voiced during a live contact (the draft of
    :func:`draft_from_contact`, like the page's form)."""
    draft = draft_from_contact(
        customer_lines=description,
        category=summary.category,
        facts=[(fact.kind, fact.value) for fact in summary.facts],
        channel=channel,
        language=language,
        playbook=playbook,
    )
    case_in = CaseCreate(
        channel=draft.channel,
        customer_contact=customer_contact,
        description=draft.description,
        language=draft.language,
        category=draft.category,
        references=list(draft.references),
        source_contact_id=contact_id,
    )
    return intake(session, case_in=case_in, actor=actor, playbook=playbook, now=now)
