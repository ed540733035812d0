"""security: audit outcomes that say what happened; staff sign-in throttling; desk
idle lock and staff lockout policy; demo districts marked as such; login-attempt
indexes for the portal's per-source throttle, and attempts it turned away marked

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from helpdesk_tui.data.audit_guard import create_guards, drop_guards

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OUTCOMES_BEFORE = "outcome IN ('done', 'denied')"
_OUTCOMES_AFTER = "outcome IN ('done', 'denied', 'passed', 'failed', 'blocked', 'cleared')"
# The only district a demo can have been before districts were marked.
_DEMO_NAME = "Riverbend Community Unit School District 88"


def _audit_outcomes(check: str) -> None:
    # SQLite rebuilds the table to change a CHECK, which drops its triggers: they are
    # lifted first and put back after, in this migration's transaction.
    drop_guards(op.get_bind())
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint("ck_audit_event_outcome", type_="check")
        batch_op.create_check_constraint("ck_audit_event_outcome", check)
    create_guards(op.get_bind())


def upgrade() -> None:
    _audit_outcomes(_OUTCOMES_AFTER)
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_sign_ins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("last_failed_sign_in_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("locked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    with op.batch_alter_table("district_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("staff_lockout_threshold", sa.Integer(), nullable=False, server_default="5")
        )
        batch_op.add_column(
            sa.Column("desk_idle_lock_minutes", sa.Integer(), nullable=False, server_default="10")
        )
        batch_op.add_column(
            sa.Column("is_demo", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("demo_built_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    op.execute(
        sa.text(
            "UPDATE district_settings SET is_demo = :yes, demo_built_at = CURRENT_TIMESTAMP "
            "WHERE name = :name"
        ).bindparams(yes=True, name=_DEMO_NAME)
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_staff_username", ["staff_username", "action"])
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("throttled", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index("ix_login_attempt_ip_time", ["ip_address", "attempted_at"])
        batch_op.create_index("ix_login_attempt_username_time", ["username_tried", "attempted_at"])


def downgrade() -> None:
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempt_username_time")
        batch_op.drop_index("ix_login_attempt_ip_time")
        batch_op.drop_column("throttled")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_staff_username")
    with op.batch_alter_table("district_settings", schema=None) as batch_op:
        for column in ("demo_built_at", "is_demo", "desk_idle_lock_minutes"):
            batch_op.drop_column(column)
        batch_op.drop_column("staff_lockout_threshold")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        for column in ("locked_at", "last_failed_sign_in_at", "failed_sign_ins"):
            batch_op.drop_column(column)
    # A trail that already holds the new outcomes cannot go back: the old CHECK refuses
    # them, and audit rows are never rewritten.
    _audit_outcomes(_OUTCOMES_BEFORE)
