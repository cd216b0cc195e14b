"""Rehearsals of difficult conversations: simulated customers (personas, YAML data) talk to a
trainee while the live coach watches, and the rehearsal is scored by the coach's own rules.
Pure: no database, no HTTP."""

from calmdesk.training.classify import AgentMove, classify
from calmdesk.training.personas import (
    Persona,
    PersonaError,
    PersonaNotFound,
    Situation,
    builtin_personas,
    get_persona,
    load_persona_file,
    parse_persona,
)
from calmdesk.training.rehearsal import (
    InvalidRehearsal,
    Rehearsal,
    TraineeTurn,
    parse_rehearsal,
    record,
    replay,
)
from calmdesk.training.scoring import Point, Report, score
from calmdesk.training.simulator import RehearsalFinished, SimTurn, Simulation

__all__ = [
    "AgentMove",
    "InvalidRehearsal",
    "Persona",
    "PersonaError",
    "PersonaNotFound",
    "Point",
    "Rehearsal",
    "RehearsalFinished",
    "Report",
    "SimTurn",
    "Simulation",
    "Situation",
    "TraineeTurn",
    "builtin_personas",
    "classify",
    "get_persona",
    "load_persona_file",
    "parse_persona",
    "parse_rehearsal",
    "record",
    "replay",
    "score",
]
