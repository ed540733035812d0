"""roster import: SIS ids on schools, students, guardians and households; the SIS's
restriction flag; staff-set language; portal password hashes; optional birth dates

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 08:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SOURCED = {
    "school": "sourced_id",
    "student": "sourced_id",
    "guardian": "sourced_id",
    "household": "sourced_key",
}


def upgrade() -> None:
    for table, column in _SOURCED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(column, sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True)
            )
            batch_op.create_unique_constraint(f"uq_{table}_{column}", [column])
    with op.batch_alter_table("guardian", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "language_set_by_staff", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    with op.batch_alter_table("guardian_student", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sis_restricted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE guardian_student SET sis_restricted = restricted")
    with op.batch_alter_table("portal_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
    with op.batch_alter_table("student", schema=None) as batch_op:
        batch_op.alter_column("birth_date", existing_type=sa.DATE(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("student", schema=None) as batch_op:
        batch_op.alter_column("birth_date", existing_type=sa.DATE(), nullable=False)
    with op.batch_alter_table("portal_account", schema=None) as batch_op:
        batch_op.drop_column("password_hash")
    with op.batch_alter_table("guardian_student", schema=None) as batch_op:
        batch_op.drop_column("sis_restricted")
    with op.batch_alter_table("guardian", schema=None) as batch_op:
        batch_op.drop_column("language_set_by_staff")
    for table, column in _SOURCED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"uq_{table}_{column}", type_="unique")
            batch_op.drop_column(column)
