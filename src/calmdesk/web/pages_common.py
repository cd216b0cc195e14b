"""What every HTML page shares: the Jinja2 environment, the page language, the navigation by
role, the CSRF token and the security headers.

Templates autoescape everything: customer text is hostile input and is only ever shown as text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from calmdesk.i18n import format_duration, format_money
from calmdesk.settings import Settings
from calmdesk.users.labels import role_description, role_label
from calmdesk.users.models import Role
from calmdesk.users.permissions import Permission, can, permissions_of
from calmdesk.web import csrf
from calmdesk.web.i18n import (
    LANGUAGE_COOKIE,
    LANGUAGE_NAMES,
    choose_language,
    gettext_for,
    ngettext_for,
)
from calmdesk.web.pages_labels import N_

if TYPE_CHECKING:
    from calmdesk.users.models import User

TEMPLATES_DIR = Path(__file__).parent / "templates"

# Scripts and styles come only from our own origin, so an injected tag could not run even if
# escaping were ever missed. htmx's inline indicator style is switched off in the layout.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True, slots=True)
class NavItem:
    href: str
    label: str
    permission: Permission | None
    """Shown to users holding this permission (everyone signed in when ``None``)."""


# Labels are msgids, translated when the page renders.
NAVIGATION: tuple[NavItem, ...] = (
    NavItem("/console", N_("Console"), Permission.WORK_CONTACTS),
    NavItem("/board", N_("Board"), Permission.VIEW_BOARD),
    NavItem("/cases", N_("Cases"), Permission.WORK_CASES),
    NavItem("/social", N_("Public posts"), Permission.WORK_SOCIAL),
    NavItem("/satisfaction", N_("Satisfaction"), Permission.VIEW_BOARD),
    NavItem("/reports", N_("Reports"), Permission.VIEW_BOARD),
    NavItem("/playbook", N_("Playbook"), None),
    NavItem("/webhooks", N_("Webhooks"), Permission.MANAGE_WEBHOOKS),
)


def home_for(user: User) -> str:
    """The first page a role works on: the console, the board, the queue, or the playbook."""
    for item in (NAVIGATION[1], NAVIGATION[0], NAVIGATION[2]):
        if item.permission is not None and can(user, item.permission):
            return item.href
    return "/playbook"


@dataclass(frozen=True, slots=True)
class Viewer:
    """What the layout needs of the signed-in person, copied out of the database session (an
    error page renders after its request's session is gone)."""

    username: str
    display_name: str
    role: Role
    language: str
    is_active: bool

    @classmethod
    def of(cls, user: User) -> Viewer:
        return cls(
            username=user.username,
            display_name=user.display_name,
            role=Role(user.role),
            language=str(user.language),
            is_active=user.is_active,
        )


def _may(user: User | Viewer, permission: Permission) -> bool:
    return user.is_active and permission in permissions_of(Role(user.role))


def navigation_for(
    user: User | Viewer | None, path: str, gettext: Callable[[str], str]
) -> list[NavItem]:
    if user is None:
        return []
    return [
        NavItem(item.href, gettext(item.label), item.permission)
        for item in NAVIGATION
        if item.permission is None or _may(user, item.permission)
    ]


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def page_language(request: Request, user: User | Viewer | None) -> str:
    return choose_language(
        user_language=getattr(user, "language", None),
        cookie=request.cookies.get(LANGUAGE_COOKIE),
        accept_language=request.headers.get("accept-language"),
    )


def render(
    request: Request,
    template: str,
    *,
    user: User | Viewer | None,
    status_code: int = 200,
    language: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render ``template`` in the page language with the layout's shared context; ``language``
    overrides it for a page addressed to someone else (a customer's survey)."""
    lang = language or page_language(request, user)
    gettext = gettext_for(lang)
    path = request.url.path
    nav = navigation_for(user, path, gettext)
    layout: dict[str, Any] = {
        "_": gettext,
        "ngettext": ngettext_for(lang),
        "money": lambda amount, currency: format_money(amount, currency, lang),
        "duration": lambda delta: format_duration(delta, lang),
        "lang": lang,
        "page_languages": LANGUAGE_NAMES,
        "user": user,
        "role_label": role_label(user.role, lang) if user is not None else "",
        "role_description": role_description(user.role, lang) if user is not None else "",
        "nav": nav,
        "csrf_token": csrf.token_for(request),
        "csrf_field": csrf.CSRF_FIELD,
        "path": path,
    }
    html = environment.get_template(template).render({**context, **layout})
    response = HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)
    csrf.set_cookie(request, response, secure=settings_of(request).secure_cookies)
    return response
