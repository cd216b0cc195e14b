"""The rehearsal report: the same rules as the live coach, turned into a 0..100 score where every
point is explained, in the persona's language.

Each check has a weight and applies only where it makes sense (the ladder only when the customer
was abusive, a supervisor request only when one was made, restating the facts and a solution
with a deadline only when the trainee handled the complaint rather than a transfer or a caller
who never calms down). The score is the points earned over the points possible::

    acknowledge_first 15  introduction 5  paraphrase 15  resolution 15  negative_wording 15
    risky_promise 5  ladder 20  hang_up 20  supervisor 15  calmer 10

Partial credit: ``negative_wording`` loses 5 points per wording, ``ladder`` 10 per fault.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from calmdesk.analysis.signals import LEVELS, Intent
from calmdesk.coach import Action, AlertKind
from calmdesk.playbook.schema import Stage
from calmdesk.training import messages as ui
from calmdesk.training.simulator import SimTurn, Simulation

WEIGHTS: dict[str, int] = {
    "acknowledge_first": 15,
    "introduction": 5,
    "paraphrase": 15,
    "resolution": 15,
    "negative_wording": 15,
    "risky_promise": 5,
    "ladder": 20,
    "hang_up": 20,
    "supervisor": 15,
    "calmer": 10,
}
NEGATIVE_WORDING_PENALTY = 5
LADDER_FAULT_PENALTY = 10

# The rung each ladder stage asks the trainee to perform, and the action that performs it.
_RUNG_ACTIONS = {Stage.SET_BOUNDARY: Action.BOUNDARY_STATED, Stage.WARN: Action.WARNING_GIVEN}


@dataclass(frozen=True, slots=True)
class Point:
    """One check: ``earned`` of ``possible`` points, ``detail`` says why (``faults`` list what
    went wrong, each naming the turn)."""

    key: str
    title: str
    earned: int
    possible: int
    detail: str
    faults: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    persona: str
    lang: str
    score: int
    points: tuple[Point, ...]
    turns: int
    accepted: bool
    temper_start: str
    temper_end: str
    outcome: str

    def faults(self) -> list[str]:
        return [fault for point in self.points for fault in point.faults]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["points"] = [asdict(p) | {"faults": list(p.faults)} for p in self.points]
        return data


class _Scorer:
    def __init__(self, simulation: Simulation) -> None:
        self.sim = simulation
        self.lang = simulation.persona.language
        self.turns = simulation.turns
        persona = simulation.persona
        transferred = any(Action.TRANSFERRED in t.recorded for t in self.turns)
        never_calms = persona.temperament.floor == "abusive"
        self.handled = not transferred and not never_calms

    def point(self, key: str, earned: int, detail: str, faults: list[str] | None = None) -> Point:
        title = ui.text(ui.TITLES, key, self.lang)
        return Point(key, title, max(0, earned), WEIGHTS[key], detail, tuple(faults or ()))

    def met(self, key: str, **values: object) -> Point:
        return self.point(key, WEIGHTS[key], ui.text(ui.MET, key, self.lang, **values))

    def fault(self, fault: str, **values: object) -> str:
        return ui.text(ui.FAULTS, fault, self.lang, **values)

    def failed(self, key: str, fault: str, **values: object) -> Point:
        message = ui.text(ui.FAULTS, fault, self.lang, **values)
        return self.point(key, 0, message, [message])

    # -- the checks ---------------------------------------------------------------------------

    def acknowledge_first(self) -> Point:
        for turn in self.turns:
            move = turn.move
            if move is None:
                continue
            if move.empathy:
                return self.met("acknowledge_first", turn=turn.index)
            if move.question or move.paraphrase or move.solution:
                return self.failed("acknowledge_first", "clarified_first", turn=turn.index)
        return self.failed("acknowledge_first", "no_empathy")

    def introduction(self) -> Point:
        turn = next((t for t in self.turns if t.move and t.move.introduction), None)
        if turn is None:
            return self.failed("introduction", "no_introduction")
        return self.met("introduction", turn=turn.index)

    def paraphrase(self) -> Point | None:
        facts = self.sim.persona_facts()
        if not (self.handled and facts):
            return None
        turn = next((t for t in self.turns if t.move and t.move.paraphrase), None)
        if turn is None or turn.move is None:
            said = ", ".join(self.sim.persona.scenario.facts)
            return self.failed("paraphrase", "no_paraphrase", facts=said)
        return self.met("paraphrase", turn=turn.index, facts=", ".join(turn.move.facts_restated))

    def resolution(self) -> Point | None:
        if not self.handled:
            return None
        turn = next((t for t in self.turns if t.move and t.move.resolves), None)
        if turn is None:
            return self.failed("resolution", "no_resolution")
        return self.met("resolution", turn=turn.index)

    def negative_wording(self) -> Point:
        faults = [
            ui.text(
                ui.FAULTS,
                "negative_wording",
                self.lang,
                turn=turn.index,
                phrase=alert.evidence[0],
                alternative=alert.alternative or "",
            )
            for turn in self.turns
            for alert in turn.agent_alerts
            if alert.kind is AlertKind.NEGATIVE_WORDING
        ]
        if not faults:
            return self.met("negative_wording")
        earned = WEIGHTS["negative_wording"] - NEGATIVE_WORDING_PENALTY * len(faults)
        return self.point("negative_wording", earned, "; ".join(faults), faults)

    def risky_promise(self) -> Point:
        for turn in self.turns:
            if turn.move and turn.move.risky_promise:
                promise = turn.move.risky_promise
                return self.failed(
                    "risky_promise", "risky_promise", turn=turn.index, phrase=promise
                )
        return self.met("risky_promise")

    def ladder(self) -> Point | None:
        rungs = {Action.BOUNDARY_STATED, Action.WARNING_GIVEN}
        used = any(rungs & set(t.recorded) for t in self.turns)
        if not used and not any(_customer_abusive(t) for t in self.turns):
            return None
        faults: list[str] = []
        boundary_at = warning_at = None
        for turn in self.turns:
            done = set(turn.recorded)
            abusive = _customer_abusive(turn)
            wanted = _RUNG_ACTIONS.get(turn.before.stage)
            if wanted and abusive and wanted not in done:
                stage = turn.before.stage.value
                faults.append(self.fault("missed_rung", turn=turn.index, stage=stage))
            if rungs & done and not abusive:
                faults.append(self.fault("unprovoked_rung", turn=turn.index))
            if Action.BOUNDARY_STATED in done and boundary_at is None:
                boundary_at = turn.index
            if Action.WARNING_GIVEN in done and warning_at is None:
                warning_at = turn.index
                if boundary_at is None:
                    faults.append(self.fault("warning_before_boundary", turn=turn.index))
            offered = {Action.TRANSFER_OFFERED, Action.TRANSFERRED} & done
            if offered and abusive and warning_at is None and not _supervisor_asked(turn):
                faults.append(self.fault("transfer_before_warning", turn=turn.index))
        if not faults:
            return self.met("ladder")
        earned = WEIGHTS["ladder"] - LADDER_FAULT_PENALTY * len(faults)
        return self.point("ladder", earned, "; ".join(faults), faults)

    def hang_up(self) -> Point:
        accepted_before = False
        for turn in self.turns:
            ended = Action.CALL_ENDED in turn.recorded
            if ended and not turn.before.may_end_call and not accepted_before:
                reason = turn.before.end_call_reason.rstrip(".")
                return self.failed("hang_up", "premature_hang_up", turn=turn.index, reason=reason)
            accepted_before = accepted_before or turn.accepted
        return self.met("hang_up")

    def supervisor(self) -> Point | None:
        asked = next((t for t in self.turns if _supervisor_asked(t)), None)
        if asked is None:
            return None
        for turn in self.turns[asked.index - 1 :]:
            if _offers_transfer(turn):
                if turn.index == asked.index:
                    return self.met("supervisor", turn=turn.index)
                return self.failed(
                    "supervisor", "supervisor_late", asked=asked.index, turn=turn.index
                )
        return self.failed("supervisor", "supervisor_ignored", asked=asked.index)

    def calmer(self) -> Point | None:
        temperament = self.sim.persona.temperament
        if temperament.floor == temperament.start:
            return None
        start = ui.text(ui.LEVEL_NAMES, temperament.start, self.lang)
        end = ui.text(ui.LEVEL_NAMES, self.sim.temper, self.lang)
        if self.sim.accepted or LEVELS.index(self.sim.temper) < LEVELS.index(temperament.start):
            return self.met("calmer", start=start, end=end)
        return self.failed("calmer", "not_calmer", start=start, end=end)


def _customer_abusive(turn: SimTurn) -> bool:
    """Whether the customer's line this turn answered was abusive (as the coach read it)."""
    return turn.before.signals is not None and turn.before.signals.is_abusive


def _supervisor_asked(turn: SimTurn) -> bool:
    signals = turn.before.signals
    return signals is not None and Intent.SUPERVISOR_REQUEST in signals.intents


def _offers_transfer(turn: SimTurn) -> bool:
    actions = {Action.TRANSFER_OFFERED, Action.TRANSFERRED}
    return bool(actions & set(turn.recorded)) or bool(turn.move and turn.move.transfer_offer)


def score(simulation: Simulation) -> Report:
    """Score a rehearsal played so far (usually a finished one)."""
    scorer = _Scorer(simulation)
    checks = (
        scorer.acknowledge_first(),
        scorer.introduction(),
        scorer.paraphrase(),
        scorer.resolution(),
        scorer.negative_wording(),
        scorer.risky_promise(),
        scorer.ladder(),
        scorer.hang_up(),
        scorer.supervisor(),
        scorer.calmer(),
    )
    points = tuple(p for p in checks if p is not None)
    possible = sum(p.possible for p in points)
    earned = sum(p.earned for p in points)
    lang = simulation.persona.language
    return Report(
        persona=simulation.persona.id,
        lang=lang,
        score=round(100 * earned / possible) if possible else 0,
        points=points,
        turns=len(simulation.turns),
        accepted=simulation.accepted,
        temper_start=simulation.persona.temperament.start,
        temper_end=simulation.temper,
        outcome=ui.text(ui.HEADINGS, "accepted" if simulation.accepted else "not_accepted", lang),
    )
