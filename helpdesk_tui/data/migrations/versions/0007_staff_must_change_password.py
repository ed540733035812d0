"""staff administration: a staff account whose password a supervisor reset must choose a
new one at its next sign-in (must_change_password), with a temporary password that
expires (temporary_password_expires_at); an index for each person's last
sign-in

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 21:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ADD / DROP COLUMN on both databases (SQLite has both since 3.35): a batch
# operation would rebuild the staff table on SQLite, and dropping the old copy fails
# while tickets and the audit trail refer to it.
def upgrade() -> None:
    op.add_column(
        "staff",
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "staff",
        sa.Column(
            "temporary_password_expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True
        ),
    )
    # The staff list's last sign-in per person, read from the index alone.
    op.create_index("ix_audit_event_action_staff", "audit_event", ["action", "staff_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_event_action_staff", table_name="audit_event")
    op.drop_column("staff", "temporary_password_expires_at")
    op.drop_column("staff", "must_change_password")
