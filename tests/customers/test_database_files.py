"""After an erasure through the API the database's own files keep no byte of the customer:
SQLite's file and its write-ahead log (secure_delete, then a truncating checkpoint), and on
PostgreSQL no row version (plain VACUUM) or no page at all (VACUUM FULL) holds them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from calmdesk.languages import Language
from calmdesk.playbook.load import default_playbook
from calmdesk.settings import Settings
from calmdesk.users.models import Role, User
from calmdesk.users.passwords import hash_password
from calmdesk.users.service import issue_token
from calmdesk.web.app import create_app
from tests.conftest import TEST_SECRET_KEY
from tests.customers.scenario import EMAIL, IBAN, PHONE, build
from tests.servers import missing, postgres_database

# Every spelling the scenario wrote, compared with the lower-cased bytes.
NEEDLES = tuple(
    needle.lower().encode()
    for needle in (
        "Kowalski",
        EMAIL,
        PHONE,
        "601 234 567",
        "601-234-567",
        "601234567",
        IBAN,
        IBAN.replace(" ", ""),
    )
)


def found_in(data: bytes) -> list[str]:
    lowered = data.lower()
    return [needle.decode() for needle in NEEDLES if needle in lowered]


@contextmanager
def erasing_app(
    tmp_path: Path, database_url: str, vacuum: Literal["plain", "full"] = "plain"
) -> Iterator[tuple[TestClient, dict[str, str], Engine]]:
    """A migrated app on a real database holding the scenario, and an admin's bearer header."""
    settings = Settings(
        env="test",
        database_url=database_url,
        data_dir=tmp_path / "data",
        secret_key=TEST_SECRET_KEY,
        auto_migrate=True,
        embedded_worker=False,
        warm_up_models=False,
        erasure_vacuum=vacuum,
    )
    app = create_app(settings)
    with TestClient(app) as client:
        with app.state.session_factory() as session:
            cast = {
                name: User(
                    username=name,
                    display_name=name.title(),
                    role=role,
                    language=Language.EN,
                    password_hash=hash_password(f"{name}-password"),
                    is_active=True,
                )
                for name, role in (
                    ("agent", Role.AGENT),
                    ("handler", Role.HANDLER),
                    ("admin", Role.ADMIN),
                )
            }
            session.add_all(cast.values())
            session.commit()
            build(session, cast, default_playbook("pl"))
            token = issue_token(session, user=cast["admin"], name="tests")
            session.commit()
        yield client, {"Authorization": f"Bearer {token}"}, app.state.engine


def erase(client: TestClient, admin: dict[str, str]) -> None:
    answer = client.delete(f"/api/customers/{quote('601 234 567')}", headers=admin)
    assert answer.status_code == 200, answer.text
    assert answer.json()["erased_contacts"] == 1
    assert answer.json()["files_scrubbed"] is True


def test_the_sqlite_file_and_its_log_keep_no_byte_of_the_customer(tmp_path: Path) -> None:
    database = tmp_path / "calmdesk.sqlite3"
    files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]

    def in_files() -> list[str]:
        return sorted({n for f in files if f.exists() for n in found_in(f.read_bytes())})

    with erasing_app(tmp_path, f"sqlite:///{database}") as (client, admin, _):
        # The scan sees them before (the compact IBAN is never written).
        assert in_files() == sorted(n.decode() for n in NEEDLES[:-1])
        erase(client, admin)
        assert in_files() == []
        assert Path(f"{database}-wal").stat().st_size == 0


RELATIONS = """
SELECT c.oid::regclass::text, c.relkind,
       pg_relation_size(c.oid) / current_setting('block_size')::int
FROM pg_class c
WHERE c.relkind IN ('r', 'i', 't')
  AND (c.relnamespace = 'public'::regnamespace
       OR c.oid IN (SELECT reltoastrelid FROM pg_class WHERE relnamespace = 'public'::regnamespace)
       OR c.oid IN (SELECT i.indexrelid FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
                    WHERE t.relnamespace = 'public'::regnamespace
                       OR t.oid IN (SELECT reltoastrelid FROM pg_class
                                    WHERE relnamespace = 'public'::regnamespace)))
"""


def _pages(engine: Engine) -> Iterator[tuple[str, str, int]]:
    with engine.connect() as connection:
        try:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
            connection.commit()
        except DBAPIError as error:
            missing("PostgreSQL's pageinspect extension", str(error.orig))
        for name, kind, blocks in connection.execute(text(RELATIONS)).all():
            for block in range(blocks):
                yield name, kind, block


def _hold_autovacuum(engine: Engine) -> None:
    """Keep autovacuum off this database's tables: an autovacuum or ANALYZE running at the
    moment of the erasure holds a snapshot, and VACUUM FULL keeps the row versions that snapshot
    may still see (docs/security.md says so); the test checks the erasure's own VACUUM."""
    with engine.connect() as connection:
        tables = connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ).scalars()
        for table in list(tables):
            connection.execute(
                text(
                    f'ALTER TABLE "{table}" SET '
                    "(autovacuum_enabled = false, toast.autovacuum_enabled = false)"
                )
            )
        connection.commit()


@pytest.mark.postgres
def test_after_vacuum_full_no_page_of_postgresql_holds_the_customer(tmp_path: Path) -> None:
    with (
        postgres_database("erasure_full") as url,
        erasing_app(tmp_path, url, "full") as (
            client,
            admin,
            engine,
        ),
    ):
        _hold_autovacuum(engine)
        erase(client, admin)
        found = []
        with engine.connect() as connection:
            for name, _, block in list(_pages(engine)):
                page = connection.execute(
                    text("SELECT get_raw_page(:name, :block)"), {"name": name, "block": block}
                ).scalar_one()
                found += [f"{name}[{block}]: {n}" for n in found_in(bytes(page))]
        assert found == []


@pytest.mark.postgres
def test_after_plain_vacuum_no_row_version_of_postgresql_holds_the_customer(
    tmp_path: Path,
) -> None:
    with (
        postgres_database("erasure_plain") as url,
        erasing_app(tmp_path, url) as (
            client,
            admin,
            engine,
        ),
    ):

        def in_tuples() -> list[str]:
            found = []
            with engine.connect() as connection:
                for name, kind, block in list(_pages(engine)):
                    if kind == "i":
                        continue
                    rows = connection.execute(
                        text("SELECT t_data FROM heap_page_items(get_raw_page(:name, :block))"),
                        {"name": name, "block": block},
                    ).scalars()
                    found += [
                        f"{name}[{block}]: {n}"
                        for data in rows
                        if data is not None
                        for n in found_in(bytes(data))
                    ]
            return found

        assert in_tuples()  # the scan sees them before
        erase(client, admin)
        assert in_tuples() == []


def _bearer(engine: Engine, username: str, role: Role) -> dict[str, str]:
    with Session(engine) as session:
        user = User(username=username, display_name=username.title(), role=role, password_hash="x")
        session.add(user)
        session.flush()
        token = issue_token(session, user=user, name="tests")
        session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_erasing_one_contact_or_one_author_leaves_no_byte_of_their_words(tmp_path: Path) -> None:
    database = tmp_path / "calmdesk.sqlite3"
    files = [database, Path(f"{database}-wal")]
    secret_line, secret_handle = "Hasło do skrytki: zebra-kwiat-917.", "@ukryty-autor-5521"

    def in_files(needle: str) -> bool:
        return any(f.exists() and needle.encode() in f.read_bytes() for f in files)

    with erasing_app(tmp_path, f"sqlite:///{database}") as (client, admin, engine):
        supervisor = _bearer(engine, "sylwia", Role.SUPERVISOR)
        started = client.post("/api/contacts", json={"channel": "chat"}, headers=supervisor)
        contact_id = started.json()["id"]
        line = {"speaker": "customer", "text": secret_line}
        assert client.post(
            f"/api/contacts/{contact_id}/utterances", json=line, headers=supervisor
        ).is_success
        assert client.post(f"/api/contacts/{contact_id}/end", headers=supervisor).is_success
        handler = _bearer(engine, "hania", Role.HANDLER)
        post = {"platform": "facebook", "author_handle": secret_handle, "text": "Gdzie zwrot?"}
        assert client.post("/api/social/posts", json=post, headers=handler).is_success
        assert in_files("zebra-kwiat-917") and in_files(secret_handle)

        erased = client.post(f"/api/contacts/{contact_id}/erase", headers=supervisor)
        assert erased.status_code == 200, erased.text
        assert not in_files("zebra-kwiat-917")
        author = {"platform": "facebook", "author_handle": secret_handle}
        erased = client.post("/api/social/authors/erase", json=author, headers=admin)
        assert erased.status_code == 200, erased.text
        assert not in_files(secret_handle)
        assert Path(f"{database}-wal").stat().st_size == 0
