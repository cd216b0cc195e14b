"""What the coach hands the agent after every event: :class:`Guidance`, made of
:class:`Suggestion` and :class:`Alert`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from calmdesk.analysis.signals import Fact, Signals
from calmdesk.coach.stages import AlertKind
from calmdesk.playbook.schema import Stage


@dataclass(frozen=True, slots=True)
class Suggestion:
    """``step`` is the stage (``clarify``) or a sub-step (``still_here``, ``listening_signal``);
    ``text`` is what to say, in the customer's language; ``why`` is for the agent."""

    step: str
    text: str
    why: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Alert:
    """``evidence`` quotes the customer's or the agent's words: escape it wherever it is shown."""

    kind: AlertKind
    message: str
    evidence: tuple[str, ...] = ()
    alternative: str | None = None
    minutes: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        data["evidence"] = list(self.evidence)
        return data


@dataclass(frozen=True, slots=True)
class HeardStep:
    """A step heard in the agent's words (or, with ``undone``, taken back by the agent).

    ``turn`` is the event the step was heard in (from 1; the live contact's ``seq``), the key
    to take it back with; ``action`` the button with the same effect, if any; ``message`` for the
    agent ("Warning heard: …"); ``evidence`` quotes the agent: escape it wherever it is shown."""

    turn: int
    step: str
    evidence: str
    message: str
    action: str | None = None
    undone: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Guidance:
    """The coach's answer to one event.

    ``turn`` counts events from 1; ``rung`` is the highest ladder rung reached so far (``None``
    before any abuse); ``signals`` is the analysis of this turn when the customer spoke;
    ``facts`` are all facts so far; ``category`` is the suggested complaint category key;
    ``end_outcome`` is what ending the call now would record (``closed``, ``hang_up``,
    ``transferred``), so the agent is told before confirming; ``heard`` the agent's steps heard
    in this turn (see :class:`HeardStep`)."""

    turn: int
    stage: Stage
    suggestions: tuple[Suggestion, ...]
    alerts: tuple[Alert, ...]
    may_end_call: bool
    end_call_reason: str
    rung: Stage | None
    lang: str
    signals: Signals | None
    facts: tuple[Fact, ...]
    category: str | None
    end_outcome: str = "closed"
    heard: tuple[HeardStep, ...] = ()
    """The steps heard in this turn's agent line, or the one this turn took back."""

    def alert_kinds(self) -> list[str]:
        return [alert.kind.value for alert in self.alerts]

    def to_dict(self) -> dict[str, Any]:
        return {
            "turn": self.turn,
            "stage": self.stage.value,
            "suggestions": [s.to_dict() for s in self.suggestions],
            "alerts": [a.to_dict() for a in self.alerts],
            "may_end_call": self.may_end_call,
            "end_call_reason": self.end_call_reason,
            "rung": self.rung.value if self.rung else None,
            "lang": self.lang,
            "signals": self.signals.to_dict() if self.signals else None,
            "facts": [asdict(f) for f in self.facts],
            "category": self.category,
            "end_outcome": self.end_outcome,
            "heard": [h.to_dict() for h in self.heard],
        }
