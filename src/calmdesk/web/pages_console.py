"""The agent console: start a contact, then one page per contact that talks to
``/ws/contacts/{id}`` (``static/console.js``) and shows the coach's guidance as it arrives."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from calmdesk.coach import messages as coach_messages
from calmdesk.coach.stages import LADDER
from calmdesk.errors import InvalidInput
from calmdesk.live import permissions as live_permissions
from calmdesk.live import service as live_service
from calmdesk.live.bus import BOARD_CHANNEL
from calmdesk.live.fanout import publish_from_thread
from calmdesk.live.localize import localized_record
from calmdesk.live.messages import Outgoing
from calmdesk.live.models import Contact, ContactEvent
from calmdesk.playbook.deps import request_playbook
from calmdesk.playbook.schema import Channel
from calmdesk.users.deps import SessionDep, require_permission
from calmdesk.users.models import User
from calmdesk.users.permissions import Permission
from calmdesk.web import pages_board
from calmdesk.web import pages_labels as labels
from calmdesk.web.csrf import CsrfChecked
from calmdesk.web.i18n import LANGUAGE_NAMES, gettext_for
from calmdesk.web.pages_common import page_language, render

router = APIRouter(include_in_schema=False)

ContactWorker = Annotated[User, Depends(require_permission(Permission.WORK_CONTACTS))]
AUTOMATIC = "auto"
CONTACT_CHANNELS = (Channel.PHONE, Channel.CHAT, Channel.EMAIL, Channel.SOCIAL, Channel.IN_PERSON)


HELD_ALERTS = ("abuse", "threat_public", "threat_legal", "supervisor_requested")
"""Alerts that stay on the card (dimmed, with their time) until they are over: the customer
calms down or the agent acts on them (``console.js``)."""
CONSOLE_ACTIONS = tuple(a for a in labels.ACTIONS if a != "call_ended")
"""The ladder's action buttons; the call is ended by the one "End contact" button."""
RECENT_CONTACTS = 10


def console_labels(gettext: Any, lang: str) -> dict[str, Any]:
    """Every label ``console.js`` shows, in the page language."""
    coach_lang = lang if lang in coach_messages.UI_LANGUAGES else "en"
    return {
        "stages": labels.translated(labels.STAGES, gettext),
        "alerts": labels.translated(labels.ALERTS, gettext),
        "actions": labels.translated(labels.ACTIONS, gettext),
        "levels": labels.translated(labels.LEVELS, gettext),
        "facts": labels.translated(labels.FACT_KINDS, gettext),
        "speakers": labels.translated(labels.SPEAKERS, gettext),
        "outcomes": labels.translated(labels.OUTCOMES, gettext),
        "copy": gettext("Copy"),
        "copied": gettext("Copied"),
        "said_this": gettext("I said this"),
        "may_end_call": gettext("Ending the call is allowed"),
        "may_not_end_call": gettext("Do not end the call yet"),
        "no_suggestions": gettext("Listen; no suggestion yet."),
        "no_facts": gettext("No facts found yet."),
        "no_alerts": gettext("No alerts."),
        "since": gettext("since {time}"),
        "handled": gettext("Handled"),
        "connected": gettext("Live"),
        "disconnected": gettext("Reconnecting…"),
        "break_minutes": gettext("Recommended break: {minutes} min"),
        "no_break": gettext("No break needed after this contact."),
        "difficulty": gettext("Difficulty"),
        "outcome": gettext("Outcome"),
        "duration": gettext("Duration"),
        "insults": gettext("Abusive lines received"),
        "top_rung": gettext("Highest rung"),
        "verdict": gettext("The rules at that moment"),
        "verdict_allowed": gettext("ending was allowed"),
        "verdict_refused": gettext("ending was not allowed yet"),
        "error": gettext("Could not send"),
        "instead": gettext("Say instead"),
        "break_granted": gettext("Your supervisor granted a break of {minutes} min."),
        "break_asked": gettext("Your request for a break was sent to your supervisor."),
        "end_records": gettext("What will be recorded: {outcome}."),
        "end_allowed": gettext("The rules allow ending the call now: {reason}"),
        "end_refused": gettext(
            "The rules do not allow ending the call yet: {reason} Your supervisor will be told "
            "that the call was ended early."
        ),
        "end_reasons": {
            key: coach_messages.ui(texts, coach_lang)
            for key, texts in coach_messages.END_CALL_REASONS.items()
        },
        "held": list(HELD_ALERTS),
    }


def _event_view(event: ContactEvent, lang: str) -> dict[str, Any]:
    """A stored event as ``console.js`` replays it: the line or action, when, and what of its
    guidance decides which alerts stay on the card (their words in the reader's ``lang``)."""
    guidance = localized_record(event.guidance, lang) or {}
    signals = guidance.get("signals") or {}
    return {
        "type": event.kind,
        "text": event.text,
        "action": event.action,
        "at": event.created_at.isoformat(),
        "alerts": [
            {"kind": a.get("kind"), "message": a.get("message", "")}
            for a in guidance.get("alerts", [])
            if a.get("kind") in HELD_ALERTS
        ],
        "level": signals.get("level"),
    }


def contact_state(session: Session, contact: Contact, lang: str) -> dict[str, Any]:
    """What the console shows when opened: the lines so far (with what the card needs to know
    which alerts are still on), the latest guidance (in the reader's language ``lang``), the
    customer's last heat and, once the contact has ended, its summary."""
    events = live_service.events_of(session, contact=contact)
    guidance = next((e.guidance for e in reversed(events) if e.guidance), None)
    heat = next(
        (
            e.guidance["signals"]
            for e in reversed(events)
            if e.guidance and e.guidance.get("signals")
        ),
        None,
    )
    return {
        "events": [_event_view(e, lang) for e in events],
        "guidance": localized_record(guidance, lang),
        "heat": heat,
        "summary": contact.summary,
        "break_minutes": contact.break_minutes,
        "break_requested": contact.break_requested_at is not None,
        "break_granted_minutes": contact.break_granted_minutes,
        "warnings_needed": None,
    }


def agent_data(gettext: Any, timezone: str) -> dict[str, Any]:
    """What ``static/agent.js`` (the agent's own socket, on every console page) needs: its words
    and the company's time zone (a break's end is a time there)."""
    return {
        "labels": {
            "break_granted": gettext("{name} granted you a break of {minutes} min, until {time}."),
            "supervisor": gettext("Your supervisor"),
        },
        "timezone": timezone,
    }


@router.get("/console")
def console_start_page(request: Request, session: SessionDep, user: ContactWorker) -> Response:
    gettext = gettext_for(page_language(request, user))
    playbook = request_playbook(request)
    live = [c for c in live_service.list_live(session, viewer=user) if c.agent_id == user.id]
    ended = [
        c
        for c in live_service.list_(session, live=False, viewer=user, limit=RECENT_CONTACTS)
        if c.agent_id == user.id
    ]
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
        recent_contacts=ended,
        outcome_labels=labels.translated(labels.OUTCOMES, gettext),
        agent_data=agent_data(gettext, playbook.calendar.timezone),
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
    if user.id not in (contact.agent_id, contact.taken_over_by_id):
        # A supervisor watches another agent's contact read only until taking it over.
        return RedirectResponse(f"/board/contacts/{contact.id}", status_code=303)
    state = contact_state(session, contact, lang)
    playbook = request_playbook(request)
    state["warnings_needed"] = playbook.conversation.warnings_before_end
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
        actions={key: labels.label(labels.ACTIONS, key, gettext) for key in CONSOLE_ACTIONS},
        channel_label=labels.label(labels.CHANNELS, contact.channel, gettext),
        console_data={
            "contact_id": contact.id,
            "state": state,
            "labels": console_labels(gettext, lang),
            "timezone": playbook.calendar.timezone,
            "heard_labels": coach_messages.console_heard_labels(lang),
        },
        agent_data=agent_data(gettext, playbook.calendar.timezone),
        intake_count=len(playbook.intake),
        whisper_data={
            **pages_board.whisper_state(session, contact),
            "labels": pages_board.whisper_labels(gettext),
        },
    )
