"""``calmdesk worker``: the deadline worker on its own (``calmdesk serve`` embeds the same loop),
and ``calmdesk cases export|erase`` for a customer's personal data."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console

from calmdesk.cli.db import database_session
from calmdesk.settings import get_settings

cases_app = typer.Typer(help="Complaint cases: a customer's personal data.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
    app.add_typer(cases_app, name="cases")


def worker(
    once: Annotated[bool, typer.Option("--once", help="Run one step and exit.")] = False,
    interval: Annotated[
        float | None,
        typer.Option(
            min=0.1, help="Seconds between steps (default CALMDESK_WORKER_INTERVAL_SECONDS)."
        ),
    ] = None,
) -> None:
    """Record SLA warnings, breaches, legal-deadline risks and public posts past their response
    time; apply the retention period to cases, posts and contacts.

    Any number of workers may run against PostgreSQL: due cases are claimed with
    SELECT ... FOR UPDATE SKIP LOCKED and every event is recorded once."""
    from calmdesk.maintenance import run_forever, run_once
    from calmdesk.storage import migrate
    from calmdesk.storage.db import make_engine, make_session_factory

    settings = get_settings()
    engine = make_engine(settings.effective_database_url)
    if settings.auto_migrate:
        migrate.upgrade(engine)
    factory = make_session_factory(engine)
    console = Console()
    try:
        if once:
            report = run_once(factory, retention_days=settings.retention_days)
            for case_id, kind, clock in report.cases.recorded:
                console.print(f"case {case_id}: {kind} ({clock})", highlight=False)
            console.print(
                f"{report.cases.count} case events, {report.posts_flagged} public posts flagged; "
                f"erased by retention: {report.cases.erased} cases, "
                f"{report.contacts_erased} contacts"
            )
            return
        console.print("deadline worker running; Ctrl+C stops it")
        run_forever(
            factory,
            interval=interval or settings.worker_interval_seconds,
            retention_days=settings.retention_days,
        )
    except KeyboardInterrupt:
        pass
    finally:
        engine.dispose()


@cases_app.command("export")
def export(
    contact: Annotated[str, typer.Argument(help="The customer's e-mail or phone.")],
) -> None:
    """Print every case, event and compensation of a customer as JSON."""
    from calmdesk.cases.privacy import export_customer

    with database_session() as session:
        typer.echo(
            json.dumps(export_customer(session, contact=contact), ensure_ascii=False, indent=2)
        )


@cases_app.command("erase")
def erase(
    contact: Annotated[str, typer.Argument(help="The customer's e-mail or phone.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase a customer's personal data, keeping anonymous case statistics."""
    from calmdesk.cases.privacy import erase_customer

    if not yes:
        typer.confirm(f"Erase the personal data of {contact}?", abort=True)
    with database_session() as session:
        count = erase_customer(session, contact=contact, actor_id=None)
    typer.echo(f"erased the personal data of {count} case(s)")
