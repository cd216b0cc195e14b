"""The one error handler: domain errors keep code and fields; throttling says when to retry."""

from fastapi import FastAPI
from fastapi.testclient import TestClient

from calmdesk.errors import CalmDeskError
from calmdesk.web.errors import install_error_handlers, retry_after_header


def make_app(error: CalmDeskError) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    def boom() -> None:
        raise error

    return app


def test_a_domain_error_renders_its_code_message_and_fields() -> None:
    app = make_app(CalmDeskError("case 7 not found", code="case_not_found", http_status=404, id=7))
    response = TestClient(app).get("/boom")
    assert response.status_code == 404
    assert response.json() == {"code": "case_not_found", "message": "case 7 not found", "id": 7}
    assert "retry-after" not in response.headers


def test_a_throttled_answer_carries_retry_after_rounded_up() -> None:
    error = CalmDeskError(
        "wait", code="too_many_attempts", http_status=429, retry_after_seconds=1.2
    )
    response = TestClient(make_app(error)).get("/boom")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "2"


def test_retry_after_ignores_values_that_are_not_seconds() -> None:
    assert retry_after_header(CalmDeskError("x", retry_after_seconds="soon")) is None
    assert retry_after_header(CalmDeskError("x", retry_after_seconds=-1)) is None
