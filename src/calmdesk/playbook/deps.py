"""The playbook the app runs with: loaded once by ``create_app`` from ``settings.playbook`` and
kept on ``app.state.playbook``. Routes take it with :data:`PlaybookDep`; sockets and code that
holds the app use :func:`app_playbook`. There is no other getter and no fallback."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request

from calmdesk.playbook.schema import Playbook


def app_playbook(app: FastAPI) -> Playbook:
    playbook: Playbook = app.state.playbook
    return playbook


def request_playbook(request: Request) -> Playbook:
    return app_playbook(request.app)


PlaybookDep = Annotated[Playbook, Depends(request_playbook)]
