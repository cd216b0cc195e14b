"""Helpers every command module shares: reading an input file, showing a domain error, the
``--playbook`` option and the line handling of the interactive sessions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from calmdesk.errors import CalmDeskError, InvalidInput
from calmdesk.languages import LANGUAGES


def print_error(message: str) -> None:
    """``error: <message>`` on stderr; the message is escaped (it may quote customer text)."""
    Console(stderr=True, highlight=False).print(
        f"[bold red]error:[/] {escape(message)}",
        soft_wrap=True,  # one line, however long
    )


def fail(error: CalmDeskError) -> NoReturn:
    """Show ``error`` and exit with code 2."""
    print_error(error.message)
    raise typer.Exit(code=2)


def read_text_file(file: Path) -> str:
    """The UTF-8 text of ``file``; a missing or unreadable file is an :class:`InvalidInput`."""
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"{file}: no such file", code="file_not_found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{file}: cannot be read ({error})", code="unreadable_file") from None


PlaybookOption = Annotated[
    str | None,
    typer.Option(
        "--playbook",
        "-p",
        help=f"A default playbook ({', '.join(LANGUAGES)}) or a YAML file; "
        "defaults to CALMDESK_PLAYBOOK.",
    ),
]


def typed_line(
    out: Console,
    line: str,
    *,
    commands: Mapping[str, Callable[[str], object]],
    otherwise: Callable[[str], object],
    help_text: str,
) -> bool:
    """Handle one line typed in an interactive session; ``False`` ends the session.

    ``/quit`` ends it, ``/help`` shows ``help_text``, ``/NAME REST`` runs ``commands["/NAME"]``
    on ``REST`` (stripped), any other non-empty line is ``otherwise(line)``. A refused input is
    shown and the session goes on."""
    if not line:
        return True
    command, _, rest = line.partition(" ")
    try:
        if command == "/quit":
            return False
        if command == "/help":
            out.print(escape(help_text))
        elif command in commands:
            commands[command](rest.strip())
        elif command.startswith("/"):
            out.print(f"[red]unknown command {escape(command)}[/]; {escape(help_text)}")
        else:
            otherwise(line)
    except InvalidInput as error:
        out.print(f"[bold red]error:[/] {escape(error.message)}")
    return True
