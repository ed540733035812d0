"""batch activation keys: a run (key_batch) and the families it considered
(key_batch_item: pending, issued or skipped with the reason), so that a run stopped part
way is resumed without giving a family two keys

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Text = sqlmodel.sql.sqltypes.AutoString
When = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "key_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", When(), nullable=False),
        sa.Column("started_by_staff_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("list_name", Text(length=20), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("by_email", sa.Boolean(), nullable=False),
        sa.Column("by_letter", sa.Boolean(), nullable=False),
        sa.Column("state", Text(length=10), nullable=False),
        sa.Column("parts_folder", Text(length=1000), nullable=True),
        sa.Column("letters_to", Text(length=1000), nullable=True),
        sa.Column("finished_at", When(), nullable=True),
        sa.CheckConstraint(
            "list_name IN ('no_account', 'key_outstanding', 'disabled', 'never_used')",
            name="ck_key_batch_list",
        ),
        sa.CheckConstraint("state IN ('running', 'done')", name="ck_key_batch_state"),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.ForeignKeyConstraint(["started_by_staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "key_batch_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("routing", Text(length=200), nullable=False),
        sa.Column("state", Text(length=10), nullable=False),
        sa.Column("reason", Text(length=20), nullable=True),
        sa.Column("by_email", sa.Boolean(), nullable=False),
        sa.Column("by_letter", sa.Boolean(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", When(), nullable=True),
        sa.CheckConstraint(
            "state IN ('pending', 'issued', 'skipped')", name="ck_key_batch_item_state"
        ),
        sa.ForeignKeyConstraint(["batch_id"], ["key_batch.id"]),
        sa.ForeignKeyConstraint(["guardian_id"], ["guardian.id"]),
        sa.ForeignKeyConstraint(["household_id"], ["household.id"]),
        sa.ForeignKeyConstraint(["key_id"], ["activation_key.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("batch_id", "guardian_id", name="uq_key_batch_item_guardian"),
    )
    # New tables: plain CREATE INDEX on both databases (no batch rebuild needed).
    op.create_index("ix_key_batch_item_guardian", "key_batch_item", ["guardian_id"])
    op.create_index("ix_key_batch_item_next", "key_batch_item", ["batch_id", "state", "position"])


def downgrade() -> None:
    op.drop_index("ix_key_batch_item_next", table_name="key_batch_item")
    op.drop_index("ix_key_batch_item_guardian", table_name="key_batch_item")
    op.drop_table("key_batch_item")
    op.drop_table("key_batch")
