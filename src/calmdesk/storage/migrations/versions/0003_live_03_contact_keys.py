"""live: the phone numbers and e-mail addresses said in each contact, in one spelling

Revision ID: 0003_live_03_contact_keys
Revises: 0003_live_02_privacy
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from calmdesk.analysis.contact_keys import keys_in
from calmdesk.playbook.region import configured_region

revision: str = "0003_live_03_contact_keys"
down_revision: str | Sequence[str] | None = "0003_live_02_privacy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

contacts = sa.table("live_contacts", sa.column("id", sa.Integer()), sa.column("lang", sa.String()))
events = sa.table(
    "live_contact_events", sa.column("contact_id", sa.Integer()), sa.column("text", sa.Text())
)


def upgrade() -> None:
    keys_table = op.create_table(
        "live_contact_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "contact_id",
            sa.Integer(),
            sa.ForeignKey("live_contacts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("key", sa.String(320), nullable=False),
        sa.UniqueConstraint("contact_id", "key", name="uq_live_contact_keys"),
    )
    op.create_index("ix_live_contact_keys_key", "live_contact_keys", ["key"])
    connection = op.get_bind()
    region = configured_region()
    rows = connection.execute(
        sa.select(events.c.contact_id, events.c.text, contacts.c.lang)
        .join(contacts, contacts.c.id == events.c.contact_id)
        .where(events.c.text.is_not(None))
    ).all()
    found: dict[int, set[str]] = {}
    for contact_id, text, lang in rows:
        found.setdefault(contact_id, set()).update(keys_in(text, region, lang))
    values = [{"contact_id": c, "key": k} for c, keys in found.items() for k in sorted(keys)]
    if values:
        op.bulk_insert(keys_table, values)


def downgrade() -> None:
    op.drop_index("ix_live_contact_keys_key", "live_contact_keys")
    op.drop_table("live_contact_keys")
