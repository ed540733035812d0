"""Caller verification: one row per attempt, the one-time codes it sent, and the
blocks that repeated failures put on a guardian.

Only which checklist items were checked and their result are kept, never the
caller's answers, an ID number or a code in clear.
"""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from helpdesk_tui.data.tables.checks import one_of
from helpdesk_tui.vocabulary import VerificationMethod, VerificationOutcome


class Verification(SQLModel, table=True):
    __tablename__ = "verification"
    __table_args__ = (
        one_of("method", VerificationMethod, name="ck_verification_method"),
        one_of("outcome", VerificationOutcome, name="ck_verification_outcome"),
        Index("ix_verification_guardian_time", "guardian_id", "started_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    guardian_id: int = Field(foreign_key="guardian.id")
    staff_id: int = Field(foreign_key="staff.id")
    method: str = Field(max_length=10)
    started_at: datetime
    finished_at: datetime | None = None
    outcome: str = Field(default=VerificationOutcome.OPEN, max_length=10)
    # JSON object {item: "match" | "no match"}: which items were checked, not the answers.
    screening: str = Field(default="{}", max_length=2000)
    # JSON object {proof: detail}: e.g. {"email_code": "confirmed", "photo_id": "driver licence"}.
    proofs: str = Field(default="{}", max_length=2000)
    # Until when a pass unlocks sensitive actions for this guardian and this staff member.
    valid_until: datetime | None = None


class VerificationCode(SQLModel, table=True):
    """A one-time 6-digit code sent to an email on file; kept only as an argon2 hash."""

    __tablename__ = "verification_code"

    id: int | None = Field(default=None, primary_key=True)
    verification_id: int = Field(foreign_key="verification.id", index=True)
    code_hash: str = Field(max_length=200)
    sent_to: str = Field(max_length=254)
    created_at: datetime
    expires_at: datetime
    tries: int = 0
    confirmed_at: datetime | None = None


class VerificationBlock(SQLModel, table=True):
    """Set when a guardian fails verification too often; only a supervisor clears it.
    Open blocks are the supervisors' alerts."""

    __tablename__ = "verification_block"
    __table_args__ = (Index("ix_verification_block_guardian", "guardian_id", "cleared_at"),)

    id: int | None = Field(default=None, primary_key=True)
    guardian_id: int = Field(foreign_key="guardian.id")
    blocked_at: datetime
    failures: int
    cleared_at: datetime | None = None
    cleared_by_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    clear_reason: str | None = Field(default=None, max_length=300)
