"""Staff accounts and sign-in. The signed-in ``StaffMember`` is the actor of every call."""

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from helpdesk_tui.data.passwords import verify_password
from helpdesk_tui.data.tables import School, Staff
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.errors import SignInFailed
from helpdesk_tui.vocabulary import Role

MAX_CREDENTIAL_LENGTH = 200
SIGN_IN_FAILED = (
    "That username and password do not match an active staff account. Check both and try again."
)


def active_staff_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Staff).where(col(Staff.active))).one()


def authenticate(session: Session, *, username: str, password: str) -> StaffMember:
    """The staff member for these credentials; SignInFailed says nothing of which part
    was wrong, and an unknown username costs the same hashing time as a known one."""
    name = username.strip().casefold()
    if (
        not name
        or not password
        or len(name) > MAX_CREDENTIAL_LENGTH
        or len(password) > MAX_CREDENTIAL_LENGTH
    ):
        verify_password(None, password[:MAX_CREDENTIAL_LENGTH])
        raise SignInFailed(SIGN_IN_FAILED)
    row = session.exec(
        select(Staff, School.name)
        .join(School, col(School.id) == col(Staff.school_id), isouter=True)
        .where(Staff.username == name)
    ).first()
    staff, school_name = row if row else (None, None)
    ok = verify_password(staff.password_hash if staff else None, password)
    if staff is None or not ok or not staff.active:
        raise SignInFailed(SIGN_IN_FAILED)
    return StaffMember(
        id=staff.id or 0,
        username=staff.username,
        full_name=staff.full_name,
        role=Role(staff.role),
        school_id=staff.school_id,
        school_name=school_name,
    )


@dataclass(frozen=True, slots=True)
class StaffChoice:
    id: int
    full_name: str
    role: Role


def active_staff(session: Session) -> list[StaffChoice]:
    """Who a ticket can be assigned to."""
    rows = session.exec(select(Staff).where(col(Staff.active)).order_by(col(Staff.full_name))).all()
    return [StaffChoice(s.id or 0, s.full_name, Role(s.role)) for s in rows]
