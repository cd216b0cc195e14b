"""``calmdesk chat``: the chat platforms' agents linked to CalmDesk users, and their status."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import func, select

from calmdesk.chat import notes, service
from calmdesk.chat.models import CHATWOOT, ChatConversation, ConversationStatus, MessageState
from calmdesk.chat.models import ChatMessage as ChatMessageRow
from calmdesk.cli.db import database_session
from calmdesk.errors import InvalidInput
from calmdesk.settings import get_settings
from calmdesk.users import service as users_service
from calmdesk.users.models import User

chat_app = typer.Typer(
    help="Chat platforms (Chatwoot): agents linked to CalmDesk users, status.",
    no_args_is_help=True,
)

Platform = Annotated[str, typer.Option(help="The platform: chatwoot, or a generic adapter's name.")]
Account = Annotated[str, typer.Option(help="The platform's account id (Chatwoot: in its URLs).")]
AgentId = Annotated[
    str, typer.Option("--agent-id", help="The agent's id on the platform (Chatwoot: its user id).")
]


def register(app: typer.Typer) -> None:
    app.add_typer(chat_app, name="chat")


def _check(value: str, name: str) -> str:
    value = value.strip()
    if not value or len(value) > 128:
        raise InvalidInput(f"--{name} must be 1 to 128 characters.")
    return value


@chat_app.command("link-agent")
def link_agent(
    username: Annotated[str, typer.Argument(help="The CalmDesk user the platform's agent is.")],
    agent_id: AgentId,
    account: Account = "1",
    platform: Platform = CHATWOOT,
) -> None:
    """Link a platform's agent to a CalmDesk user: their conversations become that user's
    live contacts."""
    agent_id, account, platform = (
        _check(agent_id, "agent-id"),
        _check(account, "account"),
        _check(platform, "platform"),
    )
    with database_session() as session:
        user = users_service.get_by_username_or_raise(session, username=username)
        service.link_agent(
            session, platform=platform, account=account, external_id=agent_id, user=user
        )
    typer.echo(f"{platform} agent {agent_id} (account {account}) is now {username}.")


@chat_app.command("unlink-agent")
def unlink_agent(agent_id: AgentId, account: Account = "1", platform: Platform = CHATWOOT) -> None:
    """Forget a platform agent's link (their new conversations wait for another agent)."""
    with database_session() as session:
        found = service.unlink_agent(
            session, platform=platform, account=account, external_id=agent_id
        )
    if not found:
        raise InvalidInput(f"No {platform} agent {agent_id} is linked in account {account}.")
    typer.echo(f"{platform} agent {agent_id} (account {account}) is no longer linked.")


def _set(value: object) -> str:
    return "set" if value else "not set"


@chat_app.command("status")
def status() -> None:
    """What is configured (secrets never shown), the linked agents, the conversations and the
    private notes waiting or given up."""
    settings = get_settings()
    typer.echo("Chatwoot:")
    typer.echo(f"  address (CALMDESK_CHATWOOT_URL): {settings.chatwoot_url or 'not set'}")
    typer.echo(f"  webhook secret: {_set(settings.chatwoot_webhook_secret)}")
    typer.echo(f"  dashboard app key: {_set(settings.chatwoot_app_key)}")
    typer.echo(f"  API token for private notes: {_set(settings.chatwoot_api_token)}")
    on = "on" if notes.notes_enabled(settings) else "off"
    typer.echo(f"  private notes: {on}")
    with database_session() as session:
        linked = service.links(session)
        names = {u.id: u.username for u in session.scalars(select(User))}
        typer.echo(f"Linked agents: {len(linked)}")
        for link in linked:
            who = names.get(link.user_id, "?")
            typer.echo(
                f"  {link.platform} account {link.account} agent {link.external_id} -> {who}"
            )
        rows = session.execute(
            select(ChatConversation.platform, ChatConversation.status, func.count()).group_by(
                ChatConversation.platform, ChatConversation.status
            )
        ).all()
        typer.echo("Conversations:")
        for platform, state, count in rows:
            typer.echo(f"  {platform}: {count} {state}")
        if not rows:
            typer.echo("  none yet")
        waiting = session.scalar(
            select(func.count(ChatMessageRow.id)).where(
                ChatMessageRow.state == MessageState.PENDING
            )
        )
        open_ = sum(c for _, s, c in rows if s == ConversationStatus.OPEN)
        typer.echo(f"  lines waiting for a linked agent: {waiting or 0} (in {open_} open)")
        counts = notes.counts(session)
        typer.echo(
            "Private notes: "
            + ", ".join(f"{counts.get(s, 0)} {s}" for s in ("pending", "sent", "failed"))
        )
        for note in notes.last_errors(session):
            typer.echo(
                f"  note {note.id} ({note.status}, {note.attempts} attempts): {note.last_error}"
            )
