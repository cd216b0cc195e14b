"""What a trainee's line does, read from observable wording: plain phrase rules per language,
the analysis' facts, and the coach's own alerts (negative wording, risky promise).

The rules are deliberately transparent (a trainer can read and dispute them, and each finding
keeps the words that matched). They look at what the agent *says*, never at how the agent
feels. A line may do several things at once ("I understand this is frustrating, the invoice
FV/1 is 200 zł higher?" is empathy, a paraphrase and a question).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from calmdesk.analysis.lexicon import load_rules
from calmdesk.analysis.signals import Fact
from calmdesk.coach import AlertKind, Guidance

# What each move looks like in words, per language (analysis/lexicons/<lang>/trainer.txt): empathy
# names the emotion ("czy dobrze rozumiem" checks the facts and is not empathy), listening lets
# the customer speak, boundary says insults are not acceptable, warning says the call will end,
# solution does something about the problem, deadline names one in words (dates and durations
# also come from the analysis' facts), transfer_offer offers or announces a transfer.
MOVES = (
    "empathy",
    "listening",
    "introduction",
    "boundary",
    "warning",
    "solution",
    "deadline",
    "transfer_offer",
    "apology",
)


@dataclass(frozen=True, slots=True)
class AgentMove:
    """What one trainee line does. ``evidence`` maps each feature found to the words that
    matched it; ``facts_restated`` are the persona's facts the line restated."""

    empathy: bool = False
    listening: bool = False
    introduction: bool = False
    question: bool = False
    paraphrase: bool = False
    solution: bool = False
    deadline: bool = False
    boundary: bool = False
    warning: bool = False
    transfer_offer: bool = False
    apology: bool = False
    negative_wordings: tuple[str, ...] = ()
    risky_promise: str | None = None
    facts_restated: tuple[str, ...] = ()
    evidence: dict[str, str] = field(default_factory=dict)

    @property
    def resolves(self) -> bool:
        """A solution with a deadline: what to do, and by when."""
        return self.solution and self.deadline

    def found(self) -> list[str]:
        return list(self.evidence)


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(0) if match else None


def classify(
    text: str,
    *,
    agent_facts: Iterable[Fact],
    persona_facts: Iterable[tuple[str, str]],
    agent_guidance: Guidance,
    agent_name: str | None = None,
) -> AgentMove:
    """Read one trainee line. ``agent_facts`` are the analysis' facts of the line,
    ``persona_facts`` the scenario's ``(kind, value)`` pairs, ``agent_guidance`` the coach's
    answer to the line (its ``negative_wording`` and ``risky_promise`` alerts)."""
    evidence: dict[str, str] = {}
    rules = load_rules("trainer.txt")
    for name in MOVES:
        hit = _first(rules[name], text)
        if hit:
            evidence[name] = hit
    if agent_name and "introduction" not in evidence and agent_name.lower() in text.lower():
        evidence["introduction"] = agent_name
    if "?" in text:
        evidence["question"] = "?"
    facts = list(agent_facts)
    if "deadline" not in evidence:
        timing = next((f for f in facts if f.kind in ("date", "duration")), None)
        if timing is not None:
            evidence["deadline"] = timing.text
    wanted = set(persona_facts)
    restated = tuple(dict.fromkeys(f.text for f in facts if (f.kind, f.value) in wanted))
    if restated:
        evidence["paraphrase"] = ", ".join(restated)
    wordings = tuple(
        a.evidence[0] for a in agent_guidance.alerts if a.kind is AlertKind.NEGATIVE_WORDING
    )
    promise = next(
        (a.evidence[0] for a in agent_guidance.alerts if a.kind is AlertKind.RISKY_PROMISE), None
    )
    if wordings:
        evidence["negative_wording"] = ", ".join(wordings)
    if promise:
        evidence["risky_promise"] = promise
    return AgentMove(
        empathy="empathy" in evidence,
        listening="listening" in evidence,
        introduction="introduction" in evidence,
        question="question" in evidence,
        paraphrase=bool(restated),
        solution="solution" in evidence,
        deadline="deadline" in evidence,
        boundary="boundary" in evidence,
        warning="warning" in evidence,
        transfer_offer="transfer_offer" in evidence,
        apology="apology" in evidence,
        negative_wordings=wordings,
        risky_promise=promise,
        facts_restated=restated,
        evidence=evidence,
    )
