"""The append-only audit trail. Each row carries the hash of the row before it, and
database triggers refuse UPDATE and DELETE (see data/audit_guard.py)."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from helpdesk_tui.data.tables.checks import one_of
from helpdesk_tui.vocabulary import AuditOutcome


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (
        one_of("outcome", AuditOutcome, name="ck_audit_event_outcome"),
        Index("ix_audit_event_guardian", "guardian_id", "id"),
        # Staff sign-in throttling counts recent failures for a name nobody has.
        Index("ix_audit_event_staff_username", "staff_username", "action"),
        # Each staff member's last sign-in (the staff list) without reading the trail.
        Index("ix_audit_event_action_staff", "action", "staff_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    staff_username: str = Field(max_length=64)
    guardian_id: int | None = Field(default=None, foreign_key="guardian.id")
    action: str = Field(max_length=40)
    outcome: str = Field(max_length=10)
    verification_id: int | None = Field(default=None, foreign_key="verification.id")
    verification: str = Field(default="", max_length=200)
    reason: str = Field(default="", max_length=500)
    detail: str = Field(default="", max_length=500)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)
