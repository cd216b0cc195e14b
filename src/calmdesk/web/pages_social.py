"""The public complaints pages: the list of posts by deadline with overdue posts and unkept
promises flagged, and a post with its 5P reply draft, promises, history and a reply form.

Every post text is customer text and is shown only through autoescaped templates."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from calmdesk.analysis.line import MAX_TEXT_CHARS
from calmdesk.playbook.deps import request_playbook
from calmdesk.social import publishing, service, voice
from calmdesk.social.connectors.views import connector_for
from calmdesk.social.enums import Platform, PostStatus
from calmdesk.social.errors import (
    InvalidSocialInput,
    PostNotFound,
    PromiseNotFound,
    ReplyReadsAsTemplate,
)
from calmdesk.social.models import PublicPost
from calmdesk.social.permissions import ensure_may_escalate, ensure_may_keep
from calmdesk.social.schemas import EscalateRequest, PostFilters, PromiseCreate, ReplyCreate
from calmdesk.social.views import draft_for, promise_read, publish_new_reply
from calmdesk.storage.types import utcnow
from calmdesk.users.deps import SessionDep, require_permission
from calmdesk.users.models import User
from calmdesk.users.permissions import Permission, can
from calmdesk.web import pages_labels as labels
from calmdesk.web.csrf import CsrfChecked
from calmdesk.web.i18n import gettext_for
from calmdesk.web.pages_cases import moment_formatter
from calmdesk.web.pages_common import page_language, render
from calmdesk.web.pages_labels import N_

router = APIRouter(include_in_schema=False)

SocialWorker = Annotated[User, Depends(require_permission(Permission.WORK_SOCIAL))]
MAX_ID = 2**31 - 1

PLATFORMS: dict[str, str] = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "x": "X",
    "linkedin": "LinkedIn",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "google_reviews": N_("Google reviews"),
    "trustpilot": "Trustpilot",
    "forum": N_("Forum"),
    "other": N_("Other"),
}
"""Brand names as their owners write them; the generic ones are translated."""
POST_STATUSES: dict[str, str] = {
    "new": N_("Not answered yet"),
    "answered": N_("Answered"),
    "resolved": N_("Resolved"),
}
STEPS: dict[str, str] = {
    "apologise": N_("Apologise"),
    "prepare": N_("Prepare"),
    "counteract": N_("Counteract"),
    "improve": N_("Improve"),
    "compensate": N_("Compensate"),
}
EVENTS: dict[str, str] = {
    "registered": N_("Registered"),
    "replied": N_("Replied in public"),
    "promise_made": N_("Promise made"),
    "promise_kept": N_("Promise kept"),
    "escalated_to_case": N_("Escalated to a case"),
    "note": N_("Note"),
    "resolved": N_("Resolved"),
    "social_sla_breached": N_("Response target missed"),
    "edited_on_platform": N_("Edited by its author on the platform"),
    "deleted_on_platform": N_("Deleted on the platform (kept here)"),
    "published": N_("Published on the platform"),
    "publish_failed": N_("Publishing failed"),
}

TEMPLATE_REASONS: dict[str, str] = {
    "unedited_draft": N_(
        "This reply is the suggested draft unedited: it reads as a pasted template. "
        "Put it in your own words, or confirm that it goes out as it is."
    ),
    "same_as_recent_reply": N_(
        "This reply is nearly the same as another public reply of the last 30 days: it reads as "
        "a pasted template. Put it in your own words, or confirm that it goes out as it is."
    ),
}


def _post_or_404(session: Session, post_id: int) -> PublicPost:
    if not 1 <= post_id <= MAX_ID:  # beyond the id column: no such post, not a database error
        raise PostNotFound(f"There is no public post {post_id}.", post_id=post_id)
    return service.get_or_raise(session, post_id=post_id)


@router.get("/social")
def social_page(
    request: Request,
    session: SessionDep,
    user: SocialWorker,
    status: Annotated[str, Query(max_length=20)] = "",
    platform: Annotated[str, Query(max_length=32)] = "",
    due: Annotated[str, Query(max_length=20)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    gettext = gettext_for(page_language(request, user))
    try:
        filters = PostFilters(
            status=PostStatus(status) if status else None,
            platform=Platform(platform) if platform else None,
            overdue=True if due == "overdue" else None,
            promise_overdue=True if due == "promise_overdue" else None,
            page=page,
        )
    except ValueError:
        filters = PostFilters(page=page)
    now = utcnow()
    found = service.list_(session, filters=filters, now=now)
    counts = service.promise_counts(session, post_ids=[p.id for p in found.items], now=now)
    return render(
        request,
        "social.html",
        user=user,
        title=gettext("Public complaints"),
        posts=[
            (post, service.is_overdue(post, now), counts.get(post.id, service.PromiseCounts()))
            for post in found.items
        ],
        found=found,
        chosen={"status": status, "platform": platform, "due": due},
        status_labels=labels.translated(POST_STATUSES, gettext),
        platform_labels=labels.translated(PLATFORMS, gettext),
        fmt=moment_formatter(request_playbook(request), page_language(request, user)),
    )


@router.get("/social/{post_id}")
def post_page(
    request: Request,
    session: SessionDep,
    user: SocialWorker,
    post_id: int,
    variant: Annotated[int, Query(ge=0, le=1_000)] = 0,
    error: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    return _post_page(request, session, user, _post_or_404(session, post_id), variant, error)


def _post_page(
    request: Request,
    session: Session,
    user: User,
    post: PublicPost,
    variant: int = 0,
    error: str = "",
    *,
    typed: str | None = None,
    template: str | None = None,
    status_code: int = 200,
) -> Response:
    """The post page; ``typed`` keeps the reply being written, ``template`` the reason it was
    flagged as reading like a pasted template."""
    lang = page_language(request, user)
    gettext = gettext_for(lang)
    playbook = request_playbook(request)
    now = utcnow()
    return render(
        request,
        "social_post.html",
        user=user,
        status_code=status_code,
        title=gettext("Public post #{number}").format(number=post.id),
        post=post,
        overdue=service.is_overdue(post, now),
        draft=draft_for(post, playbook, variant, now=now, notes_lang=lang),
        typed=typed,
        template_reason=template,
        template_reasons=labels.translated(TEMPLATE_REASONS, gettext),
        signature=voice.signature_for(playbook, user, post.lang),
        promises=[promise_read(p, now) for p in service.promises_of(session, post_id=post.id)],
        events=service.events_of(session, post_id=post.id),
        publications=publishing.publications(session, post_id=post.id),
        status_labels=labels.translated(POST_STATUSES, gettext),
        platform_labels=labels.translated(PLATFORMS, gettext),
        step_labels=labels.translated(STEPS, gettext),
        event_labels=labels.translated(EVENTS, gettext),
        error=error,
        may_escalate=can(user, Permission.WORK_CASES) and post.case_id is None,
        may_keep_any=can(user, Permission.OVERSEE_SOCIAL),
        fmt=moment_formatter(playbook, page_language(request, user)),
    )


@router.post("/social/{post_id}/reply")
def reply(
    request: Request,
    session: SessionDep,
    user: SocialWorker,
    _csrf: CsrfChecked,
    post_id: int,
    text: Annotated[str, Form(max_length=MAX_TEXT_CHARS)] = "",
    resolves: Annotated[str, Form(max_length=5)] = "",
    confirm_template: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    post = _post_or_404(session, post_id)
    try:
        reply_in = ReplyCreate(
            text=text.strip(), resolves=resolves == "on", confirm_template=confirm_template == "on"
        )
    except ValidationError:
        return RedirectResponse(f"/social/{post.id}?error=empty", status_code=303)
    playbook = request_playbook(request)
    try:
        service.reply(session, post=post, reply_in=reply_in, actor=user, playbook=playbook)
        publish_new_reply(session, post, request.app.state.settings)
    except ReplyReadsAsTemplate as flagged:
        reason = str(flagged.fields.get("reason", "same_as_recent_reply"))
        return _post_page(
            request, session, user, post, typed=text, template=reason, status_code=409
        )
    return RedirectResponse(f"/social/{post.id}", status_code=303)


@router.post("/social/{post_id}/replies/{event_id}/publish")
def retry_publish(
    request: Request,
    session: SessionDep,
    user: SocialWorker,
    _csrf: CsrfChecked,
    post_id: int,
    event_id: int,
) -> RedirectResponse:
    """Try a failed publication again; the attempt shows in the history."""
    post = _post_or_404(session, post_id)
    if not 1 <= event_id <= MAX_ID:
        raise publishing.ReplyNotFound(f"Post {post.id} has no reply {event_id}.")
    reply_event = publishing.reply_event(session, post=post, event_id=event_id)
    connector = connector_for(request.app.state.settings, post.source or "")
    publishing.publish(session, post=post, reply=reply_event, connector=connector)
    return RedirectResponse(f"/social/{post.id}", status_code=303)


@router.post("/social/{post_id}/promise")
def make_promise(
    request: Request,
    session: SessionDep,
    user: SocialWorker,
    _csrf: CsrfChecked,
    post_id: int,
    text: Annotated[str, Form(max_length=1_000)] = "",
    due: Annotated[str, Form(max_length=40)] = "",
) -> RedirectResponse:
    """``due`` is a ``datetime-local`` value, read in the company's time zone."""
    post = _post_or_404(session, post_id)
    zone = ZoneInfo(request_playbook(request).calendar.timezone)
    try:
        due_at = datetime.fromisoformat(due).replace(tzinfo=zone)
        promise_in = PromiseCreate(text=text.strip(), due_at=due_at)
        service.make_promise(session, post=post, promise_in=promise_in, actor=user)
    except (ValueError, InvalidSocialInput):  # pydantic's ValidationError is a ValueError
        return RedirectResponse(f"/social/{post.id}?error=promise", status_code=303)
    return RedirectResponse(f"/social/{post.id}", status_code=303)


@router.post("/social/promises/{promise_id}/keep")
def keep_promise(
    session: SessionDep, user: SocialWorker, _csrf: CsrfChecked, promise_id: int
) -> RedirectResponse:
    if not 1 <= promise_id <= MAX_ID:
        raise PromiseNotFound(f"There is no public promise {promise_id}.", promise_id=promise_id)
    promise = service.get_promise_or_raise(session, promise_id=promise_id)
    ensure_may_keep(user, promise)
    service.keep_promise(session, promise=promise, actor=user)
    return RedirectResponse(f"/social/{promise.post_id}", status_code=303)


@router.post("/social/{post_id}/escalate")
def escalate(
    request: Request, session: SessionDep, user: SocialWorker, _csrf: CsrfChecked, post_id: int
) -> RedirectResponse:
    ensure_may_escalate(user)
    post = _post_or_404(session, post_id)
    case = service.escalate_to_case(
        session,
        post=post,
        request=EscalateRequest(),
        actor=user,
        playbook=request_playbook(request),
    )
    return RedirectResponse(f"/cases/{case.id}", status_code=303)
