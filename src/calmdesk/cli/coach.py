"""`calmdesk coach`: rehearse or inspect the live coach in the terminal.

``calmdesk coach`` is an interactive session: each line is what the customer says, ``/agent TEXT``
what the agent says, ``/did ACTION`` what the agent did; ``/summary`` and ``/quit``.
``calmdesk coach replay FILE.json`` plays a scripted dialogue and prints the guidance after every
turn and the summary (``--json`` for machines).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from calmdesk.cli.common import PlaybookOption, fail, read_text_file, typed_line
from calmdesk.coach import Action, CallSummary, Conversation, Guidance
from calmdesk.coach.dialogue import Turn, parse_dialogue, replay
from calmdesk.errors import CalmDeskError
from calmdesk.playbook.load import load_playbook
from calmdesk.settings import get_settings

coach_app = typer.Typer(
    name="coach",
    help="The live de-escalation coach: an interactive session or a replayed dialogue.",
    invoke_without_command=True,
)

HELP_TEXT = (
    "Type what the customer says. /agent TEXT: what you say. /did ACTION: what you did "
    f"({', '.join(a.value for a in Action)}). /summary, /quit."
)


@coach_app.callback()
def interactive(
    ctx: typer.Context,
    playbook: PlaybookOption = None,
    lang: Annotated[
        str | None, typer.Option("--lang", "-l", help="Fix the customer's language.")
    ] = None,
    agent_name: Annotated[
        str | None, typer.Option("--agent-name", "-a", help="Your name, for the phrases.")
    ] = None,
    no_transfer: Annotated[
        bool, typer.Option("--no-transfer", help="This contact cannot be transferred.")
    ] = False,
) -> None:
    """Coach a conversation typed line by line (customer lines by default)."""
    if ctx.invoked_subcommand is not None:
        return
    out = Console(highlight=False)
    try:
        conversation = Conversation(
            load_playbook(playbook or get_settings().playbook),
            lang=lang,
            agent_name=agent_name,
            can_transfer=not no_transfer,
        )
    except CalmDeskError as error:
        fail(error)
    out.print(f"[dim]{escape(HELP_TEXT)}[/]")
    stdin = sys.stdin
    while True:
        out.print("[bold]>[/] ", end="")
        line = stdin.readline()
        if not line:
            break
        if not _interactive_line(conversation, line.strip(), out):
            break
    print_summary(out, conversation.summary())


@coach_app.command("replay")
def replay_command(
    file: Annotated[Path, typer.Argument(help="A dialogue JSON file (see docs/coach.md).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    playbook: PlaybookOption = None,
) -> None:
    """Play a scripted dialogue through the coach: guidance after every turn, then the summary."""
    try:
        text = read_text_file(file)
        dialogue = parse_dialogue(text)
        chosen = load_playbook(playbook or dialogue.playbook or get_settings().playbook)
        conversation, guidance = replay(dialogue, chosen)
    except CalmDeskError as error:
        fail(error)
    summary = conversation.summary()
    if as_json:
        document = {
            "turns": [
                {"index": i, "kind": t.kind, "text": t.value, "guidance": g.to_dict()}
                for i, (t, g) in enumerate(zip(dialogue.turns, guidance, strict=True))
            ],
            "summary": summary.to_dict(),
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2, default=str))
        return
    out = Console(highlight=False)
    for index, (turn, advice) in enumerate(zip(dialogue.turns, guidance, strict=True)):
        print_turn(out, index, turn)
        print_guidance(out, advice)
    print_summary(out, summary)


def _interactive_line(conversation: Conversation, line: str, out: Console) -> bool:
    """Handle one typed line; ``False`` ends the session."""
    return typed_line(
        out,
        line,
        commands={
            "/summary": lambda _: print_summary(out, conversation.summary()),
            "/agent": lambda text: print_guidance(out, conversation.agent_says(text)),
            "/did": lambda action: print_guidance(out, conversation.agent_did(action)),
        },
        otherwise=lambda text: print_guidance(out, conversation.customer_says(text)),
        help_text=HELP_TEXT,
    )


def print_turn(out: Console, index: int, turn: Turn) -> None:
    who = {"customer": "customer", "agent": "agent", "action": "agent did"}[turn.kind]
    out.print(f"\n[bold]#{index} {who}:[/] {escape(turn.value)}")


def print_guidance(out: Console, advice: Guidance) -> None:
    rung = advice.rung.value if advice.rung else "-"
    heat = ""
    if advice.signals is not None:
        heat = f" · {advice.signals.level} (anger {advice.signals.anger:.2f})"
    out.print(f"  [cyan]stage {advice.stage.value}[/] · rung {rung}{heat} · lang {advice.lang}")
    for heard in advice.heard:  # the agent's steps heard in the agent's own words
        out.print(f"  [magenta]heard ({heard.step}):[/] {escape(heard.message)}")
    for suggestion in advice.suggestions:
        out.print(f"  [green]say ({suggestion.step}):[/] {escape(suggestion.text)}")
        out.print(f"    [dim]{escape(suggestion.why)}[/]")
    for alert in advice.alerts:
        out.print(f"  [bold yellow]alert {alert.kind.value}:[/] {escape(alert.message)}")
    verdict = "[bold red]yes[/]" if advice.may_end_call else "no"
    out.print(f"  may end call: {verdict} [dim]({escape(advice.end_call_reason)})[/]")


def print_summary(out: Console, summary: CallSummary) -> None:
    table = Table(title="Contact summary", show_header=False)
    rows: list[tuple[str, Any]] = [
        ("turns (customer / agent / actions)", _turns(summary)),
        ("peak anger", f"{summary.peak_anger:.2f}"),
        ("abusive turns", summary.abusive_turns),
        ("highest rung", summary.highest_rung.value if summary.highest_rung else "-"),
        ("warnings", summary.warnings),
        ("transfer", _transfer(summary)),
        ("ended", summary.ended or "open"),
        ("intents", ", ".join(summary.intents) or "-"),
        ("facts", ", ".join(f"{f.kind} {f.value}" for f in summary.facts) or "-"),
        ("suggested category", summary.category or "-"),
        ("difficulty", f"{summary.difficulty:.2f}"),
        ("break", f"{summary.break_minutes} min" if summary.break_minutes else "none"),
    ]
    for name, value in rows:
        table.add_row(name, escape(str(value)))
    out.print(table)


def _turns(summary: CallSummary) -> str:
    actions = summary.turns - summary.customer_turns - summary.agent_turns
    return f"{summary.customer_turns} / {summary.agent_turns} / {actions}"


def _transfer(summary: CallSummary) -> str:
    transfer = summary.transfer
    states = [
        n
        for n, on in (
            ("offered", transfer.offered),
            ("failed", transfer.failed),
            ("done", transfer.done),
        )
        if on
    ]
    return ", ".join(states) or "none"


def register(app: typer.Typer) -> None:
    """Add ``calmdesk coach`` to the root app."""
    app.add_typer(coach_app)
