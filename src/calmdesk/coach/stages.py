"""The conversation's stages, the abuse ladder and the agent's actions.

The ladder is climbed one rung per abusive customer turn, never skipped except ``transfer``
when no transfer is possible::

    acknowledge -> set_boundary -> warn -> silent_record -> transfer -> end_call
"""

from __future__ import annotations

from enum import StrEnum

from calmdesk.errors import InvalidInput
from calmdesk.playbook.schema import Stage

LADDER: tuple[Stage, ...] = (
    Stage.ACKNOWLEDGE,
    Stage.SET_BOUNDARY,
    Stage.WARN,
    Stage.SILENT_RECORD,
    Stage.TRANSFER,
    Stage.END_CALL,
)


class Action(StrEnum):
    """What the agent reports having done (ahead of the coach's suggestion or after it)."""

    BOUNDARY_STATED = "boundary_stated"
    WARNING_GIVEN = "warning_given"
    TRANSFER_OFFERED = "transfer_offered"
    TRANSFER_FAILED = "transfer_failed"
    TRANSFERRED = "transferred"
    CALL_ENDED = "call_ended"


class AlertKind(StrEnum):
    ABUSE = "abuse"
    SUPERVISOR_REQUESTED = "supervisor_requested"
    THREAT_PUBLIC = "threat_public"
    THREAT_LEGAL = "threat_legal"
    CHURN_RISK = "churn_risk"
    NEGATIVE_WORDING = "negative_wording"
    RISKY_PROMISE = "risky_promise"
    BREAK_RECOMMENDED = "break_recommended"
    ENDED_WITHOUT_PERMISSION = "ended_without_permission"
    """The agent ended a contact the coach did not allow ending (for the board)."""
    BREAK_REQUESTED = "break_requested"
    """The agent asked for a break after a contact (for the board)."""
    THREAT_VIOLENCE = "threat_violence"
    """A threat of physical harm: the loudest alert, with the playbook's safety procedure."""
    SELF_HARM = "self_harm"
    """The customer speaks of harming themselves: care and the crisis line, never the ladder."""


def parse_action(value: str | Action) -> Action:
    """``"warning_given"`` into :class:`Action`; anything else is a clear :class:`InvalidInput`."""
    if isinstance(value, Action):
        return value
    try:
        return Action(str(value).strip().lower())
    except ValueError:
        known = ", ".join(a.value for a in Action)
        raise InvalidInput(
            f"unknown action {value!r}; use one of: {known}", code="unknown_action", action=value
        ) from None


def rung_index(rung: Stage | None) -> int:
    """Position on the ladder, -1 before the first rung (``None``)."""
    return -1 if rung is None else LADDER.index(rung)


def higher_rung(a: Stage | None, b: Stage | None) -> Stage | None:
    """The higher of two rungs (``None`` is below every rung)."""
    return a if rung_index(a) >= rung_index(b) else b


def next_rung(current: Stage | None, *, transfer_possible: bool) -> Stage:
    """The rung after ``current``; ``transfer`` is skipped when no transfer is possible, and
    ``end_call`` is the top (climbing from it stays there)."""
    index = rung_index(current) + 1
    if index >= len(LADDER):
        return Stage.END_CALL
    rung = LADDER[index]
    if rung is Stage.TRANSFER and not transfer_possible:
        return Stage.END_CALL
    return rung
