"""What the social API takes in and gives back: ``*Create`` come in, ``*Read`` go out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from calmdesk.analysis.line import MAX_TEXT_CHARS
from calmdesk.cases.schemas import MAX_ID, Key, Moment, NoNul
from calmdesk.languages import Language
from calmdesk.social.enums import Platform, PostStatus


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must contain more than spaces")
    return value


NotBlank = AfterValidator(_not_blank)
Handle = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoNul
]
PostText = Annotated[str, Field(min_length=1, max_length=MAX_TEXT_CHARS), NoNul, NotBlank]
Url = Annotated[str, Field(max_length=2000, pattern=r"^https?://\S+$"), NoNul]
ReplyText = Annotated[str, Field(min_length=1, max_length=MAX_TEXT_CHARS), NoNul, NotBlank]
PromiseText = Annotated[str, Field(min_length=1, max_length=1_000), NoNul, NotBlank]
NoteText = Annotated[str, Field(min_length=1, max_length=4_000), NoNul, NotBlank]


class PostCreate(BaseModel):
    """A public complaint seen on a platform. Without ``lang`` the analysis detects it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "platform": "facebook",
                    "author_handle": "@marta.k",
                    "text": "Trzeci tydzień czekam na zwrot 120 zł za zamówienie 48213. Skandal!",
                    "url": "https://facebook.com/calmdesk/posts/1",
                },
                {
                    "platform": "x",
                    "author_handle": "@ivan_p",
                    "text": "Курьер не привёз заказ 5521, поддержка молчит уже два дня.",
                },
                {
                    "platform": "google_reviews",
                    "author_handle": "Pat S.",
                    "text": "Charged twice for order 7731 and nobody answers my emails.",
                    "lang": "en",
                },
            ]
        },
    )

    platform: Platform
    author_handle: Handle
    text: PostText
    url: Url | None = None
    lang: Language | None = None
    posted_at: Moment | None = None
    received_at: Moment | None = None
    """When the company saw the post (default: now); the clock starts here."""


class ReplyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: ReplyText
    resolves: bool = False
    """This reply closes the matter (refused while a public promise is still open)."""


class PromiseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: PromiseText
    """What was declared in public, as it was written."""
    due_at: Moment


class PromiseKeep(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: NoteText | None = None


class NoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: NoteText


class EscalateRequest(BaseModel):
    """Prefills for the complaint case; without a category one is suggested from the text."""

    model_config = ConfigDict(extra="forbid")

    category: Key | None = None
    severity: Key | None = None


class AuthorErase(BaseModel):
    """Whose personal data to erase from every public post (a data-subject request)."""

    model_config = ConfigDict(extra="forbid")

    platform: Platform
    author_handle: Handle


class PostFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: PostStatus | None = None
    platform: Platform | None = None
    overdue: bool | None = None
    """Only posts past their first-response or resolution target (or, ``false``, only not)."""
    open_promises: bool | None = None
    """Only posts with (or, ``false``, without) a public promise not yet kept."""
    promise_overdue: bool | None = None
    """Only posts with an open promise past its date."""
    page: int = Field(1, ge=1, le=10_000)
    per_page: int = Field(50, ge=1, le=200)


class PromiseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    post_id: int
    text: str
    due_at: datetime
    made_at: datetime
    made_by_id: int | None
    done_at: datetime | None
    done_by_id: int | None
    overdue: bool = False
    """Still open and past its date: a public word not kept."""


class PostEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    at: datetime
    actor_id: int | None
    data: dict[str, Any]


class PostRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    platform: str
    url: str | None
    author_handle: str
    text: str
    lang: str
    posted_at: datetime | None
    received_at: datetime
    first_response_due: datetime
    resolution_due: datetime
    first_replied_at: datetime | None
    resolved_at: datetime | None
    sla_breached_at: datetime | None
    status: str
    case_id: int | None
    level: str
    anger: float
    abuse: float
    intents: list[str]
    overdue: bool = False
    open_promises: int = 0
    overdue_promises: int = 0


class PostDetail(PostRead):
    promises: list[PromiseRead]
    events: list[PostEventRead]


class PostPage(BaseModel):
    items: list[PostRead]
    total: int
    page: int
    per_page: int


class DraftStepRead(BaseModel):
    step: str
    text: str


class GiftRead(BaseModel):
    kind: str
    amount: str | None
    text: str
    category: str


class DraftRead(BaseModel):
    post_id: int
    lang: str
    variant: int
    steps: list[DraftStepRead]
    text: str
    """The five steps as one reply, for the responder to edit before posting."""
    gift: GiftRead | None
    deadline: datetime


class EscalationRead(BaseModel):
    post: PostRead
    case_id: int


PostId = Annotated[int, Field(ge=1, le=MAX_ID)]
