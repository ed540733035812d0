"""The parts of a guardian's record: students and their relationship flags,
households, the portal account, key history (never a key value) and recent sign-ins.
Contact details in them (households' addresses and phones, birth dates) come masked
unless ``shown`` (see contact.py for when they are)."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import (
    ActivationKey,
    Guardian,
    GuardianStudent,
    Household,
    HouseholdMember,
    LoginAttempt,
    PortalAccount,
    School,
    Staff,
    Student,
    core_table,
)
from helpdesk_tui.services.kernel.district import DistrictInfo, grade_label
from helpdesk_tui.services.kernel.masking import DATE_MASK, mask_address, mask_phone
from helpdesk_tui.vocabulary import AccountStatus, KeyStatus

ACCESS_LOG_ROWS = 20


@dataclass(frozen=True, slots=True)
class StudentLink:
    student_id: int
    name: str
    student_number: str
    grade: str
    school: str
    enrolled_this_year: bool
    enrolled_next_year: bool
    relation: str
    is_guardian: bool
    portal_access: bool
    restricted: bool
    birth_date: str = ""  # masked until the caller is verified; "" when not on file

    @property
    def enrollment(self) -> str:
        years = [
            label
            for label, on in (("this", self.enrolled_this_year), ("next", self.enrolled_next_year))
            if on
        ]
        if len(years) == 2:
            return "this+next"  # short: the students table is wide
        return f"{years[0]} year" if years else "not enrolled"

    @property
    def rights(self) -> str:
        """The relationship's rights in two words: legal guardian, portal access."""
        held = [
            name
            for name, on in (("guardian", self.is_guardian), ("portal", self.portal_access))
            if on
        ]
        return "+".join(held) or "none"


@dataclass(frozen=True, slots=True)
class HouseholdView:
    name: str
    address: str
    phone: str
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AccountView:
    username: str
    status: AccountStatus
    failed_login_count: int
    disabled_at: datetime | None
    disabled_reason: str | None
    last_login_at: datetime | None
    created_at: datetime
    security_email: str | None
    security_email_verified: bool


@dataclass(frozen=True, slots=True)
class KeyView:
    last4: str
    status: KeyStatus
    issued_at: datetime
    issued_by: str
    expires_at: datetime | None
    redeemed_at: datetime | None
    redeemed_by_username: str | None
    revoked_at: datetime | None
    revoke_reason: str | None

    @property
    def masked(self) -> str:
        return f"…-{self.last4}"


@dataclass(frozen=True, slots=True)
class LoginView:
    at: datetime
    ip_address: str
    success: bool
    username_tried: str
    throttled: bool = False  # turned away by the portal's throttle, no password checked


def _born(day: date | None, shown: bool) -> str:
    if day is None:
        return ""
    return day.isoformat() if shown else DATE_MASK


def students_of(session: Session, guardian_id: int, *, shown: bool) -> tuple[StudentLink, ...]:
    rows = session.exec(
        select(Student, col(School.name), GuardianStudent)
        .join(GuardianStudent, col(GuardianStudent.student_id) == col(Student.id))
        .join(School, col(School.id) == col(Student.school_id))
        .where(col(GuardianStudent.guardian_id) == guardian_id)
        .order_by(col(Student.grade).desc(), col(Student.id))
    ).all()
    return tuple(
        StudentLink(
            student_id=s.id or 0,
            name=f"{s.first_name} {s.last_name}",
            student_number=s.student_number,
            grade=grade_label(s.grade),
            school=school,
            enrolled_this_year=s.enrolled_this_year,
            enrolled_next_year=s.enrolled_next_year,
            relation=link.relation,
            is_guardian=link.is_guardian,
            portal_access=link.portal_access,
            restricted=link.restricted,
            birth_date=_born(s.birth_date, shown),
        )
        for s, school, link in rows
    )


def households_of(session: Session, guardian_id: int, *, shown: bool) -> tuple[HouseholdView, ...]:
    households = core_table(Household)
    members = core_table(HouseholdMember)
    guardians = core_table(Guardian)
    students = core_table(Student)
    mine, member = members.alias("mine"), members.alias("member")
    rows = session.connection().execute(
        sa_select(
            households.c.id,
            households.c.name,
            households.c.address_line,
            households.c.city,
            households.c.phone,
            guardians.c.first_name,
            guardians.c.last_name,
            students.c.first_name.label("s_first"),
            students.c.last_name.label("s_last"),
        )
        .select_from(
            households.join(
                mine,
                and_(mine.c.household_id == households.c.id, mine.c.guardian_id == guardian_id),
            )
            .join(member, member.c.household_id == households.c.id)
            .outerjoin(guardians, guardians.c.id == member.c.guardian_id)
            .outerjoin(students, students.c.id == member.c.student_id)
        )
        .order_by(households.c.id, member.c.student_id.is_not(None), member.c.id)
    )
    grouped: dict[int, tuple[Any, list[str]]] = {}
    for row in rows:
        entry = grouped.setdefault(row.id, (row, []))
        person = (
            f"{row.first_name} {row.last_name}"
            if row.first_name
            else f"{row.s_first} {row.s_last} (student)"
        )
        entry[1].append(person)
    return tuple(
        HouseholdView(
            name=h.name,
            address=", ".join(p for p in (h.address_line, h.city) if p)
            if shown
            else mask_address(h.address_line, h.city),
            phone=(h.phone if shown else mask_phone(h.phone)) if h.phone else "",
            members=tuple(people),
        )
        for h, people in grouped.values()
    )


def keys_of(session: Session, guardian_id: int, district: DistrictInfo) -> tuple[KeyView, ...]:
    issuer = aliased(Staff)
    rows = session.exec(
        select(ActivationKey, col(issuer.full_name), col(PortalAccount.username))
        .join(issuer, col(issuer.id) == col(ActivationKey.issued_by_staff_id), isouter=True)
        .join(
            PortalAccount,
            col(PortalAccount.id) == col(ActivationKey.redeemed_by_account_id),
            isouter=True,
        )
        .where(col(ActivationKey.guardian_id) == guardian_id)
        .order_by(col(ActivationKey.issued_at).desc(), col(ActivationKey.id).desc())
    ).all()
    local = district.local
    return tuple(
        KeyView(
            last4=k.last4,
            status=KeyStatus(k.status),
            issued_at=k.issued_at.astimezone(district.zone),
            issued_by=issued_by or "district import",
            expires_at=local(k.expires_at),
            redeemed_at=local(k.redeemed_at),
            redeemed_by_username=username,
            revoked_at=local(k.revoked_at),
            revoke_reason=k.revoke_reason,
        )
        for k, issued_by, username in rows
    )


def access_log_of(
    session: Session, account_id: int | None, district: DistrictInfo
) -> tuple[LoginView, ...]:
    if account_id is None:
        return ()
    rows = session.exec(
        select(LoginAttempt)
        .where(col(LoginAttempt.account_id) == account_id)
        .order_by(col(LoginAttempt.attempted_at).desc(), col(LoginAttempt.id).desc())
        .limit(ACCESS_LOG_ROWS)
    ).all()
    return tuple(
        LoginView(
            at=r.attempted_at.astimezone(district.zone),
            ip_address=r.ip_address,
            success=r.success,
            username_tried=r.username_tried,
            throttled=r.throttled,
        )
        for r in rows
    )
