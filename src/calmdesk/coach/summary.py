"""The contact's outcome and how hard it was, from observable events only.

Difficulty never looks at the agent's feelings (CalmDesk does not infer employees' emotions); it
weighs what happened to the agent: insults received, how far up the ladder the call went, whether
it ended in a transfer or a hang-up, and its length::

    difficulty = 0.35 * min(1, abusive_turns / 5)
               + 0.35 * (highest rung reached / top rung)
               + 0.15 * (1 if transferred, transfer failed or hung up else 0)
               + 0.15 * min(1, customer turns / 20)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from calmdesk.analysis.signals import Fact
from calmdesk.coach.stages import LADDER, rung_index
from calmdesk.coach.state import CallState
from calmdesk.playbook.schema import Category, ConversationPolicy, Stage

INSULTS_WEIGHT = 0.35
INSULTS_AT_FULL = 5
RUNG_WEIGHT = 0.35
OUTCOME_WEIGHT = 0.15
LENGTH_WEIGHT = 0.15
TURNS_AT_FULL = 20


@dataclass(frozen=True, slots=True)
class TransferOutcome:
    offered: bool
    failed: bool
    done: bool


@dataclass(frozen=True, slots=True)
class CallSummary:
    """``ended`` is ``hang_up`` (the agent ended it while the customer's abuse was not over),
    ``closed`` (ended normally), ``transferred``, ``timed_out`` (left open without a line; set by
    the live contacts) or ``None`` while the contact is open. ``end_allowed`` and ``end_reason``
    are the coach's verdict when the agent ended it (allowed or not, and the reason's key)."""

    turns: int
    customer_turns: int
    agent_turns: int
    peak_anger: float
    abusive_turns: int
    highest_rung: Stage | None
    rungs: tuple[Stage, ...]
    warnings: int
    boundaries: int
    transfer: TransferOutcome
    supervisor_requested: bool
    ended: str | None
    end_allowed: bool | None
    end_reason: str | None
    intents: tuple[str, ...]
    facts: tuple[Fact, ...]
    category: str | None
    difficulty: float
    break_minutes: int

    @property
    def break_recommended(self) -> bool:
        return self.break_minutes > 0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["highest_rung"] = self.highest_rung.value if self.highest_rung else None
        data["rungs"] = [r.value for r in self.rungs]
        data["intents"] = list(self.intents)
        data["break_recommended"] = self.break_recommended
        return data


def difficulty_of(state: CallState) -> float:
    insults = min(1.0, state.abusive_turns / INSULTS_AT_FULL)
    rung = (rung_index(state.rung) + 1) / len(LADDER)
    outcome = 1.0 if state.transferred or state.transfer_failed or state.ended == "hang_up" else 0.0
    length = min(1.0, state.customer_turns / TURNS_AT_FULL)
    score = (
        INSULTS_WEIGHT * insults
        + RUNG_WEIGHT * rung
        + OUTCOME_WEIGHT * outcome
        + LENGTH_WEIGHT * length
    )
    return round(min(1.0, max(0.0, score)), 3)


def summarize(
    state: CallState, policy: ConversationPolicy, category: Category | None
) -> CallSummary:
    difficulty = difficulty_of(state)
    return CallSummary(
        turns=state.customer_turns + state.agent_turns + state.actions,
        customer_turns=state.customer_turns,
        agent_turns=state.agent_turns,
        peak_anger=state.peak_anger,
        abusive_turns=state.abusive_turns,
        highest_rung=state.rung,
        rungs=tuple(state.rungs),
        warnings=state.warnings,
        boundaries=state.boundaries,
        transfer=TransferOutcome(
            offered=state.transfer_offered, failed=state.transfer_failed, done=state.transferred
        ),
        supervisor_requested=state.supervisor_requested,
        ended=state.ended,
        end_allowed=state.end_allowed,
        end_reason=state.end_reason,
        intents=tuple(sorted(state.intents)),
        facts=tuple(state.facts),
        category=category.key if category else None,
        difficulty=difficulty,
        break_minutes=policy.break_for(difficulty),
    )
