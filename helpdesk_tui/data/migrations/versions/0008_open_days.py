"""supervisors' settings, decisions and dashboard: public holidays the helpdesk works all
the same (open_day), emails that could not be imported (mail_import_failure), restricted
relationships to review (a partial index), failed mail a supervisor discarded
(outbox_message.discarded_at), and for the service-level figures each ticket's measured
business times (ticket.*_business_seconds) and partial indexes over live tickets

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LIVE = "merged_into_id IS NULL"
# The service-level figures' indexes (data/tables/tickets.py says what each serves).
SLA_INDEXES: tuple[tuple[str, list[str]], ...] = (
    ("ix_ticket_sla_arrived", ["channel", "category", "created_at"]),
    ("ix_ticket_sla_calls", ["created_by_id", "channel", "created_at"]),
    (
        "ix_ticket_sla_first_due",
        [
            "assignee_id",
            "first_response_due_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "pending_since",
        ],
    ),
    (
        "ix_ticket_sla_resolution_due",
        ["resolution_due_at", "resolved_at", "closed_at", "pending_since"],
    ),
    (
        "ix_ticket_sla_resolved",
        [
            "assignee_id",
            "resolved_at",
            "business_calendar_key",
            "resolution_measured_at",
            "resolution_business_seconds",
        ],
    ),
    (
        "ix_ticket_sla_ended",
        [
            "resolved_at",
            "closed_at",
            "business_calendar_key",
            "resolution_measured_at",
            "resolution_business_seconds",
        ],
    ),
    ("ix_ticket_sla_open", ["status", "assignee_id", "created_at"]),
    (
        "ix_ticket_sla_answered",
        ["first_response_at", "business_calendar_key", "first_response_business_seconds"],
    ),
)
TICKET_COLUMNS = (
    ("first_response_business_seconds", sa.Float()),
    ("resolution_business_seconds", sa.Float()),
    ("resolution_measured_at", sqlmodel.sql.sqltypes.UTCDateTime()),
    ("business_calendar_key", sa.Integer()),
)


def upgrade() -> None:
    op.create_table(
        "open_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.create_table(
        "mail_import_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("failed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("message_id", sa.String(length=300), nullable=True),
        sa.Column("sender", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column("handled_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("handled_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(["handled_by_staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_mail_import_failure_open", "mail_import_failure", ["handled_at", "failed_at"]
    )
    op.create_index(
        "ix_guardian_student_restricted",
        "guardian_student",
        ["guardian_id"],
        sqlite_where=sa.text("restricted"),
        postgresql_where=sa.text("restricted"),
    )
    # Plain ADD COLUMN (see 0007): a batch rebuild of the outbox is not needed.
    op.add_column(
        "outbox_message",
        sa.Column("discarded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    )
    for name, type_ in TICKET_COLUMNS:  # empty: the figures measure them until stored
        op.add_column("ticket", sa.Column(name, type_, nullable=True))
    for name, columns in SLA_INDEXES:  # over live tickets only: a merged one counts nowhere
        op.create_index(
            name,
            "ticket",
            columns,
            sqlite_where=sa.text(_LIVE),
            postgresql_where=sa.text(_LIVE),
        )


def downgrade() -> None:
    for name, _ in reversed(SLA_INDEXES):
        op.drop_index(name, table_name="ticket")
    for name, _ in reversed(TICKET_COLUMNS):
        op.drop_column("ticket", name)
    op.drop_column("outbox_message", "discarded_at")
    op.drop_index("ix_guardian_student_restricted", table_name="guardian_student")
    op.drop_index("ix_mail_import_failure_open", table_name="mail_import_failure")
    op.drop_table("mail_import_failure")
    op.drop_table("open_day")
