"""A recorded rehearsal: the persona, the seed and the trainee's turns, as JSON. Replaying it
gives the same customer lines and the same report::

    {"persona": "pl_invoice_calm", "seed": 7, "agent_name": "Ola",
     "started_at": "2026-11-23T09:00:00+01:00",
     "turns": [{"agent": "Rozumiem, to frustrujące."}, {"action": "boundary_stated"},
               {"silence": true}, {"agent": "...", "action": "transfer_offered"}]}

Only ``persona`` and ``turns`` are required. A turn has ``agent`` (a line), ``action``, both,
or ``silence: true``. The customer's lines are not stored: the persona and seed make them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from calmdesk.coach import Action, parse_action
from calmdesk.errors import InvalidInput
from calmdesk.training.personas import get_persona
from calmdesk.training.simulator import Analyzer, Simulation

MAX_TURNS = 200


class InvalidRehearsal(InvalidInput):
    code = "invalid_rehearsal"


@dataclass(frozen=True, slots=True)
class TraineeTurn:
    text: str | None = None
    action: Action | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.text is None and self.action is None:
            return {"silence": True}
        data: dict[str, Any] = {}
        if self.text is not None:
            data["agent"] = self.text
        if self.action is not None:
            data["action"] = self.action.value
        return data


@dataclass(frozen=True, slots=True)
class Rehearsal:
    persona: str
    turns: tuple[TraineeTurn, ...]
    seed: int = 0
    agent_name: str | None = None
    can_transfer: bool = True
    started_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"persona": self.persona, "seed": self.seed}
        if self.agent_name:
            data["agent_name"] = self.agent_name
        if not self.can_transfer:
            data["can_transfer"] = False
        if self.started_at is not None:
            data["started_at"] = self.started_at.isoformat()
        data["turns"] = [turn.to_dict() for turn in self.turns]
        return data


def parse_rehearsal(text: str) -> Rehearsal:
    """Parse a recorded rehearsal; every problem names the key or the turn's index."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidRehearsal(
            f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    if not isinstance(document, dict):
        raise InvalidRehearsal("a rehearsal must be a JSON object with 'persona' and 'turns'")
    persona = document.get("persona")
    if not isinstance(persona, str) or not persona.strip():
        raise InvalidRehearsal("'persona' must be a persona id (see `calmdesk simulate list`)")
    seed = document.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise InvalidRehearsal("'seed' must be a whole number")
    agent_name = document.get("agent_name")
    if agent_name is not None and not isinstance(agent_name, str):
        raise InvalidRehearsal("'agent_name' must be text")
    can_transfer = document.get("can_transfer", True)
    if not isinstance(can_transfer, bool):
        raise InvalidRehearsal("'can_transfer' must be true or false")
    raw_turns = document.get("turns")
    if not isinstance(raw_turns, list):
        raise InvalidRehearsal("'turns' must be a list of the trainee's turns")
    if len(raw_turns) > MAX_TURNS:
        raise InvalidRehearsal(f"too many turns ({len(raw_turns)}; at most {MAX_TURNS})")
    return Rehearsal(
        persona=persona.strip(),
        turns=tuple(_turn(index, raw) for index, raw in enumerate(raw_turns)),
        seed=seed,
        agent_name=agent_name,
        can_transfer=can_transfer,
        started_at=_started_at(document.get("started_at")),
    )


def _turn(index: int, raw: object) -> TraineeTurn:
    if not isinstance(raw, dict):
        raise InvalidRehearsal(f'turn {index}: must be an object like {{"agent": "..."}}')
    unknown = set(raw) - {"agent", "action", "silence"}
    if unknown:
        raise InvalidRehearsal(f"turn {index}: unknown keys {sorted(unknown)}")
    text, action = raw.get("agent"), raw.get("action")
    if text is not None and (not isinstance(text, str) or not text.strip()):
        raise InvalidRehearsal(f"turn {index}: 'agent' must be a non-empty line")
    if raw.get("silence") is True:
        if text is not None or action is not None:
            raise InvalidRehearsal(f"turn {index}: silence cannot have a line or an action")
        return TraineeTurn()
    if text is None and action is None:
        raise InvalidRehearsal(f"turn {index}: needs 'agent', 'action' or 'silence': true")
    try:
        parsed = parse_action(action) if action is not None else None
    except InvalidInput as error:
        raise InvalidRehearsal(f"turn {index}: {error.message}", code="unknown_action") from None
    return TraineeTurn(text=text, action=parsed)


def _started_at(value: object) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise InvalidRehearsal(f"'started_at' is not an ISO date and time: {value!r}") from None
    if moment.tzinfo is None:
        raise InvalidRehearsal("'started_at' needs a time zone offset (e.g. +01:00)")
    return moment


def replay(rehearsal: Rehearsal, *, analyzer: Analyzer | None = None) -> Simulation:
    """Play the recorded turns against the persona; a turn after the end is an error."""
    simulation = Simulation(
        get_persona(rehearsal.persona),
        seed=rehearsal.seed,
        agent_name=rehearsal.agent_name,
        can_transfer=rehearsal.can_transfer,
        started_at=rehearsal.started_at,
        analyzer=analyzer,
    )
    simulation.start()
    for index, turn in enumerate(rehearsal.turns):
        try:
            simulation.agent_turn(turn.text, turn.action)
        except InvalidInput as error:
            raise InvalidRehearsal(f"turn {index}: {error.message}", code=error.code) from None
    return simulation


def record(simulation: Simulation) -> Rehearsal:
    """The rehearsal played so far, ready to be saved as JSON and replayed."""
    return Rehearsal(
        persona=simulation.persona.id,
        turns=tuple(TraineeTurn(t.agent_text, t.action) for t in simulation.turns),
        seed=simulation.seed,
        agent_name=simulation.agent_name,
        can_transfer=simulation.can_transfer,
        started_at=simulation.conversation.started_at,
    )
