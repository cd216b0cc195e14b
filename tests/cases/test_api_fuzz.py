"""schemathesis against the app's own OpenAPI document, in process, with a bearer token: no
generated request to the cases API may cause a server error. One test per operation, a bounded
number of examples each."""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from sqlalchemy.orm import Session

from calmdesk.settings import Settings
from calmdesk.web.app import create_app
from tests.cases.conftest import MakeCase

EXAMPLES_PER_OPERATION = 10
CASES_API = re.compile(r"^/api/(cases|compensations|customers)")


def _operations() -> list[tuple[str, str]]:
    document = create_app(Settings(env="test", database_url="sqlite://")).openapi()
    return [
        (method.upper(), path)
        for path, methods in document["paths"].items()
        if CASES_API.match(path)
        for method in methods
    ]


@pytest.fixture
def cases_api(app: FastAPI, make_case: MakeCase, session: Session) -> Any:
    make_case()  # something for the generated ids to find
    session.commit()
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.mark.parametrize(("method", "path"), _operations())
def test_no_generated_request_causes_a_server_error(
    method: str, path: str, cases_api: Any, tokens: dict[str, dict[str, str]]
) -> None:
    operation = cases_api[path][method]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def call(case: Any) -> None:
        response = case.call(headers=tokens["supervisor"])
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}"
        )

    call()
