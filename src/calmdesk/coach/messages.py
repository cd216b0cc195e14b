"""The coach's own interface strings in pl, ru and en: why a step is suggested, alert messages,
the reason ``may_end_call`` is what it is, labels for facts and channels.

These are words for the *agent*, shown in the playbook's default language. Everything said to the
*customer* comes from the playbook's phrasebook (see :mod:`calmdesk.coach.phrases`).
"""

from __future__ import annotations

from calmdesk.languages import LANGUAGES
from calmdesk.playbook.schema import Stage

UI_LANGUAGES = LANGUAGES

WHY: dict[Stage, dict[str, str]] = {
    Stage.LISTEN: {
        "pl": "Klient wyrzuca z siebie emocje. Nie przerywaj, dawaj krótkie sygnały, że słuchasz, "
        "mów spokojnym tonem i poczekaj, aż szczyt minie.",
        "ru": "Клиент выплёскивает эмоции. Не перебивайте, коротко показывайте, что слушаете, "
        "говорите ровным тоном и дождитесь, пока пик пройдёт.",
        "en": "The customer is venting. Do not interrupt; give short signs that you are listening, "
        "keep your tone even and let the peak pass.",
    },
    Stage.ACKNOWLEDGE: {
        "pl": "Nazwij emocję, okaż zrozumienie i przedstaw się z imienia: rozmowa z człowiekiem "
        "studzi szybciej niż z infolinią.",
        "ru": "Назовите эмоцию, проявите сочувствие и представьтесь по имени: с человеком "
        "успокаиваются быстрее, чем с «горячей линией».",
        "en": "Name the emotion, show you understand and give your name: people calm down faster "
        "with a person than with a helpline.",
    },
    Stage.CLARIFY: {
        "pl": "Powtórz fakty własnymi słowami i zadawaj pytania o fakty oraz o to, jakiego "
        "rozwiązania oczekuje klient.",
        "ru": "Перескажите факты своими словами и задавайте вопросы о фактах и о том, какое "
        "решение нужно клиенту.",
        "en": "Restate the facts in your own words and ask about facts and the solution the "
        "customer wants.",
    },
    Stage.SET_BOUNDARY: {
        "pl": "Obelgi trwają mimo empatii. Powiedz spokojnie, że chcesz pomóc, ale nie w "
        "rozmowie pełnej obraźliwych słów.",
        "ru": "Оскорбления продолжаются. Спокойно скажите, что хотите помочь, но не в разговоре "
        "с оскорблениями.",
        "en": "The insults go on despite empathy. Say calmly that you want to help, but not while "
        "being insulted.",
    },
    Stage.WARN: {
        "pl": "Granica nie zadziałała. Uprzedź wprost, że jeśli obelgi nie ustaną, rozmowa "
        "zostanie zakończona, a potem kliknij „Ostrzeżenie udzielone”.",
        "ru": "Граница не помогла. Прямо предупредите, что при продолжении оскорблений разговор "
        "будет завершён, затем нажмите «Предупреждение сделано».",
        "en": "The boundary did not work. Warn plainly that the call will end if the insults go "
        "on, then press “Warning given”.",
    },
    Stage.SILENT_RECORD: {
        "pl": "Nie odpowiadaj na obelgi: milcz i notuj. Gdy klient zapyta, czy jesteś, potwierdź, "
        "że jesteś i zapisujesz każde słowo.",
        "ru": "Не отвечайте на оскорбления: молчите и записывайте. Если клиент спросит, на связи "
        "ли вы, подтвердите, что вы здесь и фиксируете каждое слово.",
        "en": "Do not answer the insults: stay silent and take notes. If asked whether you are "
        "there, say you are and that you are noting every word.",
    },
    Stage.TRANSFER: {
        "pl": "Zapowiedz klientowi przełączenie, a potem przełącz do innej osoby lub przełożonego.",
        "ru": "Предупредите клиента о переводе и переведите звонок коллеге или руководителю.",
        "en": "Tell the customer about the transfer first, then hand the call to a colleague or "
        "a supervisor.",
    },
    Stage.END_CALL: {
        "pl": "Ostatni szczebel: możesz zakończyć rozmowę zgodnie z polityką firmy. Zrobiłeś, co "
        "się dało; potem zrób sobie przerwę.",
        "ru": "Последняя ступень: вы можете завершить разговор по правилам компании. Вы сделали "
        "всё возможное; после этого сделайте перерыв.",
        "en": "Last rung: you may end the call under the company's policy. You did what you could; "
        "take a break afterwards.",
    },
    Stage.RESOLVE: {
        "pl": "Podziękuj za informacje, przeproś w imieniu firmy, jeśli to jej błąd, zaproponuj "
        "rozwiązanie i powiedz, kto, kiedy i jak odezwie się do klienta.",
        "ru": "Поблагодарите за информацию, извинитесь от имени компании, если ошибка её, "
        "предложите решение и скажите, кто, когда и как свяжется с клиентом.",
        "en": "Thank the customer, apologise for the company if it is at fault, offer a solution "
        "and say who will contact them, when and how.",
    },
    Stage.CLOSE: {
        "pl": "Pożegnaj się tak, by klient chciał wrócić.",
        "ru": "Попрощайтесь так, чтобы клиенту захотелось обратиться снова.",
        "en": "Say goodbye in a way that leaves the door open.",
    },
}

LISTENING_SIGNAL_WHY = {
    "pl": "Krótki sygnał, że słuchasz; nie przerywaj wypowiedzi.",
    "ru": "Короткий знак, что вы слушаете; не перебивайте.",
    "en": "A short sign that you are listening; do not cut in.",
}

STILL_HERE_WHY = {
    "pl": "Klient pyta, czy jesteś. Potwierdź krótko i nie wracaj do sporu.",
    "ru": "Клиент спрашивает, на связи ли вы. Коротко подтвердите и не возвращайтесь к спору.",
    "en": "The customer asks if you are there. Confirm briefly; do not re-enter the argument.",
}

SUPERVISOR_WHY = {
    "pl": "Klient prosi o przełożonego: tej prośbie zawsze się zadość czyni.",
    "ru": "Клиент просит руководителя: такую просьбу выполняют всегда.",
    "en": "The customer asks for a supervisor: that request is always honoured.",
}

SUPERVISOR_NO_TRANSFER = {
    "pl": "Klient prosi o przełożonego, a przełączenie nie jest tu możliwe: nie obiecuj go. "
    "Zapisz prośbę, powiedz, że przełożony się odezwie, i kliknij „Przełączenie nieudane”.",
    "ru": "Клиент просит руководителя, но перевод здесь невозможен: не обещайте его. Запишите "
    "просьбу, скажите, что руководитель свяжется, и нажмите «Перевод не удался».",
    "en": "The customer asks for a supervisor but no transfer is possible here: do not promise "
    "one. Note the request, say a supervisor will get back to them, and press “Transfer failed”.",
}

APOLOGY_WHY = {
    "pl": "Sprawa wygląda na błąd firmy: przeproś w jej imieniu, bez tłumaczenia się.",
    "ru": "Похоже на ошибку компании: извинитесь от её имени, без оправданий.",
    "en": "This looks like the company's mistake: apologise on its behalf, without excuses.",
}

NO_APOLOGY_WHY = {
    "pl": "Nie wygląda to na błąd firmy: bez przeprosin, ale pomóż tak samo.",
    "ru": "Это не похоже на ошибку компании: без извинений, но помогите так же.",
    "en": "This does not look like the company's mistake: no apology, but help all the same.",
}

ALERTS: dict[str, dict[str, str]] = {
    "abuse": {
        "pl": "Obraźliwa wypowiedź klienta ({evidence}).",
        "ru": "Оскорбительное высказывание клиента ({evidence}).",
        "en": "Abusive message from the customer ({evidence}).",
    },
    "supervisor_requested": {
        "pl": "Klient prosi o rozmowę z przełożonym.",
        "ru": "Клиент просит соединить с руководителем.",
        "en": "The customer asks for a supervisor.",
    },
    "threat_public": {
        "pl": "Klient grozi nagłośnieniem sprawy publicznie.",
        "ru": "Клиент угрожает предать дело огласке.",
        "en": "The customer threatens to go public.",
    },
    "threat_legal": {
        "pl": "Klient zapowiada kroki prawne.",
        "ru": "Клиент угрожает юридическими мерами.",
        "en": "The customer threatens legal action.",
    },
    "churn_risk": {
        "pl": "Klient mówi o odejściu do konkurencji lub rezygnacji.",
        "ru": "Клиент говорит об уходе или расторжении.",
        "en": "The customer talks about leaving or cancelling.",
    },
    "negative_wording": {
        "pl": "Unikaj „{phrase}”. Zamiast tego: {alternative}",
        "ru": "Избегайте «{phrase}». Вместо этого: {alternative}",
        "en": "Avoid \u201c{phrase}\u201d. Say instead: {alternative}",
    },
    "risky_promise": {
        "pl": "Obietnica, której możesz nie dotrzymać: „{phrase}”. Podaj termin z procedury.",
        "ru": "Обещание, которое можно не выполнить: «{phrase}». Назовите срок по регламенту.",
        "en": "A promise you may not be able to keep: \u201c{phrase}\u201d. Give the process "
        "deadline instead.",
    },
    "break_recommended": {
        "pl": "Trudna rozmowa: przed następną weź {minutes} min przerwy.",
        "ru": "Тяжёлый разговор: перед следующим сделайте перерыв {minutes} мин.",
        "en": "A hard contact: take a {minutes}-minute break before the next one.",
    },
}

END_CALL_REASONS: dict[str, dict[str, str]] = {
    "allowed": {
        "pl": "Ostrzeżenie padło, obelgi trwają, a przełączenie nie jest możliwe.",
        "ru": "Предупреждение было, оскорбления продолжаются, перевод невозможен.",
        "en": "A warning was given, the abuse went on and no transfer is possible.",
    },
    "policy": {
        "pl": "Polityka firmy nie pozwala kończyć rozmów.",
        "ru": "Правила компании не разрешают завершать разговоры.",
        "en": "The company's policy does not allow ending calls.",
    },
    "not_abusive": {
        "pl": "Klient teraz nie obraża: samo zdenerwowanie nie jest powodem do rozłączenia.",
        "ru": "Клиент сейчас не оскорбляет: одно раздражение не повод прерывать разговор.",
        "en": "The customer is not abusive now: anger alone is no reason to end a call.",
    },
    "warnings": {
        "pl": "Potrzebne ostrzeżenia: {needed}, udzielone: {given}.",
        "ru": "Нужно предупреждений: {needed}, сделано: {given}.",
        "en": "Warnings needed: {needed}, given: {given}.",
    },
    "no_abuse_after_warning": {
        "pl": "Po ostrzeżeniu klient jeszcze nie obraził.",
        "ru": "После предупреждения оскорблений ещё не было.",
        "en": "No abuse since the warning yet.",
    },
    "ladder": {
        "pl": "Najpierw przejdź wcześniejsze szczeble (teraz: {rung}).",
        "ru": "Сначала пройдите предыдущие ступени (сейчас: {rung}).",
        "en": "Walk the earlier rungs first (now: {rung}).",
    },
    "transfer_possible": {
        "pl": "Przełączenie jest jeszcze możliwe: spróbuj go najpierw.",
        "ru": "Перевод ещё возможен: сначала попробуйте его.",
        "en": "A transfer is still possible: try it first.",
    },
    "ended": {
        "pl": "Rozmowa jest już zakończona.",
        "ru": "Разговор уже завершён.",
        "en": "The call has already ended.",
    },
}

FACT_LABELS: dict[str, dict[str, str]] = {
    "amount": {"pl": "kwota", "ru": "сумма", "en": "amount"},
    "date": {"pl": "data", "ru": "дата", "en": "date"},
    "duration": {"pl": "czas", "ru": "срок", "en": "time"},
    "order": {"pl": "zamówienie", "ru": "заказ", "en": "order"},
    "invoice": {"pl": "faktura", "ru": "счёт", "en": "invoice"},
    "ticket": {"pl": "zgłoszenie", "ru": "заявка", "en": "ticket"},
    "phone": {"pl": "telefon", "ru": "телефон", "en": "phone"},
}

# Stand-ins when the conversation lacks what a phrase needs; kept neutral on purpose.
FALLBACKS: dict[str, dict[str, str]] = {
    "facts": {"pl": "opisana sprawa", "ru": "описанная ситуация", "en": "the matter you describe"},
    "agent_name": {"pl": "konsultant", "ru": "консультант", "en": "your adviser"},
    "team": {"pl": "nasz zespół", "ru": "наша команда", "en": "support team"},
    "deadline": {
        "pl": "w ustawowym terminie",
        "ru": "установленного срока",
        "en": "the statutory deadline",
    },
    "amount": {"pl": "tę kwotę", "ru": "эту сумму", "en": "the amount"},
}

# Nouns, as the phrasebook writes "(kontakt: {channel})", "via {channel}".
CHANNELS: dict[str, dict[str, str]] = {
    "phone": {"pl": "telefon", "ru": "телефон", "en": "phone"},
    "chat": {"pl": "czat", "ru": "чат", "en": "chat"},
    "email": {"pl": "e-mail", "ru": "электронная почта", "en": "e-mail"},
    "social": {"pl": "wiadomość prywatna", "ru": "личные сообщения", "en": "direct message"},
    "in_person": {"pl": "spotkanie w punkcie", "ru": "личная встреча", "en": "a visit in person"},
}


def ui(table: dict[str, str], lang: str) -> str:
    """The entry for ``lang``, English when the language has none."""
    return table.get(lang) or table["en"]
