"""A short difficult dialogue shared by the live tests."""

from __future__ import annotations

from typing import Any

# A difficult call in Polish, in our own words: venting with facts, insults (grawlix included),
# the agent's boundary and warning, more abuse, a failed transfer. Turns are
# {"customer": text} | {"agent": text} | {"action": name}.
DIALOGUE: list[dict[str, str]] = [
    {"customer": "Dzień dobry, na fakturze FV/2026/11/42 mam 200 zł więcej niż w umowie!"},
    {"agent": "Rozumiem, sprawdzę to od razu."},
    {"customer": "Ty #$&^&%@! idioto, znowu mnie oszukujecie!"},
    {"action": "boundary_stated"},
    {"customer": "Zamknij się, debilu, nic nie umiesz!"},
    {"action": "warning_given"},
    {"customer": "Ty kretynie, #$&^&%@! cała ta wasza firma!"},
    {"action": "transfer_failed"},
    {"customer": "Idioto, słyszysz mnie?!"},
]


def comparable(guidance: dict[str, Any]) -> dict[str, Any]:
    """A guidance message without what differs between two contacts (their id)."""
    return {k: v for k, v in guidance.items() if k != "contact_id"}


def without_event(guidance: dict[str, Any]) -> dict[str, Any]:
    """A live guidance message as stored (the line it answers is stored once, in its event)."""
    return {k: v for k, v in guidance.items() if k != "event"}
