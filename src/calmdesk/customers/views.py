"""A customer's personal data over HTTP: ``GET /api/customers/{contact}/export`` (handlers,
supervisors, admins) and ``DELETE /api/customers/{contact}`` (admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from calmdesk.api_docs import errors
from calmdesk.cases.permissions import ensure_may_erase_customer, ensure_may_export_customer
from calmdesk.customers import service
from calmdesk.customers.schemas import CustomerErased, CustomerExport
from calmdesk.playbook.deps import PlaybookDep
from calmdesk.storage.scrub import commit_and_forget
from calmdesk.users.deps import CurrentUser, SessionDep, SettingsDep

router = APIRouter(tags=["personal data"], responses=errors(403))

CustomerContact = Annotated[
    str,
    Path(
        min_length=1,
        max_length=320,
        pattern=r"^[^\x00]*$",
        description="The customer's phone (any spelling), e-mail or platform:handle",
    ),
]


@router.get("/api/customers/{contact}/export")
def export_customer(
    contact: CustomerContact, session: SessionDep, user: CurrentUser, playbook: PlaybookDep
) -> CustomerExport:
    """Everything recorded about this customer, as JSON: cases with their history and
    compensation, live contacts with their transcripts, public posts with their replies."""
    ensure_may_export_customer(user)
    return CustomerExport.model_validate(
        service.export_customer(
            session, contact=contact, region=playbook.calendar.country, lang=user.language
        )
    )


@router.delete(
    "/api/customers/{contact}",
    responses=errors((409, "`contact_live`: a live contact of the customer must end first")),
)
def erase_customer(
    contact: CustomerContact,
    session: SessionDep,
    user: CurrentUser,
    playbook: PlaybookDep,
    settings: SettingsDep,
) -> CustomerErased:
    """Erase this customer's personal data from every case, contact and post, keeping the
    anonymous statistics (admins). ``files_scrubbed`` says whether the database's files were
    rid of the old copies too (see docs/security.md)."""
    ensure_may_erase_customer(user)
    erasure = service.erase_customer(
        session,
        contact=contact,
        actor_id=user.id,
        region=playbook.calendar.country,
        lang=user.language,
    )
    scrubbed = commit_and_forget(session, erasure.tables, vacuum=settings.erasure_vacuum)
    return CustomerErased(**erasure.to_dict(), files_scrubbed=scrubbed.done)
