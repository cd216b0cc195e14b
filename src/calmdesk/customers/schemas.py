"""What a customer's personal-data requests answer: the export (every case, live contact and
public post found, each with its history) and the erasure's account of what it erased."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from calmdesk.cases.examples import CASES, COMPENSATIONS
from calmdesk.cases.schemas import CaseEventRead, CaseRead, CompensationRead
from calmdesk.live.schemas import ContactDetail, ContactEventRead
from calmdesk.mail.schemas import MailExport
from calmdesk.social.examples import POSTS
from calmdesk.social.schemas import PostEventRead, PostRead, PromiseRead


class CaseExport(CaseRead):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {**case, "events": [], "compensations": [compensation]}
                for case, compensation in zip(CASES, COMPENSATIONS, strict=True)
            ]
        }
    )

    events: list[CaseEventRead]
    compensations: list[CompensationRead]


def _examples_of(model: type[BaseModel]) -> list[dict[str, Any]]:
    extra = model.model_config.get("json_schema_extra")
    examples = extra.get("examples") if isinstance(extra, dict) else None
    return [dict(e) for e in examples if isinstance(e, dict)] if isinstance(examples, list) else []


def _with_signals(event: dict[str, Any]) -> dict[str, Any]:
    return {**event, "signals": None}


class ContactEventExport(ContactEventRead):
    model_config = ConfigDict(
        json_schema_extra={"examples": [_with_signals(e) for e in _examples_of(ContactEventRead)]}
    )

    signals: dict[str, Any] | None = None
    """The analysis of a customer's line, as it was judged."""


class ContactExport(ContactDetail):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {**c, "events": [_with_signals(e) for e in c.get("events", [])]}
                for c in _examples_of(ContactDetail)
            ]
        }
    )

    events: list[ContactEventExport]  # type: ignore[assignment]


class PostExport(PostRead):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{**p, "events": [], "promises": []} for p in POSTS]}
    )

    events: list[PostEventRead]
    promises: list[PromiseRead]


class CustomerExport(BaseModel):
    """Everything recorded about one customer (a data-subject access request)."""

    customer_key: str
    """The customer's contact in the one spelling every record is found by."""
    exported_at: datetime
    cases: list[CaseExport]
    contacts: list[ContactExport]
    posts: list[PostExport]
    mail: MailExport = Field(default_factory=MailExport)
    """The e-mails read from the customer and the notices sent to them."""


class CustomerErased(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "erased_cases": 2,
                    "erased_contacts": 1,
                    "erased_posts": 0,
                    "case_ids": [4, 9],
                    "contact_ids": [17],
                    "post_ids": [],
                    "files_scrubbed": True,
                }
            ]
        }
    )

    erased_cases: int
    erased_contacts: int
    erased_posts: int
    case_ids: list[int]
    contact_ids: list[int]
    post_ids: list[int]
    files_scrubbed: bool
    """Whether the database's files were rid of the old copies too (docs/security.md)."""
