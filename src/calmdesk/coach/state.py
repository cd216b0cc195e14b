"""The call's state and how each event changes it: the ladder, the conversation steps and the
rule for ending a call. No phrases here (see :mod:`calmdesk.coach.phrases`).

The state is only ever built by replaying events through :func:`customer_turn`,
:func:`agent_turn` and :func:`agent_action`, so the same events always give the same state.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from calmdesk.analysis.signals import Fact, Intent, Signals
from calmdesk.coach.phrases import is_are_you_there
from calmdesk.coach.stages import LADDER, Action, higher_rung, next_rung, rung_index
from calmdesk.playbook.schema import Stage

# Ladder rungs that a calm customer leaves (acknowledge is also a normal step, so it is not one).
_LADDER_ONLY = frozenset(LADDER) - {Stage.ACKNOWLEDGE}


@dataclass(frozen=True, slots=True)
class Policy:
    """The playbook's conversation policy combined with what this contact allows."""

    end_call_allowed: bool
    warnings_before_end: int
    transfer_available: bool


@dataclass(slots=True)
class CallState:
    stage: Stage = Stage.LISTEN
    rung: Stage | None = None
    rungs: list[Stage] = field(default_factory=list)
    listened: bool = False
    acknowledged: bool = False
    clarified: bool = False
    resolved: bool = False
    boundaries: int = 0
    warnings: int = 0
    abuse_since_warning: bool = False
    last_customer_abusive: bool = False
    transfer_offered: bool = False
    transfer_failed: bool = False
    transferred: bool = False
    supervisor_requested: bool = False
    supervisor_pending: bool = False
    ended: str | None = None
    customer_turns: int = 0
    agent_turns: int = 0
    actions: int = 0
    abusive_turns: int = 0
    peak_anger: float = 0.0
    facts: list[Fact] = field(default_factory=list)
    intents: set[str] = field(default_factory=set)
    texts: list[str] = field(default_factory=list)
    suggested: Counter[str] = field(default_factory=Counter)

    def transfer_possible(self, policy: Policy) -> bool:
        return policy.transfer_available and not self.transfer_failed and not self.transferred

    def reach(self, rung: Stage) -> None:
        if rung_index(rung) > rung_index(self.rung):
            self.rungs.append(rung)
        self.rung = higher_rung(self.rung, rung)


@dataclass(frozen=True, slots=True)
class CustomerOutcome:
    """``acknowledge_first``: an upset customer who already gave facts gets the empathy phrase
    and the restated facts in one turn (name the emotion, then pin down the facts)."""

    stage: Stage
    still_here: bool
    new_facts: tuple[Fact, ...]
    acknowledge_first: bool = False


def customer_turn(state: CallState, policy: Policy, text: str, signals: Signals) -> CustomerOutcome:
    """Record the customer's turn and decide the next step."""
    state.customer_turns += 1
    state.texts.append(text)
    state.peak_anger = max(state.peak_anger, signals.anger)
    state.intents |= set(signals.intents)
    known = {(f.kind, f.value) for f in state.facts}
    new_facts = tuple(f for f in signals.facts if (f.kind, f.value) not in known)
    state.facts.extend(new_facts)

    abusive = signals.is_abusive
    state.last_customer_abusive = abusive
    still_here = False
    if abusive:
        state.abusive_turns += 1
        if state.warnings:
            state.abuse_since_warning = True
        stage = _climb(state, policy)
    elif state.stage is Stage.SILENT_RECORD and is_are_you_there(text):
        stage, still_here = Stage.SILENT_RECORD, True
    else:
        stage = _conversation_step(state, signals, bool(new_facts))

    if Intent.SUPERVISOR_REQUEST in signals.intents:
        state.supervisor_requested = True
        state.supervisor_pending = state.transfer_possible(policy)
        stage = Stage.TRANSFER  # always honoured, whatever the ladder says
    elif state.supervisor_pending:
        stage = Stage.TRANSFER
    acknowledge_first = (
        stage is Stage.CLARIFY
        and not abusive
        and not state.acknowledged
        and (signals.level == "upset" or state.listened)
    )
    if acknowledge_first:
        state.acknowledged = True
    _enter(state, stage)
    return CustomerOutcome(stage, still_here, new_facts, acknowledge_first)


def agent_turn(state: CallState) -> None:
    state.agent_turns += 1


def agent_action(state: CallState, policy: Policy, action: Action) -> Stage:
    """Record what the agent did (possibly ahead of the coach) and return the next step."""
    state.actions += 1
    stage = state.stage
    if action is Action.BOUNDARY_STATED:
        state.boundaries += 1
        state.reach(Stage.SET_BOUNDARY)
    elif action is Action.WARNING_GIVEN:
        state.warnings += 1
        state.abuse_since_warning = False
        state.reach(Stage.WARN)
    elif action is Action.TRANSFER_OFFERED:
        state.transfer_offered = True
        if state.last_customer_abusive and rung_index(state.rung) >= rung_index(Stage.WARN):
            state.reach(Stage.TRANSFER)  # the agent moved to the transfer rung ahead of the coach
        stage = Stage.TRANSFER
    elif action is Action.TRANSFER_FAILED:
        stage = _after_failed_transfer(state, policy)
    elif action is Action.TRANSFERRED:
        state.transferred = True
        state.supervisor_pending = False
        state.ended = state.ended or "transferred"
        stage = Stage.TRANSFER
    elif action is Action.CALL_ENDED:
        hang_up = end_call_verdict(state, policy)[0]
        state.ended = state.ended or ("hang_up" if hang_up else "closed")
        stage = Stage.END_CALL if hang_up else Stage.CLOSE
    _enter(state, stage)
    return stage


def end_call_verdict(state: CallState, policy: Policy) -> tuple[bool, str]:
    """Whether the agent may end the call now, and the key of the reason (see
    ``end_call_reasons.*`` in :mod:`calmdesk.coach.messages`). Every condition is checked here,
    not only the rung."""
    if state.ended:
        return False, "ended"
    if not policy.end_call_allowed:
        return False, "policy"
    if not state.last_customer_abusive:
        return False, "not_abusive"
    if state.warnings < policy.warnings_before_end:
        return False, "warnings"
    if not state.abuse_since_warning:
        return False, "no_abuse_after_warning"
    if state.transfer_possible(policy):
        return False, "transfer_possible"
    if state.rung is not Stage.END_CALL:
        return False, "ladder"
    return True, "allowed"


def _climb(state: CallState, policy: Policy) -> Stage:
    """One rung up per abusive turn. Past ``warn`` only once enough warnings were given (the
    coach keeps suggesting a warning until the agent records one), and ``transfer`` holds while
    a transfer is still possible."""
    transfer_possible = state.transfer_possible(policy)
    if state.rung is Stage.TRANSFER and transfer_possible:
        rung = Stage.TRANSFER
    else:
        rung = next_rung(state.rung, transfer_possible=transfer_possible)
    warn_index = rung_index(Stage.WARN)
    if rung_index(rung) > warn_index and state.warnings < policy.warnings_before_end:
        rung = Stage.WARN
    state.reach(rung)
    return rung


def _conversation_step(state: CallState, signals: Signals, new_facts: bool) -> Stage:
    """The step for a customer who is not abusive: listen while they vent, acknowledge, clarify
    the facts, resolve, close. A customer who calms down on the ladder goes to clarify/resolve."""
    if state.stage in _LADDER_ONLY:
        return Stage.RESOLVE if state.clarified and not new_facts else Stage.CLARIFY
    if signals.level == "angry" and not state.acknowledged:
        return Stage.ACKNOWLEDGE if state.listened else Stage.LISTEN
    if not state.acknowledged and (signals.level == "upset" or state.listened) and not new_facts:
        return Stage.ACKNOWLEDGE
    if not state.clarified or new_facts or signals.level == "angry":
        return Stage.CLARIFY
    if not state.resolved:
        return Stage.RESOLVE
    return Stage.CLOSE


def _after_failed_transfer(state: CallState, policy: Policy) -> Stage:
    state.transfer_failed = True
    state.supervisor_pending = False
    if not state.last_customer_abusive:
        return Stage.RESOLVE if state.clarified else Stage.CLARIFY
    if rung_index(state.rung) >= rung_index(Stage.SILENT_RECORD) and (
        state.warnings >= policy.warnings_before_end
    ):
        state.reach(Stage.END_CALL)
        return Stage.END_CALL
    return state.rung or Stage.ACKNOWLEDGE


def _enter(state: CallState, stage: Stage) -> None:
    state.stage = stage
    if stage is Stage.LISTEN:
        state.listened = True
    elif stage is Stage.ACKNOWLEDGE:
        state.acknowledged = True
    elif stage is Stage.CLARIFY:
        state.clarified = True
    elif stage is Stage.RESOLVE:
        state.resolved = True
