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
from calmdesk.playbook.schema import Playbook

_INTENT_ALERTS = {
    Intent.SUPERVISOR_REQUEST: AlertKind.SUPERVISOR_REQUESTED,
    Intent.THREAT_PUBLIC: AlertKind.THREAT_PUBLIC,
    Intent.THREAT_LEGAL: AlertKind.THREAT_LEGAL,
    Intent.CHURN: AlertKind.CHURN_RISK,
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


def signal_alerts(signals: Signals, ui: str, *, transfer_possible: bool) -> list[Alert]:
    """``abuse`` with the words that triggered it (the customer's own words only: a detector's
    explanation is not for the agent), then one alert per intent."""
    alerts = []
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
