"""The supervisor board, live over ``/ws/board`` (``static/board.js``): the live contacts (heat
on a colour scale, one "where it stands" column), today's stored alerts loudest first with an
"acknowledge" button every supervisor sees, compensation waiting for approval and cases by
deadline (both re-read as soon as a commit changes them, :mod:`calmdesk.cases.changes`), and the
agents whose last contact calls for a break.

``/board/contacts/{id}`` is the monitor: another agent's live contact read only (transcript,
guidance, alerts, live), with "whisper" (a note only the agent sees) and "take over" (asked to
confirm, recorded as a contact event; then the console opens for the supervisor)."""

from __future__ import annotations

import weakref
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.cases import changes as case_changes
from calmdesk.cases import compensation as compensation_service
from calmdesk.cases import permissions as case_permissions
from calmdesk.cases import service as cases_service
from calmdesk.cases.enums import OPEN_STATUSES, CompensationStatus
from calmdesk.cases.schemas import CaseFilters, PageParams
from calmdesk.coach.stages import LADDER
from calmdesk.live import alerts as live_alerts
from calmdesk.live import permissions as live_permissions
from calmdesk.live import service as live_service
from calmdesk.live.bus import BOARD_CHANNEL
from calmdesk.live.fanout import publish_soon
from calmdesk.live.localize import localized, localized_record
from calmdesk.live.messages import Outgoing
from calmdesk.live.models import Contact, EventKind
from calmdesk.live.wire import BoardChangedMessage, BoardSection
from calmdesk.playbook.deps import request_playbook
from calmdesk.playbook.schema import Playbook
from calmdesk.storage.types import utcnow
from calmdesk.users.deps import SessionDep, require_permission
from calmdesk.users.models import User
from calmdesk.users.permissions import Permission
from calmdesk.web import pages_labels as labels
from calmdesk.web.i18n import gettext_for
from calmdesk.web.pages_cases import moment_formatter
from calmdesk.web.pages_common import page_language, render
from calmdesk.web.pages_legal import legal_viewer

router = APIRouter(include_in_schema=False)

BoardWatcher = Annotated[User, Depends(require_permission(Permission.VIEW_BOARD))]
DUE_SOON = timedelta(hours=24)
"""A case is "due soon" when its resolution target falls within this window."""
BOARD_LIST_SIZE = 20
SECTIONS: tuple[BoardSection, ...] = ("approvals", "deadlines")


def board_labels(gettext: Any) -> dict[str, Any]:
    return {
        "stages": labels.translated(labels.STAGES, gettext),
        "alerts": labels.translated(labels.ALERTS, gettext),
        "channels": labels.translated(labels.CHANNELS, gettext),
        "none": gettext("No live contacts."),
        "connected": gettext("Live"),
        "disconnected": gettext("Reconnecting…"),
        "ended": gettext("ended"),
        "break_granted": gettext("{agent}: break of {minutes} min granted"),
        "break_recommended": gettext("break of {minutes} min recommended"),
        "rung_climbed": gettext("now at the rung: {rung}"),
        "alert": gettext("Alert"),
        "acknowledge": gettext("Acknowledge"),
        "acknowledged": gettext("Acknowledged by {name} at {time}"),
        "no_alerts": gettext("No alerts today."),
        "urgent": gettext("Urgent"),
        "monitor": gettext("Watch"),
        "taken_over": gettext("taken over by {name}"),
        "rung_of": gettext("de-escalation step {number} of {total}"),
        "contact": gettext("Contact {number}"),
    }


def break_list(session: Session, playbook: Playbook, gettext: Any) -> dict[str, Any]:
    """The board's break list: one row per agent waiting for a break (``_breaks.html``)."""
    return {
        "breaks": live_service.breaks_by_agent(session, playbook=playbook, now=utcnow()),
        "break_stage_labels": labels.translated(labels.STAGES, gettext),
        "break_outcome_labels": labels.translated(labels.OUTCOMES, gettext),
    }


@router.get("/board/breaks")
def board_breaks(request: Request, session: SessionDep, user: BoardWatcher) -> Response:
    """The break list alone: the board reloads it when a break is recommended, asked for or
    granted (``board.js``)."""
    gettext = gettext_for(page_language(request, user))
    return render(
        request,
        "_breaks.html",
        user=user,
        title=gettext("Agents who need a break"),
        **break_list(session, request_playbook(request), gettext),
    )


def _cases_context(request: Request, session: Session, user: User, lang: str) -> dict[str, Any]:
    """What the approvals and deadlines sections show (the page and its section fragments)."""
    gettext = gettext_for(lang)
    playbook = request_playbook(request)
    scope = case_permissions.visible_cases(user)
    first = PageParams(page=1, per_page=BOARD_LIST_SIZE)
    now = utcnow()

    def cases(filters: CaseFilters) -> list[Any]:
        return cases_service.list_(
            session,
            filters=filters,
            page=first,
            scope=scope,
            now=now,
            timezone=playbook.calendar.timezone,
        ).items

    open_statuses = list(OPEN_STATUSES)
    return {
        "pending": sorted(
            [
                *compensation_service.list_(session, status=CompensationStatus.PENDING),
                *compensation_service.list_(session, status=CompensationStatus.APPEALED),
            ],
            key=lambda c: (c.proposed_at, c.id),
        ),
        "due_soon": cases(
            CaseFilters(status=open_statuses, due_before=now + DUE_SOON, overdue=False)
        ),
        "breached": cases(CaseFilters(overdue=True)),
        "legal_risk": cases(CaseFilters(legal_risk=True)),
        "legal_missed": cases(CaseFilters(legal_missed=True)),
        "legal_of": legal_viewer(playbook, lang, gettext, now),
        "fmt": moment_formatter(playbook, lang),
        "kind_labels": labels.translated(labels.COMPENSATION_KINDS, gettext),
    }


@router.get("/board")
def board_page(request: Request, session: SessionDep, user: BoardWatcher) -> Response:
    lang = page_language(request, user)
    gettext = gettext_for(lang)
    playbook = request_playbook(request)
    contacts = live_service.list_live(session, viewer=user)
    agents = live_service.agent_names(session, contacts)
    takers = live_service.takers_of(session, contacts)
    timezone = playbook.calendar.timezone
    today = live_alerts.list_today(session, viewer=user, timezone=timezone)
    updates = [
        live_service.contact_update_message(
            c, agents[c.agent_id], takers.get(c.taken_over_by_id or 0)
        )
        for c in contacts
    ]
    return render(
        request,
        "board.html",
        user=user,
        title=gettext("Supervisor board"),
        contacts=updates,
        **break_list(session, playbook, gettext),
        stage_labels=labels.translated(labels.STAGES, gettext),
        alert_labels=labels.translated(labels.ALERTS, gettext),
        ladder=[stage.value for stage in LADDER],
        board_data={
            "labels": board_labels(gettext),
            "ladder": [stage.value for stage in LADDER],
            "contacts": [u.model_dump(mode="json") for u in updates],
            "severity": live_alerts.SEVERITY,
            "critical": live_alerts.CRITICAL,
            "unlisted": live_alerts.UNLISTED,
            "alerts": [
                localized(m, lang).model_dump(mode="json") for m in live_alerts.messages_of(today)
            ],
            "me": user.username,
            # board.js writes the times of live alerts in the company's zone, the page's language
            "timezone": timezone,
            "lang": lang,
        },
        **_cases_context(request, session, user, lang),
    )


@router.get("/board/sections/{section}")
def board_section(
    section: Literal["approvals", "deadlines"],
    request: Request,
    session: SessionDep,
    user: BoardWatcher,
) -> Response:
    """One section of the board as HTML, for ``board.js`` to swap in when it changed."""
    lang = page_language(request, user)
    return render(
        request,
        f"_board_{section}.html",
        user=user,
        title="",
        **_cases_context(request, session, user, lang),
    )


def _all_keyed(guidance: dict[str, Any] | None) -> bool:
    """Whether every explanation of a stored guidance is a message (rendered for the reader)."""
    if not guidance:
        return True
    suggestions = guidance.get("suggestions") or []
    return bool(guidance.get("end_call_text")) and all(s.get("why_texts") for s in suggestions)


@router.get("/board/contacts/{contact_id}")
def monitor_page(
    request: Request, session: SessionDep, user: BoardWatcher, contact_id: int
) -> Response:
    """Another agent's contact, read only, live; whisper and take over."""
    lang = page_language(request, user)
    gettext = gettext_for(lang)
    contact = live_permissions.contact_for_user(session, contact_id=contact_id, user=user)
    if user.id in (contact.agent_id, contact.taken_over_by_id):  # theirs to work: the console
        return RedirectResponse(f"/console/{contact.id}", status_code=303)
    events = live_service.events_of(session, contact=contact)
    guidance = next((e.guidance for e in reversed(events) if e.guidance), None)
    writers = live_service.agent_names(session, [contact])
    agent = writers[contact.agent_id]
    taker = live_service.taken_over_by(session, contact)
    fmt = moment_formatter(request_playbook(request), lang)
    names = _names(session, {e.actor_id for e in events if e.actor_id is not None})
    state = {
        "events": [
            {
                "type": e.kind,
                "text": e.text,
                "action": e.action,
                "by_name": names.get(e.actor_id or 0, ""),
                "at": fmt(e.created_at),
            }
            for e in events
        ],
        "guidance": localized_record(guidance, lang),
        "summary": contact.summary,
        "live": contact.is_live,
    }
    return render(
        request,
        "monitor.html",
        user=user,
        title=gettext("Contact {number}").format(number=contact.id),
        contact=contact,
        agent=agent,
        taker=taker,
        channel_label=labels.label(labels.CHANNELS, contact.channel, gettext),
        ladder=[
            (stage.value, labels.label(labels.STAGES, stage.value, gettext)) for stage in LADDER
        ],
        monitor_data={
            "contact_id": contact.id,
            "state": state,
            "labels": monitor_labels(gettext),
            # The coach's explanations are stored as messages and put into the reader's words
            # (a guidance stored before that keeps the agent's: shown to that language only).
            "explanations": lang == agent.language.value or _all_keyed(guidance),
        },
    )


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {u.id: u.display_name for u in session.scalars(select(User).where(User.id.in_(ids)))}


def monitor_labels(gettext: Any) -> dict[str, Any]:
    return {
        "stages": labels.translated(labels.STAGES, gettext),
        "alerts": labels.translated(labels.ALERTS, gettext),
        "actions": labels.translated(labels.ACTIONS, gettext),
        "levels": labels.translated(labels.LEVELS, gettext),
        "speakers": labels.translated(labels.SPEAKERS, gettext),
        "connected": gettext("Live"),
        "disconnected": gettext("Reconnecting…"),
        "no_suggestions": gettext("Listen; no suggestion yet."),
        "no_alerts": gettext("No alerts."),
        "may_end_call": gettext("Ending the call is allowed"),
        "may_not_end_call": gettext("Do not end the call yet"),
        "whisper_from": gettext("Whisper from {name}"),
        "taken_over": gettext("{name} took this contact over."),
        "ended": gettext("This contact has ended."),
        "error": gettext("Could not send"),
        "confirm_take_over": gettext(
            "Take this contact over? It is recorded, and the agent sees that you took it over."
        ),
    }


def whisper_labels(gettext: Any) -> dict[str, str]:
    """The console's whisper area (``static/whisper.js``)."""
    return {
        "whisper_from": gettext("Whisper from {name}"),
        "taken_over": gettext("{name} took this contact over."),
    }


def whisper_state(session: Session, contact: Contact) -> dict[str, Any]:
    """The whispers and take-overs of a contact so far, for the agent's console."""
    events = [
        e
        for e in live_service.events_of(session, contact=contact)
        if e.kind in (EventKind.WHISPER, EventKind.TAKEN_OVER)
    ]
    names = _names(session, {e.actor_id for e in events if e.actor_id is not None})
    return {
        "notes": [
            {"type": e.kind, "text": e.text, "by_name": names.get(e.actor_id or 0, "")}
            for e in events
        ]
    }


def install_board_feed(app: FastAPI) -> None:
    """Tell every board when a commit changed compensation or cases (``board_changed``)."""
    app_ref = weakref.ref(app)
    remove: list[Any] = []

    def changed(sections: frozenset[str]) -> None:
        target = app_ref()
        if target is None:
            for undo in remove:
                undo()
            return
        messages = [
            Outgoing(BOARD_CHANNEL, BoardChangedMessage(section=section))
            for section in SECTIONS
            if section in sections
        ]
        if messages:
            publish_soon(target, messages)

    remove.append(case_changes.on_change(changed))
