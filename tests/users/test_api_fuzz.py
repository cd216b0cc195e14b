"""schemathesis against the users and auth part of the OpenAPI document: no generated request
may cause a server error. A bounded number of examples per operation."""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from sqlalchemy.orm import Session

from calmdesk.settings import Settings
from calmdesk.users import service
from calmdesk.users.models import User
from calmdesk.web.app import create_app

EXAMPLES_PER_OPERATION = 15
USERS_API = re.compile(r"^/api/(users|auth)")


def _operations() -> list[tuple[str, str]]:
    document = create_app(Settings(env="test", database_url="sqlite://")).openapi()
    return [
        (method.upper(), path)
        for path, methods in document["paths"].items()
        if USERS_API.match(path)
        for method in methods
    ]


def test_the_users_api_is_in_the_openapi_document() -> None:
    paths = {path for _, path in _operations()}
    assert {"/api/auth/login", "/api/users/me", "/api/users", "/api/users/{user_id}"} <= paths


@pytest.fixture
def admin_headers(session: Session, users: dict[str, User]) -> dict[str, str]:
    token = service.issue_token(session, user=users["admin"], name="fuzz")
    session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(("method", "path"), _operations())
def test_no_generated_request_causes_a_server_error(
    method: str, path: str, app: FastAPI, admin_headers: dict[str, str]
) -> None:
    operation = schemathesis.openapi.from_asgi("/openapi.json", app)[path][method]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def call(case: Any) -> None:
        response = case.call(headers=admin_headers)
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}"
        )

    call()
