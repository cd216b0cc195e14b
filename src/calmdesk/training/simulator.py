"""A rehearsal: a simulated customer (a :class:`Persona`) talks to a trainee, and the live coach
watches the same conversation, exactly as it would on a real call.

Each trainee turn is a line, an action (``boundary_stated``...), or silence. The line is read by
:mod:`calmdesk.training.classify`; a line that clearly sets a boundary, gives a warning or offers
a transfer is also recorded for the coach as that action, as if the trainee had pressed the
button. The persona's temper moves by its rules, it answers with a line of its script for that
situation and temper, and the coach analyses that line like any customer's.

Deterministic: the same persona, seed and trainee turns give the same customer lines. Example::

    sim = Simulation(get_persona("pl_invoice_calm"), seed=7, agent_name="Ola")
    sim.start()                                   # the customer's opening line
    turn = sim.agent_turn("Rozumiem, to frustrujące. Nazywam się Ola.")
    turn.customer_line, turn.guidance.stage, turn.temper
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from calmdesk.analysis.signals import Level, Signals
from calmdesk.coach import Action, Alert, Conversation, Guidance, parse_action
from calmdesk.coach.conversation import default_analyzer
from calmdesk.errors import InvalidInput
from calmdesk.playbook.load import default_playbook
from calmdesk.playbook.schema import Playbook
from calmdesk.training.classify import AgentMove, classify
from calmdesk.training.personas import Persona, Situation

Analyzer = Callable[[str, str | None], Signals]

MAX_AGENT_TURNS = 60

# The situation the customer answers when a line does several things: the most pressing first.
_REPLY_PRIORITY: tuple[Situation, ...] = (
    Situation.TRANSFERRED,
    Situation.WARNING,
    Situation.BOUNDARY,
    Situation.NEGATIVE_WORDING,
    Situation.SOLUTION,
    Situation.PARAPHRASE,
    Situation.QUESTION,
    Situation.EMPATHY,
    Situation.IGNORED,
)
_ACTION_SITUATIONS = {
    Action.BOUNDARY_STATED: Situation.BOUNDARY,
    Action.WARNING_GIVEN: Situation.WARNING,
    Action.TRANSFER_OFFERED: Situation.TRANSFERRED,
    Action.TRANSFER_FAILED: Situation.IGNORED,
}


class RehearsalFinished(InvalidInput):
    code = "rehearsal_finished"


@dataclass(frozen=True, slots=True)
class SimTurn:
    """One trainee turn and what followed.

    ``before`` is the coach's guidance the trainee was answering; ``recorded`` the actions the
    coach received (typed or read from the words); ``agent_alerts`` the coach's alerts about the
    trainee's words; ``guidance`` the coach's guidance after the customer's reply (what to do
    next); ``customer_line`` is ``None`` when the call ended or was transferred."""

    index: int
    agent_text: str | None
    action: Action | None
    recorded: tuple[Action, ...]
    move: AgentMove | None
    situations: tuple[Situation, ...]
    temper_before: Level
    temper: Level
    customer_line: str | None
    before: Guidance
    agent_alerts: tuple[Alert, ...]
    guidance: Guidance
    accepted: bool
    finished: bool

    @property
    def silent(self) -> bool:
        return self.agent_text is None and self.action is None


class Simulation:
    """One rehearsal. ``playbook`` defaults to the shipped playbook of the persona's language;
    ``started_at`` anchors the deadline dates in the coach's phrases (now by default)."""

    def __init__(
        self,
        persona: Persona,
        playbook: Playbook | None = None,
        seed: int = 0,
        *,
        agent_name: str | None = None,
        can_transfer: bool = True,
        started_at: datetime | None = None,
        analyzer: Analyzer | None = None,
    ) -> None:
        self.persona = persona
        self.playbook = playbook or default_playbook(persona.language)
        self.seed = seed
        self.agent_name = agent_name
        self.can_transfer = can_transfer
        self._analyze = analyzer or default_analyzer
        self.conversation = Conversation(
            self.playbook,
            lang=persona.language,
            agent_name=agent_name,
            can_transfer=can_transfer,
            started_at=started_at,
            analyzer=self._analyze,
        )
        # Not for secrets: a seeded generator makes the customer lines repeatable.
        self._random = random.Random(f"{persona.id}:{seed}")  # noqa: S311
        self._last_line: dict[tuple[Situation, Level], str] = {}
        self.temper: Level = persona.temperament.start
        self.turns: list[SimTurn] = []
        self.opening: str | None = None
        self.accepted = False
        self._finished = False
        self._closed = False
        self._persona_facts: tuple[tuple[str, str], ...] | None = None

    @property
    def finished(self) -> bool:
        return self._finished

    @property
    def guidance(self) -> Guidance:
        """The coach's latest guidance for the trainee."""
        if self.conversation.guidance is None:
            raise InvalidInput("the rehearsal has not started", code="rehearsal_not_started")
        return self.conversation.guidance

    def persona_facts(self) -> tuple[tuple[str, str], ...]:
        """The scenario's facts as the analysis reads them: ``(kind, value)`` pairs."""
        if self._persona_facts is None:
            found: dict[tuple[str, str], None] = {}
            for text in self.persona.scenario.facts:
                for fact in self._analyze(text, self.persona.language).facts:
                    found[(fact.kind, fact.value)] = None
            self._persona_facts = tuple(found)
        return self._persona_facts

    def start(self) -> str:
        """The customer's opening line (the coach hears it first)."""
        if self.opening is not None:
            raise InvalidInput("the rehearsal has already started", code="rehearsal_started")
        self.opening = self._line(Situation.OPENING)
        self.conversation.customer_says(self.opening)
        return self.opening

    def agent_turn(self, text: str | None = None, action: str | Action | None = None) -> SimTurn:
        """The trainee's turn: a line, an action, both, or neither (silence)."""
        if self.opening is None:
            self.start()
        parsed = parse_action(action) if action is not None else None
        # After the customer accepted a solution the trainee may still close the call.
        closing = self.accepted and not self._closed and parsed is Action.CALL_ENDED
        if self._finished and not closing:
            raise RehearsalFinished("the rehearsal has finished; start a new one")
        before = self.guidance
        if text is not None and not text.strip():
            text = None
        move: AgentMove | None = None
        agent_alerts: tuple[Alert, ...] = ()
        recorded: list[Action] = []
        situations: set[Situation] = set()
        if text is not None:
            move, agent_alerts = self._hear(text)
            situations |= _situations(move)
            recorded += _actions_from_words(move, typed=parsed)
        if parsed is not None:
            recorded.append(parsed)
            if parsed in _ACTION_SITUATIONS:
                situations.add(_ACTION_SITUATIONS[parsed])
        if text is None and parsed is None:
            situations.add(Situation.SILENCE)
        for done in recorded:
            self.conversation.agent_did(done)

        temper_before = self.temper
        ends = parsed in (Action.CALL_ENDED, Action.TRANSFERRED)
        line = None
        accepted = False
        if not ends:
            self.temper = self.persona.temperament.move(self.temper, situations)
            reply = _reply_situation(situations)
            accepted = bool(move and move.resolves) and self.temper == "calm"
            line = self._line(reply)
            self.conversation.customer_says(line)
        self.accepted = self.accepted or accepted
        self._closed = self._closed or ends
        self._finished = ends or accepted or len(self.turns) + 1 >= MAX_AGENT_TURNS
        turn = SimTurn(
            index=len(self.turns) + 1,
            agent_text=text,
            action=parsed,
            recorded=tuple(recorded),
            move=move,
            situations=tuple(s for s in Situation if s in situations),
            temper_before=temper_before,
            temper=self.temper,
            customer_line=line,
            before=before,
            agent_alerts=agent_alerts,
            guidance=self.guidance,
            accepted=accepted,
            finished=self._finished,
        )
        self.turns.append(turn)
        return turn

    def hint(self) -> str:
        """The coach's suggestion for the trainee's next line, or the stage when it has none."""
        guidance = self.guidance
        if guidance.suggestions:
            return "\n".join(s.text for s in guidance.suggestions)
        return guidance.stage.value

    # -- internals ----------------------------------------------------------------------------

    def _hear(self, text: str) -> tuple[AgentMove, tuple[Alert, ...]]:
        said = self.conversation.agent_says(text)
        facts = self._analyze(text, self.persona.language).facts
        move = classify(
            text,
            agent_facts=facts,
            persona_facts=self.persona_facts(),
            agent_guidance=said,
            agent_name=self.agent_name,
        )
        return move, said.alerts

    def _line(self, situation: Situation) -> str:
        """A variant for the situation and temper, never the same one twice in a row."""
        options = self.persona.lines(situation, self.temper)
        last = self._last_line.get((situation, self.temper))
        fresh = [line for line in options if line != last] or options
        line = self._random.choice(fresh)
        self._last_line[(situation, self.temper)] = line
        return line


def _situations(move: AgentMove) -> set[Situation]:
    found = set()
    for flag, situation in (
        (move.empathy or move.introduction, Situation.EMPATHY),
        (move.question, Situation.QUESTION),
        (move.paraphrase, Situation.PARAPHRASE),
        (move.resolves, Situation.SOLUTION),
        (move.boundary and not move.warning, Situation.BOUNDARY),
        (move.warning, Situation.WARNING),
        (move.transfer_offer, Situation.TRANSFERRED),
        (bool(move.negative_wordings), Situation.NEGATIVE_WORDING),
    ):
        if flag:
            found.add(situation)
    if found:
        return found
    # A bare listening signal ("Słucham.", "Go on.") is attention, not being ignored.
    return {Situation.EMPATHY} if move.listening else {Situation.IGNORED}


def _actions_from_words(move: AgentMove, *, typed: Action | None) -> list[Action]:
    """The ladder action a line performs, unless the trainee typed an action in the same turn.
    A warning line usually names the insults too: it is recorded as the warning only."""
    if typed is not None:
        return []
    if move.warning:
        return [Action.WARNING_GIVEN]
    if move.boundary:
        return [Action.BOUNDARY_STATED]
    if move.transfer_offer:
        return [Action.TRANSFER_OFFERED]
    return []


def _reply_situation(situations: set[Situation]) -> Situation:
    if Situation.SILENCE in situations:
        return Situation.SILENCE
    return next(s for s in _REPLY_PRIORITY if s in situations)
