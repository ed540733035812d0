"""Adding staff accounts. A new database (say, one just filled by a roster import) has
none: its first account must be a supervisor and needs no sign-in; after that only a
signed-in supervisor adds staff."""

from datetime import datetime

from sqlmodel import Session, col, select

from helpdesk_tui.data.passwords import hash_password
from helpdesk_tui.data.tables import School, Staff
from helpdesk_tui.services.accounts import password_problem
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember, SystemActor
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.errors import DomainError, NotPermitted
from helpdesk_tui.services.kernel.permissions import require_supervisor
from helpdesk_tui.services.staff.sign_in import active_staff_count
from helpdesk_tui.vocabulary import AuditAction, Role

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
    first = active_staff_count(session) == 0
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
