"""What the mail domain gives out: a customer's e-mails and notices in their export."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class MailAttachmentExport(BaseModel):
    filename: str
    content_type: str
    size: int
    sha256: str
    kept: bool
    """Whether the content is stored (false: over a limit, listed only)."""


class MailMessageExport(BaseModel):
    received_at: datetime
    case_id: int | None
    sender: str | None
    subject: str | None
    message_id: str | None
    outcome: str
    reasons: list[str]
    size: int
    attachments: list[MailAttachmentExport]


class MailNoticeExport(BaseModel):
    case_id: int
    kind: str
    to: str | None
    subject: str
    body: str
    status: str
    created_at: datetime
    sent_at: datetime | None


class MailExport(BaseModel):
    """The e-mails read from the customer and the notices sent to them."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "messages": [
                        {
                            "received_at": "2026-12-04T09:30:00+00:00",
                            "case_id": 12,
                            "sender": "anna.nowak@example.pl",
                            "subject": "Podwójne obciążenie karty",
                            "message_id": "<pl-1@example>",
                            "outcome": "created",
                            "reasons": [],
                            "size": 2048,
                            "attachments": [],
                        }
                    ],
                    "notices": [
                        {
                            "case_id": 12,
                            "kind": "acknowledgement",
                            "to": "anna.nowak@example.pl",
                            "subject": "Otrzymaliśmy zgłoszenie nr 12 [#12]",
                            "body": "Dzień dobry, ...",
                            "status": "sent",
                            "created_at": "2026-12-04T09:40:00+00:00",
                            "sent_at": "2026-12-04T09:40:02+00:00",
                        }
                    ],
                }
            ]
        }
    )

    messages: list[MailMessageExport] = Field(default_factory=list)
    notices: list[MailNoticeExport] = Field(default_factory=list)
