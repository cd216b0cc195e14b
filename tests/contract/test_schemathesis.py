"""schemathesis on the app's own OpenAPI document, in process, with every check, as each role
(a bearer token), on SQLite and PostgreSQL (the ``client`` fixture runs on both), with the
per-operation allowances of ``schemathesis.toml``: no server error, no status the document does
not list, no other failed check.

The bounded run takes the examples, fuzzing and stateful phases with two examples per
operation (about a minute for the eight runs on two cores); the slow one runs the coverage phase
(every boundary and every kind of wrong value of every parameter, some 2,000 requests a run,
15-30 s) as the two roles with the widest reach, supervisor (the floor and the cases) and
admin (the users). The long run, every role and phase against a real server, is
``benchmarks/api_contract.py`` (figures in ``docs/benchmarks.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events
from schemathesis.generation import GenerationMode

from calmdesk.api_sample import ROLES

CONFIG = Path(__file__).resolve().parents[2] / "schemathesis.toml"
Headers = dict[str, dict[str, str]]


@dataclass
class Findings:
    operations: int = 0
    cases: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    """``operation: check: title`` once each, however often schemathesis met it, with the first
    message."""
    errors: list[str] = field(default_factory=list)

    def named(self, check: str) -> list[str]:
        return sorted(f for f in self.failed if f": {check}: " in f)


def run(app: FastAPI, headers: dict[str, str], *, phases: list[str], examples: int) -> Findings:
    config = SchemathesisConfig.from_path(CONFIG)
    config.update(seed=1, max_failures=None)
    project = config.projects.override
    project.update(headers=headers, workers=1, continue_on_failure=True)
    project.phases.update(phases=phases)
    project.checks.update(included_check_names=["all"])
    project.generation.update(modes=list(GenerationMode), max_examples=examples)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    findings = Findings(operations=schema.statistic.operations.selected)
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            findings.cases += len(event.recorder.cases)
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.status == Status.FAILURE and check.failure_info is not None:
                        failure = check.failure_info.failure
                        key = f"{failure.operation}: {check.name}: {failure.title}"
                        findings.failed.setdefault(key, failure.message)
        elif isinstance(event, events.NonFatalError):
            findings.errors.append(f"{event.label}: {event.info.message}")
        elif isinstance(event, events.FatalError):
            raise event.exception
    return findings


def assert_clean(findings: Findings, *, least_cases: int) -> None:
    assert findings.operations >= 49
    assert findings.cases >= least_cases, findings
    assert not findings.named("not_a_server_error")
    assert not findings.named("status_code_conformance")
    assert not findings.failed, "\n".join(f"{k}\n  {v}" for k, v in sorted(findings.failed.items()))
    assert not findings.errors, "\n".join(findings.errors)


@pytest.mark.parametrize("role", ROLES)
def test_the_api_keeps_its_contract(
    app: FastAPI, client: TestClient, bearer: Headers, seeded: None, role: str
) -> None:
    findings = run(app, bearer[role], phases=["examples", "fuzzing", "stateful"], examples=2)
    assert_clean(findings, least_cases=150)


@pytest.mark.slow
@pytest.mark.parametrize("role", ["supervisor", "admin"])  # the widest reach between them
def test_the_api_keeps_its_contract_at_every_boundary(
    app: FastAPI, client: TestClient, bearer: Headers, seeded: None, role: str
) -> None:
    findings = run(app, bearer[role], phases=["examples", "coverage"], examples=5)
    assert_clean(findings, least_cases=2000)
