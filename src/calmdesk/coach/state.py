"""The call's state and how each event changes it: the ladder, the conversation steps and the
rule for ending a call. No phrases here (see :mod:`calmdesk.coach.phrases`).

The state is only ever built by replaying events through :func:`customer_turn`,
:func:`agent_turn` and :func:`agent_action`, so the same events always give the same state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from calmdesk.analysis.signals import Fact, Intent, Signals
from calmdesk.coach.heard import Heard, Step, fact_key
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
    end_allowed: bool | None = None
    """For a hang-up: whether the coach allowed ending the call then (``None`` otherwise)."""
    end_reason: str | None = None
    """The key of the verdict's reason at that moment (``messages.END_CALL_REASONS``)."""
    customer_turns: int = 0
    agent_turns: int = 0
    actions: int = 0
    abusive_turns: int = 0
    peak_anger: float = 0.0
    facts: list[Fact] = field(default_factory=list)
    intents: set[str] = field(default_factory=set)
    texts: list[str] = field(default_factory=list)
    suggested: Counter[str] = field(default_factory=Counter)
    # What the agent's own words did (coach/heard.py):
    restated: set[str] = field(default_factory=set)
    """The customer's facts (``kind:value``) the agent restated."""
    said: list[str] = field(default_factory=list)
    """The coach's phrases the agent said: not offered again."""
    heard_actions: set[Action] = field(default_factory=set)
    """Button actions heard since the customer last spoke: a click on one confirms it."""
    heard: Counter[str] = field(default_factory=Counter)
    thanked: bool = False
    apologised: bool = False
    closed: bool = False

    def unrestated_facts(self) -> list[Fact]:
        return [f for f in self.facts if fact_key(f) not in self.restated]

    def transfer_possible(self, policy: Policy) -> bool:
        return policy.transfer_available and not self.transfer_failed and not self.transferred

    def reach(self, rung: Stage) -> None:
        if rung_index(rung) > rung_index(self.rung):
            self.rungs.append(rung)
        self.rung = higher_rung(self.rung, rung)


# The step of the agent's that carries out each stage.
STAGE_STEPS: dict[Stage, Step] = {
    Stage.ACKNOWLEDGE: Step.ACKNOWLEDGE,
    Stage.CLARIFY: Step.RESTATE,
    Stage.SET_BOUNDARY: Step.BOUNDARY,
    Stage.WARN: Step.WARNING,
    Stage.SILENT_RECORD: Step.SILENT_RECORD,
    Stage.TRANSFER: Step.TRANSFER,
    Stage.RESOLVE: Step.RESOLVE,
    Stage.CLOSE: Step.CLOSE,
}


@dataclass(frozen=True, slots=True)
class AgentOutcome:
    """After an agent's line: the stage, whether to suggest its phrases afresh (the line moved
    the call on), and whether the line left the previous suggestions still to be said."""

    stage: Stage
    suggest: bool
    keep_previous: bool


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
    state.heard_actions.clear()
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


def agent_turn(
    state: CallState, policy: Policy, heard: Sequence[Heard], said: Sequence[str]
) -> AgentOutcome:
    """Record the agent's line: each step heard has the effect of its button (boundary,
    warning, transfer offered or failed) or its own (acknowledged, facts restated, silence and
    record on the ladder, thanks, apology, solution, goodbye), and the next step follows it."""
    state.agent_turns += 1
    state.said.extend(text for text in said if text not in state.said)
    before = state.stage
    stage = before
    for item in heard:
        state.heard[item.step.value] += 1
        stage = _hear_step(state, policy, item, stage)
    if state.ended is not None:
        return AgentOutcome(state.stage, suggest=False, keep_previous=False)
    done = {item.step for item in heard}
    following = stage if stage is not before else _following(state, before, done)
    if following is not None:
        _enter(state, following)
        said_it = STAGE_STEPS.get(following) in done
        if following is Stage.CLARIFY and state.unrestated_facts():
            said_it = False  # some facts restated: the others are still to be
        return AgentOutcome(following, suggest=not said_it, keep_previous=False)
    # The line did not move the call on: what was suggested is still to be said, unless the
    # line did the current step (then the customer speaks next).
    return AgentOutcome(stage, suggest=False, keep_previous=STAGE_STEPS.get(stage) not in done)


def _hear_step(state: CallState, policy: Policy, item: Heard, stage: Stage) -> Stage:
    """One heard step's effect on the state; returns the stage it leads to."""
    action = item.action
    if action is not None:
        if state.ended is None:
            stage = _apply_action(state, policy, action)
            state.heard_actions.add(action)
        return stage
    step = item.step
    if step is Step.ACKNOWLEDGE:
        state.listened = state.acknowledged = True
    elif step is Step.RESTATE:
        state.restated.update(item.facts)
        state.clarified = True
    elif step is Step.SILENT_RECORD:
        # the agent's own "I am here and I note every word", on the ladder past the warning
        if (
            state.last_customer_abusive
            and state.warnings >= policy.warnings_before_end
            and rung_index(state.rung) >= rung_index(Stage.WARN)
        ):
            state.reach(Stage.SILENT_RECORD)
            if state.rung is Stage.SILENT_RECORD:
                stage = Stage.SILENT_RECORD
    elif step is Step.THANKS:
        state.thanked = True
    elif step is Step.APOLOGY:
        state.apologised = True
    elif step is Step.RESOLVE:
        state.resolved = True
    elif step is Step.CLOSE:
        state.closed = True
    return stage


def _following(state: CallState, before: Stage, done: set[Step]) -> Stage | None:
    """The conversation step after an agent's line that did the current one (a calm customer
    only: on the ladder the customer's answer decides)."""
    if state.last_customer_abusive or state.supervisor_pending:
        return None
    if Step.RESTATE in done and before in _BEFORE_RESOLVE:
        return Stage.CLARIFY if state.unrestated_facts() else Stage.RESOLVE
    if Step.ACKNOWLEDGE in done and before in (Stage.LISTEN, Stage.ACKNOWLEDGE):
        return Stage.CLARIFY
    if Step.RESOLVE in done and before is Stage.RESOLVE:
        return Stage.CLOSE
    return None


_BEFORE_RESOLVE = (Stage.LISTEN, Stage.ACKNOWLEDGE, Stage.CLARIFY)


def agent_action(state: CallState, policy: Policy, action: Action) -> Stage:
    """Record what the agent did (possibly ahead of the coach) and return the next step. A
    click on a button whose step was just heard in the agent's words confirms it (counted
    once)."""
    state.actions += 1
    if action in state.heard_actions:
        state.heard_actions.discard(action)
        return state.stage
    stage = _apply_action(state, policy, action)
    _enter(state, stage)
    return stage


def _apply_action(state: CallState, policy: Policy, action: Action) -> Stage:
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
        if not state.ended:
            verdict = end_call_verdict(state, policy)
            state.ended = outcome_if_ended(state)
            if state.ended == "hang_up":  # a normal close needs no permission
                state.end_allowed, state.end_reason = verdict
        stage = Stage.END_CALL if state.ended == "hang_up" else Stage.CLOSE
    return stage


def in_abuse(state: CallState) -> bool:
    """The customer's abuse is not over: the last line was abusive, or the call is still on a
    rung only abuse leads to (``silent_record`` while the customer asks "are you there?")."""
    return state.last_customer_abusive or (state.rung is not None and state.stage in _LADDER_ONLY)


def outcome_if_ended(state: CallState) -> str:
    """What ending the call now records: ``transferred`` once transferred, ``hang_up`` while the
    abuse is not over (whether or not the coach allowed it: see ``end_allowed``), else
    ``closed``."""
    if state.ended:
        return state.ended
    if state.transferred:
        return "transferred"
    return "hang_up" if in_abuse(state) else "closed"


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
