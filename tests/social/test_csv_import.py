"""``calmdesk social import FILE.csv`` on a fresh SQLite file: posts taken in, a second import
changes nothing, an edited row keeps the earlier text, bad files name the line and the problem."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result

from calmdesk.cli import app
from calmdesk.errors import InvalidInput
from calmdesk.settings import get_settings
from calmdesk.social.models import PostEvent, PublicPost
from calmdesk.storage.db import make_engine, make_session_factory, session_scope

HEADER = "id,platform,author,text,url,posted_at,lang\n"
ROWS = (
    'op-1,other,Krzysztof W.,"Opinie.pl: kurier zostawił paczkę pod drzwiami, zamówienie 48213",'
    "https://www.opinie.pl/o/1,2026-12-01T10:00:00+01:00,pl\n"
    'otz-7,other,Наталья,"Отзовик: деньги за возврат 700 рублей так и не пришли",,,ru\n'
)


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("CALMDESK_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def stored(url: str) -> tuple[list[tuple[str | None, str, str]], list[str]]:
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            posts = session.scalars(select(PublicPost).order_by(PublicPost.id))
            rows = [(p.external_id, p.source or "", p.text) for p in posts]
            kinds = [e.kind for e in session.scalars(select(PostEvent).order_by(PostEvent.id))]
            return rows, kinds
    finally:
        engine.dispose()


def test_an_import_takes_posts_in_once_and_an_edit_keeps_the_history(
    cli_db: str, tmp_path: Path
) -> None:
    file = tmp_path / "week.csv"
    file.write_text(HEADER + ROWS, encoding="utf-8")
    first = run("social", "import", str(file))
    assert first.exit_code == 0, first.output
    assert "created 2" in first.output
    again = run("social", "import", str(file))
    assert "created 0, unchanged 2" in again.output
    file.write_text(HEADER + ROWS.replace("так и не пришли", "пришли только сегодня"), "utf-8")
    assert "edited 1" in run("social", "import", str(file)).output
    rows, kinds = stored(cli_db)
    assert [(r[0], r[1]) for r in rows] == [("op-1", "csv"), ("otz-7", "csv")]
    assert rows[1][2].endswith("пришли только сегодня")
    assert kinds.count("registered") == 2 and kinds.count("edited_on_platform") == 1


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("id,author,text\n1,a,b\n", "the header lacks platform"),
        ("id,platform,author,text,mood\n1,other,a,b,angry\n", "unknown columns mood"),
        (HEADER + "1,myspace,a,b,,,\n", "line 2: platform"),
        (HEADER + "1,other,a,,,,\n", "line 2"),
        (HEADER + "1,other,a,b,,yesterday,\n", "line 2: posted_at"),
        (HEADER, "no rows"),
    ],
)
def test_a_bad_file_names_the_line_and_the_problem(
    cli_db: str, tmp_path: Path, content: str, problem: str
) -> None:
    file = tmp_path / "bad.csv"
    file.write_text(content, encoding="utf-8")
    result = run("social", "import", str(file))
    assert isinstance(result.exception, InvalidInput)  # ``main`` prints it, exit code 2
    assert problem in str(result.exception)


def test_a_missing_file_is_named(cli_db: str, tmp_path: Path) -> None:
    result = run("social", "import", str(tmp_path / "none.csv"))
    assert isinstance(result.exception, InvalidInput)
    assert "no such file" in str(result.exception)
