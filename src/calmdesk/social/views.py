"""The social REST API: a thin shell over :mod:`calmdesk.social.service`. Access is decided in
:mod:`calmdesk.social.permissions`. There is deliberately no DELETE: public posts are never
removed (``DELETE`` answers 405)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, status
from sqlalchemy.orm import Session

from calmdesk.api_docs import errors, named_examples
from calmdesk.fields import MAX_ID
from calmdesk.playbook.deps import PlaybookDep
from calmdesk.settings import Settings
from calmdesk.social import privacy, publishing, service
from calmdesk.social.clock import PromisedTime
from calmdesk.social.connectors.views import PUBLISHING_SOURCES, connector_for
from calmdesk.social.drafts import DraftPost, deadline_notes, draft_reply
from calmdesk.social.models import Promise, PublicPost
from calmdesk.social.permissions import (
    ensure_may_erase,
    ensure_may_escalate,
    ensure_may_keep,
    ensure_may_work_social,
)
from calmdesk.social.schemas import (
    AuthorErase,
    AuthorErased,
    DraftRead,
    DraftStepRead,
    EscalateRequest,
    EscalationRead,
    GiftRead,
    NoteCreate,
    PostCreate,
    PostDetail,
    PostEventRead,
    PostFilters,
    PostPage,
    PostRead,
    PromiseCreate,
    PromiseKeep,
    PromiseRead,
    PublicationRead,
    ReplyCreate,
)
from calmdesk.storage.scrub import commit_and_forget
from calmdesk.storage.types import utcnow
from calmdesk.users.deps import CurrentUser, SessionDep, SettingsDep
from calmdesk.users.limits import HEAVY_WORK

# Every route checks the social permissions (agents and admins answer no public posts).
router = APIRouter(prefix="/api/social", tags=["social"], responses=errors(403))

PostId = Annotated[int, Path(ge=1, le=MAX_ID, description="The public post's id")]
PromiseId = Annotated[int, Path(ge=1, le=MAX_ID, description="The promise's id")]
MAX_VARIANT = 1_000


def post_reads(session: Session, posts: Sequence[PublicPost], now: datetime) -> list[PostRead]:
    """The posts as the API shows them: with whether each is overdue and its promises' counts."""
    counts = service.promise_counts(session, post_ids=[p.id for p in posts], now=now)
    return [_post_read(post, counts.get(post.id, service.PromiseCounts()), now) for post in posts]


def _post_read(post: PublicPost, counts: service.PromiseCounts, now: datetime) -> PostRead:
    return PostRead.model_validate(post).model_copy(
        update={
            "overdue": service.is_overdue(post, now),
            "open_promises": counts.open,
            "overdue_promises": counts.overdue,
        }
    )


def promise_read(promise: Promise, now: datetime) -> PromiseRead:
    return PromiseRead.model_validate(promise).model_copy(
        update={"overdue": promise.is_overdue(now)}
    )


def post_detail(session: Session, post: PublicPost) -> PostDetail:
    now = utcnow()
    [summary] = post_reads(session, [post], now)
    return PostDetail(
        **summary.model_dump(),
        promises=[promise_read(p, now) for p in service.promises_of(session, post_id=post.id)],
        events=[
            PostEventRead.model_validate(e) for e in service.events_of(session, post_id=post.id)
        ],
        publications=[
            publication_read(p) for p in publishing.publications(session, post_id=post.id).values()
        ],
    )


def publication_read(publication: publishing.Publication) -> PublicationRead:
    return PublicationRead(
        reply_event_id=publication.reply_event_id,
        state=publication.state,
        attempts=publication.attempts,
        platform_id=publication.platform_id,
        url=publication.url,
        error=publication.error,
    )


def publish_new_reply(session: Session, post: PublicPost, settings: Settings) -> None:
    """Publish the post's last reply through its connector, when that connector publishes."""
    if post.source not in PUBLISHING_SOURCES or not post.external_id:
        return
    reply = [e for e in service.events_of(session, post_id=post.id) if e.kind == "replied"][-1]
    connector = connector_for(settings, post.source)
    publishing.publish(session, post=post, reply=reply, connector=connector)


@router.post(
    "/posts",
    status_code=status.HTTP_201_CREATED,
    response_model=PostDetail,
    dependencies=[HEAVY_WORK],
)
def register_post(
    post_in: Annotated[PostCreate, Body(openapi_examples=named_examples(PostCreate))],
    session: SessionDep,
    user: CurrentUser,
    playbook: PlaybookDep,
) -> PostDetail:
    """Record a public complaint; its response clock starts when it was seen."""
    ensure_may_work_social(user)
    post = service.register_post(session, post_in=post_in, actor=user, playbook=playbook)
    return post_detail(session, post)


@router.get("/posts", response_model=PostPage)
def list_posts(
    filters: Annotated[PostFilters, Query()], session: SessionDep, user: CurrentUser
) -> PostPage:
    """Public posts, the most urgent resolution target first."""
    ensure_may_work_social(user)
    now = utcnow()
    found = service.list_(session, filters=filters, now=now)
    return PostPage(
        items=post_reads(session, found.items, now),
        total=found.total,
        page=found.page,
        per_page=found.per_page,
    )


@router.get("/posts/{post_id}", response_model=PostDetail)
def read_post(post_id: PostId, session: SessionDep, user: CurrentUser) -> PostDetail:
    ensure_may_work_social(user)
    return post_detail(session, service.get_or_raise(session, post_id=post_id))


@router.post(
    "/posts/{post_id}/replies",
    response_model=PostDetail,
    responses=errors(
        (
            409,
            "`open_promises`: a resolving reply while a public promise is open; "
            "`reply_reads_as_template`: the draft unedited or a copy of a recent public reply "
            "(`reason`, `similarity`, `other_post_id`), send again with `confirm_template`",
        )
    ),
)
def reply(
    post_id: PostId,
    reply_in: Annotated[ReplyCreate, Body(openapi_examples=named_examples(ReplyCreate))],
    session: SessionDep,
    user: CurrentUser,
    playbook: PlaybookDep,
    settings: SettingsDep,
) -> PostDetail:
    """Record a public answer (published back when the post came from Facebook), closed by the
    handler's name (or the team's signature);
    ``resolves`` closes the post once every promise is kept."""
    ensure_may_work_social(user)
    post = service.get_or_raise(session, post_id=post_id)
    service.reply(session, post=post, reply_in=reply_in, actor=user, playbook=playbook)
    publish_new_reply(session, post, settings)
    return post_detail(session, post)


@router.post(
    "/posts/{post_id}/replies/{event_id}/publish",
    response_model=PublicationRead,
    responses=errors(
        404,
        (409, "`already_published`; `not_publishable`: the post came from no publishing connector"),
    ),
)
def publish_reply(
    post_id: PostId,
    event_id: PostId,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
) -> PublicationRead:
    """Try again to publish a reply whose publication failed; the attempt is recorded."""
    ensure_may_work_social(user)
    post = service.get_or_raise(session, post_id=post_id)
    reply = publishing.reply_event(session, post=post, event_id=event_id)
    if post.source not in PUBLISHING_SOURCES:
        raise publishing.NotPublishable(f"Post {post.id} came from no publishing connector.")
    connector = connector_for(settings, post.source or "")
    return publication_read(
        publishing.publish(session, post=post, reply=reply, connector=connector)
    )


@router.post(
    "/posts/{post_id}/promises",
    status_code=status.HTTP_201_CREATED,
    response_model=PromiseRead,
    responses=errors((409, "`post_resolved`: the post is resolved")),
)
def make_promise(
    post_id: PostId,
    promise_in: Annotated[PromiseCreate, Body(openapi_examples=named_examples(PromiseCreate))],
    session: SessionDep,
    user: CurrentUser,
) -> PromiseRead:
    """Write down what was declared in public and by when."""
    ensure_may_work_social(user)
    post = service.get_or_raise(session, post_id=post_id)
    promise = service.make_promise(session, post=post, promise_in=promise_in, actor=user)
    return promise_read(promise, utcnow())


@router.post(
    "/promises/{promise_id}/keep",
    response_model=PromiseRead,
    responses=errors((409, "`promise_already_kept`")),
)
def keep_promise(
    promise_id: PromiseId,
    session: SessionDep,
    user: CurrentUser,
    keep_in: Annotated[
        PromiseKeep | None, Body(openapi_examples=named_examples(PromiseKeep))
    ] = None,
) -> PromiseRead:
    """Mark a public promise done (the one who made it, or a supervisor)."""
    ensure_may_work_social(user)
    promise = service.get_promise_or_raise(session, promise_id=promise_id)
    ensure_may_keep(user, promise)
    note = keep_in.note if keep_in is not None else None
    service.keep_promise(session, promise=promise, actor=user, note=note)
    return promise_read(promise, utcnow())


@router.post("/posts/{post_id}/notes", status_code=status.HTTP_201_CREATED)
def add_note(
    post_id: PostId,
    note_in: Annotated[NoteCreate, Body(openapi_examples=named_examples(NoteCreate))],
    session: SessionDep,
    user: CurrentUser,
) -> PostEventRead:
    """An internal note on the post; never published."""
    ensure_may_work_social(user)
    post = service.get_or_raise(session, post_id=post_id)
    return PostEventRead.model_validate(
        service.add_note(session, post=post, text=note_in.text, actor=user)
    )


@router.post(
    "/posts/{post_id}/escalate",
    status_code=status.HTTP_201_CREATED,
    response_model=EscalationRead,
    responses=errors((409, "`already_escalated`: the post is linked to a case already")),
)
def escalate(
    post_id: PostId,
    session: SessionDep,
    user: CurrentUser,
    playbook: PlaybookDep,
    request_in: Annotated[
        EscalateRequest | None, Body(openapi_examples=named_examples(EscalateRequest))
    ] = None,
) -> EscalationRead:
    """Open a complaint case (channel ``social``) from the post and link the two."""
    ensure_may_escalate(user)
    post = service.get_or_raise(session, post_id=post_id)
    case = service.escalate_to_case(
        session, post=post, request=request_in or EscalateRequest(), actor=user, playbook=playbook
    )
    [summary] = post_reads(session, [post], utcnow())
    return EscalationRead(post=summary, case_id=case.id)


def draft_for(
    post: PublicPost,
    playbook: PlaybookDep,
    variant: int,
    *,
    now: datetime | None = None,
    notes_lang: str | None = None,
) -> DraftRead:
    """The draft as the API shows it; ``notes_lang`` (default: the draft's) for the handler's
    notes on a moved deadline."""
    draft = draft_reply(
        playbook,
        DraftPost(post.id, post.lang, post.author_handle, post.text, post.resolution_due),
        variant=variant,
        now=now,
    )
    notes = list(draft.deadline_notes)
    if notes_lang is not None and notes_lang != draft.lang:
        promised = PromisedTime(draft.deadline, draft.deadline_reasons, draft.deadline_moved_from)
        notes = list(deadline_notes(promised, playbook, notes_lang))
    gift = draft.gift
    return DraftRead(
        post_id=post.id,
        lang=draft.lang,
        variant=variant,
        steps=[DraftStepRead(step=s.step, text=s.text) for s in draft.steps],
        text=draft.text,
        gift=GiftRead(
            kind=str(gift.kind),
            amount=None if gift.amount is None else f"{gift.amount.normalize():f}",
            text=gift.text,
            category=gift.category,
        )
        if gift
        else None,
        deadline=draft.deadline,
        deadline_notes=notes,
        deadline_moved_from=draft.deadline_moved_from,
    )


@router.get("/posts/{post_id}/draft", response_model=DraftRead)
def draft(
    post_id: PostId,
    session: SessionDep,
    user: CurrentUser,
    playbook: PlaybookDep,
    variant: Annotated[int, Query(ge=0, le=MAX_VARIANT)] = 0,
) -> DraftRead:
    """A 5P reply suggestion in the post's language; ``variant`` asks for other wording."""
    ensure_may_work_social(user)
    return draft_for(service.get_or_raise(session, post_id=post_id), playbook, variant)


@router.post(
    "/authors/erase",
    tags=["personal data"],
    responses=errors((404, "`author_not_found`: no post of this author on this platform")),
)
def erase_author(
    erase_in: Annotated[AuthorErase, Body(openapi_examples=named_examples(AuthorErase))],
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
) -> AuthorErased:
    """Erase an author's handle and words from every post of theirs on the platform; the posts,
    their clocks and their history's kinds stay."""
    ensure_may_erase(user)
    ids = privacy.erase_author(
        session,
        platform=str(erase_in.platform),
        author_handle=erase_in.author_handle,
        actor_id=user.id,
    )
    commit_and_forget(session, privacy.TABLES, vacuum=settings.erasure_vacuum)
    return AuthorErased(erased_posts=ids)
