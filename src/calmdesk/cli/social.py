"""``calmdesk social``: public complaints taken in from a CSV file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from calmdesk.cli.db import database_session
from calmdesk.errors import InvalidInput
from calmdesk.settings import get_settings

social_app = typer.Typer(
    help="Public complaints: import posts from a CSV file.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(social_app, name="social")


@social_app.command("import")
def import_csv(
    file: Annotated[Path, typer.Argument(help="A UTF-8 CSV: id, platform, author, text, ...")],
) -> None:
    """Take in the posts of a CSV file; a post already taken in is updated, never duplicated."""
    from calmdesk.playbook.load import load_playbook
    from calmdesk.social.connectors.csv_import import CsvConnector
    from calmdesk.social.connectors.ingest import apply_changes

    try:
        payload = file.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"{file}: no such file", code="file_not_found") from None
    except OSError as error:
        raise InvalidInput(f"{file}: cannot be read ({error})", code="unreadable_file") from None
    connector = CsvConnector()
    changes = connector.parse(payload)
    settings = get_settings()
    playbook = load_playbook(settings.playbook)
    with database_session(settings) as session:
        outcome = apply_changes(
            session,
            changes=changes,
            source=connector.key,
            platform=connector.platform,
            playbook=playbook,
        )
    counts = ", ".join(
        f"{name} {outcome[name]}"
        for name in ("created", "unchanged", "edited", "deleted", "unknown")
    )
    typer.echo(f"{file.name}: {counts}")
