"""The agent's steps heard in the agent's own words: introducing oneself with empathy, a
boundary, the warning of the consequence, the silence-and-record statement, a transfer (and a
failed one), thanks, an apology, the customer's facts restated, and the coach's own phrases read
out.

Two sources, both plain and explainable (each step keeps the words it was heard in):

- phrase rules per language (``analysis/lexicons/<lang>/agent.txt``), matched one sentence at a
  time; some steps need several rules in the same sentence (a warning is a consequence, a
  condition and what the condition is about, the customer's behaviour, so "zakończę rozmowę,
  jeśli nie ma pan pytań" is a goodbye; empathy is a feeling *and* a perception, so "proszę się
  nie denerwować" is not);
- the coach's latest suggestions: a line that says most of a suggested phrase did that step,
  and the phrase is not offered again.

The result is stored with the agent's event (:class:`~calmdesk.coach.events.AgentSaid`), like the
analysis of a customer's line, so a replay never depends on the rules' version.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from calmdesk.analysis.lexicon import load_rules
from calmdesk.analysis.signals import Fact
from calmdesk.coach.stages import Action
from calmdesk.playbook.schema import Stage


class Step(StrEnum):
    """What the agent did, as heard in the agent's words."""

    ACKNOWLEDGE = "acknowledge"
    RESTATE = "restate"
    BOUNDARY = "boundary"
    WARNING = "warning"
    SILENT_RECORD = "silent_record"
    TRANSFER = "transfer"
    TRANSFER_FAILED = "transfer_failed"
    THANKS = "thanks"
    APOLOGY = "apology"
    RESOLVE = "resolve"
    CLOSE = "close"


STEP_ACTIONS: dict[Step, Action] = {
    Step.BOUNDARY: Action.BOUNDARY_STATED,
    Step.WARNING: Action.WARNING_GIVEN,
    Step.TRANSFER: Action.TRANSFER_OFFERED,
    Step.TRANSFER_FAILED: Action.TRANSFER_FAILED,
}
"""Steps with a button: heard, they have exactly the button's effect."""

# A suggestion of these steps, read out, is that step done (the others are only "said").
_PHRASE_STEPS: dict[str, Step] = {
    Stage.ACKNOWLEDGE.value: Step.ACKNOWLEDGE,
    Stage.CLARIFY.value: Step.RESTATE,
    Stage.SET_BOUNDARY.value: Step.BOUNDARY,
    Stage.WARN.value: Step.WARNING,
    Stage.SILENT_RECORD.value: Step.SILENT_RECORD,
    "still_here": Step.SILENT_RECORD,
    Stage.TRANSFER.value: Step.TRANSFER,
    Stage.RESOLVE.value: Step.RESOLVE,
    Stage.CLOSE.value: Step.CLOSE,
}

READ_OUT_SHARE = 0.6
"""A line says a suggested phrase when it holds this share of the phrase's words."""
_MIN_PHRASE_WORDS = 3
MAX_EVIDENCE_CHARS = 120

_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+|\n+")
_WORD = re.compile(r"\w+")
_FANCY_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


@dataclass(frozen=True, slots=True)
class Heard:
    """One step heard in an agent's line. ``evidence`` is the agent's words that showed it;
    ``facts`` the customer's facts restated (``kind:value``); ``phrase`` the coach's suggestion
    the agent read out, when that is how the step was heard."""

    step: Step
    evidence: str
    facts: tuple[str, ...] = ()
    phrase: str | None = None

    @property
    def action(self) -> Action | None:
        """The button with the same effect, if there is one."""
        return STEP_ACTIONS.get(self.step)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"step": self.step.value, "evidence": self.evidence}
        if self.facts:
            data["facts"] = list(self.facts)
        if self.phrase is not None:
            data["phrase"] = self.phrase
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Heard:
        phrase = data.get("phrase")
        return cls(
            step=Step(data["step"]),
            evidence=str(data["evidence"]),
            facts=tuple(str(f) for f in data.get("facts", ())),
            phrase=None if phrase is None else str(phrase),
        )


@dataclass(frozen=True, slots=True)
class Offered:
    """A phrase the coach suggested: its step key and text."""

    step: str
    text: str


def fact_key(fact: Fact) -> str:
    return f"{fact.kind}:{fact.value}"


def normalize(text: str) -> str:
    return text.translate(_FANCY_APOSTROPHES)


def sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(normalize(text)) if part.strip()]


def _rules() -> dict[str, re.Pattern[str]]:
    return load_rules("agent.txt")


def _find(rule: str, sentence: str) -> re.Match[str] | None:
    pattern = _rules().get(rule)
    return pattern.search(sentence) if pattern is not None else None


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_EVIDENCE_CHARS else text[: MAX_EVIDENCE_CHARS - 1] + "…"


def _names_agent(text: str, agent_name: str | None) -> bool:
    """The agent's name (or its first letters: "Bartka", "Бартеку") is in the line."""
    if not agent_name:
        return True
    first = agent_name.split()[0].lower()
    stem = first if len(first) <= 3 else first[: max(3, len(first) - 2)]
    return stem in text.lower()


def heard_by_rules(text: str, *, agent_name: str | None = None) -> list[Heard]:
    """The steps the phrase rules hear in ``text``, in :class:`Step` order, each once, with the
    sentence that showed it as the evidence."""
    found: dict[Step, str] = {}
    warning_sentences: set[int] = set()
    failed_sentences: set[int] = set()
    for index, sentence in enumerate(sentences(text)):
        empathy = _find("empathy", sentence)
        feeling, verb = _find("empathy_feeling", sentence), _find("empathy_verb", sentence)
        intro = bool(_find("introduction", sentence)) and _names_agent(sentence, agent_name)
        # "Mówi Ala.", "Это Оля.": an introduction only when it is the agent's own name
        short = bool(agent_name) and bool(_find("introduction_short", sentence))
        intro = intro or (short and _names_agent(sentence, agent_name))
        said = sentence.strip()
        if intro or empathy or (feeling and verb):
            # introducing oneself and naming the feeling often take two sentences: keep both
            before = found.get(Step.ACKNOWLEDGE)
            found[Step.ACKNOWLEDGE] = f"{before} {said}" if before else said
        # the consequence, a condition, and what the condition is about (the insults, their
        # going on): "I'll end the call if you have no questions" is no warning
        if all(_find(rule, sentence) for rule in ("warning", "warning_if", "warning_about")):
            found.setdefault(Step.WARNING, said)
            warning_sentences.add(index)
        if _find("transfer_failed", sentence):
            found.setdefault(Step.TRANSFER_FAILED, said)
            failed_sentences.add(index)
        for step, rule in (
            (Step.SILENT_RECORD, "silent_record"),
            (Step.THANKS, "thanks"),
            (Step.APOLOGY, "apology"),
        ):
            if _find(rule, sentence):
                found.setdefault(step, said)
        # a warning names the insults too, and "I could not connect you" is no transfer
        if _find("boundary", sentence) and index not in warning_sentences:
            found.setdefault(Step.BOUNDARY, said)
        if _find("transfer", sentence) and index not in failed_sentences:
            found.setdefault(Step.TRANSFER, said)
    return [Heard(step, _clip(words)) for step in Step if (words := found.get(step))]


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def says_phrase(line: str, phrase: str) -> bool:
    """``line`` holds most of ``phrase``'s words (the agent read the suggestion out)."""
    wanted = _words(phrase)
    if len(wanted) < _MIN_PHRASE_WORDS:
        return normalize(phrase).strip().lower() in normalize(line).lower()
    have = set(_words(line))
    return sum(1 for word in wanted if word in have) / len(wanted) >= READ_OUT_SHARE


def hear(
    text: str,
    *,
    agent_name: str | None,
    customer_facts: Sequence[Fact],
    agent_facts: Iterable[Fact],
    offered: Sequence[Offered],
) -> tuple[tuple[Heard, ...], tuple[str, ...]]:
    """The steps heard in the agent's line, and the suggested phrases it said."""
    heard = {h.step: h for h in heard_by_rules(text, agent_name=agent_name)}
    known = {fact_key(f): f for f in customer_facts}
    restated = [f for f in agent_facts if fact_key(f) in known]
    if restated:
        keys = tuple(dict.fromkeys(fact_key(f) for f in restated))
        evidence = ", ".join(dict.fromkeys(f.text for f in restated))
        heard[Step.RESTATE] = Heard(Step.RESTATE, _clip(evidence), facts=keys)
    said: list[str] = []
    for offer in offered:
        if not says_phrase(text, offer.text):
            continue
        said.append(offer.text)
        step = _PHRASE_STEPS.get(offer.step)
        if step is None:
            continue
        previous = heard.get(step)
        facts = tuple(known) if step is Step.RESTATE else ()
        if previous is not None:
            heard[step] = Heard(step, previous.evidence, previous.facts or facts, offer.text)
        else:
            heard[step] = Heard(step, _clip(text), facts, offer.text)
    ordered = tuple(heard[step] for step in Step if step in heard)
    return ordered, tuple(dict.fromkeys(said))


__all__ = [
    "STEP_ACTIONS",
    "Heard",
    "Offered",
    "Step",
    "fact_key",
    "hear",
    "heard_by_rules",
    "says_phrase",
]
