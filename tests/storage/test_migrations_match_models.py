"""The hand-written revisions of each domain's branch create exactly what its models declare."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from calmdesk.cases import models as cases_models
from calmdesk.chat import models as chat_models
from calmdesk.live import models as live_models
from calmdesk.mail import models as mail_models
from calmdesk.outbox import models as outbox_models
from calmdesk.social import models as social_models
from calmdesk.storage.db import Base

DOMAINS = [
    pytest.param(
        cases_models.Case,
        {
            "cases",
            "case_events",
            "compensations",
            "case_surveys",
            "case_saved_filters",
            "case_notes",
            "case_mentions",
        },
        id="0002_cases",
    ),
    pytest.param(
        live_models.Alert,
        {"live_contacts", "live_contact_events", "live_contact_keys", "live_alerts"},
        id="0003_live",
    ),
    pytest.param(
        social_models.PublicPost,
        {"social_posts", "social_post_events", "social_promises"},
        id="0004_social",
    ),
    pytest.param(
        chat_models.ChatConversation,
        {"chat_agent_links", "chat_conversations", "chat_messages", "chat_notes"},
        id="0007_chat",
    ),
    pytest.param(
        mail_models.MailMessage,
        {"mail_messages", "mail_attachments", "mail_notices", "mail_state"},
        id="0005_mail",
    ),
    pytest.param(
        outbox_models.OutboxMessage,
        {"outbox_messages", "outbox_attempts", "webhook_subscriptions"},
        id="0006_webhooks",
    ),
]


def _table_of(diff: Any, tables: set[str]) -> str | None:
    for part in diff if isinstance(diff, list) else [diff]:
        for item in part[1:] if isinstance(part, tuple) else []:
            name = getattr(item, "name", None) if not isinstance(item, str) else item
            table = getattr(item, "table", None)
            if table is not None and table.name in tables:
                return str(table.name)
            if name in tables:
                return str(name)
    return None


@pytest.mark.parametrize(("model", "tables"), DOMAINS)
def test_the_migration_matches_the_models(engine: Engine, model: Any, tables: set[str]) -> None:
    assert model.__tablename__ in Base.metadata.tables
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": False}
        )
        diffs = [d for d in compare_metadata(context, Base.metadata) if _table_of(d, tables)]
    assert diffs == []
