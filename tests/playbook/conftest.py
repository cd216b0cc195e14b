"""Small playbooks for the loader's tests: a minimal valid one in two languages, written to
``tmp_path`` as YAML after each test breaks it in one place."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from calmdesk.playbook.schema import STAGE_PLACEHOLDERS, Stage

LANGUAGES = ["en", "pl"]


def _texts(text: str) -> dict[str, str]:
    return {lang: f"{text} ({lang})" for lang in LANGUAGES}


def _stage_phrases(stage: Stage) -> dict[str, list[str]]:
    fill = " ".join(f"{{{name}}}" for name in sorted(STAGE_PLACEHOLDERS[stage]))
    return {lang: [f"{stage.value} phrase in {lang} {fill}".strip()] for lang in LANGUAGES}


MINIMAL: dict[str, Any] = {
    "name": "Minimal",
    "company": "Test Ltd",
    "languages": LANGUAGES,
    "default_language": "en",
    "currency": "EUR",
    "calendar": {
        "timezone": "Europe/Warsaw",
        "country": "PL",
        "working_hours": {"mon": ["08:00-12:00", "12:30-16:00"], "fri": ["09:00-13:00"]},
    },
    "teams": [{"key": "billing", "name": _texts("Billing")}],
    "categories": [
        {
            "key": "invoice",
            "name": _texts("Invoice"),
            "description": _texts("Wrong invoice"),
            "team": "billing",
            "severities": [
                {"key": "low", "name": _texts("Low"), "weight": 1},
                {"key": "high", "name": _texts("High"), "weight": 3},
            ],
            "default_severity": "low",
            "kpi": {"first_response": "4h", "resolution": "1h 30m"},
            "legal": {
                "days": 14,
                "basis": _texts("A statute"),
                "consequence": _texts("Deemed accepted"),
            },
        }
    ],
    "compensation": [
        {
            "category": "invoice",
            "severity": "high",
            "options": [{"kind": "refund", "min": 0, "max": 100}],
            "agent_limit": 20,
        }
    ],
    "intake": [{"key": "what", "text": _texts("What happened?")}],
    "conversation": {"break_minutes": [{"min_difficulty": 0.6, "minutes": 5}]},
    "phrases": {
        "stages": {stage.value: _stage_phrases(stage) for stage in Stage},
        "negative_wordings": {
            lang: [{"phrase": "impossible", "alternative": "let me check"}] for lang in LANGUAGES
        },
        "still_here": {lang: ["yes, I am here"] for lang in LANGUAGES},
    },
    "public": {"first_response": "1h", "resolution": "24h"},
}

WriteYaml = Callable[[dict[str, Any]], Path]


@pytest.fixture
def minimal() -> dict[str, Any]:
    """A fresh deep copy of the minimal valid playbook, free to break."""
    return copy.deepcopy(MINIMAL)


@pytest.fixture
def write_yaml(tmp_path: Path) -> WriteYaml:
    def write(document: dict[str, Any]) -> Path:
        path = tmp_path / "acme.yaml"
        path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        return path

    return write
