"""ticket attachments: pictures, PDFs and plain text that came with incoming email,
stored in the database with their size and checksum; and an index on who opened a
ticket when (each desk's header counts its staff member's calls today)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 17:09:54
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A new table: no batch copy needed on SQLite; the indexes go through batch mode
    # like every other migration's.
    op.create_table(
        "ticket_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        # BLOB on SQLite, BYTEA on PostgreSQL (stored out of line by TOAST).
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint("size >= 0", name="ck_ticket_attachment_size"),
        sa.ForeignKeyConstraint(["message_id"], ["ticket_message.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ticket_attachment", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_attachment_message", ["message_id"], unique=False)
        batch_op.create_index(
            "ix_ticket_attachment_ticket", ["ticket_id", "message_id"], unique=False
        )
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_creator", ["created_by_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_creator")
    with op.batch_alter_table("ticket_attachment", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_attachment_ticket")
        batch_op.drop_index("ix_ticket_attachment_message")
    op.drop_table("ticket_attachment")
