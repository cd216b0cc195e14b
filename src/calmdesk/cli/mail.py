"""``calmdesk mail``: the complaints mailbox into cases and the notices out (docs/mail.md)."""

from __future__ import annotations

import logging
import signal
from typing import Annotated, Any

import typer

from calmdesk.errors import ConfigurationError
from calmdesk.settings import get_settings


def register(app: typer.Typer) -> None:
    app.command("mail")(mail)


def mail(
    once: Annotated[
        bool, typer.Option("--once", help="One pass (read the inbox, send what is due), then exit.")
    ] = False,
) -> None:
    """Read the complaints mailbox (CALMDESK_MAIL_IMAP_URL) into cases and send the notices
    (CALMDESK_MAIL_SMTP_URL); runs until stopped (SIGTERM or Ctrl+C).

    A message leaves the inbox only after its case is committed; one read twice (after a crash)
    makes no second case. With several of these on PostgreSQL, each notice is sent by one."""
    from calmdesk.mail.imap import Stopper
    from calmdesk.mail.loop import MailRuntime, PassReport, run
    from calmdesk.playbook.load import load_playbook
    from calmdesk.storage import migrate
    from calmdesk.storage.db import make_engine, make_session_factory

    settings = get_settings()
    runtime = MailRuntime.from_settings(settings)
    if not runtime.configured:
        raise ConfigurationError(
            "nothing to do: set CALMDESK_MAIL_IMAP_URL (the complaints mailbox) and/or "
            "CALMDESK_MAIL_SMTP_URL with CALMDESK_MAIL_FROM (notices); see docs/mail.md",
            code="mail_not_configured",
        )
    playbook = load_playbook(settings.playbook)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    engine = make_engine(settings.effective_database_url)
    if settings.auto_migrate:
        migrate.upgrade(engine)
    factory = make_session_factory(engine)
    stopper = Stopper()

    def stop(*_: Any) -> None:
        stopper.stop()

    signal.signal(signal.SIGTERM, stop)

    def show(report: PassReport) -> None:
        for item in report.received:
            if not item.duplicate or once:
                typer.echo(
                    f"mail: {item.outcome}"
                    + (f" case {item.case_id}" if item.case_id else "")
                    + (" (read before)" if item.duplicate else "")
                    + (f" [{', '.join(item.reasons)}]" if item.reasons else "")
                )
        sent = report.delivery
        if report.notices_queued or sent.sent or sent.retrying or sent.failed:
            typer.echo(
                f"notices: {report.notices_queued} queued, {len(sent.sent)} sent, "
                f"{len(sent.retrying)} to retry, {len(sent.failed)} failed"
            )

    try:
        run(factory, runtime, playbook, stop=stopper, once=once, on_pass=show)
    except KeyboardInterrupt:
        pass
    finally:
        engine.dispose()
