"""What the social API takes in and gives back: ``*Create`` come in, ``*Read`` go out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from calmdesk.analysis.line import MAX_TEXT_CHARS
from calmdesk.cases.schemas import Key
from calmdesk.fields import MAX_ID, Flag, Moment, NoNul, NotBlank, PastMoment, QueryFlag
from calmdesk.languages import Language
from calmdesk.social.enums import Platform, PostStatus
from calmdesk.social.examples import POSTS

Handle = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoNul, NotBlank
]
PostText = Annotated[str, Field(min_length=1, max_length=MAX_TEXT_CHARS), NoNul, NotBlank]
Url = Annotated[str, Field(max_length=2000, pattern=r"^https?://[^\s\x00]+$"), NoNul]
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
    posted_at: PastMoment | None = None
    received_at: PastMoment | None = None
    """When the company saw the post (default: now); the clock starts here."""


class ReplyCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "text": "Pani Marto, przepraszamy. Zwrot 120 zł wysłaliśmy dziś; "
                    "napiszemy na priv, gdy dotrze.",
                },
                {
                    "text": "Иван, заказ 5521 передан курьеру повторно, доставка завтра до 18:00.",
                    "resolves": False,
                },
                {
                    "text": "Pat, the duplicate charge for order 7731 has been refunded today.",
                    "resolves": True,
                },
            ]
        },
    )

    text: ReplyText
    resolves: Flag = False
    """This reply closes the matter (refused while a public promise is still open)."""
    confirm_template: Flag = False
    """Publish it even though it reads as a pasted template (409 ``reply_reads_as_template``
    otherwise); the confirmation is recorded."""


class PromiseCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"text": "Oddzwonimy do jutra do 12:00.", "due_at": "2030-03-19T12:00:00+01:00"},
                {
                    "text": "Курьер привезёт заказ завтра до 18:00.",
                    "due_at": "2030-03-19T18:00:00+03:00",
                },
                {"text": "We will refund you by Friday.", "due_at": "2030-03-22T17:00:00Z"},
            ]
        },
    )

    text: PromiseText
    """What was declared in public, as it was written."""
    due_at: Moment


class PromiseKeep(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"note": "Klientka potwierdziła zwrot na koncie."},
                {"note": "Курьер доставил заказ."},
                {},
            ]
        },
    )

    note: NoteText | None = None


class NoteCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"text": "Zwrot zlecony w systemie płatności, numer ZW/2026/311."},
                {"text": "Автор уже писал нам в чат на прошлой неделе."},
                {"text": "Same customer as case 118; keep the tone formal."},
            ]
        },
    )

    text: NoteText


class EscalateRequest(BaseModel):
    """Prefills for the complaint case; without a category one is suggested from the text."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"category": "invoice_error", "severity": "high"},
                {"category": "delivery_delay"},
                {},
            ]
        },
    )

    category: Key | None = None
    severity: Key | None = None


class AuthorErase(BaseModel):
    """Whose personal data to erase from every public post (a data-subject request)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"platform": "facebook", "author_handle": "@marta.k"},
                {"platform": "x", "author_handle": "@ivan_p"},
                {"platform": "google_reviews", "author_handle": "Pat S."},
            ]
        },
    )

    platform: Platform
    author_handle: Handle


class PostFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: PostStatus | None = None
    platform: Platform | None = None
    overdue: QueryFlag | None = None
    """Only posts past their first-response or resolution target (or, ``false``, only not)."""
    open_promises: QueryFlag | None = None
    """Only posts with (or, ``false``, without) a public promise not yet kept."""
    promise_overdue: QueryFlag | None = None
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
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": POSTS})

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
    source: str | None = None
    external_id: str | None = None
    deleted_on_platform_at: datetime | None = None
    """Removed on the platform by its author; recorded here, never applied."""
    overdue: bool = False
    open_promises: int = 0
    overdue_promises: int = 0


class PublicationRead(BaseModel):
    """A reply published back through the post's connector (or its failed attempts)."""

    reply_event_id: int
    state: str
    """``published`` or ``failed`` (retried until the attempts run out)."""
    attempts: int
    platform_id: str | None = None
    url: str | None = None
    error: str | None = None


class PostDetail(PostRead):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={"examples": [{**p, "promises": [], "events": []} for p in POSTS]},
    )

    promises: list[PromiseRead]
    events: list[PostEventRead]
    publications: list[PublicationRead] = []


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
    """The time the draft promises: never before now, always in the team's working hours."""
    deadline_notes: list[str] = []
    """Why it is not the post's resolution target (passed, or outside working hours)."""
    deadline_moved_from: datetime | None = None
    """The time before it was moved into working hours."""


class EscalationRead(BaseModel):
    post: PostRead
    case_id: int


class AuthorErased(BaseModel):
    """The posts whose author's handle and words were erased."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"erased_posts": [4, 9]}, {"erased_posts": [12]}]}
    )

    erased_posts: list[int]


PostId = Annotated[int, Field(ge=1, le=MAX_ID)]
