"""Students, guardians, households and the guardian-student relationships.

``sourced_id`` is the record's id in the district's SIS (OneRoster ``sourcedId``): a
roster import matches on it. Records made by hand or by the demo generator have none.
"""

from datetime import date

from sqlalchemy import CheckConstraint, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class Student(SQLModel, table=True):
    __tablename__ = "student"
    __table_args__ = (CheckConstraint("grade BETWEEN 0 AND 12", name="ck_student_grade"),)

    id: int | None = Field(default=None, primary_key=True)
    sourced_id: str | None = Field(default=None, max_length=255, unique=True)
    student_number: str = Field(max_length=20, unique=True)
    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80)
    # An SIS export may leave it out (no demographics.csv).
    birth_date: date | None = None
    grade: int = Field(description="0 is kindergarten, 1-12 the grades")
    school_id: int = Field(foreign_key="school.id", index=True)
    enrolled_this_year: bool = True
    enrolled_next_year: bool = True
    active: bool = True


class Guardian(SQLModel, table=True):
    __tablename__ = "guardian"

    id: int | None = Field(default=None, primary_key=True)
    sourced_id: str | None = Field(default=None, max_length=255, unique=True)
    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80)
    email: str | None = Field(default=None, max_length=254)
    alt_email: str | None = Field(default=None, max_length=254)
    mobile_phone: str | None = Field(default=None, max_length=40)
    home_phone: str | None = Field(default=None, max_length=40)
    work_phone: str | None = Field(default=None, max_length=40)
    address_line: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=80)
    state: str | None = Field(default=None, max_length=8)
    postal_code: str | None = Field(default=None, max_length=12)
    preferred_language: str = Field(default="en", max_length=8)
    # Staff set the language at the guardian's request: a roster import leaves it be.
    language_set_by_staff: bool = False
    active: bool = True


class Household(SQLModel, table=True):
    __tablename__ = "household"

    id: int | None = Field(default=None, primary_key=True)
    # The roster's household key (an import derives households; see data/oneroster).
    sourced_key: str | None = Field(default=None, max_length=255, unique=True)
    name: str = Field(max_length=120)
    address_line: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=80)
    phone: str | None = Field(default=None, max_length=40)


class HouseholdMember(SQLModel, table=True):
    """A guardian or a student in a household; a student may belong to two households."""

    __tablename__ = "household_member"
    __table_args__ = (
        CheckConstraint(
            "(guardian_id IS NULL) <> (student_id IS NULL)", name="ck_household_member_one_person"
        ),
        UniqueConstraint("household_id", "guardian_id", name="uq_household_member_guardian"),
        UniqueConstraint("household_id", "student_id", name="uq_household_member_student"),
        Index("ix_household_member_guardian", "guardian_id"),
        Index("ix_household_member_student", "student_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id")
    guardian_id: int | None = Field(default=None, foreign_key="guardian.id")
    student_id: int | None = Field(default=None, foreign_key="student.id")


class GuardianStudent(SQLModel, table=True):
    """One guardian's relationship to one student, with its own rights."""

    __tablename__ = "guardian_student"
    __table_args__ = (
        UniqueConstraint("guardian_id", "student_id", name="uq_guardian_student"),
        Index("ix_guardian_student_student", "student_id"),
        # The supervisors' list of restrictions to review: a handful of rows among
        # millions, read every few seconds for the header's count.
        Index(
            "ix_guardian_student_restricted",
            "guardian_id",
            sqlite_where=text("restricted"),
            postgresql_where=text("restricted"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    guardian_id: int = Field(foreign_key="guardian.id")
    student_id: int = Field(foreign_key="student.id")
    relation: str = Field(max_length=40, description="mother, father, stepfather, grandmother, ...")
    is_guardian: bool = True
    portal_access: bool = True
    # Custody or court order: a hard stop for portal actions until a supervisor clears it.
    restricted: bool = False
    # What the SIS said at the last import: a re-import sets ``restricted`` only when
    # this changes, so a supervisor's reviewed clearance survives re-importing.
    sis_restricted: bool = False
