"""The coach on a threat of violence and on words of self-harm: the loudest alerts first, with
the playbook's procedure in the agent's language; care instead of the ladder for self-harm."""

from __future__ import annotations

from calmdesk.coach.conversation import Conversation
from calmdesk.coach.stages import AlertKind
from calmdesk.playbook.load import default_playbook

PL = default_playbook("pl")


def test_a_threat_of_violence_comes_first_with_the_safety_procedure() -> None:
    coach = Conversation(PL, ui_lang="ru")  # a Russian-speaking agent on a Polish line
    guidance = coach.customer_says("Wiem, gdzie mieszkasz. Uważaj na siebie.")
    assert guidance.alerts[0].kind is AlertKind.THREAT_VIOLENCE
    assert "охране здания" in guidance.alerts[0].message  # who to call, in the agent's language
    assert guidance.suggestions[0].step == "safety"
    assert guidance.suggestions[0].text == PL.safety.violence.say["pl"]  # type: ignore[union-attr]


def test_self_harm_gets_care_and_never_climbs_the_ladder() -> None:
    coach = Conversation(PL, ui_lang="en")
    guidance = coach.customer_says("Zaraz sobie coś zrobię przez was, nie chcę już żyć.")
    assert [a.kind for a in guidance.alerts] == [AlertKind.SELF_HARM]
    assert "116 123" in guidance.alerts[0].message
    assert [s.step for s in guidance.suggestions] == ["care"]
    assert guidance.rung is None
    assert not guidance.may_end_call


def test_an_idiom_gets_neither() -> None:
    coach = Conversation(PL, ui_lang="pl")
    guidance = coach.customer_says("Te opłaty mnie wykończą, to jakiś żart.")
    kinds = {a.kind for a in guidance.alerts}
    assert AlertKind.THREAT_VIOLENCE not in kinds and AlertKind.SELF_HARM not in kinds
