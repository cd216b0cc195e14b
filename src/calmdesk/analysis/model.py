"""The trained tone model: abuse and anger probabilities for a batch of texts.

Inference is numpy only; the weights ship inside the package (``analysis/models/``).
``load_default_model()`` returns ``None`` when no weights are installed, and the pipeline then
relies on its lexicons and cues alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ToneScores:
    abuse: float
    anger: float


class ToneModel(Protocol):
    def predict(self, texts: Sequence[str], langs: Sequence[str]) -> list[ToneScores]:
        """Scores for each text (``langs`` gives each text's language: pl, ru, en or other)."""
        ...


def load_default_model() -> ToneModel | None:
    """The shipped model, or ``None`` while no weights are installed."""
    return None
