"""Building the coach's alerts: from the analysis of a customer's message, from the agent's own
words, and at the end of a hard contact. Each alert carries its message as a
:class:`~calmdesk.coach.messages.Text` (rendered for whoever reads it) and, as ``message``, in
the interface language ``ui``."""

from __future__ import annotations

from calmdesk.analysis.signals import Intent, Signals
from calmdesk.coach import phrases
from calmdesk.coach.guidance import Alert
from calmdesk.coach.messages import Param, Text
from calmdesk.coach.stages import AlertKind
from calmdesk.playbook.schema import Playbook, SafetyProcedures

_INTENT_ALERTS = {
    Intent.SUPERVISOR_REQUEST: AlertKind.SUPERVISOR_REQUESTED,
    Intent.THREAT_PUBLIC: AlertKind.THREAT_PUBLIC,
    Intent.THREAT_LEGAL: AlertKind.THREAT_LEGAL,
    Intent.CHURN: AlertKind.CHURN_RISK,
}
_SAFETY_ALERTS = {
    Intent.THREAT_VIOLENCE: AlertKind.THREAT_VIOLENCE,
    Intent.SELF_HARM: AlertKind.SELF_HARM,
}


MAX_EVIDENCE = 5
"""Words an alert quotes at most: a line of 200 swear words gives a short alert, not a wall."""


def capped_evidence(found: tuple[str, ...]) -> tuple[tuple[str, ...], int]:
    """The first :data:`MAX_EVIDENCE` different words (case aside) and how many more there are.

    >>> capped_evidence(("k***a", "K***A", "#$@!", "a", "b", "c", "d", "e"))
    (('k***a', '#$@!', 'a', 'b', 'c'), 2)
    """
    unique: dict[str, str] = {}
    for word in found:
        unique.setdefault(word.casefold(), word)
    words = tuple(unique.values())
    return words[:MAX_EVIDENCE], max(len(words) - MAX_EVIDENCE, 0)


def _alert(
    kind: AlertKind,
    text: Text,
    ui: str,
    *,
    evidence: tuple[str, ...] = (),
    alternative: str | None = None,
    minutes: int | None = None,
) -> Alert:
    return Alert(
        kind=kind,
        message=text.render(ui),
        evidence=evidence,
        alternative=alternative,
        minutes=minutes,
        text=text,
    )


def _local(text: dict[str, str], lang: str) -> str:
    return text.get(lang) or text.get("en") or next(iter(text.values()), "")


def safety_alerts(signals: Signals, ui: str, safety: SafetyProcedures | None) -> list[Alert]:
    """A threat of violence or words of self-harm: the loudest alerts, first, each with the
    playbook's procedure (or the coach's general one when the playbook has none).

    The coach's sentence is rendered for each reader; the playbook's procedure, which the
    company wrote, is kept as a parameter in the agent's language ``ui``."""
    alerts = []
    for intent, kind in _SAFETY_ALERTS.items():
        if intent not in signals.intents:
            continue
        fields: dict[str, Param]
        if safety is None:
            fields = {"who_to_call": "", "what_to_record": "", "crisis_line": ""}
        else:
            fields = {
                "who_to_call": _local(safety.violence.who_to_call, ui),
                "what_to_record": _local(safety.violence.what_to_record, ui),
                "crisis_line": _local(safety.self_harm.crisis_line, ui),
            }
        alerts.append(_alert(kind, Text(f"alerts.{kind.value}", fields), ui))
    return alerts


def signal_alerts(
    signals: Signals, ui: str, *, transfer_possible: bool, safety: SafetyProcedures | None = None
) -> list[Alert]:
    """The safety alerts first (:func:`safety_alerts`), ``abuse`` with the words that
    triggered it, then one alert per intent."""
    alerts = safety_alerts(signals, ui, safety)
    if signals.is_abusive:
        evidence, more = capped_evidence(tuple(span.text for span in signals.profanity))
        params: dict[str, Param] = {"evidence": list(evidence), "more": more}
        text = Text("alerts.abuse", params) if evidence else Text("alerts.abuse_unquoted")
        alerts.append(_alert(AlertKind.ABUSE, text, ui, evidence=evidence))
    for intent, kind in _INTENT_ALERTS.items():
        if intent in signals.intents:
            key = f"alerts.{kind.value}"
            if kind is AlertKind.SUPERVISOR_REQUESTED and not transfer_possible:
                key = "supervisor_no_transfer"
            alerts.append(_alert(kind, Text(key), ui))
    return alerts


def wording_alerts(text: str, playbook: Playbook, lang: str, ui: str) -> list[Alert]:
    """The playbook's negative wordings (with their alternatives) and risky promises."""
    alerts = []
    for wording in phrases.find_negative_wordings(text, playbook, lang):
        message = Text(
            "alerts.negative_wording",
            {"phrase": wording.phrase, "alternative": wording.alternative},
        )
        alerts.append(
            _alert(
                AlertKind.NEGATIVE_WORDING,
                message,
                ui,
                evidence=(wording.phrase,),
                alternative=wording.alternative,
            )
        )
    promise = phrases.find_risky_promise(text)
    if promise:
        message = Text("alerts.risky_promise", {"phrase": promise})
        alerts.append(_alert(AlertKind.RISKY_PROMISE, message, ui, evidence=(promise,)))
    return alerts


def break_alert(break_minutes: int, ui: str) -> list[Alert]:
    """``break_recommended`` when the playbook grants a break for the contact's difficulty."""
    if not break_minutes:
        return []
    message = Text("alerts.break_recommended", {"minutes": break_minutes})
    return [_alert(AlertKind.BREAK_RECOMMENDED, message, ui, minutes=break_minutes)]
