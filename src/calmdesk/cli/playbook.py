"""`calmdesk playbook`: validate playbook files, show the policy in the terminal, export it."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markdown import Markdown

from calmdesk.cli.common import PlaybookOption
from calmdesk.playbook.export import check_language, render_html, render_markdown
from calmdesk.playbook.load import PlaybookError, load_playbook
from calmdesk.playbook.schema import Playbook
from calmdesk.settings import get_settings

playbook_app = typer.Typer(
    name="playbook",
    help="The complaint playbook: validate YAML files, show or export the policy.",
    no_args_is_help=True,
)


class ExportFormat(StrEnum):
    HTML = "html"
    MD = "md"


LangOption = Annotated[
    str | None,
    typer.Option("--lang", "-l", help="Language of the text (pl, ru, en); the playbook's default."),
]


@playbook_app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Playbook YAML files to check.")],
) -> None:
    """Check playbook files; each problem names the file, the YAML path and what is wrong.

    Exits with code 2 when any file is invalid."""
    out, err = Console(highlight=False), Console(stderr=True, highlight=False)
    failed = 0
    for path in files:
        try:
            playbook = load_playbook(path)
        except PlaybookError as error:
            failed += 1
            for line in error.message.splitlines():
                err.print(f"[bold red]error:[/] {line}", markup=True, soft_wrap=True)
            continue
        out.print(
            f"ok: {path} ({len(playbook.categories)} categories, "
            f"languages {', '.join(playbook.languages)})",
            markup=False,
            soft_wrap=True,
        )
    if failed:
        raise typer.Exit(code=2)


@playbook_app.command()
def show(playbook: PlaybookOption = None, lang: LangOption = None) -> None:
    """Show the policy in the terminal, in one language."""
    chosen, language = _choose(playbook, lang)
    Console().print(Markdown(render_markdown(chosen, language, escape=False)))


@playbook_app.command()
def export(
    format_: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="html (a standalone page) or md.")
    ] = ExportFormat.HTML,
    playbook: PlaybookOption = None,
    lang: LangOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Export the employee-readable policy as HTML or Markdown."""
    chosen, language = _choose(playbook, lang)
    if format_ is ExportFormat.HTML:
        text = render_html(chosen, language)
    else:
        text = render_markdown(chosen, language)
    if output is None:
        typer.echo(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise PlaybookError(f"{output}: cannot write the export ({error.strerror})") from None
    Console(stderr=True, highlight=False).print(f"wrote {output}", markup=False)


def _choose(source: str | None, lang: str | None) -> tuple[Playbook, str]:
    playbook = load_playbook(source or get_settings().playbook)
    language = lang or playbook.default_language
    check_language(playbook, language)
    return playbook, language


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.add_typer(playbook_app)
