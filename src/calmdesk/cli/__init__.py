"""The ``calmdesk`` command line. Each command group lives in its own module and is registered
here explicitly."""

from __future__ import annotations

import sys

import typer

from calmdesk import __version__
from calmdesk.cli import (
    analyze,
    audio,
    bench,
    chat,
    coach,
    db,
    demo,
    mail,
    model,
    playbook,
    serve,
    simulate,
    social,
    users,
    worker,
)
from calmdesk.cli.common import print_error
from calmdesk.errors import CalmDeskError

app = typer.Typer(
    name="calmdesk",
    help="CalmDesk: complaint handling and live de-escalation coaching (PL, RU, EN).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.command()
def version() -> None:
    """Print CalmDesk's version."""
    typer.echo(__version__)


for module in (
    analyze,
    audio,
    bench,
    chat,
    coach,
    db,
    demo,
    mail,
    model,
    playbook,
    serve,
    simulate,
    social,
    users,
    worker,
):
    module.register(app)


def main() -> None:
    """Entry point: renders a :class:`CalmDeskError` as one line and exit code 2.

    Usage errors are click's own (exit code 2, with the command's usage)."""
    try:
        app()
    except CalmDeskError as error:
        print_error(error.message)
        sys.exit(2)
