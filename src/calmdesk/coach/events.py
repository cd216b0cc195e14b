"""The conversation's append-only events and their plain-dict form for storage.

A :class:`~calmdesk.coach.conversation.Conversation` is nothing but these events; its state and
every guidance are derived by replaying them. A customer's event keeps the analysis
:class:`~calmdesk.analysis.signals.Signals` it was judged on, so a stored conversation rebuilds to
the same guidance even after the analysis models change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from calmdesk.analysis.signals import (
    LEVELS,
    Explanation,
    Fact,
    PiiSpan,
    ProfanitySpan,
    Signals,
)
from calmdesk.coach.heard import Heard, Step
from calmdesk.coach.stages import Action, parse_action
from calmdesk.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class CustomerSaid:
    text: str
    signals: Signals

    def to_dict(self) -> dict[str, Any]:
        return {"type": "customer_said", "text": self.text, "signals": self.signals.to_dict()}


@dataclass(frozen=True, slots=True)
class AgentSaid:
    """The agent's line, with the steps heard in it and the coach's phrases it said
    (:mod:`calmdesk.coach.heard`), kept so a replay does not depend on the rules' version."""

    text: str
    heard: tuple[Heard, ...] = ()
    said: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"type": "agent_said", "text": self.text, **self.hearing()}

    def hearing(self) -> dict[str, Any]:
        """What was heard in the line (stored beside its text)."""
        return {"heard": [h.to_dict() for h in self.heard], "said": list(self.said)}


@dataclass(frozen=True, slots=True)
class AgentDid:
    action: Action

    def to_dict(self) -> dict[str, Any]:
        return {"type": "agent_did", "action": self.action.value}


@dataclass(frozen=True, slots=True)
class StepUndone:
    """The agent takes back a step heard in the line of event number ``turn`` (from 1): the
    conversation is replayed as if that step had not been heard."""

    turn: int
    step: Step

    def to_dict(self) -> dict[str, Any]:
        return {"type": "step_undone", "turn": self.turn, "step": self.step.value}


Event = CustomerSaid | AgentSaid | AgentDid | StepUndone


def event_from_dict(data: dict[str, Any]) -> Event:
    """Rebuild an event from :meth:`to_dict` output; a malformed one is :class:`InvalidInput`."""
    try:
        kind = data["type"]
        if kind == "customer_said":
            return CustomerSaid(text=str(data["text"]), signals=signals_from_dict(data["signals"]))
        if kind == "agent_said":
            return AgentSaid(
                text=str(data["text"]),
                heard=tuple(Heard.from_dict(h) for h in data.get("heard") or ()),
                said=tuple(str(s) for s in data.get("said") or ()),
            )
        if kind == "step_undone":
            return StepUndone(turn=int(data["turn"]), step=Step(data["step"]))
        if kind == "agent_did":
            return AgentDid(action=parse_action(data["action"]))
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidInput(f"malformed coach event: {error}", code="invalid_event") from None
    raise InvalidInput(f"unknown coach event type {kind!r}", code="invalid_event")


def signals_from_dict(data: dict[str, Any]) -> Signals:
    """The inverse of :meth:`Signals.to_dict`."""
    level = data["level"]
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    return Signals(
        lang=str(data["lang"]),
        anger=float(data["anger"]),
        abuse=float(data["abuse"]),
        level=level,
        profanity=tuple(ProfanitySpan(**span) for span in data.get("profanity", ())),
        insult_directed=bool(data.get("insult_directed", False)),
        shouting=bool(data.get("shouting", False)),
        intents=frozenset(data.get("intents", ())),
        facts=tuple(Fact(**fact) for fact in data.get("facts", ())),
        pii=tuple(PiiSpan(**span) for span in data.get("pii", ())),
        explanations=tuple(Explanation(**item) for item in data.get("explanations", ())),
    )
