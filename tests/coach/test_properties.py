"""Properties over random sequences of customer turns, agent words and actions."""

from datetime import UTC, datetime
from typing import Literal, TypedDict

from hypothesis import given, settings
from hypothesis import strategies as st

from calmdesk.analysis.signals import LEVELS, Intent, Level
from calmdesk.coach import LADDER, Action, AgentDid, Conversation, CustomerSaid, Guidance, Stage
from calmdesk.playbook.load import default_playbook
from tests.coach.helpers import signals

CustomerStep = tuple[Literal["customer"], Level, frozenset[Intent], str]
AgentStep = tuple[Literal["agent"], str]
ActionStep = tuple[Literal["action"], Action]
Step = CustomerStep | AgentStep | ActionStep


class Options(TypedDict):
    can_transfer: bool
    agent_name: str | None


PLAYBOOK = default_playbook("pl")
STARTED_AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

# Weighted towards abuse, warnings and failed transfers so the top of the ladder is often reached.
WEIGHTED_LEVELS: list[Level] = [*LEVELS, "abusive", "abusive", "abusive"]
customer_turns: st.SearchStrategy[CustomerStep] = st.tuples(
    st.just("customer"),
    st.sampled_from(WEIGHTED_LEVELS),
    st.one_of(
        st.just(frozenset[Intent]()),
        st.just(frozenset[Intent]()),
        st.frozensets(st.sampled_from(list(Intent)), max_size=2),
    ),
    st.sampled_from(["Gdzie moja paczka?", "Jesteś tam?", "#$&^&%@!", "Dobrze."]),
)
agent_turns: st.SearchStrategy[AgentStep] = st.tuples(
    st.just("agent"), st.sampled_from(["Nie mogę.", "Gwarantuję to.", "Sprawdzę to."])
)
actions: st.SearchStrategy[ActionStep] = st.tuples(
    st.just("action"),
    st.sampled_from([*Action, Action.WARNING_GIVEN, Action.WARNING_GIVEN, Action.TRANSFER_FAILED]),
)
random_steps: st.SearchStrategy[list[Step]] = st.lists(
    st.one_of(customer_turns, customer_turns, customer_turns, agent_turns, actions), max_size=30
)
ABUSIVE_TURN: CustomerStep = ("customer", "abusive", frozenset(), "#$&^&%@!")
# Half the runs start up the ladder to the warning, so the rule for ending is really exercised.
LADDER_START: list[Step] = [
    ABUSIVE_TURN,
    ABUSIVE_TURN,
    ABUSIVE_TURN,
    ("action", Action.WARNING_GIVEN),
]
steps = st.one_of(random_steps, random_steps.map(lambda tail: LADDER_START + tail))
options = st.builds(Options, can_transfer=st.booleans(), agent_name=st.sampled_from([None, "Ola"]))


def play(steps: list[Step], opts: Options) -> tuple[Conversation, list[Guidance]]:
    talk = Conversation(PLAYBOOK, started_at=STARTED_AT, **opts)
    guidance = []
    for step in steps:
        if step[0] == "customer":
            _, level, intents, text = step
            guidance.append(talk.customer_says(text, signals(level, intents=intents)))
        elif step[0] == "agent":
            guidance.append(talk.agent_says(step[1]))
        else:
            guidance.append(talk.agent_did(step[1]))
    return talk, guidance


@settings(max_examples=150, deadline=None)
@given(steps, options)
def test_ending_is_never_allowed_without_a_warning_and_abuse_after_it(
    steps: list[Step], opts: Options
) -> None:
    talk, guidance = play(steps, opts)
    for index, advice in enumerate(guidance):
        if not advice.may_end_call:
            continue
        history = talk.events[: index + 1]
        warnings = [i for i, e in enumerate(history) if e == AgentDid(Action.WARNING_GIVEN)]
        assert warnings, "may_end_call without any warning"
        after = history[warnings[-1] + 1 :]
        assert any(isinstance(e, CustomerSaid) and e.signals.is_abusive for e in after)
        last_customer = [e for e in history if isinstance(e, CustomerSaid)][-1]
        assert last_customer.signals.is_abusive, "may_end_call for a customer not abusive"


@settings(max_examples=150, deadline=None)
@given(steps, options)
def test_a_supervisor_request_always_yields_transfer(steps: list[Step], opts: Options) -> None:
    talk, guidance = play(steps, opts)
    for event, advice in zip(talk.events, guidance, strict=True):
        if isinstance(event, CustomerSaid) and Intent.SUPERVISOR_REQUEST in event.signals.intents:
            assert advice.stage is Stage.TRANSFER
            assert "supervisor_requested" in advice.alert_kinds()


@settings(max_examples=100, deadline=None)
@given(steps, options)
def test_replaying_the_events_gives_equal_guidance(steps: list[Step], opts: Options) -> None:
    talk, guidance = play(steps, opts)
    again = Conversation(PLAYBOOK, started_at=STARTED_AT, **opts)
    assert [again.record(event) for event in talk.events] == guidance
    assert again.summary() == talk.summary()
    assert 0.0 <= talk.summary().difficulty <= 1.0


@settings(max_examples=100, deadline=None)
@given(steps, options)
def test_the_rung_never_goes_down_and_ending_needs_the_last_rung(
    steps: list[Step], opts: Options
) -> None:
    _, guidance = play(steps, opts)
    reached = -1
    for advice in guidance:
        index = LADDER.index(advice.rung) if advice.rung else -1
        assert index >= reached
        reached = index
        if advice.may_end_call:
            assert advice.rung is Stage.END_CALL
            # transfer: a supervisor request or an offer the agent made with no transfer possible
            assert advice.stage in (Stage.END_CALL, Stage.TRANSFER)
