"""Start-up wiring: the live bus's Redis prefix, model warm-up, and the multi-worker guard."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from calmdesk.analysis import model as tone_model
from calmdesk.cli import app as cli_app
from calmdesk.live.bus import RedisBus
from calmdesk.live.fanout import get_bus, inner_bus
from calmdesk.settings import Settings
from calmdesk.users.passwords import VerificationTime
from calmdesk.web.app import create_app, warm_up_analysis


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "env": "test",
        "data_dir": tmp_path,
        "auto_migrate": False,
        "embedded_worker": False,
        "warm_up_models": False,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def test_the_live_bus_uses_the_configured_redis_channel_prefix(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path, redis_url="redis://127.0.0.1:6379/0", redis_channel_prefix="shop-a"
    )
    app = create_app(settings)
    bus = inner_bus(get_bus(app))
    assert isinstance(bus, RedisBus)
    assert bus.prefix == "shop-a"


def test_warm_up_loads_the_tone_model_and_measures_a_verification(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = VerificationTime()
    monkeypatch.setattr("calmdesk.web.app.VERIFICATION_TIME", clock)
    warm_up_analysis()
    assert tone_model._cached.cache_info().currsize >= 1
    assert clock.measured  # the first unknown username of the day waits without measuring


def test_an_app_with_warm_up_starts_and_answers(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path, warm_up_models=True))
    with TestClient(app) as client:
        assert client.get("/healthz").json()["status"] == "ok"


def test_serve_refuses_several_workers_without_redis() -> None:
    result = CliRunner().invoke(
        cli_app, ["serve", "--workers", "2"], env={"CALMDESK_REDIS_URL": ""}
    )
    assert result.exit_code != 0
    assert "CALMDESK_REDIS_URL" in str(result.exception) or "CALMDESK_REDIS_URL" in result.output
