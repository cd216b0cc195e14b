"""`calmdesk simulate`: rehearse a difficult conversation with a simulated customer.

``calmdesk simulate list`` shows the personas; ``calmdesk simulate run PERSONA`` is a rehearsal
in the terminal (type your lines; ``/did ACTION``, ``/silence``, ``/hint``, ``/quit``), scored at
the end; ``calmdesk simulate score FILE.json`` scores a recorded rehearsal (``--json``).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from calmdesk.cli.common import fail, read_text_file, typed_line
from calmdesk.coach import Action, Guidance
from calmdesk.errors import CalmDeskError
from calmdesk.training import (
    Report,
    SimTurn,
    Simulation,
    builtin_personas,
    get_persona,
    parse_rehearsal,
    record,
    replay,
    score,
)
from calmdesk.training import messages as ui

simulate_app = typer.Typer(
    name="simulate",
    help="Rehearse difficult conversations with simulated customers, scored like the live coach.",
    no_args_is_help=True,
)

HELP_TEXT = (
    "Type what you say to the customer. /did ACTION: what you did "
    f"({', '.join(a.value for a in Action)}). /silence: say nothing this turn. "
    "/hint: the coach's suggestion. /quit: stop and see the score."
)


@simulate_app.command("list")
def list_command(
    lang: Annotated[
        str | None, typer.Option("--lang", "-l", help="Only personas in this language.")
    ] = None,
) -> None:
    """List the shipped personas."""
    table = Table(title="Personas")
    table.add_column("id", no_wrap=True)
    for column in ("lang", "customer", "scene", "starts"):
        table.add_column(column)
    for persona in builtin_personas().values():
        if lang and persona.language != lang:
            continue
        table.add_row(
            persona.id,
            persona.language,
            escape(persona.name),
            escape(persona.title),
            persona.temperament.start,
        )
    Console(highlight=False).print(table)


@simulate_app.command("run")
def run_command(
    persona: Annotated[str, typer.Argument(help="A persona id (see `list`) or a YAML file.")],
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same customer lines.")] = 0,
    agent_name: Annotated[
        str | None, typer.Option("--agent-name", "-a", help="Your name, for the phrases.")
    ] = None,
    save: Annotated[
        Path | None, typer.Option("--save", help="Write the rehearsal as JSON for `score`.")
    ] = None,
) -> None:
    """Rehearse with a simulated customer in the terminal; the score comes at the end."""
    out = Console(highlight=False)
    try:
        simulation = Simulation(get_persona(persona), seed=seed, agent_name=agent_name)
        chosen = simulation.persona
        out.print(f"[bold]{escape(chosen.name)}[/] · {escape(chosen.title)}")
        out.print(f"[dim]{escape(chosen.scenario.summary)}[/]")
        out.print(f"[dim]{escape(HELP_TEXT)}[/]")
        print_customer(out, simulation.start())
    except CalmDeskError as error:
        fail(error)
    while not simulation.finished:
        out.print("[bold]you>[/] ", end="")
        line = sys.stdin.readline()
        if not line or not _interactive_line(simulation, line.strip(), out):
            break
    if save is not None:
        # The key typed (an id or a YAML path) is what `score` needs to find the persona again.
        played = dataclasses.replace(record(simulation), persona=persona)
        document = json.dumps(played.to_dict(), ensure_ascii=False, indent=2)
        try:
            save.write_text(document + "\n", encoding="utf-8")
        except OSError as error:
            out.print(
                f"[bold red]error:[/] cannot save to {escape(str(save))} ({escape(str(error))})"
            )
        else:
            out.print(f"[dim]saved to {escape(str(save))}[/]")
    print_report(out, score(simulation))


@simulate_app.command("score")
def score_command(
    file: Annotated[Path, typer.Argument(help="A recorded rehearsal (see docs/training.md).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Replay a recorded rehearsal and print its report."""
    try:
        simulation = replay(parse_rehearsal(read_text_file(file)))
    except CalmDeskError as error:
        fail(error)
    report = score(simulation)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    out = Console(highlight=False)
    if simulation.opening is not None:
        print_customer(out, simulation.opening)
    for turn in simulation.turns:
        print_turn(out, turn)
    print_report(out, report)


def _interactive_line(simulation: Simulation, line: str, out: Console) -> bool:
    """Handle one typed line; ``False`` ends the rehearsal."""
    return typed_line(
        out,
        line,
        commands={
            "/hint": lambda _: print_hint(out, simulation.guidance),
            "/did": lambda action: _show(out, simulation.agent_turn(action=action)),
            "/silence": lambda _: _show(out, simulation.agent_turn()),
        },
        otherwise=lambda text: _show(out, simulation.agent_turn(text)),
        help_text=HELP_TEXT,
    )


def _show(out: Console, turn: SimTurn) -> None:
    for alert in turn.agent_alerts:
        out.print(f"  [bold yellow]coach ({alert.kind.value}):[/] {escape(alert.message)}")
    if turn.recorded:
        done = ", ".join(action.value for action in turn.recorded)
        out.print(f"  [dim]recorded: {escape(done)}[/]")
    if turn.customer_line is not None:
        print_customer(out, turn.customer_line)
    if turn.finished:
        out.print("[bold]The rehearsal is over.[/]")


def print_customer(out: Console, line: str) -> None:
    out.print(f"[bold magenta]customer:[/] {escape(line)}")


def print_hint(out: Console, guidance: Guidance) -> None:
    out.print(f"  [cyan]coach: stage {guidance.stage.value}[/]")
    for suggestion in guidance.suggestions:
        out.print(f"  [green]say:[/] {escape(suggestion.text)}")
        out.print(f"    [dim]{escape(suggestion.why)}[/]")
    verdict = "yes" if guidance.may_end_call else "no"
    out.print(f"  may end call: {verdict} [dim]({escape(guidance.end_call_reason)})[/]")


def print_turn(out: Console, turn: SimTurn) -> None:
    said = turn.agent_text if turn.agent_text is not None else ("…" if turn.silent else "")
    action = f" [dim]/did {turn.action.value}[/]" if turn.action else ""
    out.print(f"[bold]#{turn.index} you:[/] {escape(said)}{action}")
    _show(out, turn)


def print_report(out: Console, report: Report) -> None:
    lang = report.lang
    heading = ui.text(ui.HEADINGS, "score", lang)
    table = Table(title=f"{heading}: {report.score}/100")
    for key in ("check", "points", "why"):
        table.add_column(ui.text(ui.HEADINGS, key, lang))
    for point in report.points:
        table.add_row(escape(point.title), f"{point.earned}/{point.possible}", escape(point.detail))
    out.print(table)
    out.print(escape(report.outcome))


def register(app: typer.Typer) -> None:
    """Add ``calmdesk simulate`` to the root app."""
    app.add_typer(simulate_app)
