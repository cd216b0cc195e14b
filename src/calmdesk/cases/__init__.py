"""Complaint cases with two clocks: intake, workflow, customer updates, compensation, the
deadline worker and personal data. Start with :mod:`calmdesk.cases.service`."""

from __future__ import annotations

from typing import Any

__all__ = ["intake_from_contact"]


def __getattr__(name: str) -> Any:
    # Lazy, so importing calmdesk.cases.enums does not load the services (and numpy).
    if name == "intake_from_contact":
        from calmdesk.cases.from_contact import intake_from_contact

        return intake_from_contact
    raise AttributeError(name)
