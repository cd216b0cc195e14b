"""A scripted dialogue (a JSON document) replayed through the coach: the input of
``calmdesk coach replay`` and of the fixture dialogues in the tests.

The document::

    {"lang": "pl", "can_transfer": true, "agent_name": "Bartek", "channel": "email",
     "started_at": "2026-11-23T09:00:00+01:00",
     "turns": [{"customer": "..."}, {"agent": "..."}, {"action": "transfer_failed"}]}

Every key but ``turns`` is optional and unknown keys are ignored (fixtures keep their expectations
there). Each turn has exactly one of ``customer``, ``agent`` or ``action``; a bad turn is an
:class:`InvalidInput` naming its index.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from calmdesk.coach.conversation import Conversation
from calmdesk.coach.guidance import Guidance
from calmdesk.coach.stages import parse_action
from calmdesk.errors import InvalidInput
from calmdesk.playbook.schema import Playbook

TURN_KINDS = ("customer", "agent", "action")


@dataclass(frozen=True, slots=True)
class Turn:
    kind: str
    value: str
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Dialogue:
    turns: tuple[Turn, ...]
    options: Mapping[str, Any]
    playbook: str | None = None


def parse_dialogue(text: str) -> Dialogue:
    """Parse the JSON text; every problem is an :class:`InvalidInput` saying where it is."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}",
            code="invalid_dialogue",
        ) from None
    if not isinstance(data, dict):
        raise InvalidInput(
            "a dialogue is a JSON object with a 'turns' list", code="invalid_dialogue"
        )
    turns = data.get("turns")
    if not isinstance(turns, list) or not turns:
        raise InvalidInput("'turns' must be a non-empty list", code="invalid_dialogue")
    return Dialogue(
        turns=tuple(_turn(index, item) for index, item in enumerate(turns)),
        options=_options(data),
        playbook=_optional_str(data, "playbook"),
    )


def replay(dialogue: Dialogue, playbook: Playbook) -> tuple[Conversation, list[Guidance]]:
    """Play every turn; an error in a turn (an empty message, say) names the turn's index."""
    conversation = Conversation(playbook, **dialogue.options)
    guidance = []
    for index, turn in enumerate(dialogue.turns):
        try:
            guidance.append(play_turn(conversation, turn))
        except InvalidInput as error:
            raise InvalidInput(
                f"turn {index}: {error.message}", code=error.code, turn=index
            ) from None
    return conversation, guidance


def play_turn(conversation: Conversation, turn: Turn) -> Guidance:
    if turn.kind == "customer":
        return conversation.customer_says(turn.value)
    if turn.kind == "agent":
        return conversation.agent_says(turn.value)
    return conversation.agent_did(turn.value)


def _turn(index: int, item: object) -> Turn:
    if not isinstance(item, dict):
        raise InvalidInput(
            f'turn {index}: a turn is an object such as {{"customer": "..."}}',
            code="invalid_dialogue",
            turn=index,
        )
    kinds = [kind for kind in TURN_KINDS if kind in item]
    if len(kinds) != 1:
        raise InvalidInput(
            f"turn {index}: needs exactly one of 'customer', 'agent' or 'action'",
            code="invalid_dialogue",
            turn=index,
        )
    kind = kinds[0]
    value = item[kind]
    if not isinstance(value, str):
        raise InvalidInput(
            f"turn {index}: '{kind}' must be text", code="invalid_dialogue", turn=index
        )
    if kind == "action":
        try:
            value = parse_action(value).value
        except InvalidInput as error:
            raise InvalidInput(
                f"turn {index}: {error.message}", code=error.code, turn=index
            ) from None
    extra = {key: val for key, val in item.items() if key != kind}
    return Turn(kind=kind, value=value, extra=extra)


def _options(data: Mapping[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for key in ("lang", "agent_name", "channel"):
        value = _optional_str(data, key)
        if value is not None:
            options[key] = value
    if "can_transfer" in data:
        if not isinstance(data["can_transfer"], bool):
            raise InvalidInput("'can_transfer' must be true or false", code="invalid_dialogue")
        options["can_transfer"] = data["can_transfer"]
    started = _optional_str(data, "started_at")
    if started is not None:
        try:
            moment = datetime.fromisoformat(started)
        except ValueError:
            raise InvalidInput(
                f"'started_at' {started!r} is not an ISO date-time", code="invalid_dialogue"
            ) from None
        if moment.tzinfo is None:
            raise InvalidInput("'started_at' needs a time zone offset", code="invalid_dialogue")
        options["started_at"] = moment
    return options


def _optional_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"'{key}' must be text", code="invalid_dialogue")
    return value


__all__ = ["Dialogue", "Turn", "parse_dialogue", "play_turn", "replay"]
