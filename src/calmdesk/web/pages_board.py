"""The supervisor board: live contacts with heat and rung (kept live by ``static/board.js`` over
``/ws/board``), the alert feed, compensation waiting for approval, cases by deadline and the
agents whose last contact calls for a break."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from calmdesk.cases import compensation as compensation_service
from calmdesk.cases import permissions as case_permissions
from calmdesk.cases import service as cases_service
from calmdesk.cases.enums import OPEN_STATUSES, CompensationStatus
from calmdesk.cases.schemas import CaseFilters, PageParams
from calmdesk.live import service as live_service
from calmdesk.playbook.deps import request_playbook
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
    }


@router.get("/board")
def board_page(request: Request, session: SessionDep, user: BoardWatcher) -> Response:
    lang = page_language(request, user)
    gettext = gettext_for(lang)
    playbook = request_playbook(request)
    contacts = live_service.list_live(session, viewer=user)
    breaks = live_service.breaks_pending(session)
    agents = live_service.agent_names(session, [*contacts, *breaks])
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
    return render(
        request,
        "board.html",
        user=user,
        title=gettext("Supervisor board"),
        contacts=[live_service.contact_update_message(c, agents[c.agent_id]) for c in contacts],
        breaks=[(c, agents[c.agent_id]) for c in breaks],
        pending=sorted(
            [
                *compensation_service.list_(session, status=CompensationStatus.PENDING),
                *compensation_service.list_(session, status=CompensationStatus.APPEALED),
            ],
            key=lambda c: (c.proposed_at, c.id),
        ),
        due_soon=cases(CaseFilters(status=open_statuses, due_before=now + DUE_SOON, overdue=False)),
        breached=cases(CaseFilters(overdue=True)),
        legal_risk=cases(CaseFilters(legal_risk=True)),
        legal_missed=cases(CaseFilters(legal_missed=True)),
        legal_of=legal_viewer(playbook, lang, gettext, now),
        fmt=moment_formatter(playbook, lang),
        stage_labels=labels.translated(labels.STAGES, gettext),
        kind_labels=labels.translated(labels.COMPENSATION_KINDS, gettext),
        alert_labels=labels.translated(labels.ALERTS, gettext),
        board_data={"labels": board_labels(gettext)},
    )
