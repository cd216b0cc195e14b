"""The agent console: start a contact, then one page per contact that talks to
``/ws/contacts/{id}`` (``static/console.js``) and shows the coach's guidance as it arrives."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from calmdesk.coach.stages import LADDER
from calmdesk.errors import InvalidInput
from calmdesk.live import permissions as live_permissions
from calmdesk.live import service as live_service
from calmdesk.live.bus import BOARD_CHANNEL
from calmdesk.live.fanout import publish_from_thread
from calmdesk.live.localize import localized_record
from calmdesk.live.messages import Outgoing
from calmdesk.live.models import Contact
from calmdesk.playbook.deps import request_playbook
from calmdesk.playbook.schema import Channel
from calmdesk.users.deps import SessionDep, require_permission
from calmdesk.users.models import User
from calmdesk.users.permissions import Permission
from calmdesk.web import pages_labels as labels
from calmdesk.web.csrf import CsrfChecked
from calmdesk.web.i18n import LANGUAGE_NAMES, gettext_for
from calmdesk.web.pages_common import page_language, render

router = APIRouter(include_in_schema=False)

ContactWorker = Annotated[User, Depends(require_permission(Permission.WORK_CONTACTS))]
AUTOMATIC = "auto"
CONTACT_CHANNELS = (Channel.PHONE, Channel.CHAT, Channel.EMAIL, Channel.SOCIAL, Channel.IN_PERSON)


def console_labels(gettext: Any) -> dict[str, Any]:
    """Every label ``console.js`` shows, in the page language."""
    return {
        "stages": labels.translated(labels.STAGES, gettext),
        "alerts": labels.translated(labels.ALERTS, gettext),
        "actions": labels.translated(labels.ACTIONS, gettext),
        "levels": labels.translated(labels.LEVELS, gettext),
        "facts": labels.translated(labels.FACT_KINDS, gettext),
        "speakers": labels.translated(labels.SPEAKERS, gettext),
        "copy": gettext("Copy"),
        "copied": gettext("Copied"),
        "may_end_call": gettext("Ending the call is allowed"),
        "may_not_end_call": gettext("Do not end the call yet"),
        "no_suggestions": gettext("Listen; no suggestion yet."),
        "no_facts": gettext("No facts found yet."),
        "no_alerts": gettext("No alerts."),
        "connected": gettext("Live"),
        "disconnected": gettext("Reconnecting…"),
        "break_minutes": gettext("Recommended break: {minutes} min"),
        "no_break": gettext("No break needed after this contact."),
        "difficulty": gettext("Difficulty"),
        "outcome": gettext("Outcome"),
        "duration": gettext("Duration"),
        "insults": gettext("Abusive lines received"),
        "top_rung": gettext("Highest rung"),
        "error": gettext("Could not send"),
        "instead": gettext("Say instead"),
        "break_granted": gettext("Your supervisor granted a break of {minutes} min."),
        "outcomes": {
            "hang_up": gettext("Ended by the agent (last rung)"),
            "closed": gettext("Closed normally"),
            "transferred": gettext("Transferred"),
        },
    }


def contact_state(session: Session, contact: Contact, lang: str) -> dict[str, Any]:
    """What the console shows when opened: the lines so far, the latest guidance (in the
    reader's language ``lang``) and, once the contact has ended, its summary."""
    events = live_service.events_of(session, contact=contact)
    guidance = next((e.guidance for e in reversed(events) if e.guidance), None)
    return {
        "events": [{"type": e.kind, "text": e.text, "action": e.action} for e in events],
        "guidance": localized_record(guidance, lang),
        "summary": contact.summary,
        "break_minutes": contact.break_minutes,
    }


@router.get("/console")
def console_start_page(request: Request, session: SessionDep, user: ContactWorker) -> Response:
    gettext = gettext_for(page_language(request, user))
    playbook = request_playbook(request)
    live = [c for c in live_service.list_live(session, viewer=user) if c.agent_id == user.id]
    return render(
        request,
        "console_start.html",
        user=user,
        title=gettext("Agent console"),
        channels={
            c.value: labels.label(labels.CHANNELS, c.value, gettext) for c in CONTACT_CHANNELS
        },
        languages={AUTOMATIC: gettext("Automatic"), **LANGUAGE_NAMES},
        transfer_default=playbook.conversation.transfer_available,
        live_contacts=live,
    )


@router.post("/console")
def start_contact(
    request: Request,
    session: SessionDep,
    user: ContactWorker,
    _csrf: CsrfChecked,
    channel: Annotated[str, Form(max_length=20)] = Channel.PHONE.value,
    lang: Annotated[str, Form(max_length=8)] = AUTOMATIC,
    can_transfer: Annotated[bool, Form()] = False,
) -> RedirectResponse:
    if channel not in {c.value for c in CONTACT_CHANNELS}:
        raise InvalidInput(f"unknown channel {channel!r}", code="unknown_channel", value=channel)
    if lang != AUTOMATIC and lang not in LANGUAGE_NAMES:
        raise InvalidInput(f"unknown language {lang!r}", code="unknown_language", value=lang)
    playbook = request_playbook(request)
    contact = live_service.start_contact(
        session,
        agent=user,
        actor=user,
        playbook=playbook,
        channel=channel,
        lang=None if lang == AUTOMATIC else lang,
        can_transfer=can_transfer,
    )
    # Commit before announcing, so a supervisor's board can open the contact it is told about.
    session.commit()
    announce = live_service.contact_update_message(contact, user)
    publish_from_thread(request.app, [Outgoing(BOARD_CHANNEL, announce)])
    return RedirectResponse(f"/console/{contact.id}", status_code=303)


@router.get("/console/{contact_id}")
def console_page(
    request: Request, session: SessionDep, user: ContactWorker, contact_id: int
) -> Response:
    lang = page_language(request, user)
    gettext = gettext_for(lang)
    contact = live_permissions.contact_for_user(session, contact_id=contact_id, user=user)
    state = contact_state(session, contact, lang)
    playbook = request_playbook(request)
    return render(
        request,
        "console.html",
        user=user,
        title=gettext("Contact {number}").format(number=contact.id),
        contact=contact,
        state=state,
        ladder=[
            (stage.value, labels.label(labels.STAGES, stage.value, gettext)) for stage in LADDER
        ],
        actions=labels.translated(labels.ACTIONS, gettext),
        channel_label=labels.label(labels.CHANNELS, contact.channel, gettext),
        console_data={
            "contact_id": contact.id,
            "state": state,
            "labels": console_labels(gettext),
        },
        intake_count=len(playbook.intake),
    )
