"""``calmdesk users``: accounts, roles and API tokens from the command line."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from calmdesk.cli.db import database_session
from calmdesk.errors import InvalidInput
from calmdesk.languages import Language
from calmdesk.users import service
from calmdesk.users.labels import role_label
from calmdesk.users.models import Role
from calmdesk.users.schemas import UserCreate

users_app = typer.Typer(help="User accounts, roles and API tokens.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")


def _invalid(error: ValidationError) -> InvalidInput:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'input'}: {e['msg']}" for e in error.errors()
    )
    return InvalidInput(problems)


def _ask_password() -> str:
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@users_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="Login name: letters, digits, '.', '_' or '-'.")],
    role: Annotated[Role, typer.Option(help="agent, supervisor, handler or admin.")] = Role.AGENT,
    password: Annotated[
        str | None, typer.Option(help="The password (visible in shell history: prefer --prompt).")
    ] = None,
    prompt: Annotated[
        bool, typer.Option("--prompt", help="Ask for the password (the default).")
    ] = False,
    display_name: Annotated[str | None, typer.Option(help="Name shown to colleagues.")] = None,
    language: Annotated[
        Language, typer.Option(help="Interface language: pl, ru or en.")
    ] = Language.PL,
) -> None:
    """Create an account."""
    if password is None or prompt:
        password = _ask_password()
    try:
        user_in = UserCreate(
            username=username,
            role=role,
            password=password,
            display_name=display_name,
            language=language,
        )
    except ValidationError as error:
        raise _invalid(error) from error
    with database_session() as session:
        user = service.create(session, user_in=user_in)
        typer.echo(f"Created {user.username} ({user.role.value}).")


@users_app.command("list")
def list_users(
    role: Annotated[Role | None, typer.Option(help="Only this role.")] = None,
) -> None:
    """List the accounts."""
    table = Table("username", "name", "role", "language", "active", "created")
    with database_session() as session:
        for user in service.list_(session, role=role):
            table.add_row(
                user.username,
                user.display_name,
                f"{user.role.value} ({role_label(user.role, user.language.value)})",
                user.language.value,
                "yes" if user.is_active else "no",
                user.created_at.strftime("%Y-%m-%d %H:%M"),
            )
    # Names are user input: print them as text, never as Rich markup.
    Console(highlight=False).print(table, markup=False)


@users_app.command("set-role")
def set_role(
    username: Annotated[str, typer.Argument()],
    role: Annotated[Role, typer.Argument(help="agent, supervisor, handler or admin.")],
) -> None:
    """Change an account's role."""
    with database_session() as session:
        user = service.get_by_username_or_raise(session, username=username)
        service.set_role(session, user=user, role=role)
        typer.echo(f"{user.username} is now {role.value}.")


@users_app.command("set-password")
def set_password(username: Annotated[str, typer.Argument()]) -> None:
    """Set a new password (asked for); this logs the account out everywhere."""
    password = _ask_password()
    with database_session() as session:
        user = service.get_by_username_or_raise(session, username=username)
        service.set_password(session, user=user, password=password)
        typer.echo(f"Password of {user.username} changed.")


@users_app.command("disable")
def disable(username: Annotated[str, typer.Argument()]) -> None:
    """Disable an account: it can no longer log in or use its API tokens."""
    _set_active(username, active=False)


@users_app.command("enable")
def enable(username: Annotated[str, typer.Argument()]) -> None:
    """Re-enable a disabled account."""
    _set_active(username, active=True)


def _set_active(username: str, *, active: bool) -> None:
    with database_session() as session:
        user = service.get_by_username_or_raise(session, username=username)
        service.set_active(session, user=user, is_active=active)
        typer.echo(f"{user.username} is {'enabled' if active else 'disabled'}.")


@users_app.command("erase")
def erase(
    username: Annotated[str, typer.Argument()],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase a former colleague's name and login for good; their history stays as #id."""
    if not yes:
        typer.confirm(f"Erase {username}'s personal data? This cannot be undone", abort=True)
    with database_session() as session:
        user = service.get_by_username_or_raise(session, username=username)
        service.erase(session, user=user)
        typer.echo(f"{username} erased; their history now shows {user.display_name}.")


@users_app.command("token")
def token(
    username: Annotated[str, typer.Argument(help="The account the integration acts as.")],
    name: Annotated[str, typer.Option(help="What uses the token, e.g. 'telephony'.")],
) -> None:
    """Issue an API token. It is printed once: store it in the integration's secrets."""
    if not name.strip():
        raise InvalidInput("The token needs a name (--name).")
    with database_session() as session:
        user = service.get_by_username_or_raise(session, username=username)
        plain = service.issue_token(session, user=user, name=name)
    typer.echo(plain)
    typer.echo(f"API token {name.strip()!r} for {username}; it will not be shown again.", err=True)
