"""The coach's own words for the agent: why a step is suggested, the alerts, why ``may_end_call``
is what it is, and the nouns its phrases slot in (fact labels, channels, stand-ins).

They are a Babel catalog like the pages' (:mod:`calmdesk.i18n`): English msgids here, each under
its key as the message context, the translations in ``coach/locale/{pl,ru}/LC_MESSAGES/coach.po``
(plural forms included), compiled to ``.mo``. The coach hands out each message as a
:class:`Text` (a key and its parameters), so whoever stores or sends it renders it in the
language of the person reading it (:meth:`Text.render`), not in the agent's.

Everything said to the *customer* comes from the playbook's phrasebook (see
:mod:`calmdesk.coach.phrases`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from calmdesk.i18n import catalog, locale_dir
from calmdesk.languages import LANGUAGES
from calmdesk.playbook.schema import Stage

UI_LANGUAGES = LANGUAGES
DOMAIN = "coach"
LOCALE_DIR = locale_dir(__file__)

Param = str | int | list[str]


def _k(key: str, message: str) -> tuple[str, str]:
    """One message under its key (``pybabel extract -k _k:1c,2``)."""
    return key, message


def _kn(key: str, singular: str, plural: str, count: str) -> tuple[str, tuple[str, str, str]]:
    """One message with plural forms, chosen by the parameter ``count`` names
    (``pybabel extract -k _kn:1c,2,3``)."""
    return key, (singular, plural, count)


MESSAGES: dict[str, str] = dict(
    [
        _k(
            "why.listen",
            "The customer is venting. Do not interrupt; give short signs that you are "
            "listening, keep your tone even and let the peak pass.",
        ),
        _k(
            "why.acknowledge",
            "Name the emotion, show you understand and give your name: people calm down "
            "faster with a person than with a helpline.",
        ),
        _k(
            "why.clarify",
            "Restate the facts in your own words and ask about facts and the solution the "
            "customer wants.",
        ),
        _k(
            "why.set_boundary",
            "The insults go on despite empathy. Say calmly that you want to help, but not "
            "while being insulted.",
        ),
        _k(
            "why.warn",
            "The boundary did not work. Warn plainly that the call will end if the insults go "
            "on, then press “Warning given”.",
        ),
        _k(
            "why.silent_record",
            "Do not answer the insults: stay silent and take notes. If asked whether you are "
            "there, say you are and that you are noting every word.",
        ),
        _k(
            "why.transfer",
            "Tell the customer about the transfer first, then hand the call to a colleague or "
            "a supervisor.",
        ),
        _k(
            "why.end_call",
            "Last rung: you may end the call under the company's policy. Everything possible "
            "has been done; take a break afterwards.",
        ),
        _k(
            "why.resolve",
            "Thank the customer, apologise for the company if it is at fault, offer a solution "
            "and say who will contact them, when and how.",
        ),
        _k("why.close", "Say goodbye in a way that leaves the door open."),
        _k("listening_signal_why", "A short sign that you are listening; do not cut in."),
        _k(
            "still_here_why",
            "The customer asks if you are there. Confirm briefly; do not re-enter the argument.",
        ),
        _k(
            "supervisor_why", "The customer asks for a supervisor: that request is always honoured."
        ),
        _k(
            "supervisor_no_transfer",
            "The customer asks for a supervisor but no transfer is possible here: do not "
            "promise one. Note the request, say a supervisor will get back to them, and press "
            "“Transfer failed”.",
        ),
        _k(
            "safety_why",
            "Safety procedure: a calm line while you alert the people named in the alert.",
        ),
        _k("care_why", "Care comes first; the ladder does not apply to this line."),
        _k(
            "apology_why",
            "This looks like the company's mistake: apologise on its behalf, without excuses.",
        ),
        _k(
            "no_apology_why",
            "This does not look like the company's mistake: no apology, but help all the same.",
        ),
        _k(
            "alerts.threat_violence",
            "The customer threatens violence. Safety first: {who_to_call} Record: {what_to_record}",
        ),
        _k(
            "alerts.self_harm",
            "The customer speaks of harming themselves: care comes first. {crisis_line} Your "
            "supervisor has been told.",
        ),
        _k("alerts.abuse", "Abusive message from the customer ({evidence})."),
        _k("alerts.abuse_unquoted", "Abusive message from the customer."),
        _k("alerts.supervisor_requested", "The customer asks for a supervisor."),
        _k("alerts.threat_public", "The customer threatens to go public."),
        _k("alerts.threat_legal", "The customer threatens legal action."),
        _k("alerts.churn_risk", "The customer talks about leaving or cancelling."),
        _k("alerts.negative_wording", "Avoid “{phrase}”. Say instead: {alternative}"),
        _k(
            "alerts.risky_promise",
            "A promise you may not be able to keep: “{phrase}”. Give the process deadline instead.",
        ),
        _k(
            "end_call_reasons.allowed",
            "A warning was given, the abuse went on and no transfer is possible.",
        ),
        _k("end_call_reasons.policy", "The company's policy does not allow ending calls."),
        _k(
            "end_call_reasons.not_abusive",
            "The customer is not abusive now: anger alone is no reason to end a call.",
        ),
        _k("end_call_reasons.warnings", "Warnings needed: {needed}, given: {given}."),
        _k("end_call_reasons.no_abuse_after_warning", "No abuse since the warning yet."),
        _k("end_call_reasons.ladder", "Walk the earlier steps first (now: {rung})."),
        _k("end_call_reasons.transfer_possible", "A transfer is still possible: try it first."),
        _k("end_call_reasons.ended", "The call has already ended."),
        _k("stages.listen", "Listen"),
        _k("stages.acknowledge", "Empathy, give your name"),
        _k("stages.clarify", "Pin down the facts"),
        _k("stages.set_boundary", "State the limits"),
        _k("stages.warn", "Warn of the consequence"),
        _k("stages.silent_record", "Silence, note every word"),
        _k("stages.transfer", "Transfer"),
        _k("stages.end_call", "End the call"),
        _k("stages.resolve", "Resolve"),
        _k("stages.close", "Close"),
        _k("fact_labels.amount", "amount"),
        _k("fact_labels.date", "date"),
        _k("fact_labels.duration", "time"),
        _k("fact_labels.order", "order"),
        _k("fact_labels.invoice", "invoice"),
        _k("fact_labels.ticket", "ticket"),
        _k("fact_labels.phone", "phone"),
        _k("fallbacks.facts", "the matter you describe"),
        _k("fallbacks.agent_name", "your adviser"),
        _k("fallbacks.team", "support team"),
        _k("fallbacks.deadline", "the statutory deadline"),
        _k("fallbacks.amount", "the amount"),
        _k("channels.phone", "phone"),
        _k("channels.chat", "chat"),
        _k("channels.email", "e-mail"),
        _k("channels.social", "direct message"),
        _k("channels.in_person", "a visit in person"),
        # Merged from main (issue 12's console and sides work): the agent's own steps heard,
        # undo, a call ended too early, a break asked for, the alternatives to negative wording.
        _k(
            "alerts.ended_without_permission",
            "The call was ended before the rules allowed it ({reason}); your supervisor has been "
            "told.",
        ),
        _k(
            "alerts.break_requested",
            "You asked for a break after this contact; your supervisor has been told.",
        ),
        _k(
            "already_apologised_why",
            "You have apologised already: no second apology, go straight to what happens next.",
        ),
        _k("heard.acknowledge", "Introduction and empathy heard: “{evidence}”"),
        _k("heard.restate", "Facts restated: “{evidence}”"),
        _k("heard.boundary", "Boundary heard: “{evidence}”"),
        _k("heard.warning", "Warning heard: “{evidence}”"),
        _k("heard.silent_record", "Silence-and-record heard: “{evidence}”"),
        _k("heard.transfer", "Transfer announced: “{evidence}”"),
        _k("heard.transfer_failed", "Failed transfer heard: “{evidence}”"),
        _k("heard.thanks", "Thanks heard: “{evidence}”"),
        _k("heard.apology", "Apology heard: “{evidence}”"),
        _k("heard.resolve", "Solution given: “{evidence}”"),
        _k("heard.close", "Goodbye heard: “{evidence}”"),
        _k("heard_undone", "Taken back: {step}. The coach goes on as if it had not been said."),
        _k("heard_steps.acknowledge", "introduction and empathy"),
        _k("heard_steps.restate", "facts restated"),
        _k("heard_steps.boundary", "boundary"),
        _k("heard_steps.warning", "warning"),
        _k("heard_steps.silent_record", "silence and record"),
        _k("heard_steps.transfer", "transfer announced"),
        _k("heard_steps.transfer_failed", "failed transfer"),
        _k("heard_steps.thanks", "thanks"),
        _k("heard_steps.apology", "apology"),
        _k("heard_steps.resolve", "solution"),
        _k("heard_steps.close", "goodbye"),
        _k("heard_panel.heading", "Heard in my words"),
        _k("heard_panel.undo", "Undo"),
        _k("heard_panel.undone", "taken back"),
        _k("heard_panel.empty", "Nothing heard yet: your steps appear here as you say them."),
        _k("heard_panel.taken_back", "Taken back"),
        _k("nothing_to_undo", "Turn {turn} has no heard step “{step}” left to take back."),
        _k("negative_alternatives.cannot", "Here is what I can do for you instead."),
        _k(
            "negative_alternatives.nothing",
            "Let us look at what can still be done, and I will tell you the next step.",
        ),
        _k(
            "negative_alternatives.not_mine",
            "I will take this on and pass it to the right team myself.",
        ),
        _k(
            "negative_alternatives.rules",
            "Let me explain what happens next with your case and how long it takes.",
        ),
        _k(
            "negative_alternatives.impossible",
            "I will check what options we have and come back to you.",
        ),
        _k(
            "negative_alternatives.dont_know",
            "I will check that and get back to you with an answer.",
        ),
        _k(
            "negative_alternatives.calm_down",
            "I can see how much this matters to you. Let us sort it out together.",
        ),
    ]
)
"""Every message without plural forms, by key (English, the msgid)."""

PLURALS: dict[str, tuple[str, str, str]] = dict(
    [
        _kn("more_evidence", "+{count} more", "+{count} more", "count"),
        _kn(
            "alerts.break_recommended",
            "A hard contact: take a {minutes}-minute break before the next one.",
            "A hard contact: take a {minutes}-minute break before the next one.",
            "minutes",
        ),
    ]
)
"""Messages with plural forms: singular, plural and the parameter that counts."""


def keys_of(table: str) -> tuple[str, ...]:
    """The keys of one table (``channels`` -> ``phone``, ``chat``...)."""
    prefix = f"{table}."
    return tuple(key[len(prefix) :] for key in [*MESSAGES, *PLURALS] if key.startswith(prefix))


def english() -> dict[str, str]:
    """Every message's English text by key (the singular of a plural one)."""
    return {**MESSAGES, **{key: forms[0] for key, forms in PLURALS.items()}}


def template(key: str, lang: str, count: int = 1) -> str:
    """The message ``key`` in ``lang`` before its parameters are filled in (the form ``count``
    takes, for a plural message); English when the language has no translation."""
    translations = catalog(LOCALE_DIR, DOMAIN, lang if lang in UI_LANGUAGES else "en")
    if key in PLURALS:
        singular, plural, _ = PLURALS[key]
        return str(translations.npgettext(key, singular, plural, count))
    return str(translations.pgettext(key, MESSAGES[key]))


def text(key: str, lang: str, **params: object) -> str:
    """The message ``key`` in ``lang`` with ``params`` filled in. A plural message picks its
    form by the parameter that counts."""
    count = 1
    if key in PLURALS:
        number = params[PLURALS[key][2]]
        assert isinstance(number, int)
        count = number
    words = template(key, lang, count)
    return words.format(**params)


def label(table: str, key: str, lang: str) -> str:
    """One noun of a table (``fact_labels``, ``channels``, ``fallbacks``); the key itself when
    the table has no such entry."""
    full = f"{table}.{key}"
    return text(full, lang) if full in MESSAGES else key


def why_key(stage: Stage | str) -> str:
    return f"why.{Stage(stage).value}"


@dataclass(frozen=True, slots=True)
class Text:
    """A message as the coach hands it out: its key and parameters, rendered when read.

    Parameters are plain values; ``evidence`` (quoted words) with ``more`` (how many were left
    out) and ``rung`` (a stage key) are put into words in the reader's language."""

    key: str
    params: Mapping[str, Param] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        return render(self.key, self.params, lang)

    def to_dict(self) -> dict[str, object]:
        return {"key": self.key, "params": dict(self.params)}


def known(key: str) -> bool:
    return key in MESSAGES or key in PLURALS


def render(key: str, params: Mapping[str, Param], lang: str) -> str:
    """The words of a stored :class:`Text` for a reader of ``lang``."""
    values: dict[str, object] = dict(params)
    if "evidence" in values:
        evidence = values["evidence"]
        shown = ", ".join(evidence) if isinstance(evidence, list) else str(evidence)
        more = values.pop("more", 0)
        if isinstance(more, int) and more:
            shown += " " + text("more_evidence", lang, count=more)
        values["evidence"] = shown
    reason = f"end_call_reasons.{values.get('reason')}"
    if key == "alerts.ended_without_permission" and reason in MESSAGES:
        values["reason"] = render(reason, params, lang).rstrip(".")
    if "step" in values and f"heard_steps.{values['step']}" in MESSAGES:
        values["step"] = text(f"heard_steps.{values['step']}", lang)
    if "rung" in values:
        rung = f"stages.{values['rung']}"
        values["rung"] = text(rung, lang) if rung in MESSAGES else "—"
    words = text(key, lang, **values)
    if key in _PROCEDURE_KEYS:  # a playbook without a procedure leaves gaps in the sentence
        words = " ".join(words.split())
    return words


_PROCEDURE_KEYS = frozenset({"alerts.threat_violence", "alerts.self_harm"})
"""Messages whose parameters are the playbook's safety procedure, which may be empty."""


# -- the tables by language, for code that reads a message as ``{lang: text}`` -----------------


def _single(key: str) -> dict[str, str]:
    """One message as ``{lang: template}`` in every interface language."""
    return {lang: template(key, lang) for lang in UI_LANGUAGES}


def _table(name: str) -> dict[str, dict[str, str]]:
    """One table's messages as ``{key: {lang: template}}``."""
    return {key: _single(f"{name}.{key}") for key in keys_of(name)}


WHY: dict[Stage, dict[str, str]] = {Stage(key): texts for key, texts in _table("why").items()}
"""Why each step of the ladder is suggested."""
LISTENING_SIGNAL_WHY = _single("listening_signal_why")
STILL_HERE_WHY = _single("still_here_why")
SUPERVISOR_WHY = _single("supervisor_why")
SAFETY_WHY = _single("safety_why")
CARE_WHY = _single("care_why")
SUPERVISOR_NO_TRANSFER = _single("supervisor_no_transfer")
APOLOGY_WHY = _single("apology_why")
NO_APOLOGY_WHY = _single("no_apology_why")
ALREADY_APOLOGISED_WHY = _single("already_apologised_why")
HEARD = _table("heard")
"""What the console shows for each step heard in the agent's words (``{evidence}``)."""
HEARD_STEPS = _table("heard_steps")
HEARD_PANEL = _table("heard_panel")
"""The words of the console's "heard in my words" panel (``static/heard.js``)."""
HEARD_UNDONE = _single("heard_undone")
NOTHING_TO_UNDO = _single("nothing_to_undo")
NEGATIVE_ALTERNATIVES = _table("negative_alternatives")
"""What to say instead of each family of negative wording, in the customer's language."""
ALERTS = _table("alerts")
MORE_EVIDENCE = _single("more_evidence")
END_CALL_REASONS = _table("end_call_reasons")
FACT_LABELS = _table("fact_labels")
FALLBACKS = _table("fallbacks")
"""Stand-ins when the conversation lacks what a phrase needs; kept neutral on purpose."""
CHANNELS = _table("channels")
"""Nouns, as the phrasebook writes "(kontakt: {channel})", "via {channel}"."""


def ui(table: Mapping[str, str], lang: str) -> str:
    """The entry for ``lang``, English when the language has none."""
    return table.get(lang) or table["en"]


def end_call_reason(key: str, lang: str, *, needed: int, given: int, rung: str | None) -> str:
    """Why ending the call is (not) allowed, for the reason ``key`` of ``end_call_verdict``."""
    params: dict[str, Param] = {"needed": needed, "given": given, "rung": rung or "-"}
    return render(f"end_call_reasons.{key}", params, lang)


def console_heard_labels(lang: str) -> dict[str, object]:
    """The words of the console's "heard in my words" panel (``static/heard.js``)."""
    return {
        **{key: ui(texts, lang) for key, texts in HEARD_PANEL.items()},
        "steps": {key: ui(texts, lang) for key, texts in HEARD_STEPS.items()},
    }
