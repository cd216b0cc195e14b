"""cases: indexes of the reports page (complaints received in a period, a contact's case)

Revision ID: 0002_cases_05_reports
Revises: 0002_cases_04_customer
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002_cases_05_reports"
down_revision: str | Sequence[str] | None = "0002_cases_04_customer"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every report takes the complaints received in a period: a range scan of this index.
    op.create_index("ix_cases_received_at", "cases", ["received_at"])
    # The abuse report looks up the team of the case opened from each contact.
    op.create_index("ix_cases_source_contact", "cases", ["source_contact_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_cases_source_contact", table_name="cases")
    op.drop_index("ix_cases_received_at", table_name="cases")
