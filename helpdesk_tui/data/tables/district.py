"""District-wide settings and the schools."""

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel


class DistrictSettings(SQLModel, table=True):
    """One row (id 1): who the district is and the policies the services enforce."""

    __tablename__ = "district_settings"
    __table_args__ = (CheckConstraint("id = 1", name="ck_district_settings_single_row"),)

    id: int = Field(default=1, primary_key=True)
    name: str = Field(max_length=200)
    portal_url: str = Field(max_length=300)
    helpdesk_email: str = Field(max_length=254)
    helpdesk_phone: str = Field(max_length=40)
    time_zone: str = Field(default="America/Chicago", max_length=64)
    country: str = Field(default="US", max_length=2)
    subdivision: str = Field(default="IL", max_length=8)
    # Helpdesk hours, local time "HH:MM"; business days as ISO weekday digits (1 = Monday).
    hours_open: str = Field(default="07:30", max_length=5)
    hours_close: str = Field(default="15:30", max_length=5)
    business_days: str = Field(default="12345", max_length=7)
    school_year_start: int = Field(
        default=2026, description="Calendar year the current school year starts in"
    )
    lockout_threshold: int = Field(default=5, ge=1)
    portal_idle_minutes: int = Field(default=60, ge=1)
    key_valid_days: int = Field(default=90, ge=1)
    # Caller verification policy: how many screening answers must match, which proofs
    # count (comma-separated: email_code, callback, photo_id), how long a pass lasts and
    # how many failures in 24 hours block the guardian until a supervisor clears it.
    verify_screening_required: int = Field(default=2, ge=0)
    verify_proofs: str = Field(default="email_code,callback,photo_id", max_length=100)
    verify_pass_minutes: int = Field(default=15, ge=1)
    verify_failure_limit: int = Field(default=3, ge=1)
    # Staff desks: wrong passwords before a staff account locks (a supervisor unlocks
    # it) and idle minutes before a desk hides its screen and asks for the password.
    staff_lockout_threshold: int = Field(default=5, ge=1)
    desk_idle_lock_minutes: int = Field(default=10, ge=1)
    # A demo district (seed-demo) may be wiped and rebuilt; a real district's may not.
    # demo_built_at is set only once the whole demo district is written.
    is_demo: bool = False
    demo_built_at: datetime | None = None


class School(SQLModel, table=True):
    __tablename__ = "school"
    __table_args__ = (
        CheckConstraint(
            "low_grade BETWEEN 0 AND 12 AND high_grade BETWEEN low_grade AND 12",
            name="ck_school_grades",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    sourced_id: str | None = Field(default=None, max_length=255, unique=True)
    code: str = Field(max_length=16, unique=True)
    name: str = Field(max_length=120)
    level: str = Field(max_length=16, description="elementary, middle or high")
    low_grade: int = Field(description="0 is kindergarten")
    high_grade: int
    city: str = Field(max_length=80)
    phone: str = Field(max_length=40)
