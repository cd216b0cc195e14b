"""Simulated customers for rehearsals: YAML data, no code.

A persona names who is calling and what happened (the scenario's facts, as the customer would
say them), how heated the customer starts (``temperament.start``, a level of the analysis:
``calm < upset < angry < abusive``), how each kind of agent move changes that temper
(``temperament.rules``: steps up or down), and what the customer says in each situation, with
variants per temper::

    script:
      opening:
        abusive: ["Ile #$&^a mam czekać na tego laptopa?"]
      empathy:
        abusive: ["Nie interesuje mnie, jak się nazywasz!"]
        upset: ["No dobrze, ale co z moim laptopem?"]

Every situation needs at least one line; the simulator takes the variant written for the temper
nearest to the current one (see :func:`Persona.lines`).
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from calmdesk.analysis.signals import LEVELS, Level
from calmdesk.errors import InvalidInput, NotFound
from calmdesk.languages import LANGUAGES
from calmdesk.playbook.load import validated


class Situation(StrEnum):
    """What the agent just did, as the persona perceives it (the key of the script)."""

    OPENING = "opening"
    EMPATHY = "empathy"  # named the emotion, showed understanding, introduced themself
    QUESTION = "question"  # asked about the facts
    PARAPHRASE = "paraphrase"  # restated the customer's facts
    SOLUTION = "solution"  # offered a solution with a deadline
    BOUNDARY = "boundary"  # said insults are not acceptable
    WARNING = "warning"  # said the call will end if the insults go on
    SILENCE = "silence"  # said nothing (the silent-record rung, or just no answer)
    NEGATIVE_WORDING = "negative_wording"  # "nic nie mogę zrobić", "это невозможно"
    IGNORED = "ignored"  # nothing the customer could take as an answer
    TRANSFERRED = "transferred"  # was offered or given a transfer


class PersonaError(InvalidInput):
    code = "invalid_persona"


class PersonaNotFound(NotFound):
    code = "persona_not_found"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


NonEmptyText = Annotated[str, Field(min_length=1)]


class Scenario(_Strict):
    """What happened. ``facts`` are written as the customer says them ("200 zł",
    "FV/2025/03/123"); the analysis turns them into the values a paraphrase is checked against."""

    summary: NonEmptyText
    facts: list[NonEmptyText] = Field(default_factory=list)
    wants: NonEmptyText


class Temperament(_Strict):
    """``rules`` move the temper by whole levels per agent turn (negative calms); the moves of
    every situation seen in one turn add up (so "calms after empathy *and* the facts" is two
    ``-1`` rules). ``floor`` is the calmest the customer ever gets (``abusive`` for the caller
    of seed 001, who never calms down)."""

    start: Level
    floor: Level = "calm"
    rules: dict[Situation, Annotated[int, Field(ge=-3, le=3)]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _floor_not_above_start(self) -> Temperament:
        if LEVELS.index(self.floor) > LEVELS.index(self.start):
            raise ValueError(f"floor {self.floor!r} is hotter than start {self.start!r}")
        return self

    def move(self, temper: Level, situations: set[Situation]) -> Level:
        """The temper after a turn in which the agent did all of ``situations``."""
        step = sum(self.rules.get(situation, 0) for situation in situations)
        index = LEVELS.index(temper) + step
        index = max(LEVELS.index(self.floor), min(len(LEVELS) - 1, index))
        return LEVELS[index]


Lines = dict[Level, list[NonEmptyText]]


class Persona(_Strict):
    id: NonEmptyText
    language: str
    name: NonEmptyText
    title: NonEmptyText
    scenario: Scenario
    temperament: Temperament
    script: dict[Situation, Lines]

    @model_validator(mode="after")
    def _complete(self) -> Persona:
        if self.language not in LANGUAGES:
            raise ValueError(f"language {self.language!r} is not one of {', '.join(LANGUAGES)}")
        missing = [s.value for s in Situation if not any(self.script.get(s, {}).values())]
        if missing:
            raise ValueError(f"no lines for: {', '.join(missing)}")
        return self

    def lines(self, situation: Situation, temper: Level) -> list[str]:
        """The variants written for ``temper``, else for the nearest temper (a hotter one wins a
        tie: a customer does not cool down because the script is short)."""
        by_temper = {level: lines for level, lines in self.script[situation].items() if lines}
        here = LEVELS.index(temper)
        nearest = min(
            by_temper, key=lambda level: (abs(LEVELS.index(level) - here), -LEVELS.index(level))
        )
        return by_temper[nearest]


def parse_persona(text: str, *, name: str = "<persona>") -> Persona:
    """Parse one persona YAML document; errors name ``name`` and the YAML path."""
    try:
        document: Any = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise PersonaError(f"{name}: not valid YAML ({error})", file=name) from None
    if not isinstance(document, dict):
        raise PersonaError(f"{name}: a persona must be a YAML mapping (key: value)", file=name)
    return validated(Persona, document, name=name, error=PersonaError)


def load_persona_file(path: str | Path) -> Persona:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PersonaNotFound(f"{path}: no such persona file", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise PersonaError(f"{path}: cannot be read ({error})", file=str(path)) from None
    return parse_persona(text, name=str(path))


@lru_cache(maxsize=1)
def builtin_personas() -> dict[str, Persona]:
    """The shipped personas by id, in file-name order (loaded once per process)."""
    folder = resources.files("calmdesk.training").joinpath("personas")
    found: dict[str, Persona] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        persona = parse_persona(entry.read_text(encoding="utf-8"), name=f"personas/{entry.name}")
        if persona.id != entry.name.removesuffix(".yaml"):
            raise PersonaError(f"personas/{entry.name}: id {persona.id!r} must match the file name")
        found[persona.id] = persona
    return found


def get_persona(key: str) -> Persona:
    """A shipped persona by id, or a persona YAML file by path."""
    personas = builtin_personas()
    if key in personas:
        return personas[key]
    if key.endswith((".yaml", ".yml")):
        return load_persona_file(key)
    raise PersonaNotFound(
        f"unknown persona {key!r}; see `calmdesk simulate list` ({', '.join(personas)})",
        persona=key,
    )
