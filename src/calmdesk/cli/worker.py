"""``calmdesk worker``: the deadline worker on its own (``calmdesk serve`` embeds the same loop),
and ``calmdesk cases export|erase`` for a customer's personal data (:mod:`calmdesk.customers`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from calmdesk.cli.db import database_session
from calmdesk.settings import Settings, get_settings

if TYPE_CHECKING:
    from collections.abc import Sequence

    from calmdesk.live.messages import Outgoing
    from calmdesk.maintenance import Publish

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
    time; apply the retention period to cases, posts and contacts; deliver the outbox
    (webhooks) every CALMDESK_OUTBOX_INTERVAL_SECONDS.

    Any number of workers may run against PostgreSQL: due cases are claimed with
    SELECT ... FOR UPDATE SKIP LOCKED and every event is recorded once."""
    from calmdesk.cases.worker import refresh_provisional
    from calmdesk.maintenance import deliver_outbox, run_forever, run_once
    from calmdesk.playbook.load import load_playbook
    from calmdesk.storage import migrate
    from calmdesk.storage.db import make_engine, make_session_factory

    settings = get_settings()
    engine = make_engine(settings.effective_database_url)
    if settings.auto_migrate:
        migrate.upgrade(engine)
    factory = make_session_factory(engine)
    console = Console()
    playbook = load_playbook(settings.playbook)
    publish = live_publisher(settings)
    try:
        # A newer calendar may publish a year some legal dates had to assume.
        refreshed = refresh_provisional(factory, playbook=playbook)
        if refreshed:
            console.print(
                f"legal dates recomputed on the published calendar: {len(refreshed)} cases",
                highlight=False,
            )
        if once:
            report = run_once(
                factory, retention_days=settings.retention_days, playbook=playbook, publish=publish
            )
            for case_id, kind, clock in report.cases.recorded:
                console.print(f"case {case_id}: {kind} ({clock})", highlight=False)
            console.print(
                f"{report.cases.count} case events, {report.posts_flagged} public posts flagged; "
                f"erased by retention: {report.cases.erased} cases, "
                f"{report.contacts_erased} contacts; "
                f"contacts timed out: {report.contacts_timed_out}"
            )
            sent = deliver_outbox(factory, settings)
            console.print(
                f"outbox: {sent.delivered} delivered, {sent.retried} to retry, "
                f"{sent.failed} given up",
                highlight=False,
            )
            return
        console.print("deadline worker running; Ctrl+C stops it")
        run_forever(
            factory,
            interval=interval or settings.worker_interval_seconds,
            retention_days=settings.retention_days,
            settings=settings,
            playbook=playbook,
            publish=publish,
        )
    except KeyboardInterrupt:
        pass
    finally:
        engine.dispose()


def live_publisher(settings: Settings) -> Publish | None:
    """The worker's live messages (contacts timed out) go to Redis when the servers share it; a
    worker on its own has no one to tell (the boards re-read on their next snapshot)."""
    if not settings.redis_url:
        return None
    import asyncio

    from calmdesk.live.bus import bus_from_settings
    from calmdesk.live.fanout import publish_all

    def publish(outgoing: Sequence[Outgoing]) -> None:
        async def send() -> None:
            bus = bus_from_settings(settings, prefix=settings.redis_channel_prefix)
            try:
                await publish_all(bus, outgoing)
            finally:
                await bus.close()

        asyncio.run(send())

    return publish


@cases_app.command("export")
def export(
    contact: Annotated[
        str, typer.Argument(help="The customer's phone (any spelling), e-mail or platform:handle.")
    ],
) -> None:
    """Print everything recorded about a customer as JSON: cases, live transcripts, posts."""
    from calmdesk.customers.service import export_customer
    from calmdesk.playbook.load import load_playbook

    region = load_playbook(get_settings().playbook).calendar.country
    with database_session() as session:
        exported = export_customer(session, contact=contact, region=region)
        typer.echo(json.dumps(exported, ensure_ascii=False, indent=2))


@cases_app.command("erase")
def erase(
    contact: Annotated[
        str, typer.Argument(help="The customer's phone (any spelling), e-mail or platform:handle.")
    ],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase a customer's personal data from every case, live contact and public post, keeping
    anonymous statistics; then rid the database files of the old copies."""
    from calmdesk.customers.service import erase_customer
    from calmdesk.playbook.load import load_playbook
    from calmdesk.storage.scrub import commit_and_forget

    settings = get_settings()
    region = load_playbook(settings.playbook).calendar.country
    if not yes:
        typer.confirm(f"Erase the personal data of {contact}?", abort=True)
    with database_session() as session:
        erasure = erase_customer(session, contact=contact, actor_id=None, region=region)
        scrubbed = commit_and_forget(session, erasure.tables, vacuum=settings.erasure_vacuum)
    typer.echo(
        f"erased the personal data of {len(erasure.case_ids)} case(s), "
        f"{len(erasure.contact_ids)} contact(s) and {len(erasure.post_ids)} post(s); "
        f"database files: {scrubbed.detail}"
    )
