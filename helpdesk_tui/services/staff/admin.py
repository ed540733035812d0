"""Staff accounts: adding one, listing them (with their last sign-in), unlocking one. A new database (say, one
just filled by a roster import) has none: its first account must be a supervisor and
needs no sign-in; after that only a signed-in supervisor adds staff, lists them (with
their locks) and unlocks an account locked after repeated failed sign-ins."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from helpdesk_tui.data.passwords import hash_password
from helpdesk_tui.data.tables import AuditEvent, School, Staff
from helpdesk_tui.services.accounts import password_problem
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember, SystemActor
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.errors import DomainError, NotPermitted
from helpdesk_tui.services.kernel.permissions import require_supervisor
from helpdesk_tui.services.staff.sign_in import has_staff_accounts
from helpdesk_tui.services.staff.throttle import MAX_NAME, clean_name
from helpdesk_tui.vocabulary import AuditAction, AuditOutcome, Role

FIRST_STAFF = SystemActor("first-setup")


def add_staff(
    session: Session,
    *,
    actor: StaffMember | None,
    username: str,
    full_name: str,
    role: str,
    password: str,
    school_code: str | None = None,
    now: datetime | None = None,
) -> str:
    """Create a staff account; returns the line to show."""
    now = resolve_now(now)
    if actor is None and session.get_bind().dialect.name == "postgresql":
        # Two first accounts at once: the second waits, then finds the first.
        session.connection().exec_driver_sql("LOCK TABLE staff IN EXCLUSIVE MODE")
    first = not has_staff_accounts(session)  # never had any: inactive accounts count
    if actor is None and not first:
        raise NotPermitted("Staff already exist: sign in as a supervisor (--staff) to add more.")
    if first and role != Role.SUPERVISOR:
        raise DomainError("The first staff account must be a supervisor, who then adds the rest.")
    if actor is not None:
        require_supervisor(session, actor=actor, action=AuditAction.STAFF_ADDED)
    name = username.strip().casefold()
    if not (3 <= len(name) <= 64) or not all(c.isalnum() or c in "-._" for c in name):
        raise DomainError(
            "A staff username has 3 to 64 letters, digits, dots, dashes or underscores."
        )
    if not Role.has(role):
        raise DomainError(f"The role is one of: {', '.join(Role)}.")
    full_name = " ".join(full_name.split())
    if not 1 <= len(full_name) <= 120:
        raise DomainError("Give the person's full name (at most 120 characters).")
    problem = password_problem(password)
    if problem:
        raise DomainError(problem)
    school_id = None
    if role == Role.CLERK:
        if not school_code:
            raise DomainError("A clerk works at one school: give its code (--school).")
        school_id = session.exec(select(School.id).where(col(School.code) == school_code)).first()
        if school_id is None:
            raise DomainError(f"No school has the code {school_code}.")
    if session.exec(select(Staff.id).where(col(Staff.username) == name)).first() is not None:
        raise DomainError(f"The staff username {name} is taken.")
    session.add(
        Staff(
            username=name,
            full_name=full_name,
            role=role,
            school_id=school_id,
            password_hash=hash_password(password),
            created_at=now,
        )
    )
    audit.record(
        session,
        actor=actor or FIRST_STAFF,
        action=AuditAction.STAFF_ADDED,
        guardian_id=None,
        detail=f"{name} ({role}{', school ' + school_code if school_code else ''})",
        now=now,
    )
    return f"Added {full_name} ({name}, {role})."


# -- listing and unlocking -----------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StaffAccount:
    username: str
    full_name: str
    role: Role
    school_name: str | None
    active: bool
    failed_sign_ins: int  # in a row, since the last sign-in or unlock
    last_failed_sign_in_at: datetime | None
    locked_at: datetime | None
    school_code: str | None = None
    must_change_password: bool = False  # reset: a new password at the next sign-in
    last_signed_in_at: datetime | None = None
    temporary_expired: bool = False  # the reset's temporary password no longer works

    @property
    def status(self) -> str:
        if self.locked_at is not None:
            state = f"LOCKED since {self.locked_at:%Y-%m-%d %H:%M} UTC"
            return state if self.active else f"disabled, {state}"
        state = "active" if self.active else "disabled"
        if self.must_change_password and self.temporary_expired:
            state += ", temporary password expired (reset it again)"
        elif self.must_change_password:
            state += ", password reset (a new one at the next sign-in)"
        if self.failed_sign_ins:
            s = "" if self.failed_sign_ins == 1 else "s"
            return f"{state}, {self.failed_sign_ins} failed sign-in{s} in a row"
        return state

    @property
    def last_sign_in(self) -> str:
        """When they last signed in, as a person reads it."""
        if self.last_signed_in_at is None:
            return "never"
        return f"{self.last_signed_in_at:%Y-%m-%d %H:%M} UTC"


def list_staff(
    session: Session, *, actor: StaffMember, now: datetime | None = None
) -> list[StaffAccount]:
    """Every staff account, by username, with its lock and last sign-in (supervisors
    only)."""
    now = resolve_now(now)
    require_supervisor(session, actor=actor, action=AuditAction.STAFF_LISTED, now=now)
    last = dict(
        session.exec(
            select(col(AuditEvent.staff_id), func.max(col(AuditEvent.at)))
            .where(
                col(AuditEvent.action) == AuditAction.STAFF_SIGNED_IN,
                col(AuditEvent.staff_id).is_not(None),
            )
            .group_by(col(AuditEvent.staff_id))
        ).all()
    )
    rows = session.exec(
        select(Staff, School.name, School.code)
        .join(School, col(School.id) == col(Staff.school_id), isouter=True)
        .order_by(col(Staff.username))
    ).all()
    return [
        StaffAccount(
            username=staff.username,
            full_name=staff.full_name,
            role=Role(staff.role),
            school_name=school_name,
            active=staff.active,
            failed_sign_ins=staff.failed_sign_ins,
            last_failed_sign_in_at=_utc(staff.last_failed_sign_in_at),
            locked_at=_utc(staff.locked_at),
            school_code=school_code,
            must_change_password=staff.must_change_password,
            last_signed_in_at=_utc(last.get(staff.id)),
            temporary_expired=staff.temporary_password_expires_at is not None
            and staff.temporary_password_expires_at <= now,
        )
        for staff, school_name, school_code in rows
    ]


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment else None


def unlock_staff(
    session: Session,
    *,
    actor: StaffMember,
    username: str,
    reason: str,
    now: datetime | None = None,
) -> str:
    """Unlock a staff account locked after repeated failed sign-ins (supervisors only,
    with a reason for the audit trail); its failure count starts again from zero."""
    now = resolve_now(now)
    require_supervisor(session, actor=actor, action=AuditAction.STAFF_UNLOCKED, now=now)
    why = audit.clean_reason(reason, required=True)
    staff = staff_named(session, username)
    name = staff.username
    if staff.locked_at is None:
        raise DomainError(f"{name} is not locked: they can sign in with their password.")
    staff.locked_at = None
    staff.failed_sign_ins = 0
    audit.record(
        session,
        actor=actor,
        action=AuditAction.STAFF_UNLOCKED,
        guardian_id=None,
        outcome=AuditOutcome.CLEARED,
        reason=why,
        detail=name,
        now=now,
    )
    return f"Unlocked {name}: they can sign in again."


def staff_named(session: Session, username: str) -> Staff:
    """The account called ``username`` (as typed: cleaned first), its row locked for the
    change about to be made; refused in words when there is none."""
    name = clean_name(username)
    staff = None
    if 0 < len(name) <= MAX_NAME:
        staff = session.exec(
            select(Staff).where(col(Staff.username) == name).with_for_update()
        ).first()
    if staff is None:
        raise DomainError(
            f"No staff account is named {name[:MAX_NAME]}. The staff list (F9, or "
            "`helpdesk staff list`) shows every account."
        )
    return staff
