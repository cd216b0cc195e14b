"""The abuse ladder, ending a call, supervisor requests and threats, with hand-built signals."""

import itertools

from calmdesk.analysis.signals import Intent
from calmdesk.coach import Conversation, Stage
from calmdesk.playbook.schema import Playbook
from tests.coach.conftest import ConversationFactory
from tests.coach.helpers import signals

ABUSE = "Ty #$&^&%@!"


def walk_to_silent_record(conversation: ConversationFactory, **options: object) -> Conversation:
    talk = conversation(**options)
    talk.customer_says(ABUSE, signals("abusive"))
    talk.customer_says(ABUSE, signals("abusive"))
    talk.customer_says(ABUSE, signals("abusive"))
    talk.agent_did("warning_given")
    guidance = talk.customer_says(ABUSE, signals("abusive"))
    assert guidance.stage is Stage.SILENT_RECORD
    return talk


def test_it_climbs_one_rung_per_abusive_turn(conversation: ConversationFactory) -> None:
    talk = conversation()
    stages = [talk.customer_says(ABUSE, signals("abusive")).stage for _ in range(3)]
    assert stages == [Stage.ACKNOWLEDGE, Stage.SET_BOUNDARY, Stage.WARN]


def test_every_abusive_turn_raises_an_abuse_alert_with_its_evidence(
    conversation: ConversationFactory,
) -> None:
    guidance = conversation().customer_says(ABUSE, signals("abusive"))
    assert guidance.alert_kinds() == ["abuse"]
    assert guidance.alerts[0].evidence == ("#$&^&%@",)


def test_it_keeps_suggesting_a_warning_until_one_is_recorded(
    conversation: ConversationFactory,
) -> None:
    talk = conversation()
    for _ in range(3):
        talk.customer_says(ABUSE, signals("abusive"))
    repeated = talk.customer_says(ABUSE, signals("abusive"))
    assert repeated.stage is Stage.WARN
    assert not repeated.may_end_call
    talk.agent_did("warning_given")
    assert talk.customer_says(ABUSE, signals("abusive")).stage is Stage.SILENT_RECORD


def test_a_warning_variant_is_not_repeated_twice_in_a_row(
    conversation: ConversationFactory,
) -> None:
    talk = conversation()
    texts = [talk.customer_says(ABUSE, signals("abusive")).suggestions[0].text for _ in range(5)]
    warnings = texts[2:]
    assert all(a != b for a, b in itertools.pairwise(warnings))


def test_end_call_is_allowed_only_after_the_transfer_failed(
    conversation: ConversationFactory,
) -> None:
    talk = walk_to_silent_record(conversation)
    transfer = talk.customer_says(ABUSE, signals("abusive"))
    assert transfer.stage is Stage.TRANSFER
    assert not transfer.may_end_call
    assert "przełączenie" in transfer.end_call_reason.lower()
    assert talk.customer_says(ABUSE, signals("abusive")).stage is Stage.TRANSFER
    failed = talk.agent_did("transfer_failed")
    assert failed.stage is Stage.END_CALL
    assert failed.may_end_call


def test_transfer_is_skipped_when_the_contact_cannot_transfer(
    conversation: ConversationFactory,
) -> None:
    talk = walk_to_silent_record(conversation, can_transfer=False)
    guidance = talk.customer_says(ABUSE, signals("abusive"))
    assert guidance.stage is Stage.END_CALL
    assert guidance.may_end_call


def test_transfer_is_skipped_when_the_playbook_has_no_transfer(
    playbook: Playbook, conversation: ConversationFactory
) -> None:
    policy = playbook.conversation.model_copy(update={"transfer_available": False})
    no_transfer = playbook.model_copy(update={"conversation": policy})
    talk = walk_to_silent_record(conversation, playbook=no_transfer)
    assert talk.customer_says(ABUSE, signals("abusive")).may_end_call


def test_end_call_is_never_allowed_when_the_playbook_forbids_it(
    playbook: Playbook, conversation: ConversationFactory
) -> None:
    policy = playbook.conversation.model_copy(update={"end_call_allowed": False})
    strict = playbook.model_copy(update={"conversation": policy})
    talk = walk_to_silent_record(conversation, can_transfer=False, playbook=strict)
    guidance = talk.customer_says(ABUSE, signals("abusive"))
    assert not guidance.may_end_call
    assert "polityka" in guidance.end_call_reason.lower()


def test_two_warnings_are_needed_when_the_playbook_says_so(
    playbook: Playbook, conversation: ConversationFactory
) -> None:
    policy = playbook.conversation.model_copy(update={"warnings_before_end": 2})
    patient = playbook.model_copy(update={"conversation": policy})
    talk = conversation(playbook=patient, can_transfer=False)
    for _ in range(3):
        talk.customer_says(ABUSE, signals("abusive"))
    talk.agent_did("warning_given")
    assert talk.customer_says(ABUSE, signals("abusive")).stage is Stage.WARN
    talk.agent_did("warning_given")
    assert talk.customer_says(ABUSE, signals("abusive")).stage is Stage.SILENT_RECORD
    assert talk.customer_says(ABUSE, signals("abusive")).may_end_call


def test_an_angry_customer_who_is_not_abusive_never_allows_ending(
    conversation: ConversationFactory,
) -> None:
    talk = walk_to_silent_record(conversation, can_transfer=False)
    talk.customer_says(ABUSE, signals("abusive"))
    guidance = talk.customer_says("TO SKANDAL, ODDAJCIE PIENIĄDZE!", signals("angry"))
    assert not guidance.may_end_call
    assert guidance.stage in (Stage.CLARIFY, Stage.RESOLVE)


def test_a_customer_who_calms_down_leaves_the_ladder_and_resumes_from_the_rung(
    conversation: ConversationFactory,
) -> None:
    talk = conversation()
    talk.customer_says(ABUSE, signals("abusive"))
    talk.customer_says(ABUSE, signals("abusive"))
    calm = talk.customer_says("Dobrze, przepraszam. Chodzi o laptopa.", signals("upset"))
    assert calm.stage is Stage.CLARIFY
    assert calm.rung is Stage.SET_BOUNDARY
    assert talk.customer_says(ABUSE, signals("abusive")).stage is Stage.WARN


def test_a_supervisor_request_is_honoured_at_once_whatever_the_rung(
    conversation: ConversationFactory,
) -> None:
    talk = conversation()
    talk.customer_says(ABUSE, signals("abusive"))
    guidance = talk.customer_says(
        "Dajcie mi kierownika!", signals("angry", intents=[Intent.SUPERVISOR_REQUEST])
    )
    assert guidance.stage is Stage.TRANSFER
    assert "supervisor_requested" in guidance.alert_kinds()
    assert guidance.suggestions[0].step == "transfer"


def test_a_supervisor_request_holds_until_the_transfer_is_done_or_fails(
    conversation: ConversationFactory,
) -> None:
    talk = conversation()
    talk.customer_says(
        "Chcę rozmawiać z przełożonym.", signals("upset", intents=["supervisor_request"])
    )
    assert talk.customer_says("Halo, no i co?", signals("upset")).stage is Stage.TRANSFER
    after = talk.agent_did("transfer_failed")
    assert after.stage in (Stage.CLARIFY, Stage.RESOLVE)
    assert not after.may_end_call


def test_threats_raise_alerts_and_do_not_climb_the_ladder(
    conversation: ConversationFactory,
) -> None:
    talk = conversation()
    intents = [Intent.THREAT_PUBLIC, Intent.THREAT_LEGAL, Intent.CHURN]
    guidance = talk.customer_says(
        "Opiszę to wszędzie, idę do sądu.", signals("angry", intents=intents)
    )
    assert sorted(guidance.alert_kinds()) == ["churn_risk", "threat_legal", "threat_public"]
    assert guidance.rung is None
    assert guidance.stage is Stage.LISTEN


def test_the_agent_may_act_ahead_of_the_coach(conversation: ConversationFactory) -> None:
    talk = conversation(can_transfer=False)
    ahead = talk.agent_did("warning_given")
    assert ahead.rung is Stage.WARN
    assert talk.customer_says(ABUSE, signals("abusive")).stage is Stage.SILENT_RECORD


def test_a_hang_up_is_recorded_and_recommends_a_break(conversation: ConversationFactory) -> None:
    talk = walk_to_silent_record(conversation, can_transfer=False)
    talk.customer_says(ABUSE, signals("abusive"))
    ended = talk.agent_did("call_ended")
    assert "break_recommended" in ended.alert_kinds()
    summary = talk.summary()
    assert summary.ended == "hang_up"
    assert summary.highest_rung is Stage.END_CALL
    assert summary.break_minutes > 0


def test_a_supervisor_request_without_transfer_promises_no_transfer(
    conversation: ConversationFactory,
) -> None:
    talk = conversation(can_transfer=False)
    guidance = talk.customer_says(
        "Chcę rozmawiać z kierownikiem.", signals("upset", intents=["supervisor_request"])
    )
    assert guidance.stage is Stage.TRANSFER
    assert guidance.alert_kinds() == ["supervisor_requested"]
    assert "Przełączenie nieudane" in guidance.alerts[0].message
    assert guidance.suggestions == ()


def test_offering_a_transfer_ahead_of_the_coach_counts_as_the_transfer_rung(
    conversation: ConversationFactory,
) -> None:
    talk = walk_to_silent_record(conversation)
    talk.agent_did("transfer_offered")
    assert talk.guidance is not None and talk.guidance.rung is Stage.TRANSFER
    assert talk.agent_did("transfer_failed").may_end_call
    assert talk.summary().rungs[-2:] == (Stage.TRANSFER, Stage.END_CALL)
