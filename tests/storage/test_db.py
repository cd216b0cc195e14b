"""Engines, the SQLite defaults, the UTC column type and the migrations."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import Column, Engine, Integer, MetaData, Table, inspect, select, text

from calmdesk.settings import Settings
from calmdesk.storage import migrate
from calmdesk.storage.db import make_engine, normalise_url, sqlite_file
from calmdesk.storage.scrub import forget_erased
from calmdesk.storage.types import UTCDateTime
from calmdesk.web.app import create_app


def test_a_sqlite_file_gets_its_folder_created_and_runs_in_wal_mode(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'data' / 'calmdesk.sqlite3'}"
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert (tmp_path / "nested" / "data").is_dir()
    finally:
        engine.dispose()


def test_the_default_database_is_an_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "calmdesk-data")
    assert sqlite_file(settings.effective_database_url) == tmp_path / "calmdesk-data" / (
        "calmdesk.sqlite3"
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_plain_postgresql_urls_use_psycopg_3(url: str, expected: str) -> None:
    assert normalise_url(url) == expected


def test_in_memory_sqlite_has_no_file() -> None:
    assert sqlite_file("sqlite://") is None
    assert sqlite_file("sqlite:///:memory:") is None
    assert sqlite_file("postgresql://u@h/db") is None


def test_timestamps_come_back_timezone_aware_in_utc(engine: Engine) -> None:
    metadata = MetaData()
    table = Table(
        "tmp_utc_roundtrip",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("at", UTCDateTime),
    )
    warsaw_winter = timezone(timedelta(hours=1))
    moment = datetime(2026, 12, 23, 17, 30, tzinfo=warsaw_winter)
    with engine.connect() as connection:
        transaction = connection.begin()
        metadata.create_all(connection)
        connection.execute(table.insert().values(id=1, at=moment))
        stored = connection.execute(select(table.c.at)).scalar_one()
        transaction.rollback()
    assert stored == moment
    assert stored.tzinfo is not None
    assert stored.utcoffset() == timedelta(0)
    assert stored.hour == 16


def test_a_naive_timestamp_is_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        UTCDateTime().process_bind_param(datetime(2026, 1, 1), engine.dialect)
    assert UTCDateTime().process_bind_param(None, engine.dialect) is None
    assert UTCDateTime().process_bind_param(datetime(2026, 1, 1, tzinfo=UTC), engine.dialect)


def test_each_domain_branch_has_exactly_one_head_rooted_at_users() -> None:
    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    assert scripts.get_base() == "0001_users"
    heads = scripts.get_heads()
    labels = [label for head in heads for label in scripts.get_revision(head).branch_labels]
    assert len(labels) == len(set(labels)), "two heads on one branch: chain the later one"


def test_the_migrated_database_is_at_every_head(engine: Engine) -> None:
    assert set(migrate.current(engine)) == set(migrate.heads())
    assert migrate.is_up_to_date(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"users", "api_tokens", "alembic_version"} <= tables


def test_upgrading_twice_is_harmless(engine: Engine) -> None:
    migrate.upgrade(engine)
    assert migrate.is_up_to_date(engine)


def test_a_fresh_sqlite_file_migrates_from_nothing_and_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    assert migrate.current(url) == ()
    migrate.upgrade(url)
    assert migrate.is_up_to_date(url)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            command.downgrade(migrate.alembic_config(connection=connection), "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_the_app_migrates_a_fresh_database_on_startup(tmp_path: Path) -> None:
    settings = Settings(env="test", data_dir=tmp_path / "data", embedded_worker=False)
    app = create_app(settings)
    with TestClient(app) as client:
        assert client.get("/healthz").json()["status"] == "ok"
    assert migrate.is_up_to_date(settings.effective_database_url)
    engine = make_engine(settings.effective_database_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM users")).scalar() == 0
    finally:
        engine.dispose()


def test_every_sqlite_connection_zeroes_what_it_deletes(tmp_path: Path) -> None:
    """``secure_delete`` is set on each new connection, whatever the driver's default."""
    path = tmp_path / "secure.sqlite3"

    def insecure_connection() -> sqlite3.Connection:
        connection = sqlite3.connect(path, check_same_thread=False)
        connection.execute("PRAGMA secure_delete=OFF")
        return connection

    engine = make_engine(f"sqlite:///{path}", creator=insecure_connection)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    finally:
        engine.dispose()


def test_nothing_is_scrubbed_from_inside_an_open_transaction(engine: Engine) -> None:
    with engine.connect() as connection, connection.begin():
        report = forget_erased(connection, ["cases"])
    assert not report.done and "open transaction" in report.detail
