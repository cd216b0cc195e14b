"""``/chat/chatwoot/app``: the dashboard app Chatwoot shows beside a conversation.

Chatwoot frames this page and sends it the conversation with ``postMessage`` (``{"event":
"appContext", "data": {"conversation", "contact", "currentAgent"}}`` as a JSON string, after the
frame loads or when the page asks with ``chatwoot-dashboard-app:fetch-info``). The page keeps no
cookie: it reads the app key from its address's fragment (``#key=...``, never sent to a server
in a request line or a log), accepts messages from Chatwoot's origin only, and asks
``/api/chat/chatwoot/card`` for the coach's card every two seconds (``static/chat_app.js``).
Only Chatwoot's origin may frame it (``frame-ancestors``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from calmdesk.web.i18n import LANGUAGE_COOKIE, SUPPORTED, choose_language, gettext_for
from calmdesk.web.pages_common import environment, settings_of
from calmdesk.web.pages_labels import ALERTS, STAGES

router = APIRouter(include_in_schema=False)

POLL_SECONDS = 2


def _origin(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _policy(origin: str | None) -> str:
    ancestors = origin or "'none'"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self'; frame-ancestors {ancestors}; base-uri 'none'; form-action 'none'"
    )


@router.get("/chat/chatwoot/app", response_class=HTMLResponse)
def chatwoot_app(request: Request, lang: str | None = None) -> HTMLResponse:
    """The coach's card for the conversation Chatwoot shows (``?lang=pl|ru|en``, else the
    browser's language)."""
    settings = settings_of(request)
    page_lang = (
        lang
        if lang in SUPPORTED
        else choose_language(
            user_language=None,
            cookie=request.cookies.get(LANGUAGE_COOKIE),
            accept_language=request.headers.get("accept-language"),
        )
    )
    _ = gettext_for(page_lang)
    origin = _origin(settings.chatwoot_url)
    config = {
        "origin": origin,
        "configured": bool(origin and settings.chatwoot_app_key),
        "poll_ms": POLL_SECONDS * 1000,
        "stages": {key: _(label) for key, label in STAGES.items()},
        "alerts": {key: _(label) for key, label in ALERTS.items()},
        "texts": {
            "not_configured": _(
                "The dashboard app is not configured: set CALMDESK_CHATWOOT_URL and "
                "CALMDESK_CHATWOOT_APP_KEY."
            ),
            "no_key": _("The app's address must end with #key= and the app key."),
            "bad_key": _("The app key is wrong: check the dashboard app's address in Chatwoot."),
            "waiting_context": _("Waiting for the conversation from Chatwoot…"),
            "unknown": _("CalmDesk has not received this conversation yet."),
            "waiting_agent": _(
                "No CalmDesk user is linked to the agent of this conversation yet. "
                "Lines waiting: {count}."
            ),
            "ended": _("The conversation has ended."),
            "break": _("A break of {minutes} minutes is recommended."),
            "no_break": _("No break is needed."),
            "unreachable": _("CalmDesk cannot be reached; trying again."),
            "copied": _("Copied"),
            "copy_failed": _("Select the phrase and copy it by hand."),
            "no_alerts": _("No alerts."),
            "may_end": _("Ending is allowed."),
            "not_yet": _("Do not end yet."),
        },
    }
    html = environment.get_template("chat_app.html").render(
        {"_": _, "lang": page_lang, "config": config}
    )
    headers = {
        "Content-Security-Policy": _policy(origin),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }
    return HTMLResponse(html, headers=headers)
