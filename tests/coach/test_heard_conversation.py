"""The coach hears the agent: the steps in the agent's words move the call like the buttons,
can be taken back, and the suggestions follow what the agent already said."""

from __future__ import annotations

import pytest

from calmdesk.coach import LADDER, Conversation, Guidance, Stage
from calmdesk.coach.events import AgentSaid, StepUndone, event_from_dict
from calmdesk.coach.phrases import find_negative_wordings
from calmdesk.errors import InvalidInput
from calmdesk.playbook.load import default_playbook
from tests.coach.conftest import ConversationFactory
from tests.coach.helpers import STARTED_AT

# Seed 001 (Marian and Bartek), in text, without a single click: every agent step is spoken.
SEED_001 = [
    ("customer", "Czy wy do końca #$&^&%@! w tym HelpDesku? Ile #*&^a mam czekać na laptopa?"),
    ("agent", "Dzień dobry, nazywam się Bartek. Słyszę, że jest pan mocno zdenerwowany."),
    ("customer", "Słuchaj $#%^&, nie interesuje mnie jak się nazywasz. Chcę dostać laptopa."),
    ("agent", "Chcę pomóc, ale proszę zwracać się do mnie z szacunkiem."),
    ("customer", "Słuchaj $#%^$, ty durniu jeden, jesteście bandą złodziei!"),
    ("agent", "Przy kolejnej obeldze będę zmuszony zakończyć rozmowę."),
    ("customer", "Gówno mnie obchodzą wasze zasady, idioto!"),
    ("customer", "Czy jesteś tam jeszcze?"),
    ("agent", "Tak, jestem tutaj i notuję każde pańskie słowo."),
    ("customer", "No co tak milczysz, kretynie? #$&^&%@!"),
    ("agent", "Spróbuję połączyć pana z inną osobą, która się tym zajmie. Proszę zostać na linii."),
    ("customer", "Ty #$&^&%@! nawet przełączyć nie umiesz!"),
    ("agent", "Niestety nie udało się pana połączyć, przełożony jest teraz niedostępny."),
]


def play(talk: Conversation, turns: list[tuple[str, str]]) -> list[Guidance]:
    return [
        talk.customer_says(text) if who == "customer" else talk.agent_says(text)
        for who, text in turns
    ]


def test_seed_001_in_text_climbs_the_whole_ladder_without_a_click(
    conversation: ConversationFactory,
) -> None:
    talk = conversation(lang="pl", can_transfer=True)
    guidance = play(talk, SEED_001)
    steps = [[h.step for h in g.heard] for g in guidance]
    assert steps[1] == ["acknowledge"]
    assert steps[3] == ["boundary"]
    assert steps[5] == ["warning"]
    assert steps[8] == ["silent_record"]
    assert steps[10] == ["transfer"]
    assert steps[12] == ["transfer_failed"]
    summary = talk.summary()
    assert summary.rungs == LADDER  # every rung, in order
    assert (summary.warnings, summary.boundaries, summary.transfer.failed) == (1, 1, True)
    # ending the call becomes possible only at the very end, never before
    assert [g.may_end_call for g in guidance] == [False] * 12 + [True]
    assert guidance[-1].stage is Stage.END_CALL
    assert "warning" in guidance[5].heard[0].message.lower() or guidance[5].heard[0].message


def test_the_call_may_end_only_after_the_spoken_warning_was_followed_by_more_abuse(
    conversation: ConversationFactory,
) -> None:
    talk = conversation(lang="pl", can_transfer=False)
    insults = [
        "Ty idioto, gdzie mój laptop?!",
        "Jesteś skończonym kretynem!",
        "Banda złodziei i idiotów!",
        "Ty durniu, nic nie umiesz!",
        "Idiota, kretyn i złodziej!",
    ]
    play(talk, [("customer", insults[0]), ("customer", insults[1]), ("customer", insults[2])])
    warned = talk.agent_says("Jeśli nadal będzie mnie Pan obrażać, zakończę rozmowę.")
    assert [h.step for h in warned.heard] == ["warning"]
    assert warned.may_end_call is False and talk.summary().warnings == 1
    first = talk.customer_says(insults[3])  # abuse after the warning: silent_record first
    assert first.stage is Stage.SILENT_RECORD and first.may_end_call is False
    last = talk.customer_says(insults[4])
    assert last.stage is Stage.END_CALL and last.may_end_call is True


def test_a_goodbye_that_looks_like_a_warning_never_opens_the_end_of_the_call(
    conversation: ConversationFactory,
) -> None:
    talk = conversation(lang="pl", can_transfer=False)
    for text in ("Ty idioto!", "Kretynie jeden!", "Banda idiotów!"):
        talk.customer_says(text)
    talk.agent_says("Jeśli nie ma Pan więcej pytań, zakończę rozmowę.")
    later = [talk.customer_says(text) for text in ("Ty durniu!", "Idioto!", "Kretynie!")]
    assert talk.summary().warnings == 0
    assert not any(g.may_end_call for g in later)
    assert later[-1].end_call_reason


@pytest.mark.parametrize(
    ("lang", "insults", "warning"),
    [
        (
            "ru",
            ["Ты идиот!", "Придурок!", "Кретин!", "Дебил!", "Идиот!"],
            "Ещё одно оскорбление, и я прерву звонок.",
        ),
        (
            "en",
            ["You idiot!", "Moron!", "You stupid idiot!", "Idiot!", "You moron!"],
            "One more insult and I'll have to hang up.",
        ),
    ],
)
def test_the_spoken_warning_works_in_russian_and_english(
    lang: str, insults: list[str], warning: str
) -> None:
    talk = Conversation(
        default_playbook(lang), lang=lang, can_transfer=False, started_at=STARTED_AT
    )
    for text in insults[:3]:
        talk.customer_says(text)
    assert [h.step for h in talk.agent_says(warning).heard] == ["warning"]
    talk.customer_says(insults[3])
    assert talk.customer_says(insults[4]).may_end_call is True


def test_a_click_after_the_spoken_step_confirms_it_and_is_not_counted_twice(
    conversation: ConversationFactory,
) -> None:
    talk = conversation(lang="pl")
    talk.customer_says("Ty idioto!")
    talk.agent_says("Proszę zwracać się do mnie z szacunkiem.")
    talk.agent_did("boundary_stated")
    assert talk.summary().boundaries == 1
    talk.agent_did("boundary_stated")  # a second click is a second boundary
    assert talk.summary().boundaries == 2


def test_a_heard_step_is_undone_and_the_call_goes_on_as_if_it_was_not_said(
    conversation: ConversationFactory,
) -> None:
    talk = conversation(lang="pl", can_transfer=False)
    for text in ("Ty idioto!", "Kretynie jeden!", "Banda idiotów!"):
        talk.customer_says(text)
    talk.agent_says("Przy kolejnej obeldze zakończę rozmowę.")
    turn = len(talk.events)
    undone = talk.undo(turn, "warning")
    assert undone.heard[0].undone and undone.heard[0].turn == turn
    assert talk.summary().warnings == 0
    assert undone.stage is Stage.WARN and undone.suggestions  # the coach asks for the warning
    after = [talk.customer_says(t) for t in ("Ty durniu!", "Idioto!", "Kretynie!")]
    assert not any(g.may_end_call for g in after)
    assert [h.undone for h in talk.heard_steps()] == [True]
    rebuilt = Conversation.from_events(
        talk.playbook,
        talk.events,
        lang="pl",
        agent_name="Bartek",
        can_transfer=False,
        started_at=STARTED_AT,
    )
    assert rebuilt.guidance == talk.guidance
    assert rebuilt.summary() == talk.summary()


def test_only_a_heard_step_can_be_undone_and_only_once(conversation: ConversationFactory) -> None:
    talk = conversation(lang="pl")
    talk.customer_says("Ty idioto!")
    talk.agent_says("Proszę zwracać się do mnie z szacunkiem.")
    with pytest.raises(InvalidInput) as customer_turn:
        talk.undo(1, "boundary")
    assert customer_turn.value.code == "nothing_to_undo"
    with pytest.raises(InvalidInput) as other_step:
        talk.undo(2, "warning")
    assert other_step.value.code == "nothing_to_undo"
    with pytest.raises(InvalidInput) as unknown:
        talk.undo(2, "dance")
    assert unknown.value.code == "unknown_step"
    talk.undo(2, "boundary")
    with pytest.raises(InvalidInput) as twice:
        talk.undo(2, "boundary")
    assert twice.value.code == "nothing_to_undo"
    with pytest.raises(InvalidInput):
        talk.undo(99, "boundary")
    assert len(talk.events) == 3  # refused undos leave no event


def test_heard_steps_and_undos_survive_the_dict_form() -> None:
    talk = Conversation(default_playbook("pl"), lang="pl", agent_name="Bartek")
    talk.customer_says("Ty idioto!")
    talk.agent_says("Proszę mnie nie obrażać.")
    talk.undo(2, "boundary")
    events = [event_from_dict(e.to_dict()) for e in talk.events]
    assert events == list(talk.events)
    assert isinstance(events[1], AgentSaid) and events[1].heard[0].step == "boundary"
    assert isinstance(events[2], StepUndone)


def test_a_fact_the_agent_restated_is_not_suggested_again(
    conversation: ConversationFactory,
) -> None:
    talk = conversation(lang="pl")
    first = talk.customer_says("Faktura FV/2025/03/123 jest o 200 zł wyższa niż w umowie.")
    assert any("FV/2025/03/123" in s.text for s in first.suggestions)
    line = talk.agent_says("Rozumiem, chodzi o fakturę FV/2025/03/123, tak?")
    assert [h.step for h in line.heard][-1] == "restate"
    assert line.stage is Stage.CLARIFY  # the amount is still to be restated, and only it
    said = " ".join(s.text for s in line.suggestions)
    assert "FV/2025/03/123" not in said and "200" in said
    both = talk.agent_says("Kwota 200 zł się nie zgadza, sprawdzę to.")
    assert both.stage is Stage.RESOLVE  # every fact restated: on to the solution


def test_the_next_suggestion_follows_the_agents_last_line(
    conversation: ConversationFactory,
) -> None:
    talk = conversation(lang="pl")
    upset = talk.customer_says("Jestem naprawdę zdenerwowany, czekam już trzeci tydzień.")
    assert upset.stage in (Stage.ACKNOWLEDGE, Stage.CLARIFY)
    line = talk.agent_says("Nazywam się Bartek. Rozumiem, że to bardzo frustrujące.")
    assert line.heard[0].step == "acknowledge"
    # not the empathy again, and not "nothing" until the customer speaks: the next step
    assert line.stage is Stage.CLARIFY and line.suggestions
    assert line.suggestions[0].step in ("clarify", "intake_question")


def test_a_line_that_does_not_do_the_step_keeps_the_suggestion_on_screen(
    conversation: ConversationFactory,
) -> None:
    talk = conversation(lang="pl")
    first = talk.customer_says("Ty idioto, gdzie mój laptop?!")
    line = talk.agent_says("Chwileczkę.")
    assert line.heard == () and line.suggestions == first.suggestions


def test_a_phrase_the_agent_read_out_is_not_offered_again(
    conversation: ConversationFactory,
) -> None:
    talk = conversation(lang="pl")
    for text in ("Ty idioto!", "Kretynie!", "Banda idiotów!"):
        talk.customer_says(text)
    talk.agent_did("warning_given")
    talk.customer_says("Ty durniu!")
    asked = talk.customer_says("Jesteś tam?")
    offered = asked.suggestions[0].text
    answer = talk.agent_says(offered)
    assert answer.heard[0].step == "silent_record" and answer.heard[0].evidence
    again = talk.customer_says("Halo, jesteś tam?")
    assert again.suggestions[0].step == "still_here"
    assert again.suggestions[0].text != offered


@pytest.mark.parametrize("apologised", [False, True])
def test_an_apology_already_made_is_not_suggested_twice(
    conversation: ConversationFactory, apologised: bool
) -> None:
    talk = conversation(lang="pl")
    talk.customer_says("Dostałem fakturę FV/2025/03/123 na 200 zł więcej niż w umowie.")
    if apologised:
        assert talk.agent_says("Bardzo przepraszam za ten błąd.").heard[0].step == "apology"
    resolve = talk.agent_says("Faktura FV/2025/03/123, kwota 200 zł: sprawdzę to.")
    assert resolve.stage is Stage.RESOLVE  # the restated facts lead straight to the solution
    apologises = "przeprasza" in resolve.suggestions[0].text.lower()
    assert apologises is not apologised


FLAGGED = {
    "pl": [
        "Niestety nie jesteśmy w stanie tego zmienić.",
        "To nie ode mnie zależy.",
        "Nie możemy zwrócić pieniędzy.",
        "Nic więcej nie mogę zrobić.",
        "Takie są procedury.",
        "Nie mam na to wpływu.",
        "To niemożliwe.",
    ],
    "ru": [
        "Ничем не могу помочь.",
        "Так не положено.",
        "Мы не можем вернуть деньги.",
        "Это не от меня зависит.",
        "Ничего не могу сделать.",
        "Успокойтесь, пожалуйста.",
    ],
    "en": [
        "There's nothing I can do.",
        "We can't refund that.",
        "It's not up to me.",
        "That's our policy.",
        "I'm not allowed to change it.",
        "That\u2019s not my department.",
    ],
}
CLEAN = {
    "pl": [
        "Nie mogę się doczekać, aż to rozwiążemy.",
        "Nie ma problemu, już sprawdzam.",
        "Nic nie szkodzi, zaraz to poprawię.",
        "Mogę zaproponować zwrot w ciągu 14 dni.",
    ],
    "ru": [
        "Не могу дождаться, когда всё решится.",
        "Ничего страшного, сейчас проверю.",
        "Я могу предложить возврат.",
    ],
    "en": [
        "I can't wait to get this sorted for you.",
        "I can't thank you enough for your patience.",
        "Here is what I can do for you.",
    ],
}


@pytest.mark.parametrize(
    ("lang", "line"), [(lang, line) for lang, lines in FLAGGED.items() for line in lines]
)
def test_negative_wording_is_flagged_in_the_forms_agents_use(lang: str, line: str) -> None:
    found = find_negative_wordings(line, default_playbook(lang), lang)
    assert found, line
    assert all(f.phrase.lower() in line.lower().replace("\u2019", "'") for f in found)
    assert all(f.alternative for f in found)


@pytest.mark.parametrize(
    ("lang", "line"), [(lang, line) for lang, lines in CLEAN.items() for line in lines]
)
def test_look_alikes_of_negative_wording_stay_clean(lang: str, line: str) -> None:
    assert find_negative_wordings(line, default_playbook(lang), lang) == []


def test_the_negative_wording_alert_reaches_the_agent_with_an_alternative() -> None:
    talk = Conversation(default_playbook("ru"), lang="ru", ui_lang="ru", started_at=STARTED_AT)
    alerts = talk.agent_says("Извините, ничем не могу помочь.").alerts
    assert [a.kind for a in alerts] == ["negative_wording"]
    assert alerts[0].alternative and "ничем не могу помочь" in alerts[0].evidence[0].lower()
