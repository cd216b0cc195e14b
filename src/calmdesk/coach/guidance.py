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
class Guidance:
    """The coach's answer to one event.

    ``turn`` counts events from 1; ``rung`` is the highest ladder rung reached so far (``None``
    before any abuse); ``signals`` is the analysis of this turn when the customer spoke;
    ``facts`` are all facts so far; ``category`` is the suggested complaint category key."""

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
        }
