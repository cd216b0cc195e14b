"""Fixtures of the audio tests: bearer tokens, espeak-ng (skipped without it locally, a failure
under CI=true) and the speech model (the ``asr`` extra)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy.orm import Session

from calmdesk.audio.model import asr_available
from calmdesk.audio.synth import espeak_available
from calmdesk.users import service as users_service
from calmdesk.users.models import User


@pytest.fixture
def tokens(session: Session, users: dict[str, User]) -> dict[str, str]:
    issued = {
        name: users_service.issue_token(session, user=user, name=f"{name} telephony")
        for name, user in users.items()
    }
    session.commit()
    return issued


def _need(available: bool, what: str) -> None:
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing (.ci/run installs it)")
    pytest.skip(f"{what} is not installed")


@pytest.fixture
def speech(request: pytest.FixtureRequest) -> None:
    """Real audio: espeak-ng to say the lines, faster-whisper to hear them. Once, on SQLite:
    a transcript is stored by the same ``live.service.says`` as a typed line, which the live
    tests run on both databases, and speech costs CI's two cores seconds a line."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("db_url") == "postgresql":
        pytest.skip("speech runs once, on SQLite (the refusals run on both databases)")
    _need(espeak_available(), "espeak-ng")
    _need(asr_available(), "faster-whisper (calmdesk[asr])")
