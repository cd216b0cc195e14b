"""Production refuses a weak secret key with one line on stderr, and keeps the API's map
(``/docs``, ``/openapi.json``) for signed-in users; development keeps it open."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.settings import Settings, estimated_bits, secret_key_problem
from calmdesk.users.models import User
from tests.conftest import LoginHelper
from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 120
GOOD_KEY = "Vq3-kT9xLr2_bWm8YzHc4NpD7sJe1GaU6fQo0RiK5hXt"


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("k", "has 1 characters"),
        ("x" * 31, "has 31 characters"),
        ("a" * 64, "is guessable"),
        ("ab" * 32, "is guessable"),
        ("abcdefghijklmnopqrstuvwxyz0123456789", "is guessable"),
        ("password" * 5, "is guessable"),
    ],
)
def test_a_weak_key_is_named_for_what_is_wrong_with_it(key: str, problem: str) -> None:
    found = secret_key_problem(key)
    assert found is not None and problem in found


def test_random_keys_pass() -> None:
    assert secret_key_problem(GOOD_KEY) is None
    for _ in range(20):
        assert secret_key_problem(secrets.token_urlsafe(48)) is None
        assert secret_key_problem(secrets.token_hex(32)) is None
    assert estimated_bits(secrets.token_urlsafe(48)) > 200


def test_production_settings_refuse_a_weak_key_and_development_does_not_care() -> None:
    with pytest.raises(ValueError, match="CALMDESK_SECRET_KEY has 3 characters"):
        Settings(env="production", secret_key="abc")
    assert Settings(env="development", secret_key="abc").secret_key == "abc"
    assert Settings(env="production", secret_key=GOOD_KEY).secret_key == GOOD_KEY


def _serve(tmp_path: Path, port: int, key: str | None, **env: str) -> subprocess.Popen[str]:
    """``calmdesk serve`` in production with ``key`` (``None``: no CALMDESK_SECRET_KEY)."""
    environment = {
        name: value for name, value in os.environ.items() if name != "CALMDESK_SECRET_KEY"
    }
    if key is not None:
        environment["CALMDESK_SECRET_KEY"] = key
    return subprocess.Popen(
        [sys.executable, "-m", "calmdesk", "serve", "--port", str(port)],
        cwd=ROOT,
        env={
            **environment,
            "CALMDESK_ENV": "production",
            "CALMDESK_DATA_DIR": str(tmp_path / "data"),
            "CALMDESK_WARM_UP_MODELS": "false",
            "CALMDESK_EMBEDDED_WORKER": "false",
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("key", "named"),
    [
        ("", "is empty"),
        ("s", "has 1 characters"),
        ("0123456789" * 4, "is guessable"),
        (None, "the built-in development key"),
    ],
)
def test_serve_in_production_with_a_weak_key_exits_with_one_line(
    tmp_path: Path, key: str | None, named: str
) -> None:
    process = _serve(tmp_path, free_port(), key)
    _, stderr = process.communicate(timeout=STARTUP_SECONDS)
    assert process.returncode == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: CALMDESK_SECRET_KEY") and named in lines[0]
    assert "Traceback" not in stderr


@pytest.mark.slow
def test_another_bad_setting_is_one_line_naming_its_variable(tmp_path: Path) -> None:
    process = _serve(tmp_path, free_port(), GOOD_KEY, CALMDESK_PORT="eighty")
    _, stderr = process.communicate(timeout=STARTUP_SECONDS)
    assert process.returncode == 2
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert stderr.startswith("error: CALMDESK_PORT: ")


@pytest.fixture
def running_in_production(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    process = _serve(tmp_path, port, GOOD_KEY)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, process.communicate()[1]
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


@pytest.mark.slow
def test_serve_in_production_with_a_strong_key_starts_and_hides_the_api_map(
    running_in_production: str,
) -> None:
    assert httpx.get(f"{running_in_production}/openapi.json").status_code == 401
    docs = httpx.get(f"{running_in_production}/docs")
    assert (docs.status_code, docs.headers["location"]) == (303, "/login?next=/docs")


@pytest.fixture
def production(settings: Settings) -> Settings:
    return settings.model_copy(update={"env": "production", "secret_key": GOOD_KEY})


@pytest.fixture
def production_client(
    production: Settings, session_factory: sessionmaker[Session], users: dict[str, User]
) -> Iterator[TestClient]:
    from calmdesk.web.app import create_app

    app = create_app(production)
    app.state.session_factory = session_factory
    with TestClient(app, follow_redirects=False) as client:
        yield client
    app.state.engine.dispose()


def test_in_production_the_api_map_is_for_signed_in_users(production_client: TestClient) -> None:
    client = production_client
    refused = client.get("/openapi.json")
    assert (refused.status_code, refused.json()["code"]) == (401, "not_authenticated")
    assert client.get("/docs").headers["location"] == "/login?next=/docs"
    assert client.get("/redoc").headers["location"] == "/login?next=/redoc"
    body = {"username": "handler", "password": "handler-password"}
    assert client.post("/api/auth/login", json=body).status_code == 200
    # The cookie is Secure; the test client talks plain HTTP, so hand it over by name.
    cookie = client.cookies.get("calmdesk_session")
    assert cookie
    signed_in = {"cookie": f"calmdesk_session={cookie}"}
    schema = client.get("/openapi.json", headers=signed_in)
    assert schema.status_code == 200
    assert "/api/contacts/{contact_id}/utterances" in schema.json()["paths"]
    docs = client.get("/docs", headers=signed_in)
    assert docs.status_code == 200 and "/openapi.json" in docs.text
    redoc = client.get("/redoc", headers=signed_in)
    assert redoc.status_code == 200 and "/apidocs-assets/redoc.standalone.js" in redoc.text


def test_in_development_the_api_map_stays_open(client: TestClient, login: LoginHelper) -> None:
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/docs").status_code == 200
