"""HTTP access to the running playbook: ``GET /playbook/export`` (the policy as a standalone HTML
page or a Markdown file, to print or hand to an outsourced hotline) and ``GET /api/playbook``
(the whole playbook as JSON). The site's own ``/playbook`` page (``web/pages.py``) shows the same
export inside the site layout.

The policy holds the agents' compensation limits, which customers should not read: the web app
includes this router behind its sign-in dependency (``playbook`` imports nothing of ours, so the
check is added where the router is included, in ``web/app.py``).

The playbook is the one named by ``settings.playbook``, loaded once per app
(``app.state.playbook``, shared with the web pages).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from calmdesk.languages import Language
from calmdesk.playbook.deps import PlaybookDep
from calmdesk.playbook.export import check_language, render_html, render_markdown
from calmdesk.playbook.schema import Playbook

router = APIRouter(tags=["playbook"])

FormatQuery = Annotated[Literal["html", "md"], Query(alias="format", description="html or md")]
LangQuery = Annotated[
    Language | None,
    Query(description="pl, ru or en; else the browser's Accept-Language, else the default."),
]
_DOCUMENT = {"schema": {"type": "string"}}


def preferred_language(accept_language: str | None, available: list[str]) -> str | None:
    """The best of ``available`` for an ``Accept-Language`` header, or None.

    >>> preferred_language("en-GB;q=0.5, ru-RU, *;q=0.1", ["pl", "ru", "en"])
    'ru'
    """
    ranked: list[tuple[float, int, str]] = []
    for index, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().split("-")[0].lower()
        if primary in available and quality > 0:
            ranked.append((-quality, index, primary))
    return min(ranked)[2] if ranked else None


@router.get(
    "/playbook/export",
    response_class=HTMLResponse,
    summary="The playbook as a standalone document",
    responses={
        200: {
            "description": "The policy: an HTML page (`format=html`) or Markdown (`format=md`)",
            "content": {"text/html": _DOCUMENT, "text/markdown": _DOCUMENT},
        }
    },
)
def playbook_export(
    request: Request, playbook: PlaybookDep, lang: LangQuery = None, format_: FormatQuery = "html"
) -> Response:
    """The employee-readable policy in the chosen language: a complete HTML page, or Markdown."""
    language = (
        (lang.value if lang is not None else None)
        or preferred_language(request.headers.get("accept-language"), playbook.languages)
        or playbook.default_language
    )
    check_language(playbook, language)
    headers = {"Content-Language": language, "X-Content-Type-Options": "nosniff"}
    if format_ == "md":
        return Response(
            render_markdown(playbook, language),
            media_type="text/markdown; charset=utf-8",
            headers=headers,
        )
    return HTMLResponse(render_html(playbook, language), headers=headers)


@router.get("/api/playbook", summary="The playbook as JSON")
def playbook_json(playbook: PlaybookDep) -> Playbook:
    """Every category, deadline, rule and phrase of the running playbook, in all its languages.
    Durations are ISO 8601 (``PT4H``)."""
    return playbook
