"""schemathesis against the app's own OpenAPI document, in process, with a bearer token: no
generated request to the social API may cause a server error. One test per operation, a
bounded number of examples each."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from sqlalchemy.orm import Session

from calmdesk.playbook.load import default_playbook
from calmdesk.settings import Settings
from calmdesk.social import service
from calmdesk.social.enums import Platform
from calmdesk.social.schemas import PostCreate, PromiseCreate
from calmdesk.storage.types import utcnow
from calmdesk.users.models import User
from calmdesk.users.service import issue_token
from calmdesk.web.app import create_app

EXAMPLES_PER_OPERATION = 10


def _operations() -> list[tuple[str, str]]:
    document = create_app(Settings(env="test", database_url="sqlite://")).openapi()
    return [
        (method.upper(), path)
        for path, methods in document["paths"].items()
        if path.startswith("/api/social")
        for method in methods
    ]


@pytest.fixture
def social_api(app: FastAPI, session: Session, users: dict[str, User]) -> Any:
    # Something for the generated ids to find.
    post = service.register_post(
        session,
        post_in=PostCreate(platform=Platform.X, author_handle="@a", text="Order 7731 lost."),
        actor=users["handler"],
        playbook=default_playbook("en"),
    )
    service.make_promise(
        session,
        post=post,
        promise_in=PromiseCreate(text="Call back", due_at=utcnow() + timedelta(days=1)),
        actor=users["supervisor"],
    )
    session.commit()
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture
def supervisor_token(session: Session, users: dict[str, User]) -> dict[str, str]:
    token = issue_token(session, user=users["supervisor"], name="tests")
    session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(("method", "path"), _operations())
def test_no_generated_request_causes_a_server_error(
    method: str, path: str, social_api: Any, supervisor_token: dict[str, str]
) -> None:
    operation = social_api[path][method]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def call(case: Any) -> None:
        response = case.call(headers=supervisor_token)
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}"
        )

    call()
