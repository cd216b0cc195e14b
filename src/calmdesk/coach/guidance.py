"""What the coach hands the agent after every event: :class:`Guidance`, made of
:class:`Suggestion` and :class:`Alert`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from calmdesk.analysis.signals import Fact, Signals
from calmdesk.coach.messages import Text
from calmdesk.coach.stages import AlertKind
from calmdesk.playbook.schema import Stage


@dataclass(frozen=True, slots=True)
class Suggestion:
    """``step`` is the stage (``clarify``) or a sub-step (``still_here``, ``listening_signal``);
    ``text`` is what to say, in the customer's language; ``why`` is for the agent, in the
    agent's language, and ``why_texts`` the same as messages any reader renders in theirs."""

    step: str
    text: str
    why: str
    why_texts: tuple[Text, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "text": self.text,
            "why": self.why,
            "why_texts": [t.to_dict() for t in self.why_texts],
        }


@dataclass(frozen=True, slots=True)
class Alert:
    """``evidence`` quotes the customer's or the agent's words: escape it wherever it is shown.
    ``message`` is in the agent's language; ``text`` is the same message for any reader."""

    kind: AlertKind
    message: str
    evidence: tuple[str, ...] = ()
    alternative: str | None = None
    minutes: int | None = None
    text: Text = field(default_factory=lambda: Text("alerts.abuse_unquoted"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "message": self.message,
            "evidence": list(self.evidence),
            "alternative": self.alternative,
            "minutes": self.minutes,
            "text": self.text.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class HeardStep:
    """A step heard in the agent's words (or, with ``undone``, taken back by the agent).

    ``turn`` is the event the step was heard in (from 1; the live contact's ``seq``), the key
    to take it back with; ``action`` the button with the same effect, if any; ``message`` for the
    agent ("Warning heard: …") in the agent's language, ``text`` the same message for any reader;
    ``evidence`` quotes the agent: escape it wherever it is shown."""

    turn: int
    step: str
    evidence: str
    message: str
    action: str | None = None
    undone: bool = False
    text: Text | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "turn": self.turn,
            "step": self.step,
            "evidence": self.evidence,
            "message": self.message,
            "action": self.action,
            "undone": self.undone,
            "text": self.text.to_dict() if self.text else None,
        }


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
    end_call_text: Text
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
            "end_call_text": self.end_call_text.to_dict(),
            "rung": self.rung.value if self.rung else None,
            "lang": self.lang,
            "signals": self.signals.to_dict() if self.signals else None,
            "facts": [asdict(f) for f in self.facts],
            "category": self.category,
            "end_outcome": self.end_outcome,
            "heard": [h.to_dict() for h in self.heard],
        }
