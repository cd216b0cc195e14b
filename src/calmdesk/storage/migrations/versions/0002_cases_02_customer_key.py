"""cases: the customer's contact in one spelling (E.164 phones, case-folded e-mails)

Revision ID: 0002_cases_02_customer_key
Revises: 0002_cases
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from calmdesk.analysis.contact_keys import contact_key
from calmdesk.playbook.region import configured_region

revision: str = "0002_cases_02_customer_key"
down_revision: str | Sequence[str] | None = "0002_cases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

cases = sa.table(
    "cases",
    sa.column("id", sa.Integer()),
    sa.column("customer_contact", sa.String()),
    sa.column("customer_key", sa.String()),
)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("customer_key", sa.String(320), nullable=True))
        batch.create_index("ix_cases_customer_key", ["customer_key"])
    connection = op.get_bind()
    region = configured_region()
    rows = connection.execute(
        sa.select(cases.c.id, cases.c.customer_contact).where(cases.c.customer_contact.is_not(None))
    ).all()
    for case_id, contact in rows:
        connection.execute(
            cases.update()
            .where(cases.c.id == case_id)
            .values(customer_key=contact_key(contact, region))
        )


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_customer_key")
        batch.drop_column("customer_key")
