"""Helpdesk staff: agents, school clerks and supervisors."""

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from helpdesk_tui.data.tables.checks import one_of
from helpdesk_tui.vocabulary import Role


class Staff(SQLModel, table=True):
    __tablename__ = "staff"
    __table_args__ = (
        one_of("role", Role, name="ck_staff_role"),
        CheckConstraint("role <> 'clerk' OR school_id IS NOT NULL", name="ck_staff_clerk_school"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, description="stored lower-case")
    full_name: str = Field(max_length=120)
    role: str = Field(max_length=16)
    school_id: int | None = Field(default=None, foreign_key="school.id")
    password_hash: str = Field(max_length=200, description="argon2id")
    active: bool = True
    created_at: datetime
    # Sign-in throttling: failures since the last success; the account locks at the
    # district's staff_lockout_threshold until a supervisor unlocks it.
    failed_sign_ins: int = Field(default=0, ge=0)
    last_failed_sign_in_at: datetime | None = None
    locked_at: datetime | None = None
    # Set when a supervisor resets the password: the temporary one only lets the person
    # choose a new one at their next sign-in.
    must_change_password: bool = False
    # ...and only until then: an unused temporary password stops working.
    temporary_password_expires_at: datetime | None = None
