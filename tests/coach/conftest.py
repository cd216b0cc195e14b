"""Fixtures for the coach tests: the shipped Polish playbook and a conversation factory."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from calmdesk.coach import Conversation
from calmdesk.playbook.load import default_playbook
from calmdesk.playbook.schema import Playbook
from tests.coach.helpers import STARTED_AT


@pytest.fixture
def playbook() -> Playbook:
    return default_playbook("pl")


ConversationFactory = Callable[..., Conversation]


@pytest.fixture
def conversation(playbook: Playbook) -> ConversationFactory:
    def make(**options: object) -> Conversation:
        book = options.pop("playbook", playbook)
        options.setdefault("agent_name", "Bartek")
        options.setdefault("started_at", STARTED_AT)
        return Conversation(book, **options)  # type: ignore[arg-type]

    return make
