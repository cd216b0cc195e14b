"""``calmdesk demo``: fill an empty database with a team, cases and past contacts to explore.

The passwords are random and printed once (or all set with ``--password``, for tests). The
data go through the domain services, so every case has its real clocks and history and every
contact its coach's guidance and summary.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from calmdesk.cases import compensation as compensation_service
from calmdesk.cases import service as cases_service
from calmdesk.cases.enums import CaseStatus, CustomerAnswer
from calmdesk.cases.models import Case
from calmdesk.cases.schemas import CaseCreate, CompensationCreate
from calmdesk.cli.demo_data import CASES, CONTACTS, USERS, DemoCase, DemoContact
from calmdesk.errors import InvalidInput
from calmdesk.live import service as live_service
from calmdesk.playbook.load import load_playbook
from calmdesk.playbook.schema import Playbook
from calmdesk.settings import get_settings
from calmdesk.social import demo as social_demo
from calmdesk.storage import migrate
from calmdesk.storage.db import make_engine, make_session_factory, session_scope
from calmdesk.storage.types import utcnow
from calmdesk.users import service as users_service
from calmdesk.users.models import User
from calmdesk.users.passwords import MIN_PASSWORD_LENGTH
from calmdesk.users.schemas import UserCreate

PASSWORD_BYTES = 12
STEP = timedelta(hours=3)
"""Time between two moves of a demo case, so its timeline reads like real work."""


def register(app: typer.Typer) -> None:
    app.command()(demo)


def demo(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing (and succeed) when users exist.")
    ] = False,
    password: Annotated[
        str | None,
        typer.Option(help="One password for every demo user (for tests); random by default."),
    ] = None,
) -> None:
    """Fill an empty database with demo users, cases in pl, ru and en, and past contacts."""
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"--password needs at least {MIN_PASSWORD_LENGTH} characters.")
    settings = get_settings()
    engine = make_engine(settings.effective_database_url)
    console = Console()
    try:
        migrate.upgrade(engine)
        with session_scope(make_session_factory(engine)) as session:
            if session.scalar(select(func.count()).select_from(User)):
                if if_empty:
                    console.print("The database already has users: nothing to do.")
                    return
                raise InvalidInput(
                    "The database already has users; the demo fills only an empty one "
                    "(use --if-empty to skip quietly)."
                )
            playbook = load_playbook(settings.playbook)
            passwords = fill(session, playbook=playbook, password=password)
    finally:
        engine.dispose()
    table = Table(title="Demo users (the passwords are shown only now)")
    for column in ("user", "role", "password"):
        table.add_column(column)
    for user in USERS:
        table.add_row(user.username, user.role, passwords[user.username])
    console.print(table)
    console.print(
        f"{len(CASES)} cases and {len(CONTACTS)} contacts added. Run `calmdesk serve` and sign in."
    )


def fill(session: Session, *, playbook: Playbook, password: str | None) -> dict[str, str]:
    """Add the demo team, cases and contacts; returns each user's password."""
    passwords: dict[str, str] = {}
    team: dict[str, User] = {}
    for person in USERS:
        passwords[person.username] = password or secrets.token_urlsafe(PASSWORD_BYTES)
        team[person.username] = users_service.create(
            session,
            user_in=UserCreate(
                username=person.username,
                display_name=person.display_name,
                role=person.role,
                password=passwords[person.username],
                language=person.language,
            ),
        )
    session.flush()
    for demo_case in CASES:
        add_case(session, demo_case, playbook=playbook, team=team)
    for demo_contact in CONTACTS:
        add_contact(session, demo_contact, playbook=playbook, agent=team["agent"])
    social_demo.add_posts(session, playbook=playbook, responder=team["handler"])
    return passwords


def add_case(
    session: Session, demo_case: DemoCase, *, playbook: Playbook, team: dict[str, User]
) -> Case:
    received = utcnow() - timedelta(days=demo_case.days_ago)
    case = cases_service.intake(
        session,
        case_in=CaseCreate(
            channel=demo_case.channel,
            customer_name=demo_case.customer_name,
            customer_contact=demo_case.customer_contact,
            description=demo_case.description,
            language=demo_case.lang,
            references=list(demo_case.references),
            received_at=received,
        ),
        actor=team["agent"],
        playbook=playbook,
        now=received,
    )
    moment = received
    for status in demo_case.path:
        moment = min(moment + STEP, utcnow())
        cases_service.transition(
            session,
            case=case,
            to=status,
            actor_id=team["handler"].id,
            note=None,
            playbook=playbook,
            customer_answer=CustomerAnswer.ACCEPTED if status == CaseStatus.RESOLVED else None,
            now=moment,
        )
    if demo_case.compensation:
        propose_compensation(
            session, case, playbook=playbook, agent=team["agent"], wanted=demo_case.compensation
        )
    return case


def propose_compensation(
    session: Session, case: Case, *, playbook: Playbook, agent: User, wanted: str
) -> None:
    """An offer the playbook allows: within the agent's limit (granted at once) or above it
    (pending, for the board's approvals)."""
    rule = playbook.compensation_rule(case.category, case.severity)
    if rule is None:
        return
    for option in rule.options:
        limit = rule.agent_limit
        if wanted == "pending" and option.max > limit:
            amount = max(option.min, limit + 1)
        elif wanted == "granted" and option.min <= limit and option.max > 0:
            amount = max(option.min, min(option.max, limit))
        else:
            continue
        if amount <= 0 or str(option.kind) == "discount_percent":
            continue
        compensation_service.propose(
            session,
            case=case,
            compensation_in=CompensationCreate(
                kind=option.kind, amount=Decimal(amount), reason=case.description[:200]
            ),
            actor_id=agent.id,
            playbook=playbook,
        )
        return


def add_contact(
    session: Session, demo_contact: DemoContact, *, playbook: Playbook, agent: User
) -> None:
    contact = live_service.start_contact(
        session,
        agent=agent,
        channel=demo_contact.channel,
        lang=demo_contact.lang,
        can_transfer=demo_contact.can_transfer,
        playbook=playbook,
    )
    for speaker, text in demo_contact.turns:
        if speaker == "action":
            live_service.agent_did(
                session, contact_id=contact.id, action=text, actor=agent, playbook=playbook
            )
        else:
            live_service.says(
                session,
                contact_id=contact.id,
                speaker=speaker,
                text=text,
                actor=agent,
                playbook=playbook,
            )
    if demo_contact.ended:
        live_service.end_contact(session, contact_id=contact.id, actor=agent, playbook=playbook)
