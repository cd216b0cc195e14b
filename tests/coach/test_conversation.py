"""Conversation steps, phrases and the agent's words, with hand-built signals."""

import pytest

from calmdesk.analysis.line import MAX_TEXT_CHARS
from calmdesk.coach import Conversation, Stage
from calmdesk.coach.alerts import capped_evidence
from calmdesk.coach.stages import AlertKind
from calmdesk.errors import InvalidInput
from calmdesk.playbook.load import default_playbook
from calmdesk.playbook.schema import Playbook
from tests.coach.conftest import ConversationFactory
from tests.coach.helpers import amount, invoice, signals

INVOICE_COMPLAINT = "Faktura FV/2025/03/123 jest o 200 zł wyższa niż w umowie."


def test_it_listens_while_the_customer_vents_then_acknowledges(
    conversation: ConversationFactory,
) -> None:
    talk = conversation()
    first = talk.customer_says("To jest jakiś koszmar, trzeci raz dzwonię!", signals("angry"))
    assert first.stage is Stage.LISTEN
    assert [s.step for s in first.suggestions] == ["listen", "listening_signal"]
    second = talk.customer_says("I nikt nic nie wie!", signals("angry"))
    assert second.stage is Stage.ACKNOWLEDGE
    assert "Bartek" in second.suggestions[0].text


def test_a_calm_customer_with_facts_gets_them_paraphrased(
    conversation: ConversationFactory,
) -> None:
    guidance = conversation().customer_says(
        INVOICE_COMPLAINT, signals(facts=[amount("200"), invoice("FV/2025/03/123")])
    )
    assert guidance.stage is Stage.CLARIFY
    assert "kwota 200 zł, faktura FV/2025/03/123" in guidance.suggestions[0].text


def test_resolve_apologises_and_explains_who_when_and_how(
    conversation: ConversationFactory,
) -> None:
    talk = conversation(channel="email")
    talk.customer_says(INVOICE_COMPLAINT, signals(facts=[amount("200")]))
    resolve = talk.customer_says("Tak, dokładnie tak.", signals())
    assert resolve.stage is Stage.RESOLVE
    assert resolve.category == "invoice_error"
    text = resolve.suggestions[0].text
    assert "Przepraszam" in text or "przeprosin" in text
    assert "dział rozliczeń" in text
    assert "listopada" in text or "grudnia" in text  # the KPI date, in Polish
    assert "{" not in text


def test_resolve_helps_without_apology_when_the_customer_caused_it(
    conversation: ConversationFactory,
) -> None:
    talk = conversation()
    talk.customer_says(
        "Zapomniałem zapłacić fakturę i naliczyliście odsetki od kwoty 200 zł.",
        signals(facts=[amount("200")]),
    )
    text = talk.customer_says("Tak.", signals()).suggestions[0].text
    assert "przeprasz" not in text.lower()
    assert "przepros" not in text.lower()


def test_close_follows_resolve(conversation: ConversationFactory) -> None:
    talk = conversation()
    talk.customer_says(INVOICE_COMPLAINT, signals(facts=[amount("200")]))
    talk.customer_says("Tak.", signals())
    assert talk.customer_says("Dziękuję, do widzenia.", signals()).stage is Stage.CLOSE


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("pl", "Jesteś tam jeszcze?", "notuję"),
        ("ru", "Алло, вы там?", "записываю"),
        ("en", "Hello? Are you still there?", "noting"),
    ],
)
def test_are_you_there_during_silent_record_gets_the_still_here_phrase(
    conversation: ConversationFactory, lang: str, text: str, expected: str
) -> None:
    talk = conversation(lang=lang, can_transfer=False)
    for _ in range(3):
        talk.customer_says("#$&^&%@!", signals("abusive", lang=lang))
    talk.agent_did("warning_given")
    talk.customer_says("#$&^&%@!", signals("abusive", lang=lang))
    guidance = talk.customer_says(text, signals("upset", lang=lang))
    assert guidance.stage is Stage.SILENT_RECORD
    assert guidance.suggestions[0].step == "still_here"
    assert expected in guidance.suggestions[0].text


def test_phrases_follow_the_language_of_the_first_clear_message(
    conversation: ConversationFactory,
) -> None:
    talk = conversation()
    talk.customer_says("ok", signals(lang="en"))
    guidance = talk.customer_says("Мне выставили неверный счёт", signals("upset", lang="ru"))
    assert guidance.lang == "ru"
    assert "Bartek" in guidance.suggestions[0].text
    assert any("а" <= ch <= "я" for ch in guidance.suggestions[0].text)
    later = talk.customer_says("And now in English please", signals(lang="en"))
    assert later.lang == "ru"


def test_a_fixed_language_wins_over_detection(conversation: ConversationFactory) -> None:
    guidance = conversation(lang="en").customer_says("Dzień dobry, mam problem", signals("upset"))
    assert guidance.lang == "en"


def test_without_an_agent_name_a_variant_without_the_name_or_a_neutral_one_is_used(
    playbook: Playbook,
) -> None:
    talk = Conversation(playbook)
    text = talk.customer_says("Jestem wściekły!", signals("upset")).suggestions[0].text
    assert "{agent_name}" not in text
    assert "None" not in text


@pytest.mark.parametrize(
    ("lang", "said", "phrase"),
    [
        ("pl", "Niestety nic nie mogę zrobić.", "nic nie mogę zrobić"),
        ("ru", "Я не могу вам помочь.", "я не могу"),
        ("en", "Sorry, I can't change that.", "I can't"),
    ],
)
def test_negative_wording_is_flagged_with_the_playbook_alternative(
    conversation: ConversationFactory, playbook: Playbook, lang: str, said: str, phrase: str
) -> None:
    guidance = conversation(lang=lang).agent_says(said)
    negative = [a for a in guidance.alerts if a.kind == "negative_wording"]
    assert len(negative) == 1
    assert negative[0].evidence == (phrase,)
    alternatives = {w.alternative for w in playbook.phrases.negative_wordings[lang]}
    assert negative[0].alternative in alternatives


@pytest.mark.parametrize(
    "said",
    [
        "Gwarantuję, że jutro będzie załatwione.",
        "Обещаю, завтра всё будет.",
        "I guarantee it will be done tomorrow.",
    ],
)
def test_promises_the_agent_cannot_be_sure_to_keep_are_flagged(
    conversation: ConversationFactory, said: str
) -> None:
    assert "risky_promise" in conversation().agent_says(said).alert_kinds()


def test_a_careful_agent_gets_no_wording_alerts(conversation: ConversationFactory) -> None:
    said = "Sprawdzę to i wrócę z odpowiedzią do piątku."
    assert conversation().agent_says(said).alerts == ()


@pytest.mark.parametrize("text", ["", "   ", "x" * (MAX_TEXT_CHARS + 1)])
def test_empty_or_huge_messages_are_refused_clearly(
    conversation: ConversationFactory, text: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        conversation().customer_says(text, signals())
    assert raised.value.code == ("text_too_long" if len(text) > MAX_TEXT_CHARS else "empty_text")
    assert raised.value.code != "text_too_long" or f"{MAX_TEXT_CHARS:,}" in raised.value.message


def test_an_unknown_action_is_refused(conversation: ConversationFactory) -> None:
    with pytest.raises(InvalidInput, match="unknown action 'hang_up'"):
        conversation().agent_did("hang_up")


def test_a_language_outside_the_playbook_is_refused(playbook: Playbook) -> None:
    with pytest.raises(InvalidInput, match="'de'"):
        Conversation(playbook, lang="de")


def test_guidance_serialises_to_plain_data(conversation: ConversationFactory) -> None:
    data = conversation().customer_says("#$&^&%@!", signals("abusive")).to_dict()
    assert data["stage"] == "acknowledge"
    assert data["alerts"][0]["kind"] == "abuse"
    assert data["signals"]["level"] == "abusive"


def test_an_upset_customer_with_facts_gets_empathy_and_the_facts_in_one_turn(
    conversation: ConversationFactory,
) -> None:
    guidance = conversation().customer_says(
        INVOICE_COMPLAINT, signals("upset", facts=[amount("200")])
    )
    assert guidance.stage is Stage.CLARIFY
    assert [s.step for s in guidance.suggestions] == ["acknowledge", "clarify"]
    assert "Bartek" in guidance.suggestions[0].text
    assert "200 zł" in guidance.suggestions[1].text


def test_without_facts_clarify_asks_the_playbooks_intake_questions(
    conversation: ConversationFactory, playbook: Playbook
) -> None:
    guidance = conversation().customer_says("Mam pewien kłopot.", signals())
    assert guidance.stage is Stage.CLARIFY
    assert guidance.suggestions[0].step == "intake_question"
    assert guidance.suggestions[0].text == playbook.intake[0].text["pl"]


def test_explanations_follow_the_agents_language_and_phrases_the_customers(
    conversation: ConversationFactory,
) -> None:
    guidance = conversation(lang="ru", ui_lang="en").customer_says(
        "Вы меня слышите?", signals("upset", lang="ru")
    )
    assert "Ольга" not in guidance.suggestions[0].text
    assert any("а" <= ch <= "я" for ch in guidance.suggestions[0].text)
    assert guidance.suggestions[0].why.startswith("Name the emotion")
    assert guidance.end_call_reason.startswith("The customer is not abusive")


def test_an_unknown_interface_language_is_refused(playbook: Playbook) -> None:
    with pytest.raises(InvalidInput, match="'de'"):
        Conversation(playbook, ui_lang="de")


SWEARING = " ".join(
    ["k***a", "#$&^&%@!", "$#%^&", "@#$@#", "ch*j", "sp******j", "p*****lę", "k**wa"] * 25
)


@pytest.mark.parametrize(("ui", "more"), [("pl", "+3 inne"), ("ru", "и ещё 3"), ("en", "+3 more")])
def test_an_alert_quotes_at_most_five_different_words(ui: str, more: str) -> None:
    conversation = Conversation(default_playbook("pl"), "pl", ui_lang=ui)
    guidance = conversation.customer_says(SWEARING)  # 200 swear words, 8 different
    abuse = next(alert for alert in guidance.alerts if alert.kind == AlertKind.ABUSE)
    assert abuse.evidence == ("k***a", "#$&^&%@!", "$#%^&", "@#$@#", "ch*j")
    assert more in abuse.message and len(abuse.message) < 120


def test_evidence_counts_a_word_once_whatever_its_case() -> None:
    assert capped_evidence(("k***a", "K***A", "k***a")) == (("k***a",), 0)
    assert capped_evidence(tuple("abcdefg")) == (tuple("abcde"), 2)
