"""cases: the legal deadline's missed moment and provisional calendar year; appeals of rejected
compensations

Revision ID: 0002_cases_03_legal_and_money
Revises: 0002_cases_02_customer_key
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from calmdesk.playbook.region import configured_timezone
from calmdesk.storage.types import UTCDateTime

revision: str = "0002_cases_03_legal_and_money"
down_revision: str | Sequence[str] | None = "0002_cases_02_customer_key"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

cases = sa.table(
    "cases",
    sa.column("id", sa.Integer()),
    sa.column("legal_due", sa.Date()),
    sa.column("legal_missed_at", UTCDateTime()),
)


def _missed_at(legal_due: date, zone: ZoneInfo) -> datetime:
    """The start of the day after the legal deadline in the playbook's zone, as UTC."""
    return datetime.combine(legal_due + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("legal_missed_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("legal_provisional_year", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("legal_missed_flagged_at", UTCDateTime(), nullable=True))
    connection = op.get_bind()
    zone = ZoneInfo(configured_timezone())
    rows = connection.execute(sa.select(cases.c.id, cases.c.legal_due)).all()
    for case_id, legal_due in rows:
        connection.execute(
            cases.update()
            .where(cases.c.id == case_id)
            .values(legal_missed_at=_missed_at(legal_due, zone))
        )
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("legal_missed_at", existing_type=UTCDateTime(), nullable=False)
    with op.batch_alter_table("compensations") as batch:
        batch.add_column(sa.Column("appeal", sa.Text(), nullable=True))
        batch.add_column(sa.Column("appealed_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("appealed_at", UTCDateTime(), nullable=True))
        batch.create_foreign_key(
            "fk_compensations_appealed_by_id_users",
            "users",
            ["appealed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("compensations") as batch:
        batch.drop_constraint("fk_compensations_appealed_by_id_users", type_="foreignkey")
        batch.drop_column("appealed_at")
        batch.drop_column("appealed_by_id")
        batch.drop_column("appeal")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("legal_missed_flagged_at")
        batch.drop_column("legal_provisional_year")
        batch.drop_column("legal_missed_at")
